"""Compliance per organisational unit: the figures of a version per unit and for the city, and the people behind them.

Counts are computed live in SQL (grouped per unit, rolled up the tree in Python), so that a count
is never stale after an acknowledgement, and the number of queries does not grow with the city.
"""

import datetime
from collections import defaultdict, namedtuple
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    Q,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from codeofconduct import audience
from codeofconduct.models import Acknowledgement, PolicyVersion, VersionOpening
from config import sql
from config.pagination import CountedPaginator
from organisation.models import OrgUnit

Status = PolicyVersion.Status
ROWS_PER_FETCH = 2000  # rows per unit read at a time while counting (see unit_figures)


# --- Compliance per organisational unit -----------------------------------------------------------


class Unit(NamedTuple):
    """What the figures show of a unit. A tuple, not a dict: at 250,000 employees a process keeps some
    16,000 of them with the city's figures, 104 bytes each instead of a dict's 272 (docs/performance.md)."""

    pk: int | None
    code: str
    name: str
    kind: str
    parent_id: int | None
    path: str
    depth: int
    is_active: bool


UNIT_FIELDS = Unit._fields
CITY = Unit(pk=None, code="", name="", kind="", parent_id=None, path="/", depth=-1, is_active=True)


@dataclass(slots=True)  # one per unit, kept per process for the whole city: 16,000 at 250,000 employees
class UnitFigures:
    unit: Unit
    audience: int = 0
    acknowledged: int = 0
    overdue: int = 0
    chefs: int = 0
    chefs_confirmed: int = 0
    children: list | tuple = ()  # its sub-units with an audience, by name; most units have none (no list each)

    @property
    def share(self) -> int:
        return round(100 * self.acknowledged / self.audience) if self.audience else 0

    @property
    def notification_confirmed(self) -> bool:
        return self.chefs > 0 and self.chefs_confirmed == self.chefs

    def people_with_status(self, status: str) -> int:
        """How many people `people_in_unit` lists for this unit and status filter."""
        return {
            "": self.audience,
            "acknowledged": self.acknowledged,
            "open": self.audience - self.acknowledged,
            "overdue": self.overdue,
        }[status]


def unit_figures(
    version: PolicyVersion, today: datetime.date | None = None, *, units_of: dict[int, UnitFigures] | None = None
) -> tuple[dict[int, UnitFigures], UnitFigures]:
    """Figures per unit, each including its sub-units, and the total. Three queries at any size.

    The database does the counting per unit (a join on the version's acknowledgements and team
    notifications, which PostgreSQL hashes in one pass over the staff); Python only adds each unit's
    counts to the units above it, a few steps per unit.

    `units_of`: figures counted before of units known to be unchanged since (codeofconduct.figures:
    the same generation, which every change to a unit moves on). Their units are taken instead of read
    again, so that a recount holds one set of them, not two (at 250,000 employees some 16,000).
    """
    today = today or timezone.localdate()
    if units_of is not None:
        rows = [figures.unit for figures in units_of.values()]
    else:
        rows = map(Unit._make, OrgUnit.objects.values_list(*UNIT_FIELDS).iterator(chunk_size=ROWS_PER_FETCH))
    units = {unit.pk: UnitFigures(unit=unit) for unit in rows}
    people = audience.audience(version)
    counts = (
        people.annotate(this_acknowledgement=_acknowledgement_of(version))
        .values("unit_id")
        .annotate(
            total=Count("pk"),
            done=Count("this_acknowledgement"),
            late=Count("pk", filter=Q(this_acknowledgement__isnull=True) & audience.overdue_filter(version, today)),
        )
        .values_list("unit_id", "total", "done", "late")
        .order_by()
    )
    total = UnitFigures(unit=CITY)
    # A row per unit, streamed as tuples: at 250,000 employees the 16,000 rows as a list of dicts were
    # some 5 MB held beside the figures being made, at a worker's peak of memory.
    for unit_id, people_count, done, late in counts.iterator(chunk_size=ROWS_PER_FETCH):
        for figures in (total, units.get(unit_id)):
            if figures is not None:
                figures.audience += people_count
                figures.acknowledged += done
                figures.overdue += late
    # A unit's chef-waardeerders: the people in it (and in the audience) with active direct reports.
    managers = get_user_model().objects.filter(is_active=True, manager__isnull=False).values("manager_id")
    chefs = (
        people.filter(pk__in=managers)
        .annotate(notification=FilteredRelation("team_notifications", condition=Q(team_notifications__version=version)))
        .values("unit_id")
        .annotate(chefs=Count("pk"), confirmed=Count("notification"))
        .values_list("unit_id", "chefs", "confirmed")
        .order_by()
    )
    for unit_id, chef_count, confirmed in chefs.iterator(chunk_size=ROWS_PER_FETCH):
        for figures in (total, units.get(unit_id)):
            if figures is not None:
                figures.chefs += chef_count
                figures.chefs_confirmed += confirmed
    # Sub-units before their parent, each added once to the unit above it.
    for figures in reversed(_top_down(units)):
        parent = units.get(figures.unit.parent_id)
        if parent is not None:
            parent.audience += figures.audience
            parent.acknowledged += figures.acknowledged
            parent.overdue += figures.overdue
            parent.chefs += figures.chefs
            parent.chefs_confirmed += figures.chefs_confirmed
            if figures.audience:
                if parent.children:
                    parent.children.append(figures)
                else:
                    parent.children = [figures]
    for figures in units.values():
        if figures.children:
            figures.children.sort(key=lambda child: child.unit.name)
    return units, total


