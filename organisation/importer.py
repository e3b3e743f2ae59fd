"""Synchronise the organisation from the HR export (CSV): units, people and reporting lines.

The whole file is checked before anything is written: every bad line is reported with its line
number and the database stays unchanged. A good file is applied in one transaction with bulk
operations, so that a city-sized file (25,000 people) takes seconds, and a second run of the same
file changes nothing.
"""

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation.models import UNIT_CODE_VALIDATOR, OrgUnit, Person, normalise_personeelsnummer
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
# Every column must be in the header except `gebruikersnaam` (it defaults to the e-mail address).
HEADER_REQUIRED = [column for column in COLUMNS if column != "gebruikersnaam"]
# Cells that must hold a value. `email` may be empty: staff without a mailbox (street crews).
REQUIRED = ["personeelsnummer", "voornaam", "achternaam", "eenheid_code", "eenheid_naam", "eenheid_soort"]
# The database's column lengths: a longer value is a line-numbered problem, never a database error.
MAX_LENGTHS = {
    "personeelsnummer": Person._meta.get_field("personeelsnummer").max_length,
    "voornaam": Person._meta.get_field("first_name").max_length,
    "achternaam": Person._meta.get_field("last_name").max_length,
    "email": Person._meta.get_field("email").max_length,
    "gebruikersnaam": Person._meta.get_field("username").max_length,
    "eenheid_code": OrgUnit._meta.get_field("code").max_length,
    "eenheid_naam": OrgUnit._meta.get_field("name").max_length,
    "eenheid_soort": OrgUnit._meta.get_field("kind").max_length,
    "bovenliggende_eenheid_code": OrgUnit._meta.get_field("code").max_length,
    "leidinggevende_personeelsnummer": Person._meta.get_field("personeelsnummer").max_length,
}
KINDS = {kind.value for kind in OrgUnit.Kind}
DELIMITERS = ";,\t"
DEFAULT_MAX_DEACTIVATE_SHARE = 0.10
# What the import writes on a person (and the admin therefore shows read-only for imported people).
IMPORTED_FIELDS = ["personeelsnummer", "first_name", "last_name", "email", "username", "unit_id", "is_active"]
# Characters no name, code or address holds: control characters (NUL and the like), line and
# paragraph separators, unpaired surrogates. PostgreSQL refuses NUL outright.
_FORBIDDEN_CATEGORIES = {"Cc", "Cs", "Zl", "Zp"}


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


