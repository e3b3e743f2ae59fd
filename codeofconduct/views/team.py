"""The chef-waardeerder's team: progress, "Team op de hoogte gebracht", reminders and briefings."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from codeofconduct import audience, shared
from codeofconduct.content import MAIN_POLICY_SLUG
from codeofconduct.forms import BriefingForm, TeamNotificationForm
from codeofconduct.models import Acknowledgement, PolicyVersion
from codeofconduct.selectors.team import team_members, team_page, team_progress
from codeofconduct.services import acknowledging
from codeofconduct.views.base import error_text, id_from_query, posted, published_or_404
from organisation.roles import Role, require_role

Status = PolicyVersion.Status


def team_version(request, pk=None) -> PolicyVersion:
    """The current version the chef works on: the one asked for, or the code of conduct's."""
    if pk is None:
        pk = id_from_query(request.GET.get("versie", ""))
    if pk is not None:
        return get_object_or_404(PolicyVersion.objects.select_related("policy"), pk=pk, status=Status.PUBLISHED)
    # The versions in force from the shared content: the chef's own due dates play no part here.
    versions = shared.for_person(request.user).in_force
    return published_or_404(
        next((v for v in versions if v.policy.slug == MAIN_POLICY_SLUG), versions[0] if versions else None)
    )


@require_GET
@require_role(Role.CHEF)
def team(request):
    version = team_version(request)
    whole_subtree = request.GET.get("alles") == "1"
    page = team_page(version, request.user, whole_subtree=whole_subtree)
    progress = page.members
    return render(
        request,
        "codeofconduct/team.html",
        {
            "version": version,
            "versions": shared.for_person(request.user).in_force,
            "whole_subtree": whole_subtree,
            "progress": progress,
            "counts": {
                "total": sum(1 for row in progress if row.in_audience),
                "acknowledged": sum(1 for row in progress if row.in_audience and row.acknowledgement),
                "overdue": sum(1 for row in progress if row.overdue),
            },
            "notification": page.notification,
            "sent_to": request.session.pop("codeofconduct:reminded", None),
        },
    )


def _team_url(version):
    return reverse("codeofconduct:team") + f"?versie={version.pk}"


@require_POST
@require_role(Role.CHEF)
def team_notify(request, pk):
    version = team_version(request, pk)
    form = TeamNotificationForm(request.POST)
    if form.is_valid():
        try:
            notification, created = acknowledging.team_notification_confirm(
                chef=request.user, version=version, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            when = formats.date_format(notification.notified_on, "SHORT_DATE_FORMAT")
            if created:
                messages.success(request, _("Bevestigd: team op de hoogte gebracht op %(date)s.") % {"date": when})
            else:
                messages.info(
                    request, _("Je had al bevestigd dat je team op de hoogte is (%(date)s).") % {"date": when}
                )
        return redirect(_team_url(version))
    return render(request, "codeofconduct/team_notify.html", {"version": version, "form": form}, status=400)


@require_POST
@require_role(Role.CHEF)
def team_remind(request, pk):
    version = team_version(request, pk)
    members = list(team_members(request.user).select_related("unit"))
    members = [person for person in members if audience.is_in_audience(version, person)]
    try:
        sent, skipped = acknowledging.reminders_send_manual(chef=request.user, version=version, members=members)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(_team_url(version))
    reached = {person.pk for person in [*sent, *skipped]}
    acknowledged = set(
        Acknowledgement.objects.filter(version=version, person__in=members).values_list("person_id", flat=True)
    )
    no_mailbox = [person for person in members if not person.email and person.pk not in acknowledged | reached]
    request.session["codeofconduct:reminded"] = {
        "sent": [person.get_full_name() for person in sent],
        "skipped": [person.get_full_name() for person in skipped],
        "no_mailbox": [person.get_full_name() for person in no_mailbox],
    }
    if not sent and not skipped and not no_mailbox:
        messages.info(
            request, _("Iedereen in je team heeft deze versie al bevestigd: er is geen herinnering verstuurd.")
        )
    return redirect(_team_url(version))


@require_http_methods(["GET", "POST"])
@require_role(Role.CHEF)
def team_briefing(request, pk):
    version = team_version(request, pk)
    members = [row for row in team_progress(version, request.user) if row.in_audience and row.acknowledgement is None]
    choices = [(row.person.pk, row.person.get_full_name()) for row in members]
    form = BriefingForm(posted(request), attendee_choices=choices, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        chosen = {int(pk) for pk in form.cleaned_data["attendees"]}
        attendees = list(
            get_user_model().objects.filter(pk__in=[row.person.pk for row in members if row.person.pk in chosen])
        )
        try:
            acknowledging.briefing_record(
                chef=request.user,
                version=version,
                held_on=form.cleaned_data["held_on"],
                form=form.cleaned_data["form"],
                remark=form.cleaned_data["remark"],
                attendees=attendees,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Briefing geregistreerd: %(count)d medewerker(s) gelden als bevestigd.") % {"count": len(attendees)},
            )
            return redirect(_team_url(version))
    return render(
        request, "codeofconduct/team_briefing.html", {"version": version, "form": form, "has_members": bool(choices)}
    )