def _acknowledgement_of(version: PolicyVersion) -> FilteredRelation:
    """A person's acknowledgement of `version` as a LEFT JOIN (at most one: unique per person and version)."""
    return FilteredRelation("acknowledgements", condition=Q(acknowledgements__version=version))


def _top_down(units: dict[int, UnitFigures]) -> list[UnitFigures]:
    """Every unit after the unit above it (the import refuses cycles; a unit on one would be left out)."""
    below = defaultdict(list)
    for figures in units.values():
        below[figures.unit.parent_id if figures.unit.parent_id in units else None].append(figures)
    order, stack = [], list(below[None])
    while stack:
        figures = stack.pop()
        order.append(figures)
        stack.extend(below[figures.unit.pk])
    return order


def breadcrumbs(units: dict[int, UnitFigures], unit: UnitFigures) -> list[UnitFigures]:
    """The units above `unit`, from the top down (the compliance page's trail back to the city)."""
    above = []
    unit_id = unit.unit.parent_id
    while unit_id is not None and unit_id in units:
        above.append(units[unit_id])
        unit_id = units[unit_id].unit.parent_id
    return list(reversed(above))


def top_units(units: dict[int, UnitFigures]) -> list[UnitFigures]:
    tops = [figures for figures in units.values() if figures.unit.parent_id is None and figures.audience]
    return sorted(tops, key=lambda figures: figures.unit.name)


def acknowledgements_per_day(
    version: PolicyVersion, unit_path: str | None = None
) -> list[tuple[datetime.date, int, int]]:
    """(day, acknowledged that day, cumulative) since publication, for active people (below a unit, if given)."""
    acknowledgements = Acknowledgement.objects.filter(version=version, person__is_active=True)
    if unit_path:
        acknowledgements = acknowledgements.filter(person__unit__path__startswith=unit_path)
    rows = (
        acknowledgements.annotate(day=TruncDate("acknowledged_at"))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
    )
    cumulative, series = 0, []
    for row in rows:
        cumulative += row["count"]
        series.append((row["day"], row["count"], cumulative))
    return series


# Units in tree order, people by name within their unit; the primary key keeps pages stable.
PEOPLE_ORDER = ("unit__path", "last_name", "first_name", "pk")
PEOPLE_PER_PAGE = 50


def people_in_unit(version: PolicyVersion, unit_path: str | None, status: str = "", today=None):
    """The audience below a unit, with their acknowledgement, for the list under the figures and the export.

    Acknowledgement and first opening are joined (each at most one per person and version), so the
    whole city streams out of one query plan instead of five lookups per person.
    """
    today = today or timezone.localdate()
    people = _with_progress(_audience_below(version, unit_path, status, today), version)
    return people.select_related("unit", "manager").order_by(*PEOPLE_ORDER)


