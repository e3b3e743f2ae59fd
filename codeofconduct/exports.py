"""Compliance exports (CSV and XLSX), safe to open in a spreadsheet.

A cell that starts with =, +, -, @, tab or carriage return (also behind spaces, or in full-width
form) would be read as a formula (`=HYPERLINK(...)`): such cells get a leading apostrophe, which
spreadsheets show as text.
"""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from codeofconduct.selectors.compliance import UnitFigures

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheets also read a formula behind leading spaces, and some read the full-width signs as ASCII.
FULL_WIDTH = str.maketrans({"\uff1d": "=", "\uff0b": "+", "\uff0d": "-", "\uff20": "@"})


def safe_cell(value, zone=None) -> str | int | float:
    if value is None:
        return ""
    # Counts and shares stay numbers: a spreadsheet can sum and sort them (no formula can hide in one).
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = value.astimezone(zone or timezone.get_current_timezone()).strftime("%d-%m-%Y %H:%M")
    elif hasattr(value, "strftime"):
        value = value.strftime("%d-%m-%Y")
    text = str(value)
    return "'" + text if text.lstrip(" \u00a0\u3000").translate(FULL_WIDTH).startswith(FORMULA_START) else text


def _full_name(first, last) -> str:
    return f"{first or ''} {last or ''}".strip()


def people_header() -> list[str]:
    return [
        _("Personeelsnummer"),
        _("Naam"),
        _("Eenheid"),
        _("Code eenheid"),
        _("Chef-waardeerder"),
        _("Eerst geopend"),
        _("Gelezen en begrepen op"),
        _("Manier"),
    ]


PEOPLE_COLUMNS = (
    "personeelsnummer",
    "first_name",
    "last_name",
    "unit__name",
    "unit__code",
    "manager__first_name",
    "manager__last_name",
    "opened_at",
    "acknowledged_at",
    "acknowledgement_source",
    "proxy_chef_first",
    "proxy_chef_last",
)


def people_rows(people):
    """One row per person, read as plain tuples: a city of 250,000 is streamed without a model object each."""
    source_labels = {"self": _("Zelf bevestigd"), "carried_over": _("Overgenomen na een redactionele wijziging")}
    briefing = _("Briefing door %(chef)s")
    zone = timezone.get_current_timezone()
    for (
        number,
        first,
        last,
        unit_name,
        unit_code,
        manager_first,
        manager_last,
        opened_at,
        acknowledged_at,
        source,
        chef_first,
        chef_last,
    ) in people.values_list(*PEOPLE_COLUMNS).iterator(chunk_size=5000):
        if source == "briefing":
            how = briefing % {"chef": _full_name(chef_first, chef_last)}
        else:
            how = source_labels.get(source, "")
        yield [
            safe_cell(number),
            safe_cell(_full_name(first, last)),
            safe_cell(unit_name),
            safe_cell(unit_code),
            safe_cell(_full_name(manager_first, manager_last)),
            safe_cell(opened_at, zone),
            safe_cell(acknowledged_at, zone),
            safe_cell(how),
        ]


def units_header() -> list[str]:
    return [
        _("Code eenheid"),
        _("Eenheid"),
        _("Niveau"),
        _("Publiek"),
        _("Gelezen en begrepen"),
        _("Aandeel (%)"),
        _("Te laat"),
        _("Chef-waardeerders"),
        _("Team op de hoogte gebracht"),
    ]


def units_rows(units: list[UnitFigures]):
    for figures in units:
        yield [
            safe_cell(value)
            for value in (
                figures.unit.code,
                figures.unit.name,
                figures.unit.depth,
                figures.audience,
                figures.acknowledged,
                figures.share,
                figures.overdue,
                figures.chefs,
                figures.chefs_confirmed,
            )
        ]


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    """Streamed, so that the whole city never sits in memory; `;` and a BOM for Excel in Belgium."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        # A few hundred rows per chunk: one write to the socket each, not one per row.
        chunk = ["\ufeff" + writer.writerow(header)]
        for row in rows:
            chunk.append(writer.writerow(row))
            if len(chunk) >= 500:
                yield "".join(chunk)
                chunk = []
        yield "".join(chunk)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, sheets: list[tuple[str, list[str], object]]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
