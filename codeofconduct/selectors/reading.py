"""A person's reading list: the current versions, what they still have to acknowledge ("Te lezen")
and what they acknowledged. Shared by the home page, the version page and the navigation's badge
within one request (remembered on the person object)."""

import copy
import datetime
import json
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    CharField,
    Expression,
    F,
    OuterRef,
    Prefetch,
    StringAgg,
    Subquery,
    TextField,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Cast
from django.utils import timezone

from codeofconduct import audience, shared
from codeofconduct.models import Acknowledgement, Obligation, PolicyVersion, TeamNotification
from config import sql
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
    """The versions in force, each with `told_due_on`: the due date `person` was told when asked (or None).

    Copies of the shared versions (codeofconduct.shared): the person's date is never written onto
    an object that other requests read.
    """
    return _memo(person, "current_versions", lambda: _current_versions_for(person))


def _current_versions_for(person):
    told = _mine(person).told
    versions = []
    for shared_version in shared.for_person(person).in_force:
        version = copy.copy(shared_version)
        version.told_due_on = told.get(version.pk)
        versions.append(version)
    return versions


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


@dataclass
class _Mine:
    told: dict[int, datetime.date]  # version pk -> the due date they were told when asked
    acknowledged: list[Acknowledgement]  # newest first, each with its (shared) version
    notified: dict[int, TeamNotification]  # version pk -> a chef's confirmation that they told their team
    covered: set[int]  # the versions the query answered for (in force, or acknowledged)
    opened: set[int]  # versions in force or acknowledged that the person has opened before


def _mine(person) -> _Mine:
    return _memo(person, "mine", lambda: _read_mine(person))


def _read_mine(person) -> _Mine:
    """The person's own part of the reading list, in one query: for each version in force and each
    version they acknowledged, when they were asked, their acknowledgement and (for a chef) whether
    they told their team. Versions themselves come from the shared content."""
    content = shared.for_person(person)
    in_force_pks = [version.pk for version in content.in_force]
    rows = _rows_read_with_person(person, in_force_pks)
    if rows is None:  # not read with the signed-in person (another page, a job, a test's person)
        rows = _my_rows(person, in_force_pks)
    missing = [row["pk"] for row in rows if row["pk"] not in content.versions]
    # Only public versions are acknowledged; should one not be in the shared content, read it here.
    extra = PolicyVersion.objects.select_related("policy").in_bulk(missing) if missing else {}
    acknowledged = [
        Acknowledgement(
            pk=row["mine__pk"],
            person=person,
            version=content.versions.get(row["pk"]) or extra[row["pk"]],
            acknowledged_at=row["mine__acknowledged_at"],
            content_hash=row["mine__content_hash"],
            source=row["mine__source"],
            recorded_by=(
                get_user_model()(
                    pk=row["mine__recorded_by_id"],
                    first_name=row["mine__recorded_by__first_name"],
                    last_name=row["mine__recorded_by__last_name"],
                )
                if row["mine__recorded_by_id"] is not None
                else None
            ),
        )
        for row in rows
        if row["mine__pk"] is not None
    ]
    acknowledged.sort(key=lambda ack: (ack.acknowledged_at, ack.pk), reverse=True)
    return _Mine(
        told={row["pk"]: row["asked__due_on"] for row in rows if row["asked__due_on"] is not None},
        acknowledged=acknowledged,
        notified={
            row["pk"]: TeamNotification(
                pk=row["notified__pk"],
                chef=person,
                version_id=row["pk"],
                notified_on=row["notified__notified_on"],
                method=row["notified__method"],
                remark=row["notified__remark"],
                recorded_at=row["notified__recorded_at"],
            )
            for row in rows
            if row["notified__pk"] is not None
        },
        covered={row["pk"] for row in rows},
        opened={row["pk"] for row in rows if row["opened__pk"] is not None},
    )


