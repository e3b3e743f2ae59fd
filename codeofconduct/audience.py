"""Who owes an acknowledgement of a version, and by when: the rules in one place.

A version's audience (its Afschrift) is all staff or chosen units with their sub-units; only
active people with a place in the organisation count: an account without a unit (the first
beheerder, a local administrator) is never in an audience, in the compliance figures or mailed.
People without a mailbox are in the audience like everyone else: their chef reaches them.

Every clock runs from the moment the person was asked (an `Obligation`, written by the reminder job
when it first finds them in the audience), never from the version's publication: each member owes
the acknowledgement by the version's due date when asked on the day of publication, and otherwise
by the later of that date and ACKNOWLEDGEMENT_DAYS after being asked. The date they were told is
stored; an extension of the version's due date moves it on, nothing moves it back. Someone not
asked yet is never late; their page shows the date the job will give them.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from codeofconduct.models import ACKNOWLEDGEMENT_DAYS, Obligation, PolicyVersion

ACKNOWLEDGE = Obligation.Kind.ACKNOWLEDGE


def audience_paths(version: PolicyVersion) -> list[str] | None:
    """The unit paths of the audience, or None for all staff. Prefetch `audience_units` to save a query."""
    if version.audience_all_staff:
        return None
    return [unit.path for unit in version.audience_units.all()]


def audience_filter(version: PolicyVersion, prefix: str = "") -> Q:
    """Q on Person (or on a relation to it, with `prefix` like "person__") selecting the audience."""
    condition = Q(**{f"{prefix}is_active": True, f"{prefix}unit__isnull": False})
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
    if not person.is_active or person.unit_id is None:
        return False
    paths = audience_paths(version)
    if paths is None:  # all staff: the person's unit is not even looked at
        return True
    return in_audience_of(paths, is_active=True, unit_path=person.unit.path)


def in_audience_of(paths: list[str] | None, *, is_active: bool, unit_path: str | None) -> bool:
    """`is_in_audience` for someone read as values (a list of people: the version's `audience_paths`
    read once): active, in the unit at `unit_path` (None: without a unit)."""
    if not is_active or unit_path is None:
        return False
    return paths is None or any(unit_path.startswith(path) for path in paths)


# --- Due dates --------------------------------------------------------------------------------------


def due_on_when_asked(version: PolicyVersion, today: datetime.date) -> datetime.date:
    """The due date of a member asked `today`: on the day of publication the version's own date (which
    Redactie may have set shorter than 14 days), later ACKNOWLEDGEMENT_DAYS from today, never before
    the version's date."""
    due = version.acknowledgement_due_date
    if due is not None and version.published_at is not None and today <= timezone.localdate(version.published_at):
        return due
    own = today + datetime.timedelta(days=ACKNOWLEDGEMENT_DAYS)
    return max(due or own, own)


def effective_due_date(version: PolicyVersion, told: datetime.date) -> datetime.date:
    """What a member was told, moved on by a later extension of the version's due date."""
    return max(told, version.acknowledgement_due_date or told)


def told_due_dates(version: PolicyVersion, person_ids) -> dict[int, datetime.date]:
    """person id -> the due date stored when they were asked (only for those asked)."""
    return dict(
        Obligation.objects.filter(version=version, kind=ACKNOWLEDGE, person_id__in=list(person_ids)).values_list(
            "person_id", "due_on"
        )
    )


def due_date_for(
    version: PolicyVersion, person, *, told: datetime.date | None = None, today: datetime.date | None = None
) -> datetime.date:
    """A member's due date. `told`: their stored date when the caller read it already (saves a query)."""
    if told is None:
        told = told_due_dates(version, [person.pk]).get(person.pk)
    if told is None:  # not asked yet: the date the job will give them
        told = due_on_when_asked(version, today or timezone.localdate())
    return effective_due_date(version, told)


def is_overdue(
    version: PolicyVersion, person, today: datetime.date | None = None, *, told: datetime.date | None = None
) -> bool:
    """Past the due date they were told. Someone never asked is never late."""
    if told is None:
        told = told_due_dates(version, [person.pk]).get(person.pk)
    return told is not None and (today or timezone.localdate()) > effective_due_date(version, told)


def overdue_filter(version: PolicyVersion, today: datetime.date | None = None, prefix: str = "") -> Q:
    """Q on Person: asked, and past their due date (the SQL twin of `is_overdue`, for counting at city scale)."""
    today = today or timezone.localdate()
    due = version.acknowledgement_due_date
    if due is not None and today <= due:  # an extension holds everyone until the version's date
        return Q(pk__in=[])
    return Q(
        Exists(
            Obligation.objects.filter(
                person=OuterRef(f"{prefix}pk"), version=version, kind=ACKNOWLEDGE, due_on__lt=today
            )
        )
    )
