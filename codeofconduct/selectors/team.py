"""A chef-waardeerder's team: who is in it and how far each member is with a version."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from codeofconduct import audience
from codeofconduct.models import Acknowledgement, Obligation, PolicyVersion, Reminder, TeamNotification, VersionOpening
from codeofconduct.selectors.reading import team_notification
from config import sql

# --- A chef's team --------------------------------------------------------------------------------


@dataclass
class Member:
    """A member as the team page shows them: read in the page's one query, not as a model object."""

    pk: int
    username: str
    first_name: str
    last_name: str
    email: str
    manager_name: str  # their chef's full name (the list of everyone below shows it)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class MemberAcknowledgement:
    """Their acknowledgement of the version: when, how, and which chef recorded a briefing."""

    acknowledged_at: datetime.datetime
    source: str
    recorded_by_name: str


@dataclass
class MemberProgress:
    person: Member
    in_audience: bool
    opened_at: datetime.datetime | None
    acknowledgement: MemberAcknowledgement | None
    due_date: datetime.date | None
    overdue: bool
    reminded_today: bool = False

    @property
    def state(self) -> str:
        if self.acknowledgement:
            return "acknowledged"
        return "opened" if self.opened_at else "not_opened"


def team_members(chef):
    """The chef's active direct reports."""
    return get_user_model().objects.filter(is_active=True, manager=chef)


# Everyone below a chef along the management line, active people only (an inactive person's reports are
# reached through whoever manages them now), inside the team query: one query however deep the line
# and however many people, where a list of ids as parameters would pass PostgreSQL's limit of 65,535
# parameters a statement in a large city. UNION drops a person met twice, so a loop in the line ends.
_EVERYONE_BELOW = (
    "p.id IN (WITH RECURSIVE below(id) AS ("
    "SELECT direct.id FROM organisation_person AS direct WHERE direct.manager_id = %(chef)s AND direct.is_active = %(active)s"
    " UNION SELECT deeper.id FROM organisation_person AS deeper INNER JOIN below ON deeper.manager_id = below.id"
    " WHERE deeper.is_active = %(active)s) SELECT id FROM below)"
)


# The team page's one query, written out (config.sql): each member with their unit (the audience:
# _MEMBER_UNIT_PATH), their chef, their first opening, acknowledgement (and who recorded it), the due
# date they were told and today's manual reminder. Every lookup finds at most one row: the database keeps
# one opening, one acknowledgement, one obligation of a kind and one reminder per period per person
# and version. Those lookups are scalar subqueries, each an index lookup per member (the
# acknowledgement's columns each a subquery of their own): as LEFT JOINs the planner spent ~3 ms
# planning eight tables, and, even with one such join, hashed all of the version's acknowledgements
# (1,779 rows at 2,500 employees, half the query's time) for a team of 40. (The unit, as a join, was
# hashed whole: 1,589 units at 25,000 employees for a team of 40.)
# Each lookup is found by the member (`person_id = p.id`, the first column of its unique index), never
# by the version: `version_id + 0` keeps the planner off the version's index. Right after a
# publication the statistics have never seen the new version, so the planner took it for a rare value
# and scanned every row of that version once per member (the notice job writes an obligation for
# everyone): 40 x 250,000 rows, seconds per team page on the publication morning
# (docs/performance.md, "The publication morning").
# The chef's own confirmation that they told their team (at most one per chef and version) comes with
# every row: subqueries that name no member, so PostgreSQL answers each once for the query (an
# InitPlan), and the team page needs no query of its own for it.
_TEAM_ROWS = """
    SELECT p.id, p.username, p.first_name, p.last_name, p.email, p.is_active,
           {unit},
           chef.first_name, chef.last_name,
           (SELECT opening.first_opened_at FROM codeofconduct_versionopening AS opening
            WHERE opening.person_id = p.id AND opening.version_id + 0 = %(version)s),
           (SELECT ack.id FROM codeofconduct_acknowledgement AS ack
            WHERE ack.person_id = p.id AND ack.version_id + 0 = %(version)s),
           (SELECT ack.acknowledged_at FROM codeofconduct_acknowledgement AS ack
            WHERE ack.person_id = p.id AND ack.version_id + 0 = %(version)s),
           (SELECT ack.source FROM codeofconduct_acknowledgement AS ack
            WHERE ack.person_id = p.id AND ack.version_id + 0 = %(version)s),
           (SELECT recorder.first_name FROM codeofconduct_acknowledgement AS ack
            INNER JOIN organisation_person AS recorder ON recorder.id = ack.recorded_by_id
            WHERE ack.person_id = p.id AND ack.version_id + 0 = %(version)s),
           (SELECT recorder.last_name FROM codeofconduct_acknowledgement AS ack
            INNER JOIN organisation_person AS recorder ON recorder.id = ack.recorded_by_id
            WHERE ack.person_id = p.id AND ack.version_id + 0 = %(version)s),
           (SELECT asked.due_on FROM codeofconduct_obligation AS asked
            WHERE asked.person_id = p.id AND asked.version_id + 0 = %(version)s AND asked.kind = %(asked)s),
           (SELECT reminded.id FROM codeofconduct_reminder AS reminded
            WHERE reminded.recipient_id = p.id AND reminded.version_id = %(version)s AND reminded.kind = %(reminder)s
            AND reminded.period = %(today)s),
           (SELECT notified.id FROM codeofconduct_teamnotification AS notified
            WHERE notified.chef_id = %(chef)s AND notified.version_id = %(version)s),
           (SELECT notified.notified_on FROM codeofconduct_teamnotification AS notified
            WHERE notified.chef_id = %(chef)s AND notified.version_id = %(version)s),
           (SELECT notified.method FROM codeofconduct_teamnotification AS notified
            WHERE notified.chef_id = %(chef)s AND notified.version_id = %(version)s),
           (SELECT notified.remark FROM codeofconduct_teamnotification AS notified
            WHERE notified.chef_id = %(chef)s AND notified.version_id = %(version)s),
           (SELECT notified.recorded_at FROM codeofconduct_teamnotification AS notified
            WHERE notified.chef_id = %(chef)s AND notified.version_id = %(version)s)
    FROM organisation_person AS p
    LEFT OUTER JOIN organisation_person AS chef ON chef.id = p.manager_id
    WHERE p.is_active = %(active)s AND {members}
    ORDER BY p.last_name, p.first_name, p.id
"""