# The person's own rows, written out: built by the ORM (three filtered relations) they cost about 2 ms
# of Python on every version page and home, more than the query itself (docs/performance.md, "The
# exact cache"). One statement, a JSON text of an array per version, in the order of `_MY_COLUMNS`:
# every version the person has a row of (asked, acknowledged, opened, a team notification), a few over
# the years, since the versions in force are not known when it is read with the signed-in person (the
# content generation comes in the same query); `_rows` keeps the ones in force or acknowledged.
# Home and the version page read it with the person (MY_VERSIONS, organisation.backends.read_with_person);
# everything else in a query of its own (`_my_rows`).
MY_VERSIONS = "my_versions_json"
MY_VERSIONS_VIEWS = ("home", "codeofconduct:version_detail")
_MY_VERSIONS = """(SELECT {aggregate} FROM (
        SELECT o.version_id AS id FROM codeofconduct_obligation AS o WHERE o.person_id = {person} AND o.kind = {kind}
        UNION SELECT a.version_id FROM codeofconduct_acknowledgement AS a WHERE a.person_id = {person}
        UNION SELECT x.version_id FROM codeofconduct_versionopening AS x WHERE x.person_id = {person}
        UNION SELECT t.version_id FROM codeofconduct_teamnotification AS t WHERE t.chef_id = {person}
    ) AS pv
    LEFT OUTER JOIN codeofconduct_acknowledgement AS mine ON mine.version_id = pv.id AND mine.person_id = {person}
    LEFT OUTER JOIN codeofconduct_obligation AS asked
        ON asked.version_id = pv.id AND asked.kind = {kind} AND asked.person_id = {person}
    LEFT OUTER JOIN codeofconduct_versionopening AS opened ON opened.version_id = pv.id AND opened.person_id = {person}
    LEFT OUTER JOIN organisation_person AS recorder ON recorder.id = mine.recorded_by_id
    LEFT OUTER JOIN codeofconduct_teamnotification AS notified
        ON notified.version_id = pv.id AND notified.chef_id = {person})"""
_MY_VERSIONS_COLUMNS = (
    "pv.id, asked.due_on, mine.id, mine.acknowledged_at, mine.content_hash, mine.source, mine.recorded_by_id,"
    " recorder.first_name, recorder.last_name, opened.id, notified.id, notified.notified_on, notified.method,"
    " notified.remark, notified.recorded_at"
)
_MY_COLUMNS = (
    "pk",
    "asked__due_on",
    "mine__pk",
    "mine__acknowledged_at",
    "mine__content_hash",
    "mine__source",
    "mine__recorded_by_id",
    "mine__recorded_by__first_name",
    "mine__recorded_by__last_name",
    "opened__pk",
    "notified__pk",
    "notified__notified_on",
    "notified__method",
    "notified__remark",
    "notified__recorded_at",
)


def _my_versions_sql(vendor: str, person: str, person_params: list) -> tuple[str, list]:
    """`_MY_VERSIONS` for the person in SQL `person` (a column, or a placeholder), with its parameters in
    the order their placeholders come."""
    if vendor == "postgresql":
        aggregate = f"json_agg(json_build_array({_MY_VERSIONS_COLUMNS}))::text"
    else:  # SQLite's JSON functions
        aggregate = f"json_group_array(json_array({_MY_VERSIONS_COLUMNS}))"
    pieces, params = [], []
    for number, piece in enumerate(re.split(r"\{(person|kind)\}", _MY_VERSIONS.replace("{aggregate}", aggregate))):
        if number % 2 == 0:
            pieces.append(piece)
        elif piece == "person":
            pieces.append(person)
            params.extend(person_params)
        else:
            pieces.append("%s")
            params.append(Obligation.Kind.ACKNOWLEDGE.value)
    return "".join(pieces), params


class MyVersions(Expression):
    """`_MY_VERSIONS` on the person of the query it is in (NULL: no version at all)."""

    output_field = TextField()

    def __init__(self):
        super().__init__()
        self.person = F("pk")

    def get_source_expressions(self):
        return [self.person]

    def set_source_expressions(self, expressions):
        (self.person,) = expressions

    def as_sql(self, compiler, connection):
        person, params = compiler.compile(self.person)
        return _my_versions_sql(connection.vendor, person, list(params))


def my_versions():
    return MyVersions()


def _my_rows(person, in_force_pks) -> list[dict]:
    """For each version in force and each version `person` acknowledged: when they were asked, their
    acknowledgement (with who recorded it), whether they opened it and, for a chef, their team
    notification; in a query of their own."""
    statement, params = _my_versions_sql(connection.vendor, "%s", [person.pk])
    return _rows(sql.fetch(f"SELECT {statement}", params)[0][0], person, in_force_pks)


_NOT_READ = object()


def _rows_read_with_person(person, in_force_pks) -> list[dict] | None:
    """`_my_rows(person, in_force_pks)` from what was read with the signed-in person (MY_VERSIONS), or
    None when nothing was."""
    read = getattr(person, MY_VERSIONS, _NOT_READ)
    return None if read is _NOT_READ else _rows(read, person, in_force_pks)


def _rows(read: str | None, person, in_force_pks) -> list[dict]:
    """The rows of `_MY_VERSIONS`'s JSON text `read` of the versions in force and the ones acknowledged."""
    found = {values[0]: dict(zip(_MY_COLUMNS, values, strict=True)) for values in json.loads(read or "[]")}
    in_force = set(in_force_pks)
    rows = [row for pk, row in found.items() if pk in in_force or row["mine__pk"] is not None]
    rows += [dict.fromkeys(_MY_COLUMNS) | {"pk": pk} for pk in in_force if pk not in found]
    chef = person.has_direct_reports
    for row in rows:
        if not chef:  # a team notification counts only for someone who has a team
            for column in _NOTIFIED_COLUMNS:
                row[column] = None
        for column, parse in _JSON_VALUES:
            if row[column] is not None:
                row[column] = parse(row[column])
    return rows


