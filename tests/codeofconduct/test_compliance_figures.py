"""City-wide figures are computed once per change, and never shown older than the data they count.

Each server process keeps the figures of the last change (codeofconduct.figures); every write that
changes a count moves the database's counter on in its own transaction, so the next page recounts.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from codeofconduct.models import FiguresGeneration
from codeofconduct.services import acknowledging
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


def test_an_acknowledgement_shows_on_the_next_visit(small_city, current, as_editor):
    assert acknowledged_on(as_editor.get(PAGE).text) == "3 (27%)"
    as_a2 = client_for(small_city.a2)
    as_a2.post(reverse("codeofconduct:acknowledge", args=[current.pk]))
    assert acknowledged_on(as_editor.get(PAGE).text) == "4 (36%)"
    assert 'data-figure="acknowledged">3 (60%)<' in as_editor.get(PAGE + "?eenheid=BZ-COM-A").text


def test_a_second_visit_without_changes_does_not_count_the_city_again(small_city, as_editor):
    with CaptureQueriesContext(connection) as first:
        as_editor.get(PAGE)
    with CaptureQueriesContext(connection) as second:
        as_editor.get(PAGE)
    counting = [q["sql"] for q in first.captured_queries if "GROUP BY" in q["sql"]]
    assert counting, "the first visit counts per unit"
    assert not [q["sql"] for q in second.captured_queries if "GROUP BY" in q["sql"]]


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

    The server saw the afternoon's acknowledgement and kept figures for it. After the restore (which
    brings back the morning's rows, counter included, without a signal) the next change counts up to
    the value those figures were filed under; the page must count the restored data, not show them.
    """
    from codeofconduct.models import Acknowledgement

    assert acknowledged_on(as_editor.get(PAGE).text) == "3 (27%)"
    dumped = FiguresGeneration.objects.values_list("epoch", "value").get(pk=1)  # the morning's dump
    client_for(small_city.a2).post(reverse("codeofconduct:acknowledge", args=[current.pk]))
    assert acknowledged_on(as_editor.get(PAGE).text) == "4 (36%)"  # kept under the afternoon's counter

    # The restore: the afternoon's acknowledgement is gone and the counter is the dump's, with no signal.
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
