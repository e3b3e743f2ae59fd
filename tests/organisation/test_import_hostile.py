"""Hostile HR files: whatever a line holds, the import either applies a consistent organisation or writes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organisation.models import OrgUnit, Person
from tests.organisation.test_import_org import GOOD_ROWS, HEADER, snapshot

pytestmark = pytest.mark.django_db

# Cells as an HR export or an attacker could fill them: separators, quotes, markup, formulas, control characters.
cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "-",
            "STAD",
            "BV",
            "BV-T1",
            "3",
            "team",
            "<script>alert(1)</script>",
            '=HYPERLINK("x")',
            "a;b",
            '"',
            "\x00",
            "é" * 300,
        ]
    ),
)
hostile_row = st.lists(cell, min_size=0, max_size=12).map(lambda cells: ";".join(cells))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.lists(hostile_row, min_size=1, max_size=4))
def test_import_applies_all_or_nothing(tmp_path, extra):
    path = tmp_path / "hostile.csv"
    path.write_text("\n".join([HEADER, *GOOD_ROWS, *extra]) + "\n", encoding="utf-8")
    # Each example runs in a savepoint that is rolled back, so that every example starts empty.
    with transaction.atomic():
        before = snapshot()
        err = StringIO()
        try:
            call_command("import_org", str(path), stdout=StringIO(), stderr=err)
        except CommandError:
            assert snapshot() == before, "a refused file must write nothing"
            assert "Regel " in err.getvalue()
        else:
            # Accepted: every unit's path follows its parent and every imported person has a unit.
            for unit in OrgUnit.objects.select_related("parent"):
                assert unit.path == (unit.parent.path if unit.parent else "/") + unit.code + "/"
            assert not Person.objects.filter(personeelsnummer__isnull=False, unit__isnull=True).exists()
        transaction.set_rollback(True)


def test_file_that_is_not_utf8_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        ("\n".join([HEADER, *GOOD_ROWS]) + "\nZ;Zoë;Ça;z@x.be;;BV-T1;Team Een;team;BV;3\n").encode("latin-1")
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_org", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue() == "Regel 7: dit is geen UTF-8-tekst. Bewaar de CSV als UTF-8.\n"
    assert not Person.objects.exists()
