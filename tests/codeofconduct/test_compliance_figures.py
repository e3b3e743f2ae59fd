"""City-wide figures are computed once per change, and never shown older than the data they count,
except people's own acknowledgements, which they count at most a short period late and say so.

Each server process keeps the figures of the last change (codeofconduct.figures); every write that
changes a count moves the database's counter on in its own transaction, so the next page recounts.
A person's own "Gelezen en begrepen" does not (thousands of them on a publication morning): figures
older than COMPLIANCE_FIGURES_MAX_AGE_SECONDS are recounted in the background, and the page shows
their age. The person's own pages and their chef's team page show it on the very next request.
"""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from codeofconduct import figures
from codeofconduct.models import FiguresGeneration
from codeofconduct.services import acknowledging, publishing
from tests.codeofconduct import compliance_fixture
from tests.conftest import client_for
from tests.factories import make_person
from tests.organisation.test_import_org import GOOD_ROWS, run, write

pytestmark = pytest.mark.django_db

PAGE = reverse("codeofconduct:compliance")


@pytest.fixture
def small_city(city, current):
    return compliance_fixture.build(city, current)


def acknowledged_on(page: str) -> str:
    return page.split('data-figure="acknowledged">')[1].split("<")[0]


def generation() -> int:
    return FiguresGeneration.objects.get(pk=1).value


def counted_at(page: str) -> str:
    return page.split('data-figure="counted-at">')[1].split("<")[0].strip()


def recounts_finish():
    """Wait for this process's background recounts (a join, not a sleep)."""
    for thread in threading.enumerate():
        if thread.name == figures.RECOUNT_THREAD_NAME:
            thread.join(10)
            assert not thread.is_alive()


def acknowledge(person, version):
    response = client_for(person).post(reverse("codeofconduct:acknowledge", args=[version.pk]))
    assert response.status_code == 302


# A Tuesday morning in Antwerp (09:14:03 in Brussels), the clock standing still until the test moves it.
MORNING = datetime.datetime(2026, 11, 17, 8, 14, 3, tzinfo=datetime.UTC)


# Committed data: the recount runs in its own thread, with its own database connection, as on a server.
@pytest.mark.django_db(transaction=True)
def test_an_own_acknowledgement_is_counted_once_the_figures_are_older_than_the_period(city, current, settings):
    settings.COMPLIANCE_FIGURES_MAX_AGE_SECONDS = 30
    with time_machine.travel(MORNING, tick=False) as clock:
        small_city = compliance_fixture.build(city, current)
        editor = client_for(city.editor)
        page = editor.get(PAGE).text
        assert acknowledged_on(page) == "3 (27%)" and counted_at(page) == "Stand van 09:14:03"

        acknowledge(small_city.a2, current)
        clock.shift(datetime.timedelta(seconds=30))  # not older than the period yet: the same figures
        page = editor.get(PAGE).text
        assert acknowledged_on(page) == "3 (27%)" and counted_at(page) == "Stand van 09:14:03"
        recounts_finish()
        assert acknowledged_on(editor.get(PAGE).text) == "3 (27%)"

        clock.shift(datetime.timedelta(seconds=1))  # older: shown once more while they are counted again
        replaced = figures._latest[current.pk][1]
        page = editor.get(PAGE).text
        assert acknowledged_on(page) == "3 (27%)" and counted_at(page) == "Stand van 09:14:03"
        recounts_finish()
        page = editor.get(PAGE).text
        assert acknowledged_on(page) == "4 (36%)" and counted_at(page) == "Stand van 09:14:34"
        assert 'data-figure="acknowledged">3 (60%)<' in editor.get(PAGE + "?eenheid=BZ-COM-A").text
        # The units, unchanged under the same counter, were taken over from the figures being replaced:
        # one set of them in memory while recounting, not two (some 16,000 at 250,000 employees).
        recounted = figures._latest[current.pk][1]
        assert recounted is not replaced and recounted.units.keys() == replaced.units.keys()
        assert all(recounted.units[pk].unit is replaced.units[pk].unit for pk in replaced.units)