def people_page(version: PolicyVersion, shown: UnitFigures, status: str, page_number, today=None) -> Page:
    """One page of `people_in_unit` for the compliance page, counted by the unit's figures.

    The page is chosen on people and units alone; only its own rows are then joined to their
    acknowledgement, first opening and chef. Joining those for a whole department before sorting it
    cost 15 ms at 250,000 employees; this way a page costs the same in any department.
    """
    today = today or timezone.localdate()
    unit_path = shown.unit.path if shown.unit.pk is not None else None
    if not status:
        # A department's list as editors open it (no status filter): one written-out query.
        page = CountedPaginator([], PEOPLE_PER_PAGE, count=shown.people_with_status(status)).get_page(page_number)
        page.object_list = _people_page_rows(version, unit_path, (page.number - 1) * PEOPLE_PER_PAGE)
        return page
    chosen = _audience_below(version, unit_path, status, today).order_by(*PEOPLE_ORDER).values_list("pk", flat=True)
    page = CountedPaginator(chosen, PEOPLE_PER_PAGE, count=shown.people_with_status(status)).get_page(page_number)
    # The page's people chosen in a subquery of the one query that joins them (LIMIT inside IN: PostgreSQL
    # and SQLite), as rows with named fields, not model objects: the page writes fifty of them
    # (codeofconduct_tags.people_rows).
    rows = people_in_unit(version, None, today=today).filter(pk__in=page.object_list)
    page.object_list = list(rows.values_list(*PEOPLE_ROW, named=True))
    return page


# What the compliance page shows of each person (people_page).
PEOPLE_ROW = (
    "username",
    "personeelsnummer",
    "first_name",
    "last_name",
    "unit__name",
    "manager__first_name",
    "manager__last_name",
    "opened_at",
    "acknowledged_at",
    "acknowledgement_source",
    "proxy_chef_first",
    "proxy_chef_last",
)

PeopleRow = namedtuple("PeopleRow", PEOPLE_ROW)

# `people_page` without a status filter, written out (config.sql; docs/performance.md, "Lists written
# in Python"): built by the ORM (two FilteredRelations, a subquery, named rows) the query cost more
# Python than PostgreSQL takes to answer it. The same rows in the same order as `people_in_unit`: the
# audience (`audience.audience_filter`: active, with a unit, below one of the version's units unless
# it is for all staff) below the unit. The page of PEOPLE_PER_PAGE is chosen from the units and, of
# their people, only the columns of the index `person_active_by_unit_name` (PEOPLE_ORDER: unit by unit
# in the list's order, each unit's people read from that index alone, without their rows; with planner
# statistics that know the department, reading stops once the page is full). Only the page's people
# are then read in full and given their chef, acknowledgement (and who recorded it) and first opening
# (each at most one row: the unique constraints) in scalar subqueries, found by the person, never by
# the version (`version_id + 0`: see team._TEAM_ROWS, a new version unknown to the statistics). As
# joins, the version's acknowledgements were all read into a hash, the person rows were read again by
# id, and the chefs were read in id order up to the last one needed: at 2,500 employees three quarters
# of the query's time, for a page of 50.
# The statement is prepared after its fifth run and PostgreSQL may then keep one plan for every value
# (the generic plan): its conditions must be served by the indexes without the values. So the units are
# chosen by a range of paths (sql.path_below: LIKE %s is not), the people by `chosen.is_active` as the
# partial index states it (`= %s` is not that), and the page's size and offset are written in: a LIMIT or
# OFFSET it does not see is guessed at a tenth of the rows, so in a large city the kept plan looked
# costlier than planning anew, and PostgreSQL planned anew on every view (0.5 ms at 250,000 employees).
_PEOPLE_PAGE = """
    SELECT p.username, p.personeelsnummer, p.first_name, p.last_name, page.unit_name,
           (SELECT chef.first_name FROM organisation_person AS chef WHERE chef.id = p.manager_id),
           (SELECT chef.last_name FROM organisation_person AS chef WHERE chef.id = p.manager_id),
           (SELECT opening.first_opened_at FROM codeofconduct_versionopening AS opening
            WHERE opening.person_id = p.id AND opening.version_id + 0 = %s),
           (SELECT ack.acknowledged_at FROM codeofconduct_acknowledgement AS ack
            WHERE ack.person_id = p.id AND ack.version_id + 0 = %s),
           (SELECT ack.source FROM codeofconduct_acknowledgement AS ack
            WHERE ack.person_id = p.id AND ack.version_id + 0 = %s),
           (SELECT recorder.first_name FROM codeofconduct_acknowledgement AS ack
            INNER JOIN organisation_person AS recorder ON recorder.id = ack.recorded_by_id
            WHERE ack.person_id = p.id AND ack.version_id + 0 = %s),
           (SELECT recorder.last_name FROM codeofconduct_acknowledgement AS ack
            INNER JOIN organisation_person AS recorder ON recorder.id = ack.recorded_by_id
            WHERE ack.person_id = p.id AND ack.version_id + 0 = %s)
    FROM (
        SELECT chosen.id, chosen_unit.name AS unit_name, chosen_unit.path AS unit_path,
               chosen.last_name, chosen.first_name
        FROM (
            SELECT unit.id, unit.name, unit.path FROM organisation_orgunit AS unit
            WHERE {units}
            ORDER BY unit.path
        ) AS chosen_unit
        INNER JOIN organisation_person AS chosen ON chosen.unit_id = chosen_unit.id AND chosen.is_active
        ORDER BY chosen_unit.path, chosen.last_name, chosen.first_name, chosen.id
        LIMIT {per_page} OFFSET {offset}
    ) AS page
    {people}
    ORDER BY page.unit_path, page.last_name, page.first_name, page.id
"""
# The page's people in full, by id. On PostgreSQL a LATERAL subquery with LIMIT 1, which the planner
# cannot merge into a join: as a join, in a city of 2,500 it read and hashed all of the staff (0.7 ms)
# for the page's 50 instead of looking each up by its key (0.1 ms). SQLite has no LATERAL.
_PEOPLE_PAGE_PERSON = {
    "postgresql": (
        "CROSS JOIN LATERAL (SELECT person.id, person.username, person.personeelsnummer, person.first_name,"
        " person.last_name, person.manager_id FROM organisation_person AS person WHERE person.id = page.id"
        " LIMIT 1) AS p"
    ),
}
_PEOPLE_PAGE_PERSON_JOINED = "INNER JOIN organisation_person AS p ON p.id = page.id"