# A member's unit as the audience needs it: for a version to all staff whether they have one (`p.unit_id`),
# else the unit's path. Looking the path up costs the query a lookup per member, which in a small city
# PostgreSQL makes by reading all of the units (140 at 2,500 employees: a third of the query's time)
# and which a version to all staff, most of them, does not need.
_MEMBER_UNIT_PATH = (
    "(SELECT member_unit.path FROM organisation_orgunit AS member_unit WHERE member_unit.id = p.unit_id)"
)


def _converted_columns():
    person = get_user_model()
    return (
        (5, person._meta.get_field("is_active")),
        (9, VersionOpening._meta.get_field("first_opened_at")),
        (11, Acknowledgement._meta.get_field("acknowledged_at")),
        (15, Obligation._meta.get_field("due_on")),
        (18, TeamNotification._meta.get_field("notified_on")),
        (21, TeamNotification._meta.get_field("recorded_at")),
    )


@dataclass
class TeamPage:
    members: list[MemberProgress]
    notification: TeamNotification | None  # the chef's "Team op de hoogte gebracht" for the version


def team_progress(version: PolicyVersion, chef, *, whole_subtree: bool = False) -> list[MemberProgress]:
    """How far each of the chef's team (`team_members`), or everyone below them, is with `version`, by
    name, in one query."""
    return team_page(version, chef, whole_subtree=whole_subtree).members


def team_page(version: PolicyVersion, chef, *, whole_subtree: bool = False) -> TeamPage:
    """`team_progress`, and whether the chef confirmed that they told their team, in the same query
    (asked apart only when the chef has nobody to list)."""
    today = timezone.localdate()
    members = _EVERYONE_BELOW if whole_subtree else "p.manager_id = %(chef)s"
    params = {
        "version": version.pk,
        "asked": Obligation.Kind.ACKNOWLEDGE.value,
        "reminder": Reminder.Kind.MANUAL.value,
        "today": today.isoformat(),
        "active": True,
        "chef": chef.pk,
    }
    paths = audience.audience_paths(version)  # once for the team, not per member
    unit = "p.unit_id" if paths is None else _MEMBER_UNIT_PATH
    rows = sql.fetch(_TEAM_ROWS.format(members=members, unit=unit), params, _converted_columns())
    due_when_asked = audience.due_on_when_asked(version, today)
    progress = []
    for (
        pk,
        username,
        first_name,
        last_name,
        email,
        is_active,
        unit_path_or_id,
        chef_first,
        chef_last,
        opened_at,
        ack_id,
        acknowledged_at,
        source,
        recorder_first,
        recorder_last,
        told,
        reminded,
        *_notification,
    ) in rows:
        # For all staff (`paths` None) only whether there is a unit counts: its id stands in for its path.
        in_audience = audience.in_audience_of(paths, is_active=is_active, unit_path=unit_path_or_id)
        acknowledgement = None
        if ack_id is not None:
            recorder = f"{recorder_first or ''} {recorder_last or ''}".strip()
            acknowledgement = MemberAcknowledgement(acknowledged_at, source, recorder)
        if not in_audience:
            due_date = None
        elif told is None:  # not asked yet: the date the reminder job will give them
            due_date = due_when_asked
        else:
            due_date = audience.effective_due_date(version, told)
        progress.append(
            MemberProgress(
                person=Member(
                    pk=pk,
                    username=username,
                    first_name=first_name,
                    last_name=last_name,
                    email=email,
                    manager_name=f"{chef_first or ''} {chef_last or ''}".strip(),
                ),
                in_audience=in_audience,
                opened_at=opened_at,
                acknowledgement=acknowledgement,
                due_date=due_date,
                overdue=in_audience and acknowledgement is None and told is not None and today > due_date,
                reminded_today=reminded is not None,
            )
        )
    if not rows:
        return TeamPage(progress, team_notification(chef, version))
    notification_pk, notified_on, method, remark, recorded_at = rows[0][-5:]
    notification = None
    if notification_pk is not None:
        notification = TeamNotification(
            pk=notification_pk,
            chef=chef,
            version=version,
            notified_on=notified_on,
            method=method,
            remark=remark,
            recorded_at=recorded_at,
        )
    return TeamPage(progress, notification)