def test_the_person_and_their_chef_see_an_own_acknowledgement_at_once(small_city, current, city, as_editor):
    assert acknowledged_on(as_editor.get(PAGE).text) == "3 (27%)"
    acknowledge(small_city.a2, current)
    assert acknowledged_on(as_editor.get(PAGE).text) == "3 (27%)"  # the figures: within the period
    own_page = client_for(small_city.a2).get(current.get_absolute_url()).text
    assert 'class="coc-acknowledged"' in own_page
    team = client_for(city.chef).get(reverse("codeofconduct:team")).text
    row = team.split('data-person="a2"')[1].split("</tr>")[0]
    assert "Gelezen en begrepen op" in row


def test_a_briefing_a_notification_and_a_unit_change_are_counted_at_once(city, small_city, current, as_editor):
    page = as_editor.get(PAGE).text
    assert acknowledged_on(page) == "3 (27%)" and 'data-figure="chefs">1 / ' in page
    acknowledging.briefing_record(
        chef=city.chef, version=current, held_on=timezone.localdate(), form="toolbox", attendees=[small_city.a2]
    )
    assert acknowledged_on(as_editor.get(PAGE).text) == "4 (36%)"
    acknowledging.team_notification_confirm(
        chef=city.other_chef, version=current, notified_on=timezone.localdate(), method="teamvergadering"
    )
    assert 'data-figure="chefs">2 / ' in as_editor.get(PAGE).text
    city.team_b.name = "Team Persrelaties"
    city.team_b.save()
    assert "Team Persrelaties" in as_editor.get(PAGE + "?eenheid=BZ-COM").text


def test_the_page_says_how_old_its_figures_are(small_city, as_editor, client):
    with time_machine.travel(MORNING, tick=False):
        assert counted_at(as_editor.get(PAGE).text) == "Stand van 09:14:03"
        assert counted_at(as_editor.get(PAGE + "?eenheid=BZ-COM-A").text) == "Stand van 09:14:03"
        as_editor.post(reverse("set_language"), {"language": "en", "next": PAGE})
        assert counted_at(as_editor.get(PAGE).text) == "As of 09:14:03"


def test_a_second_visit_without_changes_does_not_count_the_city_again(small_city, as_editor, monkeypatch):
    counted = []
    count = figures.compliance.unit_figures
    monkeypatch.setattr(
        figures.compliance, "unit_figures", lambda *args, **kwargs: counted.append(args) or count(*args, **kwargs)
    )
    as_editor.get(PAGE)
    assert len(counted) == 1, "the first visit counts per unit"
    as_editor.get(PAGE)
    assert len(counted) == 1


def test_after_a_publication_a_process_keeps_no_figures_of_the_version_it_replaced(
    city, small_city, current, as_editor, monkeypatch
):
    """At 250,000 employees each version's figures hold some 16,000 units in every server process."""
    as_editor.get(PAGE)
    assert set(figures._latest) == {current.pk}
    new = publishing.draft_create(policy=current.policy, by=city.editor, copy_from=current)
    new.body += "\n\nNieuwe regel."
    publishing.draft_save(version=new, by=city.editor)
    publishing.version_publish(version=new, by=city.editor)
    # The replaced version's figures are dropped before the new version is counted, not after: one
    # copy of the city in memory beside the one being made, not two.
    kept_while_counting = []
    count = figures.compliance.unit_figures
    monkeypatch.setattr(
        figures.compliance,
        "unit_figures",
        lambda *args, **kwargs: kept_while_counting.append(set(figures._latest)) or count(*args, **kwargs),
    )
    assert 'data-figure="audience">' in as_editor.get(PAGE).text
    assert kept_while_counting == [set()]
    assert set(figures._latest) == {new.pk}
    # An older version asked for under the same generation is kept beside it (an editor comparing).
    as_editor.get(PAGE + f"?versie={current.pk}")
    as_editor.get(PAGE)
    assert set(figures._latest) == {new.pk, current.pk}


def another_process():
    """This test process from here on as another worker of the same server: nothing of its own counted,
    the shared cache (Redis in production) and the database as they are."""
    figures.forget()


def counting(monkeypatch) -> list:
    counted = []
    count = figures.compliance.unit_figures
    monkeypatch.setattr(
        figures.compliance, "unit_figures", lambda *args, **kwargs: counted.append(args) or count(*args, **kwargs)
    )
    return counted


