"""Synchronise the organisation from the HR export (CSV): units, people and reporting lines.

The whole file is checked before anything is written: every bad line is reported with its line
number and the database stays unchanged. A good file is applied in one transaction with bulk
operations, so that a city-sized file (25,000 people) takes seconds, and a second run of the same
file changes nothing.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation.models import UNIT_CODE_VALIDATOR, OrgUnit, Person
from organisation.signals import organisation_bulk_changed

COLUMNS = [
    "personeelsnummer",
    "voornaam",
    "achternaam",
    "email",
    "gebruikersnaam",
    "eenheid_code",
    "eenheid_naam",
    "eenheid_soort",
    "bovenliggende_eenheid_code",
    "leidinggevende_personeelsnummer",
]
REQUIRED = ["personeelsnummer", "voornaam", "achternaam", "email", "eenheid_code", "eenheid_naam", "eenheid_soort"]
KINDS = {kind.value for kind in OrgUnit.Kind}
DEFAULT_MAX_DEACTIVATE_SHARE = 0.10


class ImportRefused(Exception):
    """The file cannot be applied; `problems` lists every reason, by line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class UnitRow:
    code: str
    name: str
    kind: str
    parent_code: str
    line: int


@dataclass
class PersonRow:
    number: str
    first_name: str
    last_name: str
    email: str
    username: str
    unit_code: str
    manager_number: str
    line: int


@dataclass
class ImportReport:
    units_created: list[str] = field(default_factory=list)
    units_updated: list[str] = field(default_factory=list)
    units_deactivated: list[str] = field(default_factory=list)
    people_created: list[str] = field(default_factory=list)
    people_updated: list[str] = field(default_factory=list)
    people_reactivated: list[str] = field(default_factory=list)
    people_deactivated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)

    def summary(self) -> str:
        labels = {
            "units_created": _("eenheden aangemaakt"),
            "units_updated": _("eenheden gewijzigd"),
            "units_deactivated": _("eenheden gedeactiveerd"),
            "people_created": _("medewerkers aangemaakt"),
            "people_updated": _("medewerkers gewijzigd"),
            "people_reactivated": _("medewerkers opnieuw geactiveerd"),
            "people_deactivated": _("medewerkers gedeactiveerd"),
        }
        return ", ".join(f"{len(getattr(self, name))} {label}" for name, label in labels.items())


def read_rows(text: str) -> tuple[list[UnitRow], list[PersonRow], list[str]]:
    """Parse and check the file on its own (no database): rows and the problems found, by line."""
    problems: list[str] = []
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing_columns = [column for column in [*REQUIRED, "leidinggevende_personeelsnummer"] if column not in header]
    if missing_columns:
        return [], [], [_("Regel 1: kolommen ontbreken: %(columns)s.") % {"columns": ", ".join(missing_columns)}]
    reader.fieldnames = header

    units: dict[str, UnitRow] = {}
    people: dict[str, PersonRow] = {}
    emails: dict[str, int] = {}
    usernames: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        row = {key: (value or "").strip() for key, value in raw.items() if key}
        if not any(row.values()):
            continue
        if None in raw:
            problems.append(_("Regel %(line)d: te veel kolommen.") % {"line": line})
            continue
        empty = [column for column in REQUIRED if not row.get(column)]
        if empty:
            problems.append(
                _("Regel %(line)d: verplicht veld ontbreekt: %(fields)s.") % {"line": line, "fields": ", ".join(empty)}
            )
            continue
        number, email = row["personeelsnummer"], row["email"].lower()
        username = row.get("gebruikersnaam") or email
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("Regel %(line)d: ongeldig e-mailadres %(email)s.") % {"line": line, "email": email})
        for value in (row["eenheid_code"], row.get("bovenliggende_eenheid_code")):
            if value:
                try:
                    UNIT_CODE_VALIDATOR(value)
                except ValidationError:
                    problems.append(
                        _("Regel %(line)d: ongeldige eenheidscode %(code)s.") % {"line": line, "code": value}
                    )
        if row["eenheid_soort"] not in KINDS:
            problems.append(
                _("Regel %(line)d: onbekende soort eenheid %(kind)s (kies uit %(kinds)s).")
                % {"line": line, "kind": row["eenheid_soort"], "kinds": ", ".join(sorted(KINDS))}
            )
        if number in people:
            problems.append(
                _("Regel %(line)d: personeelsnummer %(number)s komt al voor op regel %(first)d.")
                % {"line": line, "number": number, "first": people[number].line}
            )
            continue
        if email in emails:
            problems.append(
                _("Regel %(line)d: e-mailadres %(email)s komt al voor op regel %(first)d.")
                % {"line": line, "email": email, "first": emails[email]}
            )
        if username.lower() in usernames:
            problems.append(
                _("Regel %(line)d: gebruikersnaam %(username)s komt al voor op regel %(first)d.")
                % {"line": line, "username": username, "first": usernames[username.lower()]}
            )
        emails[email] = line
        usernames[username.lower()] = line
        unit = UnitRow(
            row["eenheid_code"],
            row["eenheid_naam"],
            row["eenheid_soort"],
            row.get("bovenliggende_eenheid_code", ""),
            line,
        )
        known = units.get(unit.code)
        if known is None:
            units[unit.code] = unit
        elif (known.name, known.kind, known.parent_code) != (unit.name, unit.kind, unit.parent_code):
            problems.append(
                _("Regel %(line)d: eenheid %(code)s wordt anders beschreven dan op regel %(first)d.")
                % {"line": line, "code": unit.code, "first": known.line}
            )
        people[number] = PersonRow(
            number,
            row["voornaam"],
            row["achternaam"],
            email,
            username,
            unit.code,
            row.get("leidinggevende_personeelsnummer", ""),
            line,
        )

    for unit in units.values():
        if unit.parent_code and unit.parent_code not in units:
            problems.append(
                _("Regel %(line)d: onbekende bovenliggende eenheid %(code)s.")
                % {"line": unit.line, "code": unit.parent_code}
            )
    for person in people.values():
        if person.manager_number and person.manager_number not in people:
            problems.append(
                _("Regel %(line)d: onbekende leidinggevende %(number)s.")
                % {"line": person.line, "number": person.manager_number}
            )
        elif person.manager_number == person.number:
            problems.append(
                _("Regel %(line)d: %(number)s is zijn of haar eigen leidinggevende.")
                % {"line": person.line, "number": person.number}
            )
    problems += _cycles(
        {code: unit.parent_code for code, unit in units.items()},
        {code: unit.line for code, unit in units.items()},
        _("Regel %(line)d: eenheid %(key)s hangt in een kring onder zichzelf."),
    )
    problems += _cycles(
        {number: person.manager_number for number, person in people.items() if person.manager_number != number},
        {number: person.line for number, person in people.items()},
        _("Regel %(line)d: de rapportering van %(key)s loopt in een kring."),
    )
    return list(units.values()), list(people.values()), problems


