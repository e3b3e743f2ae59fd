"""A chef-waardeerder's team: who is in it and how far each member is with a version."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from codeofconduct import audience
from codeofconduct.models import Acknowledgement, PolicyVersion, Reminder, VersionOpening

# --- A chef's team --------------------------------------------------------------------------------


@dataclass
class MemberProgress:
    person: object
    in_audience: bool
    opened_at: datetime.datetime | None
    acknowledgement: Acknowledgement | None
    due_date: datetime.date | None
    overdue: bool
    reminded_today: bool = False

    @property
    def state(self) -> str:
        if self.acknowledgement:
            return "acknowledged"
        return "opened" if self.opened_at else "not_opened"


def team_members(chef, *, whole_subtree: bool = False):
    """The chef's active direct reports, or everyone below them (one query per level of the hierarchy)."""
    people = get_user_model().objects.filter(is_active=True)
    if not whole_subtree:
        return people.filter(manager=chef)
    ids, level = set(), {chef.pk}
    while level:
        level = set(people.filter(manager__in=level).exclude(pk__in=ids).values_list("pk", flat=True))
        ids |= level
    return people.filter(pk__in=ids)


def team_progress(version: PolicyVersion, members) -> list[MemberProgress]:
    today = timezone.localdate()
    rows = list(
        members.select_related("unit", "manager")
        .annotate(
            opened_at=Subquery(
                VersionOpening.objects.filter(person=OuterRef("pk"), version=version).values("first_opened_at")[:1]
            ),
            reminded_today=Exists(
                Reminder.objects.filter(
                    recipient=OuterRef("pk"), version=version, kind=Reminder.Kind.MANUAL, period=today.isoformat()
                )
            ),
        )
        .order_by("last_name", "first_name")
    )
    acknowledgements = {
        ack.person_id: ack
        for ack in Acknowledgement.objects.filter(version=version, person__in=[row.pk for row in rows]).select_related(
            "recorded_by"
        )
    }
    told = audience.told_due_dates(version, [row.pk for row in rows])
    progress = []
    for person in rows:
        in_audience = audience.is_in_audience(version, person)
        ack = acknowledgements.get(person.pk)
        mine = told.get(person.pk)
        progress.append(
            MemberProgress(
                person=person,
                in_audience=in_audience,
                opened_at=person.opened_at,
                acknowledgement=ack,
                due_date=audience.due_date_for(version, person, told=mine, today=today)
                if in_audience and mine is not None
                else (audience.due_on_when_asked(version, today) if in_audience else None),
                overdue=in_audience
                and ack is None
                and mine is not None
                and audience.is_overdue(version, person, today, told=mine),
                reminded_today=person.reminded_today,
            )
        )
    return progress
