"""Redactie sees, per organisational unit, who read and acknowledged the code, and downloads it.

The hand-computed figures for the current version (audience: all staff; published in 2018, so
everyone who was there then is overdue unless they acknowledged):

unit       people (active)                                 acknowledged            overdue
STAD       integriteit, admin                              –                       2
BZ         directeur, redactie                             –                       2
BZ-COM-A   chef, medewerker, a1 (briefed), a2, a4 (new)    medewerker, a1          chef, a2   (a4: own due date)
BZ-COM-B   chef2, medewerker2                              medewerker2             chef2
a3 acknowledged and left: not counted anywhere.
Roll-up: BZ-COM 7/3/3, BZ 9/3/5, STAD (whole city) 11/3/7.
Chef-waardeerders (people with direct reports): directeur (BZ), chef (A, confirmed), chef2 (B).
"""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from codeofconduct.models import PolicyVersion, VersionOpening
from codeofconduct.selectors import compliance
from codeofconduct.services import acknowledging, publishing
from tests.codeofconduct import compliance_fixture
from tests.factories import make_person
from tests.plans import executed_plan, generic_plan, plan_nodes, rows_read

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_city(city, current):
    return compliance_fixture.build(city, current)


def publish_for_units(city, policy, copy_from, units, *, wording):
    """A new version of `copy_from` for `units` only (none: chosen units left without any), published."""
    draft = publishing.draft_create(policy=policy, by=city.editor, copy_from=copy_from)
    draft.audience_all_staff = False
    draft.body = draft.body.replace("Gebruik je gezond verstand.", f"Gebruik {wording} je gezond verstand.")
    publishing.draft_save(version=draft, by=city.editor)
    draft.audience_units.set(units)
    return publishing.version_publish(version=draft, by=city.editor)


def figures_by_code(version):
    units, total = compliance.unit_figures(version)
    by_code = {f.unit.code: (f.audience, f.acknowledged, f.overdue) for f in units.values()}
    return by_code, total


def test_counts_per_unit_match_the_hand_computed_figures(small_city, current):
    by_code, total = figures_by_code(current)
    assert by_code["BZ-COM-A"] == (5, 2, 2)
    assert by_code["BZ-COM-B"] == (2, 1, 1)
    assert by_code["BZ-COM"] == (7, 3, 3)
    assert by_code["BZ"] == (9, 3, 5)
    assert by_code["STAD"] == (11, 3, 7)
    assert (total.audience, total.acknowledged, total.overdue) == (11, 3, 7)


def test_notification_by_chefs_per_unit(small_city, current):
    units, total = compliance.unit_figures(current)
    by_code = {f.unit.code: f for f in units.values()}
    assert (by_code["BZ-COM-A"].chefs, by_code["BZ-COM-A"].chefs_confirmed) == (1, 1)
    assert by_code["BZ-COM-A"].notification_confirmed
    assert (by_code["BZ-COM-B"].chefs, by_code["BZ-COM-B"].chefs_confirmed) == (1, 0)
    assert (total.chefs, total.chefs_confirmed) == (3, 1)


def test_a_second_version_for_one_team_counts_only_its_audience(city, small_city, policy, current):
    newer = publish_for_units(city, policy, current, [city.team_a], wording="steeds")
    from codeofconduct.services import acknowledging

    acknowledging.acknowledgement_record(person=city.employee, version=newer)
    by_code, total = figures_by_code(newer)
    assert by_code["BZ-COM-A"] == (5, 1, 0)
    assert by_code["BZ-COM-B"] == (0, 0, 0)
    assert (total.audience, total.acknowledged, total.overdue) == (5, 1, 0)
    # The earlier version keeps its own figures.
    assert figures_by_code(PolicyVersion.objects.get(pk=current.pk))[1].acknowledged == 3


def test_compliance_page_shows_the_tree_with_drill_down(small_city, current, as_editor):
    page = as_editor.get(reverse("codeofconduct:compliance")).text
    assert 'data-figure="audience">11<' in page
    assert 'data-figure="acknowledged">3 (27%)<' in page
    assert 'data-figure="overdue">7<' in page
    assert 'data-unit="STAD"' in page
    page = as_editor.get(reverse("codeofconduct:compliance") + "?eenheid=BZ-COM").text
    assert 'data-figure="audience">7<' in page
    assert 'data-unit="BZ-COM-A"' in page and 'data-unit="BZ-COM-B"' in page
    assert "Bedrijfsvoering" in page.split('aria-current="page"')[0]  # breadcrumb up to the department


