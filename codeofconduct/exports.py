"""Compliance exports (CSV and XLSX), safe to open in a spreadsheet.

A cell that starts with =, +, -, @, tab or carriage return would be read as a formula
(`=HYPERLINK(...)`): such cells get a leading apostrophe, which spreadsheets show as text.
"""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from codeofconduct.compliance import UnitFigures

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
    elif hasattr(value, "strftime"):
        value = value.strftime("%d-%m-%Y")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


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


def people_rows(people):
    source_labels = {"self": _("Zelf bevestigd"), "carried_over": _("Overgenomen na een redactionele wijziging")}
    for person in people.iterator(chunk_size=2000):
        if person.acknowledgement_source == "briefing":
            how = _("Briefing door %(chef)s") % {"chef": f"{person.proxy_chef_first} {person.proxy_chef_last}"}
        else:
            how = source_labels.get(person.acknowledgement_source, "")
        yield [
            safe_cell(value)
            for value in (
                person.personeelsnummer,
                person.get_full_name(),
                person.unit.name if person.unit else "",
                person.unit.code if person.unit else "",
                person.manager.get_full_name() if person.manager else "",
                person.opened_at,
                person.acknowledged_at,
                how,
            )
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
                figures.unit["code"],
                figures.unit["name"],
                figures.unit["depth"],
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
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

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
