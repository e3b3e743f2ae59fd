"""Whatever the HR file holds, `import_org` answers with line-numbered sentences, never a traceback,
and writes nothing unless every line is good (docs/organisation-import.md)."""

import codecs
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organisation.importer import ImportRefused, import_organisation
from organisation.models import OrgUnit, Person, normalise_personeelsnummer
from tests.organisation.test_import_org import GOOD_ROWS, HEADER, snapshot

pytestmark = pytest.mark.django_db

GOOD = ("\n".join([HEADER, *GOOD_ROWS]) + "\n").encode()


def refused(data: bytes) -> list[str]:
    """Run the command on these bytes; return what it told the beheerder, one line per problem."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hr.csv"
        path.write_bytes(data)
        err = StringIO()
        before = snapshot()
        with pytest.raises(CommandError, match="nothing was written"):
            call_command("import_org", str(path), stdout=StringIO(), stderr=err)
        assert snapshot() == before
    return err.getvalue().splitlines()


def accepted(data: bytes) -> str:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hr.csv"
        path.write_bytes(data)
        out = StringIO()
        call_command("import_org", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def lines(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


# --- The file as a whole -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Regel 1: het bestand is leeg."),
        (b"\n\n  \n", "Regel 1: het bestand is leeg."),
        (GOOD.replace(b"\n3;Tom", "\n3;Tóm".encode("latin-1")), "Regel 4: dit is geen UTF-8-tekst"),
        (codecs.BOM_UTF16_LE + GOOD.decode().encode("utf-16-le"), "Regel 1: het bestand is UTF-16-tekst"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe", "Regel 1: dit is geen UTF-8-tekst"),
        (GOOD.replace(b";", b"|"), "Regel 1: de kolomnamen zijn niet gescheiden door ; of ,"),
        (b"\x00\x00\x00\x00", "Regel 1: de kolomnamen zijn niet gescheiden"),
        (HEADER.encode() + b"\n", "Het bestand bevat geen medewerkers."),
    ],
    ids=["empty", "blank-lines", "latin-1", "utf-16", "binary", "pipe-delimiter", "nul-bytes", "header-only"],
)
def test_a_file_that_is_no_hr_export_is_refused_with_a_sentence(data, message):
    told = refused(data)
    assert any(message in line for line in told), told
    assert not Person.objects.exists()


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8], ids=["no-bom", "utf-8-bom"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
def test_semicolon_comma_and_tab_files_with_or_without_bom_are_read_alike(bom, delimiter):
    data = bom + GOOD.decode().replace(";", delimiter).encode()
    assert "5 medewerkers aangemaakt" in accepted(data)
    assert Person.objects.get(personeelsnummer="4").manager.personeelsnummer == "3"


@pytest.mark.parametrize("stray", ["\t", " ", " \t"], ids=["tab", "space", "space-tab"])
def test_white_space_after_the_last_column_name_does_not_change_the_separator(stray):
    header, rest = GOOD.split(b"\n", 1)
    assert "5 medewerkers aangemaakt" in accepted(header + stray.encode() + b"\n" + rest)


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"], ids=["unix", "windows", "old-mac"])
def test_files_with_the_line_endings_of_unix_windows_and_old_macs_are_read_alike(ending):
    """A spreadsheet on an old Mac saves "CSV (Macintosh)" with a carriage return alone between lines."""
    assert "5 medewerkers aangemaakt" in accepted(GOOD.replace(b"\n", ending))
    assert Person.objects.get(personeelsnummer="4").manager.personeelsnummer == "3"


def test_the_delimiter_is_taken_from_the_header_so_commas_in_names_do_not_confuse_it():
    rows = [*GOOD_ROWS, '6;"Nele, jr.";Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een, Online;team;BV;3']
    # "Team Een, Online" differs from "Team Een": that is a real problem of the file, reported by line.
    assert any("Regel 7: eenheid BV-T1 wordt anders beschreven" in line for line in refused(lines(*rows)))
    rows[-1] = '6;"Nele, jr.";Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3'
    accepted(lines(*rows))
    assert Person.objects.get(personeelsnummer="6").first_name == "Nele, jr."


# --- The header ----------------------------------------------------------------------------------


def test_the_header_names_every_missing_unknown_and_double_column():
    header = HEADER.replace("achternaam;", "").replace("email", "e-mail") + ";voornaam;opmerking;"
    told = refused(lines(*GOOD_ROWS, header=header))
    assert "Regel 1: kolommen ontbreken: achternaam, email." in told
    assert any(line.startswith("Regel 1: onbekende kolommen: e-mail, opmerking, (leeg) (verwacht:") for line in told)
    assert "Regel 1: kolommen komen dubbel voor: voornaam." in told


def test_column_names_are_read_without_regard_to_case_or_surrounding_spaces_and_gebruikersnaam_is_optional():
    header = ";".join(f" {name.upper()} " for name in HEADER.split(";") if name != "gebruikersnaam")
    rows = [";".join(cell for index, cell in enumerate(row.split(";")) if index != 4) for row in GOOD_ROWS]
    accepted(lines(*rows, header=header))
    assert Person.objects.get(personeelsnummer="4").username == "lotte.janssens@stad.antwerpen.be"


# --- Lines ---------------------------------------------------------------------------------------


def test_every_bad_line_is_reported_in_line_order_with_its_number():
    rows = [
        *GOOD_ROWS,
        "6;Nele;Aerts;nele.aerts@stad.antwerpen.be;;BV-T1;Team Een;team;BV",  # a column short
        "7;Jef;Smets;jef.smets@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3;extra",  # a column too many
        "8;Ann\x00a;Smets;ann.smets@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3",  # NUL
        "9;Ilse;" + "X" * 200_000 + ";ilse@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3",  # a huge field
        "10;Piet;" + "Y" * 151 + ";piet@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3",  # longer than the column
        "11;Rik;Pee\u2028ters;rik@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3",  # a line separator
        ";Mia;Peeters;mia@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3",  # no personeelsnummer
    ]
    told = refused(lines(*rows))
    expected = [
        "Regel 7: 9 kolommen in plaats van 10.",
        "Regel 8: 11 kolommen in plaats van 10.",
        "Regel 9: onleesbaar teken (stuurteken) in voornaam.",
        "Regel 10: te lang: achternaam (hoogstens 150 tekens).",
        "Regel 11: te lang: achternaam (hoogstens 150 tekens).",
        "Regel 12: onleesbaar teken (stuurteken) in achternaam.",
        "Regel 13: verplicht veld ontbreekt: personeelsnummer.",
    ]
    assert told == expected
    assert not any("X" * 100 in line for line in told)  # a huge value is named, not echoed


def test_a_quote_that_is_never_closed_is_reported_at_the_line_where_it_opens():
    rows = [*GOOD_ROWS, '6;"' + "Z" * 300_000 + ";Aerts;x@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3", *GOOD_ROWS]
    assert refused(lines(*rows)) == ["Regel 7: 2 kolommen in plaats van 10."]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.binary(max_size=60).map(lambda noise: GOOD[:200] + noise + GOOD[200:]),
        st.integers(min_value=0, max_value=len(GOOD)).map(lambda cut: GOOD[:cut]),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=300).map(lambda text: (HEADER + "\n" + text).encode()),
    )
)
def test_whatever_the_bytes_the_import_applies_or_refuses_with_line_numbers(data):
    with transaction.atomic():
        before = snapshot()
        try:
            import_organisation(data)
        except ImportRefused as refusal:
            assert refusal.problems
            assert all(
                problem.startswith("Regel ") or problem == "Het bestand bevat geen medewerkers."
                for problem in refusal.problems
            ), refusal.problems
            assert snapshot() == before
        transaction.set_rollback(True)


# --- One person, one account ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("123", "123"),
        ("000123", "123"),
        (" 123 ", "123"),
        ("1 2 3", "123"),
        ("\u00a0123", "123"),
        ("１２３", "123"),  # full-width digits
        ("a0012", "A0012"),  # letters: capitals; zeros after a letter are part of the number
        ("0", "0"),
        ("000", "0"),
    ],
)
def test_the_normal_form_of_a_personeelsnummer(written, stored):
    assert normalise_personeelsnummer(written) == stored


def test_the_same_person_written_another_way_never_gets_a_second_account():
    accepted(lines(*GOOD_ROWS))
    ids = dict(Person.objects.values_list("personeelsnummer", "pk"))
    rewritten = [
        "0001;Karel;Claes;karel.claes@stad.antwerpen.be;;STAD;Stad Antwerpen;stad;;",
        " 2 ;Els;Maes;els.maes@stad.antwerpen.be;;BV;Bedrijfsvoering;departement;STAD;001",
        "003;Tom;Peeters;tom.peeters@stad.antwerpen.be;chef;BV-T1;Team Een;team;BV; 2",
        "０４;Lotte;Janssens;lotte.janssens@stad.antwerpen.be;lotte;BV-T1;Team Een;team;BV;3",
        "5;Wout;Jacobs;wout.jacobs@stad.antwerpen.be;;BV-T1;Team Een;team;BV;0003",
    ]
    out = accepted(lines(*rewritten))
    assert "0 medewerkers aangemaakt, 0 medewerkers gewijzigd" in out
    assert dict(Person.objects.values_list("personeelsnummer", "pk")) == ids


def test_a_number_stored_before_normalisation_is_found_and_written_in_its_normal_form():
    accepted(lines(*GOOD_ROWS))
    Person.objects.filter(personeelsnummer="4").update(personeelsnummer="0004")
    lotte = Person.objects.get(personeelsnummer="0004")
    accepted(lines(*GOOD_ROWS))
    assert Person.objects.get(personeelsnummer="4").pk == lotte.pk
    assert Person.objects.count() == 5


def test_two_accounts_that_turn_out_to_be_one_person_stop_the_import():
    accepted(lines(*GOOD_ROWS))
    Person.objects.create(username="dubbel", email="", personeelsnummer="0004", unit=OrgUnit.objects.get(code="BV"))
    told = refused(lines(*GOOD_ROWS))
    assert told == [
        "De accounts met personeelsnummer 4 en 0004 zijn dezelfde persoon. "
        "Voeg ze samen in het beheer voor je opnieuw importeert."
    ]


def test_two_lines_with_one_person_written_two_ways_are_reported():
    told = refused(lines(*GOOD_ROWS, "04;Lotte;Janssens;l2@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3"))
    assert told == ["Regel 7: personeelsnummer 04 komt al voor op regel 5."]


# --- Staff without a mailbox ---------------------------------------------------------------------


def test_staff_without_a_mailbox_are_imported_and_addresses_stay_unique():
    crew = [
        "6;Jef;Smets;;;BV-T1;Team Een;team;BV;3",
        "7;Mia;Smets;;;BV-T1;Team Een;team;BV;3",
    ]
    accepted(lines(*GOOD_ROWS, *crew))
    jef = Person.objects.get(personeelsnummer="6")
    assert (jef.email, jef.username, jef.manager.personeelsnummer) == ("", "6", "3")
    assert Person.objects.get(personeelsnummer="7").email == ""
    # A second run changes nothing; a non-empty address used twice is still refused.
    assert "0 medewerkers aangemaakt, 0 medewerkers gewijzigd" in accepted(lines(*GOOD_ROWS, *crew))
    told = refused(lines(*GOOD_ROWS, "6;Jef;Smets;LOTTE.janssens@stad.antwerpen.be;;BV-T1;Team Een;team;BV;3"))
    assert told == ["Regel 7: e-mailadres lotte.janssens@stad.antwerpen.be komt al voor op regel 5."]


def test_an_address_held_by_an_account_outside_the_file_is_a_line_not_a_database_error():
    Person.objects.create(username="dienstaccount", email="Lotte.Janssens@stad.antwerpen.be")
    Person.objects.create(username="chef", email="")
    told = refused(lines(*GOOD_ROWS))
    assert told == [
        "Regel 4: gebruikersnaam chef hoort al bij een account buiten dit bestand (chef).",
        "Regel 5: e-mailadres lotte.janssens@stad.antwerpen.be hoort al bij een account buiten dit bestand "
        "(dienstaccount).",
    ]