def test_status_filter_lists_the_overdue_people_of_a_unit(small_city, current, as_editor):
    page = as_editor.get(reverse("codeofconduct:compliance") + "?eenheid=BZ-COM-A&status=overdue").text
    people = page.split('id="people-title"')[1]
    assert "Mieke Bosmans" in people and "Tom Peeters" in people
    assert "Nele Dubois" not in people and "Lotte Janssens" not in people and "Dries Cools" not in people


def listed_people(page: str) -> tuple[int, list[str]]:
    """The count in the people list's heading and the personeelsnummers in its rows."""
    people = page.split('id="people-title"')[1]
    count = int(re.search(r"\((\d+)\)\s*</h2>", people).group(1))
    return count, re.findall(r"<tr>\s*<td>\s*([^<\s][^<]*?)\s*</td>", people)


def test_a_units_list_holds_its_own_sub_tree_not_a_unit_whose_code_starts_the_same(
    city, small_city, current, as_editor
):
    """Units are chosen by the range of their paths (config.sql.path_below): "BZ" is not "BZ0", and a
    code with a character LIKE would read as a wildcard stands for itself."""
    from tests.factories import make_unit

    for code in ("BZ0", "B%", "BZ_X"):
        make_person(f"in-{code}", unit=make_unit(code, parent=city.city), manager=city.director)
    count, rows = listed_people(as_editor.get(reverse("codeofconduct:compliance") + "?eenheid=BZ").text)
    assert rows == [p.personeelsnummer for p in compliance.people_in_unit(current, "/STAD/BZ/")]
    assert count == len(rows) == 9
    count, rows = listed_people(as_editor.get(reverse("codeofconduct:compliance") + "?eenheid=B%25").text)
    assert (count, len(rows)) == (1, 1)


@pytest.mark.parametrize("status", ["", "open", "overdue", "acknowledged"])
def test_paging_through_a_unit_lists_everyone_of_the_status_once(small_city, current, as_editor, monkeypatch, status):
    monkeypatch.setattr(compliance, "PEOPLE_PER_PAGE", 2)
    expected = [p.personeelsnummer for p in compliance.people_in_unit(current, "/STAD/BZ/", status)]
    seen, number = [], 1
    while True:
        url = reverse("codeofconduct:compliance") + f"?eenheid=BZ&status={status}&pagina={number}"
        count, rows = listed_people(as_editor.get(url).text)
        assert count == len(expected) and rows  # no empty page before the end of the list
        seen += rows
        if len(seen) >= count:
            break
        number += 1
    assert seen == expected
    assert len(expected) == {"": 9, "open": 6, "overdue": 5, "acknowledged": 3}[status]


def test_a_units_list_is_its_audience_after_a_move_and_for_a_version_for_chosen_units(
    city, small_city, policy, current, as_editor
):
    page = reverse("codeofconduct:compliance")
    make_person("zonder-eenheid", first_name="Zonder", last_name="Eenheid")  # no unit: in no audience
    count, rows = listed_people(as_editor.get(page + "?eenheid=STAD").text)
    assert (count, rows) == (11, [p.personeelsnummer for p in compliance.people_in_unit(current, "/STAD/")])
    assert small_city.a3.personeelsnummer not in rows  # acknowledged, then left
    # A move shows on the very next page, in the unit left and the unit joined.
    small_city.a4.unit = city.team_b
    small_city.a4.save()
    assert small_city.a4.personeelsnummer not in listed_people(as_editor.get(page + "?eenheid=BZ-COM-A").text)[1]
    count, rows = listed_people(as_editor.get(page + "?eenheid=BZ-COM-B").text)
    assert count == 3 and small_city.a4.personeelsnummer in rows
    # A version for team A only: its department lists team A's people and nobody else.
    newer = publish_for_units(city, policy, current, [city.team_a], wording="steeds")
    count, rows = listed_people(as_editor.get(page + f"?versie={newer.pk}&eenheid=BZ").text)
    assert count == 4
    team_a = [city.chef, city.employee, small_city.a1, small_city.a2]
    assert sorted(rows) == sorted(person.personeelsnummer for person in team_a)
    assert rows == [p.personeelsnummer for p in compliance.people_in_unit(newer, city.team_a.path)]
    # A version for both teams: the department lists the people of either, still nobody else.
    both = publish_for_units(city, policy, current, [city.team_a, city.team_b], wording="altijd")
    count, rows = listed_people(as_editor.get(page + f"?versie={both.pk}&eenheid=BZ").text)
    assert rows == [p.personeelsnummer for p in compliance.people_in_unit(both, "/STAD/")]
    assert count == len(rows) == 7 and {person.personeelsnummer for person in team_a} < set(rows)


