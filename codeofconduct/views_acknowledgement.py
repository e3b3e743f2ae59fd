"""Pages of acknowledging: "Te lezen" on the home page, the button on the version page, the chef's
team page and the compliance pages of Redactie."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from codeofconduct import acknowledgements, audience, compliance, exports, figures, rendering, selectors
from codeofconduct import views as reading_views
from codeofconduct.forms_team import BriefingForm, TeamNotificationForm
from codeofconduct.models import PolicyVersion, TeamNotification
from organisation.roles import Role, is_chef, require_role

Status = PolicyVersion.Status
OPENED_SESSION_KEY = "codeofconduct:opened"


def _id_from_query(value: str) -> int | None:
    """A database id from the query string, or None. str.isdigit() alone also accepts "²" and "١"."""
    if value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Employees ------------------------------------------------------------------------------------


@require_GET
def home(request):
    to_read, acknowledged = compliance.reading_list(request.user)
    context = {"to_read": to_read, "acknowledged": acknowledged[:10]}
    if is_chef(request.user):
        context["versions_to_confirm"] = compliance.chef_versions_to_confirm(request.user)
    return render(request, "home.html", context)


def acknowledgement_context(request, version: PolicyVersion) -> dict:
    """What the version page shows after the text: the button, or when it was acknowledged."""
    person = request.user
    if version.status != Status.PUBLISHED:
        return {}
    # The first opening is written once per session and version, not on every look.
    opened = request.session.get(OPENED_SESSION_KEY, [])
    if version.pk not in opened:
        acknowledgements.opening_record(person=person, version=version)
        request.session[OPENED_SESSION_KEY] = [*opened, version.pk][-50:]
    if not audience.is_in_audience(version, person):
        return {"acknowledgement_owed": False}
    # The person's acknowledgements are read once per request (the navigation's "Te lezen" needs them too).
    _to_read, acknowledged = compliance.reading_list(person)
    acknowledgement = next((ack for ack in acknowledged if ack.version_id == version.pk), None)
    context = {
        "acknowledgement_owed": True,
        "acknowledgement": acknowledgement,
        "due_date": audience.due_date_for(version, person),
    }
    if acknowledgement is None:
        earlier = next((ack for ack in acknowledged if ack.version.policy_id == version.policy_id), None)
        if earlier is not None:
            diffs = rendering.compare_bodies(earlier.version.rendered_body(), version.rendered_body())
            context["changes_since"] = {
                "version": earlier.version,
                "diffs": [diff for diff in diffs if diff.kind != "same"],
                "url": reverse("codeofconduct:compare", args=[version.policy.slug])
                + f"?oud={earlier.version_id}&nieuw={version.pk}",
            }
    return context


@require_POST
def acknowledge(request, pk):
    version = reading_views.get_version_for_user(request.user, pk)
    try:
        acknowledgement, created = acknowledgements.acknowledgement_record(person=request.user, version=version)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        when = formats.date_format(timezone.localtime(acknowledgement.acknowledged_at), "SHORT_DATE_FORMAT")
        if created:
            messages.success(request, _("Gelezen en begrepen op %(date)s. Bedankt!") % {"date": when})
        else:
            messages.info(request, _("Je had deze versie al bevestigd op %(date)s.") % {"date": when})
    return redirect(reverse("codeofconduct:version_detail", args=[version.pk]) + "#bevestigen")


# --- Chef-waardeerders ----------------------------------------------------------------------------


def _team_version(request, pk=None) -> PolicyVersion:
    """The current version the chef works on: the one asked for, or the code of conduct's."""
    if pk is None:
        pk = _id_from_query(request.GET.get("versie", ""))
    if pk is not None:
        return get_object_or_404(PolicyVersion.objects.select_related("policy"), pk=pk, status=Status.PUBLISHED)
    from codeofconduct.content import MAIN_POLICY_SLUG

    versions = compliance.current_versions_for(request.user)
    version = next((v for v in versions if v.policy.slug == MAIN_POLICY_SLUG), versions[0] if versions else None)
    if version is None:
        raise Http404(_("Er is geen gepubliceerde versie."))
    return version


@require_GET
@require_role(Role.CHEF)
def team(request):
    version = _team_version(request)
    whole_subtree = request.GET.get("alles") == "1"
    members = compliance.team_members(request.user, whole_subtree=whole_subtree)
    progress = compliance.team_progress(version, members)
    return render(
        request,
        "codeofconduct/team.html",
        {
            "version": version,
            "versions": compliance.current_versions_for(request.user),
            "whole_subtree": whole_subtree,
            "progress": progress,
            "counts": {
                "total": sum(1 for row in progress if row.in_audience),
                "acknowledged": sum(1 for row in progress if row.in_audience and row.acknowledgement),
                "overdue": sum(1 for row in progress if row.overdue),
            },
            "notification": TeamNotification.objects.filter(chef=request.user, version=version).first(),
            "notification_form": TeamNotificationForm(initial={"notified_on": timezone.localdate()}),
            "sent_to": request.session.pop("codeofconduct:reminded", None),
        },
    )


def _team_url(version):
    return reverse("codeofconduct:team") + f"?versie={version.pk}"


