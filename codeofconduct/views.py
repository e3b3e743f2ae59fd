"""Pages of the code of conduct: reading (every employee) and editing (Redactie)."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from codeofconduct import rendering, selectors, services, views_acknowledgement
from codeofconduct.forms import PolicyForm, PublishForm, VersionForm, WithdrawForm
from codeofconduct.models import Policy, PolicyVersion
from organisation.roles import Role, is_editor, require_role

Status = PolicyVersion.Status


def posted(request):
    """The form data of a POST, also when it is empty (then every required field says so), else None.

    `request.POST or None` would show an empty POST the blank form again, without a word.
    """
    return request.POST if request.method == "POST" else None


def get_version_for_user(user, pk, *, editable=False) -> PolicyVersion:
    """The one access rule: everyone reads published versions; drafts and scheduled ones are Redactie's.

    `editable=True`: Redactie only, and only a draft (a published version is immutable).
    """
    version = get_object_or_404(PolicyVersion.objects.select_related("policy"), pk=pk)
    if editable:
        if not is_editor(user):
            raise PermissionDenied
        if not version.is_editable:
            raise PermissionDenied(_("Een gepubliceerde versie kan niet meer gewijzigd worden."))
        return version
    if not version.is_public and not is_editor(user):
        raise Http404
    return version


# --- Reading -------------------------------------------------------------------------------------


@require_GET
def policy_list(request):
    services.publish_due_versions()
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
    services.publish_due_versions()
    version = get_version_for_user(request.user, pk)
    if not version.is_public:
        return redirect("codeofconduct:draft_preview", pk=version.pk)
    current = None if version.is_current else selectors.current_version(version.policy)
    return render(
        request,
        "codeofconduct/version_detail.html",
        {
            "version": version,
            "current": current,
            "previous": selectors.previous_version(version),
            **views_acknowledgement.acknowledgement_context(request, version),
        },
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


# --- Editing (Redactie) ----------------------------------------------------------------------------


@require_role(Role.EDITOR)
@require_GET
def editor_dashboard(request):
    policies = selectors.policies_with_current()
    pending = (
        PolicyVersion.objects.filter(status__in=[Status.DRAFT, Status.SCHEDULED])
        .select_related("policy", "created_by")
        .order_by("policy__title", "-updated_at")
    )
    return render(request, "codeofconduct/editor/dashboard.html", {"policies": policies, "pending": pending})


@require_role(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def policy_create(request):
    form = PolicyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            policy, created = services.policy_create(title=form.cleaned_data["title"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(request, _("Beleidstekst '%(title)s' aangemaakt.") % {"title": policy.title})
            else:
                messages.info(request, _("De beleidstekst '%(title)s' bestond al.") % {"title": policy.title})
            return redirect("codeofconduct:draft_create", slug=policy.slug)
    return render(request, "codeofconduct/editor/policy_create.html", {"form": form})


@require_role(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def draft_create(request, slug):
    policy = get_object_or_404(Policy, slug=slug)
    current = selectors.current_version(policy)
    if request.method == "POST":
        copy_from = current if request.POST.get("start") == "copy" and current else None
        try:
            token = uuid.UUID(request.POST.get("token", ""))
        except ValueError:
            token = None
        draft = services.draft_create(policy=policy, by=request.user, copy_from=copy_from, token=token)
        messages.success(request, _("Ontwerp %(nummer)s aangemaakt.") % {"nummer": draft.nummer})
        return redirect("codeofconduct:draft_edit", pk=draft.pk)
    return render(
        request, "codeofconduct/editor/draft_create.html", {"policy": policy, "current": current, "token": uuid.uuid4()}
    )


@require_role(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def draft_edit(request, pk):
    version = get_version_for_user(request.user, pk, editable=True)
    form = VersionForm(posted(request), instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.draft_save(version=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form.save_m2m()
            messages.success(request, _("Ontwerp bewaard."))
            if "preview" in request.POST:
                return redirect("codeofconduct:draft_preview", pk=version.pk)
            return redirect("codeofconduct:draft_edit", pk=version.pk)
    return render(request, "codeofconduct/editor/draft_edit.html", {"version": version, "form": form})


@require_role(Role.EDITOR)
@require_GET
def draft_preview(request, pk):
    version = get_version_for_user(request.user, pk)
    current = selectors.current_version(version.policy)
    return render(
        request,
        "codeofconduct/version_detail.html",
        {"version": version, "current": current, "previous": current, "preview": True},
    )


@require_role(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def publish(request, pk):
    """GET: confirmation that says what will be superseded; POST: publish now or schedule."""
    version = get_version_for_user(request.user, pk)
    if version.status not in (Status.DRAFT, Status.SCHEDULED):
        raise PermissionDenied(_("Deze versie is al gepubliceerd of ingetrokken."))
    current = selectors.current_version(version.policy)
    form = PublishForm(posted(request))
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_publish(
                version=version,
                by=request.user,
                publish_at=form.cleaned_data["publish_at"],
                is_editorial_change=form.cleaned_data["is_editorial_change"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            problems = error.messages
        else:
            if version.status == Status.SCHEDULED:
                messages.success(
                    request,
                    _("%(nummer)s wordt gepubliceerd op %(when)s.")
                    % {"nummer": version.nummer, "when": version.publish_at.strftime("%d-%m-%Y %H:%M")},
                )
                return redirect("codeofconduct:editor_dashboard")
            messages.success(request, _("%(nummer)s is gepubliceerd.") % {"nummer": version.nummer})
            return redirect(version)
    return render(
        request,
        "codeofconduct/editor/publish.html",
        {"version": version, "current": current, "form": form, "problems": problems},
    )


@require_role(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    version = get_version_for_user(request.user, pk)
    if version.status not in (Status.PUBLISHED, Status.SCHEDULED):
        raise PermissionDenied(_("Enkel een gepubliceerde of geplande versie kan ingetrokken worden."))
    predecessor = services.reinstatable_version(version)
    form = WithdrawForm(posted(request), predecessor=predecessor)
    if request.method == "POST" and form.is_valid():
        services.version_withdraw(
            version=version,
            by=request.user,
            note=form.cleaned_data["note"],
            reinstate_previous=form.cleaned_data.get("reinstate_previous", False),
        )
        messages.success(request, _("%(nummer)s is ingetrokken.") % {"nummer": version.nummer})
        return redirect("codeofconduct:policy_history", slug=version.policy.slug)
    context = {"version": version, "form": form, "predecessor": predecessor}
    return render(request, "codeofconduct/editor/withdraw.html", context)
