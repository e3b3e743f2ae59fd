"""Who owes an acknowledgement of a version, and by when: the rules in one place.

A version's audience (its Afschrift) is all staff or chosen units with their sub-units; only
active people count. Everyone in the audience at publication owes it by the version's due date; a
person who joins the audience later (a new colleague, a move to an audience unit) gets their own due
date: ACKNOWLEDGEMENT_DAYS after joining, never before the version's.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from codeofconduct.models import ACKNOWLEDGEMENT_DAYS, PolicyVersion


def audience_paths(version: PolicyVersion) -> list[str] | None:
    """The unit paths of the audience, or None for all staff. Prefetch `audience_units` to save a query."""
    if version.audience_all_staff:
        return None
    return [unit.path for unit in version.audience_units.all()]


def audience_filter(version: PolicyVersion, prefix: str = "") -> Q:
    """Q on Person (or on a relation to it, with `prefix` like "person__") selecting the audience."""
    condition = Q(**{f"{prefix}is_active": True})
    paths = audience_paths(version)
    if paths is None:
        return condition
    in_units = Q(pk__in=[])
    for path in paths:
        in_units |= Q(**{f"{prefix}unit__path__startswith": path})
    return condition & in_units


def audience(version: PolicyVersion):
    return get_user_model().objects.filter(audience_filter(version))


def is_in_audience(version: PolicyVersion, person) -> bool:
    if not person.is_active:
        return False
    paths = audience_paths(version)
    if paths is None:
        return True
    return person.unit is not None and any(person.unit.path.startswith(path) for path in paths)


def joined_late(version: PolicyVersion, person) -> bool:
    return version.published_at is not None and person.unit_since > version.published_at


def due_date_for(version: PolicyVersion, person) -> datetime.date | None:
    due = version.acknowledgement_due_date
    if due is None or not joined_late(version, person):
        return due
    own = timezone.localdate(person.unit_since) + datetime.timedelta(days=ACKNOWLEDGEMENT_DAYS)
    return max(due, own)


def is_overdue(version: PolicyVersion, person, today: datetime.date | None = None) -> bool:
    due = due_date_for(version, person)
    return due is not None and (today or timezone.localdate()) > due


def overdue_filter(version: PolicyVersion, today: datetime.date | None = None, prefix: str = "") -> Q:
    """Q on Person: past their due date (the SQL twin of `is_overdue`, for counting at city scale).

    Overdue means today > max(version due date, joined + 14 days) for late joiners, and today > the
    version's due date for everyone else. Both halves need the version's due date to have passed.
    """
    today = today or timezone.localdate()
    due = version.acknowledgement_due_date
    if due is None or today <= due:
        return Q(pk__in=[])
    # joined + 14 < today  <=>  joined before the start of (today - 14 days), in the city's time zone.
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=ACKNOWLEDGEMENT_DAYS), datetime.time.min)
    )
    return Q(**{f"{prefix}unit_since__lte": version.published_at}) | Q(**{f"{prefix}unit_since__lt": cutoff})
