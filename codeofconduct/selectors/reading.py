"""A person's reading list: the current versions, what they still have to acknowledge ("Te lezen")
and what they acknowledged. Shared by the home page, the version page and the navigation's badge
within one request (remembered on the person object)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.utils import timezone

from codeofconduct import audience
from codeofconduct.models import Acknowledgement, Obligation, PolicyVersion, TeamNotification
from organisation.models import OrgUnit

Status = PolicyVersion.Status


# --- One person -----------------------------------------------------------------------------------


@dataclass
class ToRead:
    version: PolicyVersion
    due_date: datetime.date | None
    overdue: bool
    earlier: Acknowledgement | None  # what they acknowledged of an earlier version of the same policy


def _memo(person, key, compute):
    """Remember a result on the person object for the rest of the request (view and navigation share it)."""
    cache = person.__dict__.setdefault("_codeofconduct_memo", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def current_versions_for(person) -> list[PolicyVersion]:
    """The versions in force, each with `told_due_on`: the due date `person` was told when asked (or None)."""
    return _memo(person, "current_versions", lambda: in_force_versions(person=person))


def in_force_versions(today: datetime.date | None = None, *, person=None) -> list[PolicyVersion]:
    """The versions to read and acknowledge today (PolicyVersionQuerySet.in_force), with their audience.

    A withdrawn version, or one past its Vervaldatum, is in no "Te lezen" list and gets no reminders.
    With `person`, each carries `told_due_on` in the same query (every page asks this for the navigation).
    """
    versions = PolicyVersion.objects.in_force(today)
    if person is not None:
        versions = versions.annotate(
            told_due_on=Subquery(
                Obligation.objects.filter(
                    version=OuterRef("pk"), person=person, kind=Obligation.Kind.ACKNOWLEDGE
                ).values("due_on")[:1]
            )
        )
    versions = list(versions.select_related("policy").defer(*PolicyVersion.TEXT_FIELDS).order_by("policy__title"))
    # Most versions go to all staff: their audience units are only looked up when one does not.
    chosen_units = [version for version in versions if not version.audience_all_staff]
    if chosen_units:
        prefetch_related_objects(chosen_units, Prefetch("audience_units", queryset=OrgUnit.objects.only("pk", "path")))
    return versions


def reading_list(person) -> tuple[list[ToRead], list[Acknowledgement]]:
    """The current versions `person` still has to acknowledge, and everything they acknowledged."""
    return _memo(person, "reading_list", lambda: _reading_list(person))


def _reading_list(person):
    acknowledged = list(
        Acknowledgement.objects.filter(person=person)
        .select_related("version__policy", "recorded_by")
        .defer(*(f"version__{name}" for name in PolicyVersion.TEXT_FIELDS))
        .order_by("-acknowledged_at", "-pk")
    )
    done = {ack.version_id for ack in acknowledged}
    latest_by_policy = {}
    for ack in acknowledged:
        latest_by_policy.setdefault(ack.version.policy_id, ack)
    today = timezone.localdate()
    owed = [
        version
        for version in current_versions_for(person)
        if version.pk not in done and audience.is_in_audience(version, person)
    ]
    to_read = [
        ToRead(
            version,
            _due_date(version, today),
            version.told_due_on is not None and audience.is_overdue(version, person, today, told=version.told_due_on),
            latest_by_policy.get(version.policy_id),
        )
        for version in owed
    ]
    return to_read, acknowledged


def _due_date(version, today):
    if version.told_due_on is None:  # not asked yet: the date the reminder job will give them
        return audience.due_on_when_asked(version, today)
    return audience.effective_due_date(version, version.told_due_on)


def due_date_for(person, version) -> datetime.date:
    """`person`'s due date for `version`, without a query when it is current."""
    current = next((each for each in current_versions_for(person) if each.pk == version.pk), None)
    if current is not None:
        return _due_date(current, timezone.localdate())
    return audience.due_date_for(version, person)


def chef_versions_to_confirm(person) -> list[PolicyVersion]:
    """Current versions whose audience includes `person`'s team, not yet confirmed as notified."""
    versions = current_versions_for(person)
    if not versions:
        return []
    confirmed = set(
        TeamNotification.objects.filter(chef=person, version__in=versions).values_list("version_id", flat=True)
    )
    reports = list(get_user_model().objects.filter(manager=person, is_active=True).select_related("unit"))
    return [
        version
        for version in versions
        if version.pk not in confirmed and any(audience.is_in_audience(version, report) for report in reports)
    ]
