"""The part after a version's text ("Gelezen en begrepen", or when it was) is written by a tag
({% acknowledgement_section %}) instead of the include it replaced (issue 16: the include and its
translations cost the version page a tenth of the floor). The former include is kept in
tests/codeofconduct/former/ and both are rendered for every state the page can be in, in both
languages: the same HTML, whitespace between tags aside."""

import datetime
import itertools
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from codeofconduct.models import Acknowledgement
from organisation.models import Person
from tests.test_navigation_tag import normalised

FORMER = Template((Path(__file__).parent / "former" / "acknowledgement.html").read_text())
WRITTEN = Template("{% load codeofconduct_tags %}{% acknowledgement_section %}")
UTC = datetime.UTC

chef = Person(first_name="Ann <Peeters>", last_name="& Zn")
ACKNOWLEDGEMENTS = (
    # Late in the evening in Antwerp, already the next day in UTC: in summer and in winter.
    Acknowledgement(acknowledged_at=datetime.datetime(2026, 7, 31, 22, 30, tzinfo=UTC), source="self"),
    Acknowledgement(acknowledged_at=datetime.datetime(2026, 12, 31, 23, 30, tzinfo=UTC), source="self"),
    Acknowledgement(
        acknowledged_at=datetime.datetime(2026, 3, 2, 9, 0, tzinfo=UTC), source="briefing", recorded_by=chef
    ),
    Acknowledgement(acknowledged_at=datetime.datetime(2026, 3, 2, 9, 0, tzinfo=UTC), source="carried_over"),
)
CHANGES = (
    None,
    {"version": SimpleNamespace(nummer="D2018/<1>"), "diffs": [], "url": "/vergelijk/?oud=1&nieuw=2"},
    {
        "version": SimpleNamespace(nummer="D2013"),
        "diffs": [
            {"kind": "changed", "label": "1. Context & <doel>", "html": "<ins>nieuw</ins> <del>oud</del>"},
            {"kind": "added", "label": "", "html": "Een inleiding"},
        ],
        "url": "/vergelijk/?oud=1&nieuw=2",
    },
)


def both(values):
    return normalised(FORMER.render(Context(values))), normalised(WRITTEN.render(Context(values)))


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_the_acknowledgement_section_writes_what_the_include_wrote(language):
    assert {source for source, _label in Acknowledgement.Source.choices} == {ack.source for ack in ACKNOWLEDGEMENTS}
    version = SimpleNamespace(pk=7)
    compared = 0
    with translation.override(language):
        for values in ({}, {"acknowledgement_owed": False, "version": version}):
            former, written = both(values)
            assert written == former == ""
        for ack in ACKNOWLEDGEMENTS:
            former, written = both({"acknowledgement_owed": True, "acknowledgement": ack, "version": version})
            assert written == former, ack.source
            compared += 1
        due_dates = (None, datetime.date(2026, 12, 14))
        for due_date, changes, token in itertools.product(due_dates, CHANGES, ("tok3n", None)):
            values = {"acknowledgement_owed": True, "acknowledgement": None, "version": version, "due_date": due_date}
            if changes is not None:
                values["changes_since"] = changes
            if token is not None:
                values["csrf_token"] = token
            former, written = both(values)
            assert written == former, (due_date, changes, token)
            assert "/7/" in written
            compared += 1
    assert compared == 4 + 2 * 3 * 2