def test_a_publication_counts_its_version_at_once_for_every_process(
    city, small_city, current, as_editor, monkeypatch, django_capture_on_commit_callbacks
):
    new = publishing.draft_create(policy=current.policy, by=city.editor, copy_from=current)
    new.body += "\n\nNieuwe regel."
    publishing.draft_save(version=new, by=city.editor)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.version_publish(version=new, by=city.editor)
    another_process()
    counted = counting(monkeypatch)
    page = as_editor.get(PAGE).text
    assert counted == [], "the publication counted the new version; the page takes that count"
    assert acknowledged_on(page) == "0 (0%)"  # the new version's figures (the one it replaced: 3)


def test_a_process_taking_the_count_of_a_new_version_first_lets_go_of_the_replaced_one(
    city, small_city, current, as_editor, monkeypatch, django_capture_on_commit_callbacks
):
    """As when it counts: at 250,000 employees a copy is some 13 MB in every worker."""
    as_editor.get(PAGE)
    kept_by_this_process = dict(figures._latest)
    new = publishing.draft_create(policy=current.policy, by=city.editor, copy_from=current)
    publishing.draft_save(version=new, by=city.editor)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.version_publish(version=new, by=city.editor)  # counted "in the editor's process"
    figures.forget()
    figures._latest.update(kept_by_this_process)  # this worker still holds the replaced version's
    kept_while_taking = []
    take = figures._shared
    monkeypatch.setattr(figures, "_shared", lambda *args: kept_while_taking.append(set(figures._latest)) or take(*args))
    counted = counting(monkeypatch)
    assert acknowledged_on(as_editor.get(PAGE).text) == "0 (0%)"
    assert counted == []
    assert kept_while_taking == [set()]
    assert set(figures._latest) == {new.pk}


def test_a_process_takes_another_process_count_only_of_the_same_data(city, small_city, as_editor, monkeypatch):
    assert 'data-figure="audience">11<' in as_editor.get(PAGE).text
    another_process()
    counted = counting(monkeypatch)
    assert 'data-figure="audience">11<' in as_editor.get(PAGE).text
    assert counted == [], "nothing changed: the first process's count is taken"
    small_city.a2.deactivate()  # moves the counter on: the shared count is of data that is gone
    another_process()
    assert 'data-figure="audience">10<' in as_editor.get(PAGE).text
    assert len(counted) == 1
    another_process()
    assert 'data-figure="audience">10<' in as_editor.get(PAGE).text
    assert len(counted) == 1, "and that count is shared in turn"


def test_a_leaver_a_newcomer_and_a_move_change_the_figures_at_once(city, small_city, as_editor):
    assert 'data-figure="audience">11<' in as_editor.get(PAGE).text
    small_city.a2.deactivate()
    assert 'data-figure="audience">10<' in as_editor.get(PAGE).text
    make_person("a5", unit=city.team_b, manager=city.other_chef)
    assert 'data-figure="audience">11<' in as_editor.get(PAGE).text
    small_city.a4.unit = city.team_b
    small_city.a4.save()
    assert 'data-figure="audience">4<' in as_editor.get(PAGE + "?eenheid=BZ-COM-B").text  # a5 and a4 joined


def test_briefings_and_notifications_move_the_counter(city, small_city, current):
    before = generation()
    acknowledging.briefing_record(
        chef=city.chef, version=current, held_on=timezone.localdate(), form="toolbox", attendees=[small_city.a2]
    )
    acknowledging.team_notification_confirm(
        chef=city.other_chef, version=current, notified_on=timezone.localdate(), method="teamvergadering"
    )
    assert generation() >= before + 2


def test_the_hr_import_moves_the_counter(tmp_path):
    before = generation()
    run(write(tmp_path, GOOD_ROWS))
    assert generation() > before


def test_signing_in_changes_no_figure(city, client):
    before = generation()
    response = client.post(reverse("login"), {"username": city.employee.username, "password": "demo"})
    assert response.status_code == 302
    city.employee.refresh_from_db()
    assert city.employee.last_login is not None
    assert generation() == before