def decode(data: bytes) -> str:
    """The file's bytes as text: UTF-8, with or without a byte-order mark; anything else is refused
    with the line where the first byte that is not UTF-8 sits."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportRefused([_("Regel 1: het bestand is UTF-16-tekst. Bewaar de CSV als UTF-8.")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportRefused(
            [_("Regel %(line)d: dit is geen UTF-8-tekst. Bewaar de CSV als UTF-8.") % {"line": line}]
        ) from None


def _header_problems(header: list[str]) -> list[str]:
    problems = []
    missing = [column for column in HEADER_REQUIRED if column not in header]
    if missing:
        problems.append(_("Regel 1: kolommen ontbreken: %(columns)s.") % {"columns": ", ".join(missing)})
    unknown = [column or _("(leeg)") for column in header if column not in COLUMNS]
    if unknown:
        problems.append(
            _("Regel 1: onbekende kolommen: %(columns)s (verwacht: %(expected)s).")
            % {"columns": ", ".join(unknown), "expected": ", ".join(COLUMNS)}
        )
    doubles = sorted({column for column in header if column and header.count(column) > 1})
    if doubles:
        problems.append(_("Regel 1: kolommen komen dubbel voor: %(columns)s.") % {"columns": ", ".join(doubles)})
    return problems


def _records(reader):
    """(first line, cells) per record, with the physical line where the record starts."""
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def read_rows(text: str) -> tuple[list[UnitRow], list[PersonRow], list[str]]:
    """Parse and check the file on its own (no database): rows and the problems found, by line."""
    # Surrounding white space says nothing about the separator: a spreadsheet that leaves a tab after
    # the last column name of a ;-file would otherwise pass for a tab-separated file.
    first_line = text.split("\n", 1)[0].strip()
    if not text.strip():
        return [], [], [_("Regel 1: het bestand is leeg.")]
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = None
    if delimiter is None:
        return (
            [],
            [],
            [
                _("Regel 1: de kolomnamen zijn niet gescheiden door ; of , (of een tab). Verwacht: %(expected)s.")
                % {"expected": ";".join(COLUMNS)}
            ],
        )
    # The csv module refuses fields over 128 KiB with an error mid-file; a field can never be longer
    # than the file, and an overlong one is reported below like any other value that is too long.
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        return _read_records(text, delimiter)
    finally:
        csv.field_size_limit(limit)


def _read_records(text: str, delimiter: str) -> tuple[list[UnitRow], list[PersonRow], list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    records = _records(reader)
    try:
        _line, header_cells = next(records)
    except csv.Error:
        return [], [], [_("Regel 1: de kolomnamen kunnen niet gelezen worden.")]
    header = [name.strip().lower() for name in header_cells]
    problems = _header_problems(header)
    if problems:
        return [], [], problems

    units: dict[str, UnitRow] = {}
    people: dict[str, PersonRow] = {}
    emails: dict[str, int] = {}
    usernames: dict[str, int] = {}
    while True:
        try:
            line, cells = next(records)
        except StopIteration:
            break
        except csv.Error as error:
            # A field longer than the csv module allows, or the like: the rest cannot be read reliably.
            problems.append(
                _(
                    "Regel %(line)d: deze regel kan niet gelezen worden (%(reason)s); de rest van het bestand is niet nagekeken."
                )
                % {"line": reader.line_num, "reason": error}
            )
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                _("Regel %(line)d: %(count)d kolommen in plaats van %(expected)d.")
                % {"line": line, "count": len(cells), "expected": len(header)}
            )
            continue
        row = {column: cell.strip() for column, cell in zip(header, cells, strict=True)}
        row_problems = _cell_problems(row, line)
        if row_problems:
            problems += row_problems
            continue
        number = normalise_personeelsnummer(row["personeelsnummer"])
        manager_number = normalise_personeelsnummer(row["leidinggevende_personeelsnummer"])
        email = row["email"].lower()
        username = row.get("gebruikersnaam") or email or number
        if number in people:
            problems.append(
                _("Regel %(line)d: personeelsnummer %(number)s komt al voor op regel %(first)d.")
                % {"line": line, "number": row["personeelsnummer"], "first": people[number].line}
            )
            continue
        if email and email in emails:
            problems.append(
                _("Regel %(line)d: e-mailadres %(email)s komt al voor op regel %(first)d.")
                % {"line": line, "email": email, "first": emails[email]}
            )
        if username.lower() in usernames:
            problems.append(
                _("Regel %(line)d: gebruikersnaam %(username)s komt al voor op regel %(first)d.")
                % {"line": line, "username": username, "first": usernames[username.lower()]}
            )
        if email:
            emails[email] = line
        usernames[username.lower()] = line
        unit = UnitRow(
            row["eenheid_code"], row["eenheid_naam"], row["eenheid_soort"], row["bovenliggende_eenheid_code"], line
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
            number, row["voornaam"], row["achternaam"], email, username, unit.code, manager_number, line
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
    return list(units.values()), list(people.values()), sorted(problems, key=_line_of)


def _line_of(problem: str) -> int:
    found = re.search(r"\d+", problem)
    return int(found.group()) if found else 0


def _cell_problems(row: dict[str, str], line: int) -> list[str]:
    """What is wrong with one line's cells on their own."""
    problems = []
    forbidden = [
        column
        for column, value in row.items()
        # str.isprintable() is false for every forbidden category (and a few allowed ones, such as a
        # non-breaking space): only such a value is read character by character.
        if not value.isprintable() and any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in value)
    ]
    if forbidden:
        problems.append(
            _("Regel %(line)d: onleesbaar teken (stuurteken) in %(fields)s.")
            % {"line": line, "fields": ", ".join(forbidden)}
        )
    too_long = [column for column, value in row.items() if len(value) > MAX_LENGTHS[column]]
    if too_long:
        problems.append(
            _("Regel %(line)d: te lang: %(fields)s.")
            % {
                "line": line,
                "fields": ", ".join(
                    _("%(column)s (hoogstens %(length)d tekens)") % {"column": column, "length": MAX_LENGTHS[column]}
                    for column in too_long
                ),
            }
        )
    if problems:
        return problems  # the values themselves are not shown: they may be binary or huge
    empty = [column for column in REQUIRED if not row.get(column)]
    if empty:
        problems.append(
            _("Regel %(line)d: verplicht veld ontbreekt: %(fields)s.") % {"line": line, "fields": ", ".join(empty)}
        )
    for column in ("personeelsnummer", "leidinggevende_personeelsnummer"):
        if row[column] and not normalise_personeelsnummer(row[column]):
            problems.append(
                _("Regel %(line)d: ongeldig personeelsnummer %(number)s.") % {"line": line, "number": row[column]}
            )
    if row["email"]:
        try:
            validate_email(row["email"])
        except ValidationError:
            problems.append(
                _("Regel %(line)d: ongeldig e-mailadres %(email)s.") % {"line": line, "email": row["email"]}
            )
    for value in (row["eenheid_code"], row["bovenliggende_eenheid_code"]):
        if value:
            try:
                UNIT_CODE_VALIDATOR(value)
            except ValidationError:
                problems.append(_("Regel %(line)d: ongeldige eenheidscode %(code)s.") % {"line": line, "code": value})
    if row["eenheid_soort"] and row["eenheid_soort"] not in KINDS:
        problems.append(
            _("Regel %(line)d: onbekende soort eenheid %(kind)s (kies uit %(kinds)s).")
            % {"line": line, "kind": row["eenheid_soort"], "kinds": ", ".join(sorted(KINDS))}
        )
    return problems


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
    if isinstance(text, bytes):
        text = decode(text)
    units, people, problems = read_rows(text)
    if problems:
        raise ImportRefused(problems)
    if not people:
        raise ImportRefused([_("Het bestand bevat geen medewerkers.")])
    existing, problems = _existing_by_number()
    problems += _conflicts_with_accounts_outside_the_file(people, existing)
    if problems:
        raise ImportRefused(problems)
    try:
        with transaction.atomic():
            report = _apply(units, people, existing, max_deactivate_share, progress or (lambda message: None))
            organisation_bulk_changed.send(sender=import_organisation)
            if dry_run:
                transaction.set_rollback(True)
    except (IntegrityError, DataError) as error:
        # Every rule the database holds is checked above; should one still refuse, the beheerder
        # gets a sentence and the database is unchanged (the transaction rolled back).
        raise ImportRefused(
            [
                _("Het bestand kon niet worden toegepast; er is niets gewijzigd. De databank weigerde: %(reason)s")
                % {"reason": str(error).splitlines()[0][:200]}
            ]
        ) from None
    return report