def _people_page_rows(version: PolicyVersion, unit_path: str | None, offset: int) -> list:
    """One page of the audience below `unit_path` (None: the city), as `PeopleRow`s (_PEOPLE_PAGE)."""
    conditions, condition_params = [], []
    if unit_path:
        condition, bounds = sql.path_below("unit.path", unit_path)
        conditions.append(condition)
        condition_params += bounds
    paths = audience.audience_paths(version)
    if paths is not None:  # chosen units: below one of them (none chosen: nobody)
        below = [sql.path_below("unit.path", path) for path in paths]
        conditions.append(f"({' OR '.join(condition for condition, _ in below) or '1 = 0'})")
        condition_params += [bound for _, bounds in below for bound in bounds]
    params = [*[version.pk] * 5, *condition_params]
    fields = (
        (7, VersionOpening._meta.get_field("first_opened_at")),
        (8, Acknowledgement._meta.get_field("acknowledged_at")),
    )
    return [
        PeopleRow(*row)
        for row in sql.fetch(
            _PEOPLE_PAGE.format(
                units=" AND ".join(conditions) or "1 = 1",
                per_page=int(PEOPLE_PER_PAGE),
                offset=int(offset),
                people=_PEOPLE_PAGE_PERSON.get(connection.vendor, _PEOPLE_PAGE_PERSON_JOINED),
            ),
            params,
            fields,
        )
    ]


def _audience_below(version: PolicyVersion, unit_path: str | None, status: str, today):
    """The audience below a unit (the whole city without one), narrowed to a status."""
    people = audience.audience(version)
    if unit_path:
        people = people.filter(unit__path__startswith=unit_path)
    # A LEFT JOIN only where a status filter uses it.
    people = people.annotate(this_acknowledgement=_acknowledgement_of(version))
    if status == "acknowledged":
        people = people.filter(this_acknowledgement__isnull=False)
    elif status == "open":
        people = people.filter(this_acknowledgement__isnull=True)
    elif status == "overdue":
        people = people.filter(Q(this_acknowledgement__isnull=True) & audience.overdue_filter(version, today))
    return people


def _with_progress(people, version: PolicyVersion):
    return people.annotate(
        this_opening=FilteredRelation("version_openings", condition=Q(version_openings__version=version)),
    ).annotate(
        acknowledged_at=F("this_acknowledgement__acknowledged_at"),
        acknowledgement_source=F("this_acknowledgement__source"),
        proxy_chef_first=F("this_acknowledgement__recorded_by__first_name"),
        proxy_chef_last=F("this_acknowledgement__recorded_by__last_name"),
        opened_at=F("this_opening__first_opened_at"),
    )