def _cycles(parent_of: dict[str, str], line_of: dict[str, int], message: str) -> list[str]:
    """Report each key that sits on a cycle of `parent_of`, once, in line order."""
    state: dict[str, int] = {}  # 1 = being walked, 2 = done
    on_cycle: set[str] = set()
    for start in parent_of:
        path = []
        key = start
        while key and key in parent_of and state.get(key) != 2:
            if state.get(key) == 1:
                on_cycle.update(path[path.index(key) :])
                break
            state[key] = 1
            path.append(key)
            key = parent_of[key]
        for walked in path:
            state[walked] = 2
    return [message % {"line": line_of[key], "key": key} for key in sorted(on_cycle, key=line_of.get)]


def import_organisation(
    text: str,
    *,
    dry_run: bool = False,
    max_deactivate_share: float = DEFAULT_MAX_DEACTIVATE_SHARE,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    units, people, problems = read_rows(text)
    if problems:
        raise ImportRefused(problems)
    if not people:
        raise ImportRefused([_("Het bestand bevat geen medewerkers.")])
    with transaction.atomic():
        report = _apply(units, people, max_deactivate_share, progress or (lambda message: None))
        organisation_bulk_changed.send(sender=import_organisation)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _set_managers(changes: list) -> None:
    """Write new reporting lines. On PostgreSQL one UPDATE ... FROM (VALUES ...) per 5,000 people:
    Django's bulk_update builds a CASE per row, which costs minutes on a city-sized first import."""
    if connection.vendor != "postgresql":
        Person.objects.bulk_update(changes, ["manager_id"], batch_size=2000)
        return
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(changes), 5000):
            batch = changes[start : start + 5000]
            rows = ", ".join(["(%s::bigint, %s::bigint)"] * len(batch))
            params = [value for person in batch for value in (person.id, person.manager_id)]
            # Only the model's table name and placeholders are formatted in; the values are parameters.
            sql = (
                f'UPDATE "{table}" AS person SET manager_id = new.manager_id '  # noqa: S608  # nosec B608
                f"FROM (VALUES {rows}) AS new(id, manager_id) WHERE person.id = new.id"
            )
            cursor.execute(sql, params)