def _existing_by_number() -> tuple[dict[str, Person], list[str]]:
    """Imported people by their normalised personeelsnummer, and the problem when two of them share one
    (numbers stored before normalisation, or typed by hand): the import refuses to guess."""
    existing: dict[str, Person] = {}
    problems = []
    people = Person.objects.filter(personeelsnummer__isnull=False).order_by("pk")
    # The fields the import reads; any other would be loaded person by person.
    for person in people.only("unit_since", *IMPORTED_FIELDS):
        key = normalise_personeelsnummer(person.personeelsnummer)
        if key in existing:
            problems.append(
                _(
                    "De accounts met personeelsnummer %(first)s en %(second)s zijn dezelfde persoon. "
                    "Voeg ze samen in het beheer voor je opnieuw importeert."
                )
                % {"first": existing[key].personeelsnummer, "second": person.personeelsnummer}
            )
        else:
            existing[key] = person
    return existing, problems


def _conflicts_with_accounts_outside_the_file(people: list[PersonRow], existing: dict[str, Person]) -> list[str]:
    """An e-mail address or username the file gives someone, held by an account the file does not
    describe (a service account, or a leaver whose record stays): refused by line, not by the database."""
    problems = []
    in_file = {row.number for row in people}
    outside_emails: dict[str, str] = {}
    outside_usernames: dict[str, str] = {}
    for key, person in [(None, p) for p in Person.objects.filter(personeelsnummer__isnull=True)] + list(
        existing.items()
    ):
        if key in in_file:
            continue
        label = person.personeelsnummer or person.get_username()
        if person.email:
            outside_emails[person.email.lower()] = label
        outside_usernames[person.get_username().lower()] = label
    for row in people:
        if row.email and row.email in outside_emails:
            problems.append(
                _("Regel %(line)d: e-mailadres %(email)s hoort al bij een account buiten dit bestand (%(other)s).")
                % {"line": row.line, "email": row.email, "other": outside_emails[row.email]}
            )
        if row.username.lower() in outside_usernames:
            problems.append(
                _(
                    "Regel %(line)d: gebruikersnaam %(username)s hoort al bij een account buiten dit bestand (%(other)s)."
                )
                % {"line": row.line, "username": row.username, "other": outside_usernames[row.username.lower()]}
            )
    return problems


