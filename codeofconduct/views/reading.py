"""Reading the code of conduct: every employee."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from codeofconduct import rendering, selectors, shared
from codeofconduct.models import Policy, PolicyVersion
from codeofconduct.views.acknowledging import acknowledgement_context
from organisation.roles import is_editor


@require_GET
def policy_list(request):
    return render(request, "codeofconduct/policy_list.html", {"policies": selectors.policies_with_current()})


@require_GET
def archive(request):
    return render(request, "codeofconduct/archive.html", {"versions": selectors.archive()})


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = list(selectors.search_versions(query)[:50]) if query else []
    return render(request, "codeofconduct/search.html", {"query": query, "results": results})


@require_GET
def version_detail(request, pk):
    # Scheduled versions are published by the scheduler (jobs/schedule.py), never by a page view.
    content = shared.for_person(request.user)
    version = content.versions.get(pk)
    if version is not None:
        # The banner and the note are the same for everyone: rendered once per process and change.
        context = {"version": version, "article": content.article(version)}
    else:  # not public (Redactie's preview, or nobody's), or no such version
        version = selectors.get_version_for_user(request.user, pk)
        if not version.is_public:
            return redirect("codeofconduct:draft_preview", pk=version.pk)
        # Public, but published after the shared content this request holds was read: rendered here.
        context = {
            "version": version,
            "current": None if version.is_current else selectors.current_version(version.policy),
            "previous": selectors.previous_version(version),
        }
    return render(
        request, "codeofconduct/version_detail.html", {**context, **acknowledgement_context(request, version)}
    )


@require_GET
def policy_history(request, slug):
    policy = get_object_or_404(Policy, slug=slug)
    versions = list(selectors.history(policy, include_unpublished=is_editor(request.user)))
    return render(request, "codeofconduct/policy_history.html", {"policy": policy, "versions": versions})


@require_GET
def compare(request, slug):
    policy = get_object_or_404(Policy, slug=slug)
    versions = list(selectors.history(policy, include_unpublished=is_editor(request.user)))
    if len(versions) < 2:
        messages.info(request, _("Er is maar één versie: er valt niets te vergelijken."))
        return redirect("codeofconduct:policy_history", slug=slug)
    by_pk = {str(version.pk): version for version in versions}
    # Default: the chosen (or newest) version against the one before it.
    new = by_pk.get(request.GET.get("nieuw", ""), versions[0])
    position = versions.index(new)
    before = versions[position + 1] if position + 1 < len(versions) else versions[position - 1]
    old = by_pk.get(request.GET.get("oud", ""), before)
    diffs = rendering.compare_bodies(old.rendered_body(), new.rendered_body())
    header_changes = [
        (PolicyVersion._meta.get_field(name).verbose_name, getattr(old, name), getattr(new, name))
        for name in PolicyVersion.HEADER_FIELDS
        if getattr(old, name) != getattr(new, name)
    ]
    summary = {kind: [d for d in diffs if d.kind == kind] for kind in ("added", "removed", "changed")}
    return render(
        request,
        "codeofconduct/compare.html",
        {
            "policy": policy,
            "versions": versions,
            "old": old,
            "new": new,
            "diffs": diffs,
            "summary": summary,
            "header_changes": header_changes,
        },
    )