def _apply(units, people, max_deactivate_share, progress) -> ImportReport:
    report = ImportReport()
    now = timezone.now()

    # Units, parents before children (depth of the parent chain within the file).
    unit_by_code = {unit.code: unit for unit in units}

    def depth(code):
        level = 0
        while unit_by_code[code].parent_code:
            code = unit_by_code[code].parent_code
            level += 1
        return level

    existing_units = {unit.code: unit for unit in OrgUnit.objects.all()}
    for row in sorted(units, key=lambda unit: depth(unit.code)):
        parent = existing_units[row.parent_code] if row.parent_code else None
        unit = existing_units.get(row.code)
        if unit is None:
            unit = OrgUnit(code=row.code, name=row.name, kind=row.kind, parent=parent)
            unit.save()
            existing_units[row.code] = unit
            report.units_created.append(row.code)
        elif (unit.name, unit.kind, unit.parent_id, unit.is_active) != (row.name, row.kind, parent and parent.pk, True):
            unit.name, unit.kind, unit.parent, unit.is_active = row.name, row.kind, parent, True
            unit.save()
            report.units_updated.append(row.code)
    # A moved unit changes the path of its whole sub-tree.
    if report.units_updated:
        _refresh_paths()
        existing_units = {unit.code: unit for unit in OrgUnit.objects.all()}
    file_codes = set(unit_by_code)
    gone_units = [unit for code, unit in existing_units.items() if code not in file_codes and unit.is_active]
    for unit in gone_units:
        unit.is_active = False
        report.units_deactivated.append(unit.code)
    OrgUnit.objects.bulk_update(gone_units, ["is_active"])
    progress(_("Eenheden verwerkt: %(count)d") % {"count": len(units)})

    # People: create and update in bulk, then the reporting lines (they refer to each other).
    fields = ["first_name", "last_name", "email", "username", "unit_id", "is_active"]
    existing = {
        person.personeelsnummer: person
        for person in Person.objects.filter(personeelsnummer__isnull=False).only(
            "id", "personeelsnummer", "manager_id", "deactivated_at", "unit_since", *fields
        )
    }
    to_create, to_update = [], []
    # Imported people sign in through SSO: one unusable password for all (hashing a random one per
    # person would cost seconds on a city-sized file and protect nothing more).
    unusable = make_password(None)
    for index, row in enumerate(people, start=1):
        unit_id = existing_units[row.unit_code].pk
        person = existing.get(row.number)
        if person is None:
            person = Person(
                personeelsnummer=row.number,
                first_name=row.first_name,
                last_name=row.last_name,
                email=row.email,
                username=row.username,
                unit_id=unit_id,
                is_active=True,
                unit_since=now,
            )
            person.password = unusable
            to_create.append(person)
            report.people_created.append(row.number)
        else:
            wanted = (row.first_name, row.last_name, row.email, row.username, unit_id, True)
            if tuple(getattr(person, name) for name in fields) != wanted:
                if not person.is_active:
                    report.people_reactivated.append(row.number)
                else:
                    report.people_updated.append(row.number)
                if person.unit_id != unit_id or not person.is_active:
                    person.unit_since = now
                for name, value in zip(fields, wanted, strict=True):
                    setattr(person, name, value)
                person.deactivated_at = None
                to_update.append(person)
        if index % 5000 == 0:
            progress(_("Medewerkers gelezen: %(count)d van %(total)d") % {"count": index, "total": len(people)})
    Person.objects.bulk_create(to_create, batch_size=2000)
    Person.objects.bulk_update(to_update, [*fields, "deactivated_at", "unit_since"], batch_size=2000)

    ids = dict(Person.objects.filter(personeelsnummer__isnull=False).values_list("personeelsnummer", "id"))
    managers = dict(Person.objects.filter(personeelsnummer__isnull=False).values_list("personeelsnummer", "manager_id"))
    manager_changes = []
    already_reported = {*report.people_created, *report.people_updated}  # a set: 250,000 rows stay linear
    for row in people:
        wanted = ids[row.manager_number] if row.manager_number else None
        if managers[row.number] != wanted:
            manager_changes.append(Person(id=ids[row.number], manager_id=wanted))
            if row.number not in already_reported:
                report.people_updated.append(row.number)
                already_reported.add(row.number)
    _set_managers(manager_changes)

    in_file = {row.number for row in people}
    leavers = [person for number, person in existing.items() if number not in in_file and person.is_active]
    active_count = sum(1 for person in existing.values() if person.is_active)
    if active_count and len(leavers) > max_deactivate_share * active_count:
        raise ImportRefused(
            [
                _(
                    "Veiligheidsstop: dit bestand zou %(count)d van %(total)d actieve medewerkers deactiveren "
                    "(meer dan %(share)d%%). Controleer het bestand; gebruik --max-deactivate om bewust meer toe te laten."
                )
                % {"count": len(leavers), "total": active_count, "share": round(max_deactivate_share * 100)}
            ]
        )
    for person in leavers:
        person.is_active = False
        person.deactivated_at = now
        report.people_deactivated.append(person.personeelsnummer)
    Person.objects.bulk_update(leavers, ["is_active", "deactivated_at"], batch_size=2000)
    progress(_("Medewerkers verwerkt: %(count)d") % {"count": len(people)})
    return report


def _refresh_paths():
    """Recompute the materialised paths top-down after units moved."""
    units = list(OrgUnit.objects.all())
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    changed = []
    stack = [(unit, "/") for unit in children.get(None, [])]
    while stack:
        unit, prefix = stack.pop()
        path = f"{prefix}{unit.code}/"
        if unit.path != path:
            unit.path, unit.depth = path, path.count("/") - 2
            changed.append(unit)
        stack.extend((child, path) for child in children.get(unit.pk, []))
    OrgUnit.objects.bulk_update(changed, ["path", "depth"])