def _set_managers(changes: list) -> None:
    """Write new reporting lines: one UPDATE ... FROM (VALUES ...) per 5,000 people, the same statement
    on PostgreSQL and SQLite (Django's bulk_update builds a CASE per row, which costs minutes on a
    city-sized first import)."""
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(changes), 5000):
            batch = changes[start : start + 5000]
            # The casts type a batch whose managers are all NULL; a VALUES list's columns are
            # column1, column2 on both databases.
            rows = ", ".join(["(CAST(%s AS bigint), CAST(%s AS bigint))"] * len(batch))
            params = [value for person in batch for value in (person.id, person.manager_id)]
            # Only the model's table name and placeholders are formatted in; the values are parameters.
            sql = (
                f"UPDATE {table} SET manager_id = wanted.column2 "  # noqa: S608  # nosec B608
                f"FROM (VALUES {rows}) AS wanted WHERE {table}.id = wanted.column1"
            )
            cursor.execute(sql, params)


def _apply(units, people, existing, max_deactivate_share, progress) -> ImportReport:
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
    # Level by level, so that every parent has its key before its children: the new units of a level
    # in one bulk insert. Saved one by one, each unit moved the content generation and the compliance
    # figures' counter on (two updates of one row per unit: a fifth of the first import of a city);
    # the import moves both once, with its transaction (organisation_bulk_changed below).
    levels = {}
    for row in units:
        levels.setdefault(depth(row.code), []).append(row)
    for level in sorted(levels):
        created = []
        for row in levels[level]:
            parent = existing_units[row.parent_code] if row.parent_code else None
            unit = existing_units.get(row.code)
            if unit is None:
                unit = OrgUnit(code=row.code, name=row.name, kind=row.kind, parent=parent)
                unit.derive_path()
                created.append(unit)
                existing_units[row.code] = unit
                report.units_created.append(row.code)
            elif (unit.name, unit.kind, unit.parent_id, unit.is_active) != (
                row.name,
                row.kind,
                parent and parent.pk,
                True,
            ):
                unit.name, unit.kind, unit.parent, unit.is_active = row.name, row.kind, parent, True
                unit.save()
                report.units_updated.append(row.code)
        OrgUnit.objects.bulk_create(created, batch_size=2000)
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
    fields = IMPORTED_FIELDS
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
            wanted = (row.number, row.first_name, row.last_name, row.email, row.username, unit_id, True)
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