@pytest.mark.django_db(transaction=True)
def test_editors_opening_the_page_together_wait_for_one_count(city, current, monkeypatch):
    import threading
    import time

    from django.db import connection

    from codeofconduct import figures
    from codeofconduct.selectors import compliance

    figures.changed()  # figures of an earlier test with the same ids are not these
    counted = []
    real_count = compliance.unit_figures

    def count_slowly(*args, **kwargs):
        counted.append(threading.get_ident())
        time.sleep(0.5)  # a city takes a while: every editor asks before the first count finishes
        return real_count(*args, **kwargs)

    monkeypatch.setattr(compliance, "unit_figures", count_slowly)
    results = []

    def open_page():
        try:
            results.append(figures.city_figures(current).total.audience)
        finally:
            connection.close()

    editors = [threading.Thread(target=open_page) for _ in range(4)]
    for editor in editors:
        editor.start()
    for editor in editors:
        editor.join(10)
    assert len(counted) == 1
    assert len(results) == 4 and len(set(results)) == 1


def test_a_restored_backup_never_shows_figures_of_the_data_it_replaced(small_city, current, as_editor):
    """Restore last night's dump on a running server: its counter starts again from an older value.

    The server saw the afternoon's briefing and kept figures for it. After the restore (which
    brings back the morning's rows, counter included, without a signal) the next change counts up to
    the value those figures were filed under; the page must count the restored data, not show them.
    """
    from codeofconduct.models import Acknowledgement

    assert acknowledged_on(as_editor.get(PAGE).text) == "3 (27%)"
    dumped = FiguresGeneration.objects.values_list("epoch", "value").get(pk=1)  # the morning's dump
    acknowledging.briefing_record(
        chef=small_city.a1.manager,
        version=current,
        held_on=timezone.localdate(),
        form="toolbox",
        attendees=[small_city.a2],
    )
    assert acknowledged_on(as_editor.get(PAGE).text) == "4 (36%)"  # kept under the afternoon's counter

    # The restore: the afternoon's acknowledgement (by briefing) is gone and the counter is the dump's, with no signal.
    with connection.cursor() as cursor:
        table = Acknowledgement._meta.db_table
        cursor.execute(f"DELETE FROM {table} WHERE person_id = %s", [small_city.a2.pk])  # noqa: S608
    FiguresGeneration.objects.filter(pk=1).update(epoch=dumped[0], value=dumped[1])  # a queryset update: no signal
    # Work goes on after the restore: a leaver moves the counter to the value of the afternoon.
    small_city.a4.deactivate()
    assert generation() == dumped[1] + 1

    page = as_editor.get(PAGE).text
    assert 'data-figure="audience">10<' in page
    assert acknowledged_on(page) == "3 (30%)"


@pytest.mark.django_db(transaction=True)
def test_one_thread_per_process_recounts_while_every_page_shows_the_last_figures(city, current, settings, monkeypatch):
    from codeofconduct.selectors import compliance

    settings.COMPLIANCE_FIGURES_MAX_AGE_SECONDS = 30
    with time_machine.travel(MORNING, tick=False) as clock:
        compliance_fixture.build(city, current)
        editor = client_for(city.editor)
        assert acknowledged_on(editor.get(PAGE).text) == "3 (27%)"

        real_count = compliance.unit_figures
        counting, may_finish, counts = threading.Event(), threading.Event(), []

        def count_until_told(*args, **kwargs):
            counts.append(threading.current_thread().name)
            counting.set()
            assert may_finish.wait(10)  # the city takes a while: the pages below come in meanwhile
            return real_count(*args, **kwargs)

        monkeypatch.setattr(compliance, "unit_figures", count_until_told)
        clock.shift(datetime.timedelta(seconds=31))
        assert acknowledged_on(editor.get(PAGE).text) == "3 (27%)"
        assert counting.wait(10)
        for _ in range(3):  # served at once, from the last figures, while the recount runs
            assert counted_at(editor.get(PAGE).text) == "Stand van 09:14:03"
        recounting = [thread for thread in threading.enumerate() if thread.name == figures.RECOUNT_THREAD_NAME]
        may_finish.set()
        recounts_finish()
        assert len(recounting) == 1, "one recount per process, not one per page view"
        assert counts == [figures.RECOUNT_THREAD_NAME]
        assert counted_at(editor.get(PAGE).text) == "Stand van 09:14:34"