@require_POST
@require_role(Role.CHEF)
def team_notify(request, pk):
    version = _team_version(request, pk)
    form = TeamNotificationForm(request.POST)
    if form.is_valid():
        try:
            notification, created = acknowledgements.team_notification_confirm(
                chef=request.user, version=version, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
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
    version = _team_version(request, pk)
    members = list(compliance.team_members(request.user).select_related("unit"))
    members = [person for person in members if audience.is_in_audience(version, person)]
    try:
        sent, skipped = acknowledgements.reminders_send_manual(chef=request.user, version=version, members=members)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(_team_url(version))
    request.session["codeofconduct:reminded"] = {
        "sent": [person.get_full_name() for person in sent],
        "skipped": [person.get_full_name() for person in skipped],
    }
    if not sent and not skipped:
        messages.info(
            request, _("Iedereen in je team heeft deze versie al bevestigd: er is geen herinnering verstuurd.")
        )
    return redirect(_team_url(version))


@require_http_methods(["GET", "POST"])
@require_role(Role.CHEF)
def team_briefing(request, pk):
    version = _team_version(request, pk)
    members = [
        row
        for row in compliance.team_progress(version, compliance.team_members(request.user))
        if row.in_audience and row.acknowledgement is None
    ]
    choices = [(row.person.pk, row.person.get_full_name()) for row in members]
    form = BriefingForm(
        reading_views.posted(request), attendee_choices=choices, initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        chosen = {int(pk) for pk in form.cleaned_data["attendees"]}
        attendees = [row.person for row in members if row.person.pk in chosen]
        try:
            acknowledgements.briefing_record(
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


# --- Redactie: compliance ---------------------------------------------------------------------------

STATUS_FILTERS = {"": None, "open": "open", "overdue": "overdue", "acknowledged": "acknowledged"}


def _compliance_version(request) -> PolicyVersion:
    pk = _id_from_query(request.GET.get("versie", ""))
    versions = (
        PolicyVersion.objects.select_related("policy")
        .defer(*PolicyVersion.TEXT_FIELDS)
        .filter(status__in=[Status.PUBLISHED, Status.SUPERSEDED, Status.WITHDRAWN])
    )
    if pk is not None:
        return get_object_or_404(versions, pk=pk)
    version = selectors.main_policy_current_version()
    if version is None:
        raise Http404(_("Er is geen gepubliceerde versie."))
    return version


@require_GET
@require_role(Role.EDITOR)
def compliance_page(request):
    version = _compliance_version(request)
    city = figures.city_figures(version)
    selected = None
    code = request.GET.get("eenheid", "")
    if code:
        selected = city.by_code.get(code)
        if selected is None:
            raise Http404(_("Deze eenheid bestaat niet."))
    shown = selected or city.total
    rows = selected.children if selected else compliance.top_units(city.units)
    breadcrumbs = (
        list(reversed(list(compliance._ancestors(city.units, selected.unit["parent_id"])))) if selected else []
    )
    status = request.GET.get("status", "")
    if status not in STATUS_FILTERS:
        status = ""
    people_page = None
    if selected is not None or status:
        people_page = compliance.people_page(version, shown, status, request.GET.get("pagina"))
    return render(
        request,
        "codeofconduct/compliance.html",
        {
            "version": version,
            "versions": PolicyVersion.objects.filter(status__in=[Status.PUBLISHED, Status.SUPERSEDED, Status.WITHDRAWN])
            .select_related("policy")
            .defer(*PolicyVersion.TEXT_FIELDS)
            .order_by("-published_at"),
            "shown": shown,
            "selected": selected,
            "rows": rows,
            "breadcrumbs": breadcrumbs,
            "status": status,
            "people_page": people_page,
            "chart": _chart(city.per_day, city.total.audience),
        },
    )


def _chart(series, audience_size):
    """Bars for an inline SVG: cumulative acknowledgements per day, as a share of the audience."""
    if not series:
        return None
    width, height = 600, 160
    step = width / len(series)
    top = max(audience_size, series[-1][2], 1)
    bars = []
    for index, (day, count, cumulative) in enumerate(series):
        bar_height = round(height * cumulative / top, 1)
        bars.append(
            {
                "x": round(index * step, 1),
                "y": round(height - bar_height, 1),
                "width": max(round(step - 1, 1), 1),
                "height": bar_height,
                "day": day,
                "count": count,
                "cumulative": cumulative,
            }
        )
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "first": series[0][0],
        "last": series[-1][0],
        "total": series[-1][2],
        "audience": audience_size,
    }


@require_GET
@require_role(Role.EDITOR)
def compliance_export(request, pk):
    version = get_object_or_404(
        PolicyVersion, pk=pk, status__in=[Status.PUBLISHED, Status.SUPERSEDED, Status.WITHDRAWN]
    )
    code = request.GET.get("eenheid", "")
    city = figures.city_figures(version)
    selected = city.by_code.get(code) if code else None
    if code and selected is None:
        raise Http404
    path = selected.unit["path"] if selected else None
    unit_list = [
        f
        for f in sorted(city.units.values(), key=lambda f: f.unit["path"])
        if f.audience and (path is None or f.unit["path"].startswith(path))
    ]
    people = compliance.people_in_unit(version, path)
    stamp = timezone.localdate().isoformat()
    base = f"naleving-{version.nummer}-{code or 'stad'}-{stamp}"
    kind = request.GET.get("soort", "personen")
    if request.GET.get("formaat") == "xlsx":
        return exports.xlsx_response(
            f"{base}.xlsx",
            [
                (_("Medewerkers"), exports.people_header(), exports.people_rows(people)),
                (_("Eenheden"), exports.units_header(), exports.units_rows(unit_list)),
            ],
        )
    if kind == "eenheden":
        return exports.csv_response(f"{base}-eenheden.csv", exports.units_header(), exports.units_rows(unit_list))
    return exports.csv_response(f"{base}-medewerkers.csv", exports.people_header(), exports.people_rows(people))
