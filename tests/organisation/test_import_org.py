"""`manage.py import_org`: the HR export keeps the organisation in step, and a bad file changes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from organisation.models import OrgUnit, Person

pytestmark = pytest.mark.django_db

HEADER = (
    "personeelsnummer;voornaam;achternaam;email;gebruikersnaam;eenheid_code;eenheid_naam;eenheid_soort;"
    "bovenliggende_eenheid_code;leidinggevende_personeelsnummer"
)
GOOD_ROWS = [
    "1;Karel;Claes;karel.claes@stad.antwerpen.be;;STAD;Stad Antwerpen;stad;;",
    "2;Els;Maes;els.maes@stad.antwerpen.be;;BV;Bedrijfsvoering;departement;STAD;1",
    "3;Tom;Peeters;tom.peeters@stad.antwerpen.be;chef;BV-T1;Team Een;team;BV;2",
    "4;Lotte;Janssens;lotte.janssens@stad.antwerpen.be;lotte;BV-T1;Team Een;team;BV;3",
    "5;Wout;Jacobs;wout.jacobs@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3",
]


def write(tmp_path, rows, name="hr.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def run(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_org", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot():
    people = list(
        Person.objects.order_by("personeelsnummer").values_list(
            "personeelsnummer",
            "first_name",
            "last_name",
            "email",
            "unit__code",
            "manager__personeelsnummer",
            "is_active",
        )
    )
    units = list(OrgUnit.objects.order_by("code").values_list("code", "name", "parent__code", "path", "is_active"))
    return people, units


def test_good_file_creates_units_people_and_reporting_lines(tmp_path):
    out, _ = run(write(tmp_path, GOOD_ROWS))
    lotte = Person.objects.get(personeelsnummer="4")
    assert lotte.username == "lotte"
    assert lotte.manager.username == "chef"
    assert lotte.unit.path == "/STAD/BV/BV-T1/"
    assert not lotte.has_usable_password()  # people sign in through single sign-on
    assert Person.objects.get(personeelsnummer="5").username == "wout.jacobs@stad.antwerpen.be"
    assert "5 medewerkers aangemaakt" in out


def test_second_run_of_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, GOOD_ROWS)
    run(path)
    before = snapshot()
    out, _ = run(path)
    assert snapshot() == before
    assert "0 medewerkers aangemaakt, 0 medewerkers gewijzigd" in out


def test_changes_are_applied_and_roles_are_kept(tmp_path):
    run(write(tmp_path, GOOD_ROWS))
    Person.objects.filter(personeelsnummer="4").update(is_editor=True)
    moved = [
        *GOOD_ROWS[:4],
        "5;Wout;Jacobs-Peeters;wout.jacobs@stad.antwerpen.be;;BV;Bedrijfsvoering;departement;STAD;2",
    ]
    moved.append("6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T2;Team Twee;team;BV;2")
    run(write(tmp_path, moved))
    wout = Person.objects.get(personeelsnummer="5")
    assert (wout.last_name, wout.unit.code, wout.manager.personeelsnummer) == ("Jacobs-Peeters", "BV", "2")
    assert OrgUnit.objects.get(code="BV-T2").path == "/STAD/BV/BV-T2/"
    assert Person.objects.get(personeelsnummer="4").is_editor


def test_a_moved_unit_moves_its_subtree(tmp_path):
    rows = [*GOOD_ROWS, "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;SO;Stadsontwikkeling;departement;STAD;1"]
    run(write(tmp_path, rows))
    rows = [row.replace("BV-T1;Team Een;team;BV;", "BV-T1;Team Een;team;SO;") for row in rows]
    run(write(tmp_path, rows))
    assert OrgUnit.objects.get(code="BV-T1").path == "/STAD/SO/BV-T1/"


def test_leavers_are_deactivated_not_deleted(tmp_path):
    run(write(tmp_path, GOOD_ROWS))
    run(write(tmp_path, GOOD_ROWS[:4]), "--max-deactivate", "50")
    wout = Person.objects.get(personeelsnummer="5")
    assert not wout.is_active
    assert wout.deactivated_at is not None
    run(write(tmp_path, GOOD_ROWS))
    assert Person.objects.get(personeelsnummer="5").is_active


def test_safety_stop_when_too_many_people_would_leave(tmp_path):
    run(write(tmp_path, GOOD_ROWS))
    before = snapshot()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_org", str(write(tmp_path, GOOD_ROWS[:3])), stdout=StringIO(), stderr=err)
    assert "Veiligheidsstop" in err.getvalue()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (
            "6;;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3",
            "Regel 7: verplicht veld ontbreekt: voornaam",
        ),
        (
            "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T9;Team Negen;team;XX;3",
            "Regel 7: onbekende bovenliggende eenheid XX",
        ),
        (
            "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;99",
            "Regel 7: onbekende leidinggevende 99",
        ),
        (
            "3;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;2",
            "Regel 7: personeelsnummer 3 komt al voor op regel 4",
        ),
        ("6;Nele;Aerts;geen-adres;;BV-T1;Team Een;team;BV;3", "Regel 7: ongeldig e-mailadres"),
        ("6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;ploeg;BV;3", "Regel 7: onbekende soort eenheid"),
    ],
)
def test_each_bad_line_is_reported_with_its_number_and_nothing_is_written(tmp_path, bad_row, message):
    run(write(tmp_path, GOOD_ROWS[:2]))
    before = snapshot()
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_org", str(write(tmp_path, [*GOOD_ROWS, bad_row])), stdout=StringIO(), stderr=err)
    assert message in err.getvalue()
    assert snapshot() == before


def test_reporting_cycle_is_reported_for_every_line_on_it(tmp_path):
    rows = [
        *GOOD_ROWS,
        "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;7",
        "7;Jef;Smets;jef.smets@stad.antwerpen.be;;BV-T1;Team Een;team;BV;6",
    ]
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_org", str(write(tmp_path, rows)), stdout=StringIO(), stderr=err)
    assert "Regel 7: de rapportering van 6 loopt in een kring" in err.getvalue()
    assert "Regel 8: de rapportering van 7 loopt in een kring" in err.getvalue()
    assert not Person.objects.exists()


def test_all_bad_lines_are_reported_at_once(tmp_path):
    rows = [
        *GOOD_ROWS,
        "6;;X;x@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3",
        "7;Y;Z;y@stad.antwerpen.be;;BV-T1;Team Een;team;BV;42",
    ]
    err = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_org", str(write(tmp_path, rows)), stdout=StringIO(), stderr=err)
    assert "Regel 7" in err.getvalue() and "Regel 8" in err.getvalue()


def test_dry_run_reports_and_writes_nothing(tmp_path):
    out, _ = run(write(tmp_path, GOOD_ROWS), "--dry-run")
    assert "Dry run" in out and "5 medewerkers aangemaakt" in out
    assert "people_created: 4" in out
    assert not Person.objects.exists() and not OrgUnit.objects.exists()


def test_missing_columns_are_reported(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("personeelsnummer,voornaam\n1,Karel\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_org", str(path), stdout=StringIO(), stderr=err)
    assert "kolommen ontbreken" in err.getvalue()


def test_demo_file_in_the_repository_imports_cleanly(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    assert Person.objects.filter(is_active=True).count() >= 60
    assert OrgUnit.objects.filter(kind="departement").count() >= 3
    assert OrgUnit.objects.filter(kind="team").count() >= 8
    assert Person.objects.get(username="medewerker").manager == Person.objects.get(username="chef")
    assert Person.objects.get(username="medewerker2").unit != Person.objects.get(username="medewerker").unit


def test_demo_loader_runs_once_only(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    count = Person.objects.count()
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "nothing loaded" in out.getvalue()
    assert Person.objects.count() == count


def test_demo_loader_refuses_to_run_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=StringIO())
    assert not Person.objects.exists()
    call_command("load_demo", "--force", stdout=StringIO())
    assert Person.objects.filter(username="medewerker").exists()


def test_moving_to_another_unit_restarts_unit_since(tmp_path):
    run(write(tmp_path, GOOD_ROWS))
    wout = Person.objects.get(personeelsnummer="5")
    lotte_since = Person.objects.get(personeelsnummer="4").unit_since
    moved = [*GOOD_ROWS[:4], "5;Wout;Jacobs;wout.jacobs@stad.antwerpen.be;;BV;Bedrijfsvoering;departement;STAD;2"]
    run(write(tmp_path, moved))
    assert Person.objects.get(personeelsnummer="5").unit_since > wout.unit_since
    assert Person.objects.get(personeelsnummer="4").unit_since == lotte_since


def test_an_import_asks_the_database_as_often_for_ten_colleagues_as_for_five():
    """A city-sized file must not cost a query per person: a second import in which every colleague
    is renamed (none moves, so each keeps their unit date) and one leaves takes as many queries for a
    team of ten as for a team of five."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from organisation.importer import import_organisation

    def queries_to_import_again(colleagues: int) -> int:
        team = [f"{n};P{n};Smets;p{n}@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3" for n in range(6, 6 + colleagues)]
        renamed = [row.replace(";Smets;", ";Smets-Aerts;") for row in team[:-1]]
        with transaction.atomic():
            import_organisation("\n".join([HEADER, *GOOD_ROWS, *team]) + "\n")
            with CaptureQueriesContext(connection) as queries:
                report = import_organisation("\n".join([HEADER, *GOOD_ROWS, *renamed]) + "\n")
            assert (len(report.people_updated), len(report.people_deactivated)) == (colleagues - 1, 1)
            transaction.set_rollback(True)
        return len(queries)

    assert queries_to_import_again(5) == queries_to_import_again(10)
