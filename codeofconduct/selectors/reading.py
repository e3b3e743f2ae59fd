"""A person's reading list: the current versions, what they still have to acknowledge ("Te lezen")
and what they acknowledged. Shared by the home page, the version page and the navigation's badge
within one request (remembered on the person object)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from codeofconduct import audience
from codeofconduct.models import Acknowledgement, PolicyVersion, TeamNotification
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
    return _memo(person, "current_versions", in_force_versions)


def in_force_versions(today: datetime.date | None = None) -> list[PolicyVersion]:
    """The versions to read and acknowledge today (PolicyVersionQuerySet.in_force), with their audience.

    A withdrawn version, or one past its Vervaldatum, is in no "Te lezen" list and gets no reminders.
    """
    versions = list(
        PolicyVersion.objects.in_force(today)
        .select_related("policy")
        .defer(*PolicyVersion.TEXT_FIELDS)
        .order_by("policy__title")
    )
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
    to_read = [
        ToRead(
            version,
            audience.due_date_for(version, person),
            audience.is_overdue(version, person, today),
            latest_by_policy.get(version.policy_id),
        )
        for version in current_versions_for(person)
        if version.pk not in done and audience.is_in_audience(version, person)
    ]
    return to_read, acknowledged


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
