"""Every write that changes what all employees see alike moves the content generation on, in its own
transaction, and the generation comes with the signed-in person at no query of its own.

Each server process keeps the shared parts of the version page and home under this generation
(organisation.content, codeofconduct.shared): a write that forgot to move it would leave every
server showing the old text, FAQ or status until restarted.
"""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from codeofconduct.models import PolicyVersion
from codeofconduct.services import publishing
from organisation.backends import EmailOrUsernameBackend
from organisation.importer import import_organisation
from organisation.models import ContentGeneration, OrgUnit
from tests.codeofconduct.conftest import make_draft
from tests.conftest import client_for
from tests.factories import make_faq_entry, make_unit

pytestmark = pytest.mark.django_db


def generation():
    row = ContentGeneration.objects.get(pk=1)
    return row.epoch, row.value


def assert_moved(before):
    epoch, value = generation()
    assert value > before[1], "the content generation did not move"
    assert epoch != before[0], "a change must draw a new epoch"


@pytest.fixture
def new_draft(policy, current, city):
    return make_draft(policy, city.editor, body="# Nieuw\n\nNieuwe regels.", nummer="D2026.999")


# --- Read with the person ---------------------------------------------------------------------------


def test_the_generation_comes_with_the_signed_in_person_in_one_query(city):
    client = client_for(city.employee)
    user_id = client.session[SESSION_KEY]
    with CaptureQueriesContext(connection) as queries:
        person = EmailOrUsernameBackend().get_user(user_id)
    assert len(queries.captured_queries) == 1
    assert (person.content_epoch, person.content_generation) == generation()
    assert person.has_direct_reports is False


# --- Publishing and the versions' life --------------------------------------------------------------


def test_publishing_a_version_moves_the_generation(city, new_draft):
    before = generation()
    publishing.version_publish(version=new_draft, by=city.editor)
    assert_moved(before)


def test_scheduling_and_a_schedule_coming_due_and_cancelling_move_the_generation(city, new_draft):
    before = generation()
    scheduled = publishing.version_publish(
        version=new_draft, by=city.editor, publish_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert_moved(before)

    before = generation()
    publishing.publish_due_versions(now=timezone.now() + datetime.timedelta(hours=2))
    assert_moved(before)
    assert PolicyVersion.objects.get(pk=scheduled.pk).status == PolicyVersion.Status.PUBLISHED


def test_cancelling_a_schedule_moves_the_generation(city, new_draft):
    scheduled = publishing.version_publish(
        version=new_draft, by=city.editor, publish_at=timezone.now() + datetime.timedelta(hours=1)
    )
    before = generation()
    publishing.version_withdraw(version=scheduled, by=city.editor)
    assert_moved(before)


def test_withdrawal_with_and_without_reinstatement_moves_the_generation(city, new_draft):
    published = publishing.version_publish(version=new_draft, by=city.editor)
    before = generation()
    publishing.version_withdraw(version=published, by=city.editor, reinstate_previous=True)
    assert_moved(before)

    current = PolicyVersion.objects.get(policy=published.policy, status=PolicyVersion.Status.PUBLISHED)
    before = generation()
    publishing.version_withdraw(version=current, by=city.editor, reinstate_previous=False)
    assert_moved(before)


def test_extending_the_due_date_moves_the_generation(city, current):
    before = generation()
    publishing.due_date_extend(
        version=current, by=city.editor, due_date=timezone.localdate() + datetime.timedelta(days=60), reason="Zomer"
    )
    assert_moved(before)


def test_changing_a_versions_audience_moves_the_generation(city, new_draft):
    before = generation()
    new_draft.audience_units.add(city.team_a)
    assert_moved(before)


def test_a_write_that_rolls_back_leaves_the_generation_where_it_was(city, new_draft):
    before = generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        publishing.version_publish(version=new_draft, by=city.editor)
        assert generation()[1] > before[1]  # moved inside the transaction...
        raise RuntimeError
    assert generation() == before  # ...and back with it: never a key for data that was not committed


# --- The FAQ next to each rule ----------------------------------------------------------------------


def faq_entry(city, **fields):
    return make_faq_entry(city.integrity, **fields)


def test_faq_entries_published_changed_and_withdrawn_move_the_generation(city):
    from advice.services import faq_entry_publish

    entry = faq_entry(city)
    before = generation()
    faq_entry_publish(entry=entry, by=city.integrity)
    assert_moved(before)

    before = generation()
    entry.title = "Mag ik een foto van mijn bureau delen?"
    entry.save()
    assert_moved(before)

    before = generation()
    faq_entry_publish(entry=entry, by=city.integrity, publish=False)
    assert_moved(before)


# --- The organisation -------------------------------------------------------------------------------


def test_units_created_renamed_moved_and_closed_move_the_generation(city):
    before = generation()
    unit = make_unit("BZ-COM-C", "Team Video", parent=city.service)
    assert_moved(before)

    for change in (
        lambda: setattr(unit, "name", "Team Film"),
        lambda: setattr(unit, "parent", city.department),
        lambda: setattr(unit, "is_active", False),
    ):
        before = generation()
        change()
        unit.save()
        assert_moved(before)


HEADER = (
    "personeelsnummer;voornaam;achternaam;email;gebruikersnaam;eenheid_code;eenheid_naam;eenheid_soort;"
    "bovenliggende_eenheid_code;leidinggevende_personeelsnummer"
)


def test_the_hr_import_moves_the_generation_also_when_it_only_writes_in_bulk(db):
    rows = [
        "1;Karel;Claes;karel.claes@stad.antwerpen.be;;STAD;Stad Antwerpen;stad;;",
        "2;Els;Maes;els.maes@stad.antwerpen.be;;BV;Bedrijfsvoering;departement;STAD;1",
        "3;Tom;Peeters;tom.peeters@stad.antwerpen.be;;BV-T1;Team Een;team;BV;2",
        "4;Wout;Jacobs;wout.jacobs@stad.antwerpen.be;;BV-T2;Team Twee;team;BV;2",
    ]
    import_organisation("\n".join([HEADER, *rows]))
    # Wout moves to Team Een: Team Twee is closed, in bulk (no model signal sees it).
    moved = [*rows[:3], "4;Wout;Jacobs;wout.jacobs@stad.antwerpen.be;;BV-T1;Team Een;team;BV;2"]
    before = generation()
    import_organisation("\n".join([HEADER, *moved]))
    assert not OrgUnit.objects.get(code="BV-T2").is_active
    assert_moved(before)