def test_the_people_list_shows_when_each_person_opened_and_acknowledged(small_city, current, as_editor):
    page = as_editor.get(reverse("codeofconduct:compliance") + "?eenheid=BZ-COM-A").text
    people = page.split('id="people-title"')[1]
    briefed = next(row for row in people.split("<tr>") if "Jef Aerts" in row)
    assert "via briefing door Tom Peeters" in briefed
    assert "Tom Peeters" in next(row for row in people.split("<tr>") if "Mieke Bosmans" in row)  # their chef


def test_the_people_list_gives_the_day_someone_first_opened_the_version(small_city, current, as_editor):
    # Half past midnight in Antwerp is still the day before in UTC: the day shown is Antwerp's.
    opened = timezone.make_aware(datetime.datetime(2026, 11, 24, 0, 30))
    VersionOpening.objects.create(person=small_city.a2, version=current, first_opened_at=opened)
    page = as_editor.get(reverse("codeofconduct:compliance") + "?eenheid=BZ-COM-A").text
    row = next(row for row in page.split('id="people-title"')[1].split("<tr>") if small_city.a2.last_name in row)
    assert "<td>24-11-2026</td><td>–</td>" in row  # opened on the 24th, not acknowledged


def test_csv_export_per_person_matches_the_page(small_city, current, as_editor):
    response = as_editor.get(reverse("codeofconduct:compliance_export", args=[current.pk]) + "?soort=personen")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    header, people = rows[0], rows[1:]
    assert header[:2] == ["Personeelsnummer", "Naam"]
    assert len(people) == 11
    by_name = {row[1]: row for row in people}
    assert by_name["Jef Aerts"][7] == "Briefing door Tom Peeters"
    assert by_name["Lotte Janssens"][6] != "" and by_name["Mieke Bosmans"][6] == ""
    assert "Dries Cools" not in by_name


def test_csv_export_per_unit_and_xlsx(small_city, current, as_editor):
    url = reverse("codeofconduct:compliance_export", args=[current.pk])
    response = as_editor.get(url + "?soort=eenheden")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["BZ-COM-A"][3:7] == ["5", "2", "40", "2"]
    response = as_editor.get(url + "?formaat=xlsx")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Medewerkers", "Eenheden"]
    assert len(list(workbook["Medewerkers"].iter_rows())) == 12


