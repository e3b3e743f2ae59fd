"""What the beheerder reads after `import_org`: every refusal as the exact sentence for the line it is
about (nothing written), and for a good file what changed, word for word (docs/organisation-import.md)."""

import codecs
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from organisation.models import OrgUnit, Person
from tests.organisation.test_import_malformed import accepted, lines, refused
from tests.organisation.test_import_org import GOOD_ROWS, HEADER, snapshot

pytestmark = pytest.mark.django_db

GOOD = lines(*GOOD_ROWS)
NELE = "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3"


def imported(data: bytes, *args: str, verbosity: int = 1) -> tuple[list[str], list[str]]:
    """Import these bytes; what the command wrote on its output and on its error output, by line."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hr.csv"
        path.write_bytes(data)
        out, err = StringIO(), StringIO()
        try:
            call_command("import_org", str(path), *args, verbosity=verbosity, stdout=out, stderr=err)
        except CommandError as error:
            error.told = err.getvalue().splitlines()
            raise
    return out.getvalue().splitlines(), err.getvalue().splitlines()


def refusal(data: bytes, *args: str) -> list[str]:
    """Import these bytes, expecting a refusal; what the command told, by line (nothing may change)."""
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was written") as raised:
        imported(data, *args)
    assert snapshot() == before
    return raised.value.told


def summary(**counts: int) -> str:
    labels = {
        "units_created": "eenheden aangemaakt",
        "units_updated": "eenheden gewijzigd",
        "units_deactivated": "eenheden gedeactiveerd",
        "people_created": "medewerkers aangemaakt",
        "people_updated": "medewerkers gewijzigd",
        "people_reactivated": "medewerkers opnieuw geactiveerd",
        "people_deactivated": "medewerkers gedeactiveerd",
    }
    return ", ".join(f"{counts.get(name, 0)} {label}" for name, label in labels.items())


# --- The file as a whole -------------------------------------------------------------------------


def test_a_utf16_file_is_refused_with_the_advice_to_save_it_as_utf8():
    data = codecs.BOM_UTF16_BE + GOOD.decode().encode("utf-16-be")
    assert refused(data) == ["Regel 1: het bestand is UTF-16-tekst. Bewaar de CSV als UTF-8."]


def test_a_file_that_is_not_utf8_names_the_line_of_the_first_byte_that_is_not():
    data = GOOD + "7;Zoë;Aerts;zoe@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3\n".encode("latin-1")
    assert refused(data) == ["Regel 7: dit is geen UTF-8-tekst. Bewaar de CSV als UTF-8."]


def test_an_empty_file_is_refused_as_empty():
    assert refused(b" \n") == ["Regel 1: het bestand is leeg."]


def test_a_file_without_a_known_separator_is_told_which_header_is_expected():
    told = refused(GOOD.replace(b";", b"|"))
    assert told == [
        "Regel 1: de kolomnamen zijn niet gescheiden door ; of , (of een tab). Verwacht: "
        "personeelsnummer;voornaam;achternaam;email;gebruikersnaam;eenheid_code;eenheid_naam;eenheid_soort;"
        "bovenliggende_eenheid_code;leidinggevende_personeelsnummer."
    ]


def test_a_file_with_only_a_header_has_no_staff():
    assert refused(lines()) == ["Het bestand bevat geen medewerkers."]


def test_unknown_columns_are_named_with_the_columns_expected():
    told = refused(lines(*[row + ";x" for row in GOOD_ROWS], header=HEADER + ";Opmerking"))
    assert told == [
        "Regel 1: onbekende kolommen: opmerking (verwacht: personeelsnummer, voornaam, achternaam, email, "
        "gebruikersnaam, eenheid_code, eenheid_naam, eenheid_soort, bovenliggende_eenheid_code, "
        "leidinggevende_personeelsnummer)."
    ]


def test_blank_lines_are_skipped_and_the_numbers_stay_those_of_the_file():
    rows = [GOOD_ROWS[0], "", ";;;", *GOOD_ROWS[1:], "", NELE.replace("Nele", "")]
    assert refused(lines(*rows)) == ["Regel 10: verplicht veld ontbreekt: voornaam."]


def test_a_line_with_a_quoted_line_break_is_one_record_and_the_next_keeps_its_own_number():
    rows = [*GOOD_ROWS, '6;"Nele\nMarie";Aerts;nele@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3', GOOD_ROWS[0]]
    assert refused(lines(*rows)) == [
        "Regel 7: onleesbaar teken (stuurteken) in voornaam.",
        "Regel 9: personeelsnummer 1 komt al voor op regel 2.",
    ]


# --- A line on its own ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad_row", "told"),
    [
        (
            ";;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3",
            ["Regel 7: verplicht veld ontbreekt: personeelsnummer, voornaam."],
        ),
        (
            "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;;;;;3",
            ["Regel 7: verplicht veld ontbreekt: eenheid_code, eenheid_naam, eenheid_soort."],
        ),
        (
            "6;Nele;;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3",
            ["Regel 7: verplicht veld ontbreekt: achternaam."],
        ),
        (
            "6;Nele;Aerts;nele@aerts@stad;;BV-T1;Team Een;team;BV;3",
            ["Regel 7: ongeldig e-mailadres nele@aerts@stad."],
        ),
        (
            "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV T9;Team Negen;team;BV;3",
            ["Regel 7: ongeldige eenheidscode BV T9."],
        ),
        (
            "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T9;Team Negen;team;B/V;3",
            ["Regel 7: ongeldige eenheidscode B/V."],
        ),
        (
            "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T9;Team Negen;ploeg;BV;3",
            ["Regel 7: onbekende soort eenheid ploeg (kies uit departement, dienst, stad, team)."],
        ),
        (
            "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;6",
            ["Regel 7: 6 is zijn of haar eigen leidinggevende."],
        ),
        (
            "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T9;Team Negen;team;XX;3",
            ["Regel 7: onbekende bovenliggende eenheid XX."],
        ),
        (
            "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;99",
            ["Regel 7: onbekende leidinggevende 99."],
        ),
        (
            "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team 1;team;BV;3",
            ["Regel 7: eenheid BV-T1 wordt anders beschreven dan op regel 4."],
        ),
        (
            "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;dienst;BV;3",
            ["Regel 7: eenheid BV-T1 wordt anders beschreven dan op regel 4."],
        ),
        (
            "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;STAD;3",
            ["Regel 7: eenheid BV-T1 wordt anders beschreven dan op regel 4."],
        ),
        (
            "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;Chef;BV-T1;Team Een;team;BV;3",
            ["Regel 7: gebruikersnaam Chef komt al voor op regel 4."],
        ),
        (
            "6;Nele;" + "A" * 151 + ";nele.aerts@stad.antwerpen.be;;BV-T1;" + "T" * 201 + ";team;BV;3",
            ["Regel 7: te lang: achternaam (hoogstens 150 tekens), eenheid_naam (hoogstens 200 tekens)."],
        ),
        (
            "6;Ne\x07le;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team\x00;team;BV;3",
            ["Regel 7: onleesbaar teken (stuurteken) in voornaam, eenheid_naam."],
        ),
    ],
    ids=[
        "two-required-empty",
        "no-unit",
        "no-last-name",
        "bad-address",
        "bad-unit-code",
        "bad-parent-code",
        "unknown-kind",
        "own-manager",
        "unknown-parent",
        "unknown-manager",
        "unit-renamed",
        "unit-other-kind",
        "unit-other-parent",
        "username-taken",
        "two-too-long",
        "two-control-characters",
    ],
)
def test_a_bad_line_gets_its_own_sentence_and_nothing_is_written(bad_row, told):
    accepted(lines(*GOOD_ROWS[:2]))
    assert refused(lines(*GOOD_ROWS, bad_row)) == told


def test_a_value_at_the_column_length_is_accepted():
    accepted(lines(*GOOD_ROWS, "6;Nele;" + "A" * 150 + ";nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3"))
    assert len(Person.objects.get(personeelsnummer="6").last_name) == 150


def test_an_address_taken_on_an_earlier_line_and_a_username_taken_are_both_told():
    row = "6;Nele;Aerts;Tom.Peeters@stad.antwerpen.be;lotte;BV-T1;Team Een;team;BV;3"
    assert refused(lines(*GOOD_ROWS, row)) == [
        "Regel 7: e-mailadres tom.peeters@stad.antwerpen.be komt al voor op regel 4.",
        "Regel 7: gebruikersnaam lotte komt al voor op regel 5.",
    ]


def test_a_username_that_is_an_earlier_address_is_taken():
    row = "6;Nele;Aerts;;WOUT.JACOBS@stad.antwerpen.be;BV-T1;Team Een;team;BV;3"
    assert refused(lines(*GOOD_ROWS, row)) == [
        "Regel 7: gebruikersnaam WOUT.JACOBS@stad.antwerpen.be komt al voor op regel 6."
    ]


def test_two_people_without_username_or_address_get_their_number_as_username():
    accepted(lines(*GOOD_ROWS, "6;Jef;Smets;;;BV-T1;Team Een;team;BV;3", "7;Mia;Smets;;;BV-T1;Team Een;team;BV;3"))
    assert Person.objects.get(personeelsnummer="7").username == "7"


def test_problems_are_told_in_the_order_of_their_lines():
    rows = [
        *GOOD_ROWS,
        "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;77",
        "7;Jef;Smets;jef.smets@stad.antwerpen.be;;BV-T9;Team Negen;team;ZZ;3",
        "8;;Smets;mia.smets@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3",
        "9;Ann;Smets;ann.smets@stad.antwerpen.be;;BV-T1;Team Een;team;BV;77",
        "10;Bo;Smets;bo.smets@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3",
        "11;Bo;Smets;bo.smets@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3",
    ]
    assert refused(lines(*rows)) == [
        "Regel 7: onbekende leidinggevende 77.",
        "Regel 8: onbekende bovenliggende eenheid ZZ.",
        "Regel 9: verplicht veld ontbreekt: voornaam.",
        "Regel 10: onbekende leidinggevende 77.",
        "Regel 12: e-mailadres bo.smets@stad.antwerpen.be komt al voor op regel 11.",
        "Regel 12: gebruikersnaam bo.smets@stad.antwerpen.be komt al voor op regel 11.",
    ]


# --- Cycles --------------------------------------------------------------------------------------


def test_units_under_each_other_are_told_once_each_in_line_order():
    rows = [
        *GOOD_ROWS,
        "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;A;Eenheid A;dienst;B;3",
        "7;Jef;Smets;jef.smets@stad.antwerpen.be;;B;Eenheid B;dienst;C;3",
        "8;Mia;Smets;mia.smets@stad.antwerpen.be;;C;Eenheid C;dienst;A;3",
        "9;Ann;Smets;ann.smets@stad.antwerpen.be;;D;Eenheid D;team;A;3",
        "10;Bo;Smets;bo.smets@stad.antwerpen.be;;E;Eenheid E;team;E;3",
    ]
    assert refused(lines(*rows)) == [
        "Regel 7: eenheid A hangt in een kring onder zichzelf.",
        "Regel 8: eenheid B hangt in een kring onder zichzelf.",
        "Regel 9: eenheid C hangt in een kring onder zichzelf.",
        "Regel 11: eenheid E hangt in een kring onder zichzelf.",
    ]


def test_a_reporting_cycle_names_each_person_on_it_and_not_those_reporting_into_it():
    rows = [
        *GOOD_ROWS,
        "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;8",
        "7;Jef;Smets;jef.smets@stad.antwerpen.be;;BV-T1;Team Een;team;BV;6",
        "8;Mia;Smets;mia.smets@stad.antwerpen.be;;BV-T1;Team Een;team;BV;7",
        "9;Ann;Smets;ann.smets@stad.antwerpen.be;;BV-T1;Team Een;team;BV;6",
    ]
    assert refused(lines(*rows)) == [
        "Regel 7: de rapportering van 6 loopt in een kring.",
        "Regel 8: de rapportering van 7 loopt in een kring.",
        "Regel 9: de rapportering van 8 loopt in een kring.",
    ]


# --- Accounts the file does not describe ---------------------------------------------------------


def test_an_account_outside_the_file_is_named_by_its_personeelsnummer():
    accepted(lines(*GOOD_ROWS))
    leaver = "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;nele;BV-T1;Team Een;team;BV;3"
    accepted(lines(*GOOD_ROWS, leaver))
    row = "7;Nele;Aerts-Two;NELE.aerts@stad.antwerpen.be;Nele;BV-T1;Team Een;team;BV;3"
    assert refusal(lines(*GOOD_ROWS, row), "--max-deactivate", "50") == [
        "Regel 7: e-mailadres nele.aerts@stad.antwerpen.be hoort al bij een account buiten dit bestand (6).",
        "Regel 7: gebruikersnaam Nele hoort al bij een account buiten dit bestand (6).",
    ]


# --- What a good file tells ----------------------------------------------------------------------


def test_a_first_import_tells_what_it_created_and_its_progress():
    out, err = imported(GOOD)
    assert out == [summary(units_created=3, people_created=5)]
    assert err == ["Eenheden verwerkt: 3", "Medewerkers verwerkt: 5"]


def test_at_verbosity_two_every_unit_and_person_is_listed_by_what_happened_to_it():
    out, _err = imported(GOOD, verbosity=2)
    assert out == [
        summary(units_created=3, people_created=5),
        "  units_created: STAD",
        "  units_created: BV",
        "  units_created: BV-T1",
        *(f"  people_created: {number}" for number in "12345"),
    ]


def test_a_quiet_import_tells_no_progress():
    out, err = imported(GOOD, verbosity=0)
    assert (out, err) == ([summary(units_created=3, people_created=5)], [])


def test_renamed_moved_and_gone_units_and_people_are_each_listed_once():
    imported(lines(*GOOD_ROWS, "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T2;Team Twee;team;BV;3"))
    rows = [
        GOOD_ROWS[0],
        "2;Els;Maes;els.maes@stad.antwerpen.be;;BV;Bedrijfsvoering en ICT;departement;STAD;1",
        "3;Tom;Peeters;tom.peeters@stad.antwerpen.be;chef;BV-T1;Team Een;dienst;BV;1",  # the unit a service
        "4;Lotte;Janssens;lotte.janssens@stad.antwerpen.be;lotte;BV-T1;Team Een;dienst;BV;3",
        "5;Wout;Jacobs;wout.jacobs@stad.antwerpen.be;;BV-T1;Team Een;dienst;BV;4",  # another manager
    ]
    out, _err = imported(lines(*rows), "--max-deactivate", "50", verbosity=2)
    assert out == [
        summary(units_updated=2, units_deactivated=1, people_updated=2, people_deactivated=1),
        "  units_updated: BV",
        "  units_updated: BV-T1",
        "  units_deactivated: BV-T2",
        "  people_updated: 3",
        "  people_updated: 5",
        "  people_deactivated: 6",
    ]
    assert OrgUnit.objects.get(code="BV").name == "Bedrijfsvoering en ICT"
    assert OrgUnit.objects.get(code="BV-T1").kind == "dienst"
    assert not OrgUnit.objects.get(code="BV-T2").is_active
    assert Person.objects.get(personeelsnummer="5").manager.personeelsnummer == "4"
    assert Person.objects.get(personeelsnummer="3").manager.personeelsnummer == "1"


def test_a_person_back_in_the_file_is_reactivated_with_a_new_unit_date_and_no_end_date(suite_clock):
    import datetime

    imported(GOOD)
    imported(lines(*GOOD_ROWS[:4]), "--max-deactivate", "50")
    suite_clock.shift(datetime.timedelta(days=3))
    out, _err = imported(GOOD, verbosity=2)
    assert out == [summary(people_reactivated=1), "  people_reactivated: 5"]
    wout = Person.objects.get(personeelsnummer="5")
    assert (wout.is_active, wout.deactivated_at) == (True, None)
    assert wout.unit_since > Person.objects.get(personeelsnummer="4").unit_since


def test_a_unit_gone_from_the_file_and_back_is_active_again():
    imported(lines(*GOOD_ROWS, "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T2;Team Twee;team;BV;3"))
    imported(lines(*GOOD_ROWS, "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3"))
    assert not OrgUnit.objects.get(code="BV-T2").is_active
    out, _err = imported(lines(*GOOD_ROWS, "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T2;Team Twee;team;BV;3"))
    assert out == [summary(units_updated=1, people_updated=1)]
    assert OrgUnit.objects.get(code="BV-T2").is_active


def test_a_unit_moved_under_another_gets_the_new_path_and_depth_down_its_subtree():
    rows = [
        *GOOD_ROWS,
        "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;SO;Stadsontwikkeling;departement;STAD;1",
        "7;Jef;Smets;jef.smets@stad.antwerpen.be;;BV-T1-A;Ploeg A;team;BV-T1;3",
    ]
    imported(lines(*rows))
    imported(lines(*[row.replace("BV-T1;Team Een;team;BV;", "BV-T1;Team Een;team;SO;") for row in rows]))
    paths = dict(OrgUnit.objects.values_list("code", "path"))
    depths = dict(OrgUnit.objects.values_list("code", "depth"))
    assert paths == {
        "STAD": "/STAD/",
        "BV": "/STAD/BV/",
        "SO": "/STAD/SO/",
        "BV-T1": "/STAD/SO/BV-T1/",
        "BV-T1-A": "/STAD/SO/BV-T1/BV-T1-A/",
    }
    assert depths == {"STAD": 0, "BV": 1, "SO": 1, "BV-T1": 2, "BV-T1-A": 3}


def test_a_file_listing_children_before_their_parents_is_applied_parents_first():
    rows = [GOOD_ROWS[4], GOOD_ROWS[3], GOOD_ROWS[2], GOOD_ROWS[1], GOOD_ROWS[0]]
    out, _err = imported(lines(*rows), verbosity=2)
    assert out[1:4] == ["  units_created: STAD", "  units_created: BV", "  units_created: BV-T1"]
    assert OrgUnit.objects.get(code="BV-T1").path == "/STAD/BV/BV-T1/"


# --- The safety stop -----------------------------------------------------------------------------


def ten_people() -> list[str]:
    return [*GOOD_ROWS, *(f"{n};P{n};Smets;p{n}@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3" for n in range(6, 11))]


def test_one_leaver_in_ten_is_within_the_ten_percent_and_two_are_not():
    imported(lines(*ten_people()))
    before = snapshot()
    assert refused(lines(*ten_people()[:8])) == [
        "Eenheden verwerkt: 3",
        "Veiligheidsstop: dit bestand zou 2 van 10 actieve medewerkers deactiveren (meer dan 10%). "
        "Controleer het bestand; gebruik --max-deactivate om bewust meer toe te laten.",
    ]
    assert snapshot() == before
    out, _err = imported(lines(*ten_people()[:9]))
    assert out == [summary(people_deactivated=1)]


def test_the_safety_stop_counts_active_people_only_and_names_the_share_asked_for():
    imported(lines(*ten_people()))
    imported(lines(*ten_people()[:9]))  # 10 leaves: 9 active
    assert refusal(lines(*ten_people()[:8]), "--max-deactivate", "5") == [
        "Eenheden verwerkt: 3",
        "Veiligheidsstop: dit bestand zou 1 van 9 actieve medewerkers deactiveren (meer dan 5%). "
        "Controleer het bestand; gebruik --max-deactivate om bewust meer toe te laten.",
    ]


def test_dry_run_of_a_file_with_leavers_lists_them_and_changes_nothing():
    imported(GOOD)
    before = snapshot()
    out, _err = imported(lines(*GOOD_ROWS[:4]), "--dry-run", "--max-deactivate", "50")
    assert out == ["Dry run, nothing written: " + summary(people_deactivated=1), "  people_deactivated: 5"]
    assert snapshot() == before


def test_a_refused_file_leaves_the_command_with_the_count_of_problems():
    path_rows = lines(*GOOD_ROWS, NELE.replace("Nele", ""), NELE.replace(";3", ";99").replace("6;", "7;", 1))
    with pytest.raises(CommandError, match=r"^2 problem\(s\) found; nothing was written\.$"):
        imported(path_rows)


# --- Reading the file ----------------------------------------------------------------------------


def test_a_quote_inside_a_value_is_read_as_a_spreadsheet_writes_it():
    accepted(lines(*GOOD_ROWS, '6;"Nele" jr;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3'))
    assert Person.objects.get(personeelsnummer="6").first_name == "Nele jr"


def test_a_huge_value_does_not_change_how_later_files_are_read():
    import csv

    limit = csv.field_size_limit()
    refused(lines(*GOOD_ROWS, "6;Nele;" + "A" * 200_000 + ";nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3"))
    assert csv.field_size_limit() == limit


def test_a_line_with_a_control_character_is_not_also_told_its_empty_fields():
    told = refused(lines(*GOOD_ROWS, "6;Ne\x07le;;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3"))
    assert told == ["Regel 7: onleesbaar teken (stuurteken) in voornaam."]


def test_the_bytes_of_an_upload_are_imported_as_the_text_of_a_file():
    from organisation.importer import import_organisation

    report = import_organisation(codecs.BOM_UTF8 + GOOD)
    assert report.summary() == summary(units_created=3, people_created=5)
    assert Person.objects.get(personeelsnummer="4").manager.personeelsnummer == "3"


# --- Running the same file again -----------------------------------------------------------------


def test_people_and_units_already_gone_are_not_deactivated_again():
    imported(lines(*GOOD_ROWS, "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T2;Team Twee;team;BV;3"))
    imported(lines(*GOOD_ROWS), "--max-deactivate", "50")
    deactivated_at = Person.objects.get(personeelsnummer="6").deactivated_at
    out, _err = imported(lines(*GOOD_ROWS), verbosity=2)
    assert out == [summary()]
    assert Person.objects.get(personeelsnummer="6").deactivated_at == deactivated_at


def test_a_refusal_in_a_log_names_every_problem_on_its_own_line():
    from organisation.importer import ImportRefused

    refusal = ImportRefused(["Regel 7: onbekende leidinggevende 99.", "Regel 9: verplicht veld ontbreekt: voornaam."])
    assert str(refusal) == "Regel 7: onbekende leidinggevende 99.\nRegel 9: verplicht veld ontbreekt: voornaam."


def test_everyone_an_import_creates_or_moves_is_in_their_unit_since_the_moment_of_that_import():
    imported(GOOD)
    assert Person.objects.values("unit_since").distinct().count() == 1
    moved = [
        *GOOD_ROWS[:3],
        *(row.replace("BV-T1;Team Een;team;BV", "BV;Bedrijfsvoering;departement;STAD") for row in GOOD_ROWS[3:]),
    ]
    imported(lines(*moved, "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV;Bedrijfsvoering;departement;STAD;2"))
    since = set(Person.objects.filter(personeelsnummer__in=["4", "5", "6"]).values_list("unit_since", flat=True))
    assert len(since) == 1
    assert since != {Person.objects.get(personeelsnummer="1").unit_since}


def test_a_renamed_person_is_listed_as_changed():
    imported(GOOD)
    renamed = [*GOOD_ROWS[:4], GOOD_ROWS[4].replace("Jacobs;", "Jacobs-Peeters;")]
    out, _err = imported(lines(*renamed), verbosity=2)
    assert out == [summary(people_updated=1), "  people_updated: 5"]


def test_a_city_sized_file_tells_its_progress_every_5000_people_and_gives_everyone_their_manager():
    """The reporting lines are written 5,000 at a time: 5,001 of them take two statements."""
    rows = [*GOOD_ROWS, *(f"{n};P;Smets;;;BV-T1;Team Een;team;BV;3" for n in range(6, 5_003))]
    _out, err = imported(lines(*rows))
    assert err == [
        "Eenheden verwerkt: 3",
        "Medewerkers gelezen: 5000 van 5002",
        "Medewerkers verwerkt: 5002",
    ]
    assert Person.objects.filter(manager__personeelsnummer="3").count() == 2 + 4997
    assert Person.objects.filter(manager__isnull=True).get().personeelsnummer == "1"


def test_the_safety_stop_tells_the_share_asked_for_as_a_whole_percent():
    imported(lines(*ten_people()))
    assert refusal(lines(*ten_people()[:2]), "--max-deactivate", "70") == [
        "Eenheden verwerkt: 2",
        "Veiligheidsstop: dit bestand zou 8 van 10 actieve medewerkers deactiveren (meer dan 70%). "
        "Controleer het bestand; gebruik --max-deactivate om bewust meer toe te laten.",
    ]


# --- What the first mutation runs found untested (issue 14) --------------------------------------


def test_two_doubled_columns_are_both_named():
    told = refused(lines(*GOOD_ROWS, header=HEADER + ";voornaam;email"))
    assert told == ["Regel 1: kolommen komen dubbel voor: email, voornaam."]


def test_a_line_repeating_a_person_does_not_stop_the_check_of_the_lines_after_it():
    rows = [*GOOD_ROWS, GOOD_ROWS[3], NELE.replace("Nele", "")]
    assert refused(lines(*rows)) == [
        "Regel 7: personeelsnummer 4 komt al voor op regel 5.",
        "Regel 8: verplicht veld ontbreekt: voornaam.",
    ]


def test_the_line_of_a_byte_that_is_not_utf8_counts_an_empty_first_line():
    data = b"\n" + HEADER.encode() + "\n1;Zoë;Aerts\n".encode("latin-1")
    assert refused(data) == ["Regel 3: dit is geen UTF-8-tekst. Bewaar de CSV als UTF-8."]
    assert refused(b"\n" + "Zoë".encode("latin-1")) == ["Regel 2: dit is geen UTF-8-tekst. Bewaar de CSV als UTF-8."]


def test_addresses_swapped_between_two_colleagues_are_refused_by_the_database_in_one_sentence():
    """Every rule the database holds is checked before writing, except the order of the writes: two
    addresses swapped in one file meet each other in the table. The beheerder reads one sentence
    naming the database's reason, and nothing is written (swapping through an empty address in
    between works)."""
    imported(GOOD)
    swapped = [
        *GOOD_ROWS[:3],
        GOOD_ROWS[3].replace("lotte.janssens@", "wout.jacobs@"),
        GOOD_ROWS[4].replace("wout.jacobs@", "lotte.janssens@"),
    ]
    told = refusal(lines(*swapped))
    prefix = "Het bestand kon niet worden toegepast; er is niets gewijzigd. De databank weigerde: "
    assert len(told) == 2 and told[0] == "Eenheden verwerkt: 3", told
    assert told[1].startswith(prefix), told
    assert "person_email_unique_ci" in told[1][len(prefix) :], told
