"""Editing the code of conduct: Redactie prepares, publishes and withdraws versions."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from codeofconduct import selectors
from codeofconduct.forms import DueDateExtendForm, PolicyForm, PublishForm, VersionForm, WithdrawForm
from codeofconduct.models import Policy, PolicyVersion
from codeofconduct.services import publishing
from codeofconduct.views.base import posted
from organisation.roles import Role, require_role

Status = PolicyVersion.Status


@require_role(Role.EDITOR)
@require_GET
def editor_dashboard(request):
    policies = selectors.policies_with_current()
    pending = (
        PolicyVersion.objects.filter(status__in=[Status.DRAFT, Status.SCHEDULED])
        .select_related("policy", "created_by")
        .order_by("policy__title", "-updated_at")
    )
    context = {"policies": policies, "pending": pending, "expiring": list(selectors.upcoming_expiries())}
    return render(request, "codeofconduct/editor/dashboard.html", context)


@require_role(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def policy_create(request):
    form = PolicyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            policy, created = publishing.policy_create(title=form.cleaned_data["title"])
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
        draft = publishing.draft_create(policy=policy, by=request.user, copy_from=copy_from, token=token)
        messages.success(request, _("Ontwerp %(nummer)s aangemaakt.") % {"nummer": draft.nummer})
        return redirect("codeofconduct:draft_edit", pk=draft.pk)
    return render(
        request, "codeofconduct/editor/draft_create.html", {"policy": policy, "current": current, "token": uuid.uuid4()}
    )


@require_role(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def draft_edit(request, pk):
    try:
        version = selectors.get_version_for_user(request.user, pk, editable=True)
    except PermissionDenied:
        if request.method != "POST":
            raise
        return _draft_gone_out_of_draft(request, pk)
    except Http404:
        if request.method != "POST":
            raise
        return _draft_discarded(request)
    form = VersionForm(posted(request), instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            version = publishing.draft_save(version=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form.save_m2m()
            messages.success(request, _("Ontwerp bewaard."))
            if "preview" in request.POST:
                return redirect("codeofconduct:draft_preview", pk=version.pk)
            return redirect("codeofconduct:draft_edit", pk=version.pk)
    return render(request, "codeofconduct/editor/draft_edit.html", {"version": version, "form": form})


def _draft_discarded(request):
    """A beheerder deleted the draft (in the admin) while this editor typed: nothing to save it in, and
    the form comes back with what they typed, to copy into a new draft (409, not a bare 404)."""
    form = VersionForm(request.POST)
    form.full_clean()
    form.add_error(
        None,
        _(
            "Dit ontwerp bestaat niet meer: het werd intussen verwijderd. Je wijzigingen zijn niet bewaard. "
            "Je tekst staat nog in het formulier: kopieer wat je wilt houden naar een nieuw ontwerp."
        ),
    )
    return render(
        request,
        "codeofconduct/editor/draft_edit.html",
        {"version": None, "form": form, "refused": True},
        status=409,
    )


def _draft_gone_out_of_draft(request, pk):
    """Another editor published (or scheduled) the draft while this one typed: nothing is saved, and
    the form comes back with what they typed, to copy into a new draft (409, not a bare 403)."""
    version = selectors.get_version_for_user(request.user, pk)
    form = VersionForm(request.POST, instance=PolicyVersion.objects.select_related("policy").get(pk=version.pk))
    form.full_clean()
    form.add_error(
        None,
        _(
            "Deze versie is intussen geen ontwerp meer (nu: %(status)s): je wijzigingen zijn niet bewaard. "
            "Je tekst staat nog in het formulier: kopieer wat je wilt houden naar een nieuw ontwerp."
        )
        % {"status": version.get_status_display().lower()},
    )
    return render(
        request,
        "codeofconduct/editor/draft_edit.html",
        {"version": version, "form": form, "refused": True},
        status=409,
    )


@require_role(Role.EDITOR)
@require_GET
def draft_preview(request, pk):
    version = selectors.get_version_for_user(request.user, pk)
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
    version = selectors.get_version_for_user(request.user, pk)
    if version.status not in (Status.DRAFT, Status.SCHEDULED):
        raise PermissionDenied(_("Deze versie is al gepubliceerd of ingetrokken."))
    current = selectors.current_version(version.policy)
    form = PublishForm(posted(request))
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            version = publishing.version_publish(
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
                    _("%(nummer)s wordt gepubliceerd op %(when)s voor %(audience)s.")
                    % {
                        "nummer": version.nummer,
                        "when": timezone.localtime(version.publish_at).strftime("%d-%m-%Y %H:%M"),
                        "audience": selectors.audience_description(version),
                    },
                )
                return redirect("codeofconduct:editor_dashboard")
            messages.success(
                request,
                _("%(nummer)s is gepubliceerd voor %(audience)s.")
                % {"nummer": version.nummer, "audience": selectors.audience_description(version)},
            )
            return redirect(version)
    return render(
        request,
        "codeofconduct/editor/publish.html",
        {
            "version": version,
            "current": current,
            "form": form,
            "problems": problems,
            "audience": selectors.audience_description(version),
        },
    )


@require_role(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    """Withdraw the current version (Redactie chooses what is in force afterwards) or cancel a schedule."""
    version = selectors.get_version_for_user(request.user, pk)
    if version.status not in (Status.PUBLISHED, Status.SCHEDULED):
        raise PermissionDenied(_("Enkel een gepubliceerde of geplande versie kan ingetrokken worden."))
    previous = publishing.previous_version(version)
    why_not = publishing.why_not_reinstatable(previous) if previous is not None else ""
    form = WithdrawForm(posted(request), version=version, previous=previous, why_not=why_not)
    if request.method == "POST" and form.is_valid():
        scheduled = version.status == Status.SCHEDULED
        try:
            publishing.version_withdraw(
                version=version,
                by=request.user,
                note=form.cleaned_data["note"],
                reinstate_previous=form.reinstate_previous,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if scheduled:
                messages.success(
                    request, _("De geplande publicatie van %(nummer)s is geannuleerd.") % {"nummer": version.nummer}
                )
                return redirect("codeofconduct:editor_dashboard")
            if form.reinstate_previous:
                messages.success(
                    request,
                    _("%(nummer)s is ingetrokken; %(previous)s is opnieuw van kracht.")
                    % {"nummer": version.nummer, "previous": previous.nummer},
                )
            else:
                messages.success(
                    request, _("%(nummer)s is ingetrokken; er is geen geldende versie.") % {"nummer": version.nummer}
                )
            return redirect("codeofconduct:policy_history", slug=version.policy.slug)
    context = {"version": version, "form": form, "previous": previous, "why_not": why_not}
    return render(request, "codeofconduct/editor/withdraw.html", context)


@require_role(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def extend_due_date(request, pk):
    """Redactie moves the acknowledgement due date of the version in force to later, with a reason."""
    version = selectors.get_version_for_user(request.user, pk)
    if not version.is_in_force:
        raise PermissionDenied(_("Enkel de uiterste datum van een geldende versie kan verlengd worden."))
    form = DueDateExtendForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            publishing.due_date_extend(
                version=version,
                by=request.user,
                due_date=form.cleaned_data["due_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("De uiterste datum van %(nummer)s is nu %(date)s.")
                % {"nummer": version.nummer, "date": form.cleaned_data["due_date"].strftime("%d-%m-%Y")},
            )
            return redirect("codeofconduct:policy_history", slug=version.policy.slug)
    return render(request, "codeofconduct/editor/extend_due_date.html", {"version": version, "form": form})