def test_exports_neutralise_spreadsheet_formulas(city, current, as_editor):
    make_person(
        "evil",
        unit=city.team_a,
        manager=city.chef,
        first_name='=HYPERLINK("http://x","klik")',
        last_name="<script>alert(1)</script>",
    )
    response = as_editor.get(reverse("codeofconduct:compliance_export", args=[current.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert ";=HYPERLINK" not in text
    response = as_editor.get(reverse("codeofconduct:compliance_export", args=[current.pk]) + "?formaat=xlsx")
    names = [
        row[1].value for row in load_workbook(io.BytesIO(response.content), read_only=True)["Medewerkers"].iter_rows()
    ]
    assert any(name and name.startswith("'=HYPERLINK") for name in names)
    page = as_editor.get(reverse("codeofconduct:compliance") + "?eenheid=BZ-COM-A&status=open").text
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize("persona", ["as_employee", "as_chef", "as_integrity"])
def test_only_redactie_sees_compliance(persona, request, current):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("codeofconduct:compliance")).status_code == 403
    assert client.get(reverse("codeofconduct:compliance_export", args=[current.pk])).status_code == 403


def test_compliance_page_runs_the_same_number_of_queries_for_a_bigger_city(city, small_city, current, as_editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("codeofconduct:compliance") + "?eenheid=BZ-COM-A&status=open"
    as_editor.get(reverse("home"))  # the first visit after a change reads the shared content
    with CaptureQueriesContext(connection) as small:
        as_editor.get(url)
    for index in range(40):
        make_person(f"extra{index}", unit=city.team_b if index % 2 else city.team_a, manager=city.other_chef)
    with CaptureQueriesContext(connection) as big:
        as_editor.get(url)
    assert len(big) == len(small) <= 20


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x")', '  =HYPERLINK("http://x")', "\u3000+1+1", '\uff1dHYPERLINK("http://x")', "@SUM(A1)"],
)
def test_a_formula_behind_spaces_or_in_full_width_is_neutralised_too(value):
    from codeofconduct.exports import safe_cell

    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Jan De Smet", " Jan", "2026-01-01", "e-mail"])
def test_ordinary_text_is_left_alone(value):
    from codeofconduct.exports import safe_cell

    assert safe_cell(value) == value


def test_xlsx_carries_counts_and_shares_as_numbers(small_city, current, as_editor):
    response = as_editor.get(reverse("codeofconduct:compliance_export", args=[current.pk]) + "?formaat=xlsx")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["Eenheden"]
    by_code = {row[0].value: [cell.value for cell in row] for row in sheet.iter_rows(min_row=2)}
    # Audience, acknowledged, share (%), overdue: numbers a spreadsheet can sum, not text.
    assert by_code["BZ-COM-A"][3:7] == [5, 2, 40, 2]
    assert all(type(value) is int for value in by_code["BZ-COM-A"][2:])


def chart_label(response):
    return re.search(r'class="app-chart"\s+role="img"\s+aria-label="([^"]*)"', response.content.decode()).group(1)


def chart_table(response):
    table = response.content.decode().split('class="app-chart__table"')[1].split("</table>")[0]
    return [int(n) for n in re.findall(r'<td class="u-text-right">(\d+)</td>', table)]


def test_the_chart_follows_the_selected_unit_and_has_its_figures_as_a_table(small_city, current, as_editor):
    url = reverse("codeofconduct:compliance") + f"?versie={current.pk}"
    city_page = as_editor.get(url)
    assert "3 van 11" in chart_label(city_page)
    assert chart_table(city_page)[-2] == 3  # the last day's running total, in the table as well
    unit_page = as_editor.get(url + "&eenheid=BZ-COM-B")
    assert "1 van 2" in chart_label(unit_page)
    assert chart_table(unit_page)[-2] == 1


def test_the_kept_chart_follows_a_change_of_the_figures_and_the_language(city, small_city, current, as_editor):
    # The chart is rendered once per count of the figures and language (CityFigures.fragment).
    url = reverse("codeofconduct:compliance") + f"?versie={current.pk}&eenheid=BZ-COM-B"
    assert "1 van 2" in chart_label(as_editor.get(url))
    assert "1 van 2" in chart_label(as_editor.get(url))  # the kept one
    # A briefing moves the figures: the very next page shows the chart counted anew.
    acknowledging.briefing_record(
        chef=city.director, version=current, held_on=timezone.localdate(), form="toolbox", attendees=[city.other_chef]
    )
    assert "2 van 2" in chart_label(as_editor.get(url))
    # Each language its own chart, the Dutch one kept all the while.
    as_editor.post(reverse("set_language"), {"language": "en", "next": url})
    assert "2 of 2" in chart_label(as_editor.get(url))
    as_editor.post(reverse("set_language"), {"language": "nl", "next": url})
    assert "2 van 2" in chart_label(as_editor.get(url))


def test_a_version_for_chosen_units_left_without_any_lists_nobody(city, small_city, policy, current, as_editor):
    """The editing form asks for a unit, but the version's units can still all go (an HR import that
    removes the unit): its audience is then nobody, and its pages say so instead of failing."""
    newer = publish_for_units(city, policy, current, [], wording="steeds")
    response = as_editor.get(reverse("codeofconduct:compliance") + f"?versie={newer.pk}&eenheid=BZ")
    assert response.status_code == 200
    assert not any(person.personeelsnummer in response.text for person in (city.employee, small_city.a1))


def test_the_export_per_person_asks_the_same_queries_for_more_people(city, small_city, current, as_editor):
    url = reverse("codeofconduct:compliance_export", args=[current.pk]) + "?soort=personen"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            b"".join(as_editor.get(url).streaming_content)
        return len(captured)

    before = queries()
    for number in range(3):
        make_person(f"extra-{number}", unit=city.team_b, manager=city.chef)
    assert queries() == before


@pytest.mark.postgres
def test_a_departments_first_page_reads_a_page_of_people_not_the_whole_department(
    transactional_db, city, current, as_editor
):
    """A department of a thousand people: its first page of fifty is read unit by unit, in the order of
    the list, and reading stops once the page is full, instead of reading and sorting every person of
    the department (docs/performance.md, "How each page stays flat")."""
    from organisation.models import OrgUnit, Person
    from tests.factories import make_unit

    units = [
        make_unit(f"BZ-X{n:02d}", f"Dienst {n}", parent=city.department, kind=OrgUnit.Kind.SERVICE) for n in range(40)
    ]
    Person.objects.bulk_create(
        [
            Person(username=f"collega{n}", last_name=f"Naam{n % 97}", first_name=f"Voornaam{n}", unit=units[n % 40])
            for n in range(1200)
        ]
    )
    # As autovacuum leaves a table at rest: statistics, and a visibility map for reading an index alone
    # (VACUUM runs outside a transaction: this test commits).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE organisation_person")
        cursor.execute("VACUUM ANALYZE organisation_orgunit")
    with CaptureQueriesContext(connection) as queries:
        page = as_editor.get(reverse("codeofconduct:compliance") + "?eenheid=BZ").text
    count, rows = listed_people(page)
    assert count > 1200 and len(rows) == compliance.PEOPLE_PER_PAGE
    page_query = next(query["sql"] for query in queries if "LIMIT" in query["sql"] and "AS chosen" in query["sql"])
    people = rows_read(executed_plan(page_query), lambda node: node.get("Alias") == "chosen")
    # The first units in the list's order, 30 people each, until fifty are listed: not 1,200.
    assert compliance.PEOPLE_PER_PAGE <= people <= 3 * compliance.PEOPLE_PER_PAGE
    # And read from the index that holds their order, not from the table: only the page's people are
    # read in full (at 250,000 employees half the query's time).
    chosen = [node for node in plan_nodes(executed_plan(page_query)) if node.get("Alias") == "chosen"]
    assert {node["Node Type"] for node in chosen} == {"Index Only Scan"}


@pytest.mark.postgres
def test_the_plan_kept_for_every_department_reads_only_its_units_and_the_index(
    transactional_db, city, current, monkeypatch
):
    """After its fifth run, a prepared statement runs on the plan PostgreSQL keeps for every value (the
    generic plan): it must still find the department's units through the index on their paths, not by
    reading every unit of the city, and read only active people's index (a partial one). Both failed
    when the statement compared `LIKE %s` and `is_active = %s` (docs/performance.md)."""
    from organisation.models import OrgUnit, Person

    elsewhere = OrgUnit.objects.create(code="AN", name="Ander departement", parent=city.city)
    services = [OrgUnit(code=f"AN-{n:03d}", name=f"Dienst {n}", parent=elsewhere) for n in range(400)]
    for unit in services:
        unit.derive_path()
    OrgUnit.objects.bulk_create(services)
    # A department of a thousand people, in 40 services.
    own = [OrgUnit(code=f"BZ-X{n:02d}", name=f"Dienst {n}", parent=city.department) for n in range(40)]
    for unit in own:
        unit.derive_path()
    OrgUnit.objects.bulk_create(own)
    Person.objects.bulk_create(
        [Person(username=f"collega{n}", last_name=f"Naam{n % 97}", unit=own[n % 40]) for n in range(1200)]
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE organisation_person")
        cursor.execute("VACUUM ANALYZE organisation_orgunit")
    statements = []
    monkeypatch.setattr(compliance.sql, "fetch", lambda sql, params, fields=(): statements.append((sql, params)) or [])
    compliance._people_page_rows(current, city.department.path, 0)
    plan = plan_nodes(generic_plan(*statements[0]))
    in_department = OrgUnit.objects.filter(path__startswith=city.department.path).count()
    units_read = rows_read({"Plans": plan[:1]}, lambda node: node.get("Alias") == "unit")
    assert units_read == in_department  # not the 400 of the other department
    chosen = [node for node in plan if node.get("Alias") == "chosen"]
    assert {node["Node Type"] for node in chosen} == {"Index Only Scan"}
    # And the histogram of the paths is fine enough for a department of a large city (migration 0008).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'organisation_orgunit'::regclass AND attname = 'path'"
        )
        assert cursor.fetchone()[0] == 1000