def _moment(text: str) -> datetime.datetime:
    # PostgreSQL writes a timestamptz with its offset; SQLite keeps Django's UTC moments without one.
    moment = datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)


_NOTIFIED_COLUMNS = tuple(column for column in _MY_COLUMNS if column.startswith("notified__"))
_JSON_VALUES = (  # JSON has no dates
    ("asked__due_on", datetime.date.fromisoformat),
    ("mine__acknowledged_at", _moment),
    ("notified__notified_on", datetime.date.fromisoformat),
    ("notified__recorded_at", _moment),
)


def reading_list(person) -> tuple[list[ToRead], list[Acknowledgement]]:
    """The current versions `person` still has to acknowledge, and everything they acknowledged."""
    return _memo(person, "reading_list", lambda: _reading_list(person))


# The attribute under which organisation.backends reads `acknowledged_versions` with the signed-in person.
ACKNOWLEDGED_VERSIONS = "acknowledged_version_ids"


def acknowledged_versions():
    """The ids of every version the person acknowledged, comma-separated (NULL: none): a subquery read
    with the signed-in person (organisation.backends.read_with_person, registered in apps.py), so that
    the navigation's badge (`to_read_count`) costs pages without a reading list no query of its own.
    A person acknowledges a few versions in all (one per version, ever)."""
    return Subquery(
        Acknowledgement.objects.filter(person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(ids=StringAgg(Cast("version_id", CharField()), Value(",")))
        .values("ids")
    )


def to_read_count(person) -> int:
    """`len(reading_list(person)[0])`, for the navigation's badge on pages that show no reading list:
    which of the versions in force for `person` they acknowledged, read with the signed-in person (or
    from the rows the request already read; else in one narrow query), instead of their whole reading
    list with its due dates."""
    memo = person.__dict__.get("_codeofconduct_memo", {})
    if "reading_list" in memo:
        return len(memo["reading_list"][0])
    owed = [version.pk for version in shared.for_person(person).in_force if audience.is_in_audience(version, person)]
    if not owed:
        return 0
    if "mine" in memo:
        done = {ack.version_id for ack in memo["mine"].acknowledged}
    elif hasattr(person, ACKNOWLEDGED_VERSIONS):  # read with the signed-in person (acknowledged_versions)
        done = {int(pk) for pk in (getattr(person, ACKNOWLEDGED_VERSIONS) or "").split(",") if pk}
    else:
        rows = sql.fetch(
            "SELECT version_id FROM codeofconduct_acknowledgement"  # noqa: S608 (values are parameters)  # nosec B608
            f" WHERE person_id = %s AND version_id IN ({', '.join(['%s'] * len(owed))})",
            [person.pk, *owed],
        )
        done = {row[0] for row in rows}
    return sum(1 for pk in owed if pk not in done)


def _reading_list(person):
    acknowledged = _mine(person).acknowledged
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


def has_opened(person, version) -> bool:
    """Whether `person` opened `version` before, from their one query (versions in force or acknowledged;
    for any other version the answer is False, and recording the opening again changes nothing)."""
    return version.pk in _mine(person).opened


def due_date_for(person, version) -> datetime.date:
    """`person`'s due date for `version`, without a query when it is current."""
    current = next((each for each in current_versions_for(person) if each.pk == version.pk), None)
    if current is not None:
        return _due_date(current, timezone.localdate())
    return audience.due_date_for(version, person)


def team_notification(chef, version) -> TeamNotification | None:
    """The chef's confirmation that they told their team about `version`, or None: from their one query
    when it answered for that version (in force, or acknowledged), else asked."""
    mine = _mine(chef)
    if chef.has_direct_reports and version.pk in mine.covered:
        return mine.notified.get(version.pk)
    return TeamNotification.objects.filter(chef=chef, version=version).first()


def chef_versions_to_confirm(person) -> list[PolicyVersion]:
    """Current versions whose audience includes `person`'s team, not yet confirmed as notified."""
    versions = current_versions_for(person)
    if not versions:
        return []
    confirmed = _mine(person).notified
    reports = list(get_user_model().objects.filter(manager=person, is_active=True).select_related("unit"))
    return [
        version
        for version in versions
        if version.pk not in confirmed and any(audience.is_in_audience(version, report) for report in reports)
    ]
