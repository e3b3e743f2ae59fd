"""Home and the version page read the person's own rows of the versions (when they were asked, their
acknowledgement and who recorded it, whether they opened it, a chef's team notification) with the
signed-in person, in the query that loads them (`reading.MY_VERSIONS`); every other use reads them in a
query of their own (`reading._my_rows`). Both must give, for everyone and on both databases, the rows
the ORM finds."""

import datetime

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from codeofconduct import shared
from codeofconduct.models import Acknowledgement, Obligation, TeamNotification, VersionOpening
from codeofconduct.selectors import reading
from codeofconduct.services import acknowledging
from organisation.backends import signed_in_person
from organisation.models import Person
from tests.conftest import client_for
from tests.factories import make_asked, make_person

pytestmark = pytest.mark.django_db

WITH_MY_VERSIONS = frozenset({reading.MY_VERSIONS})


def by_version(rows):
    return sorted(rows, key=lambda row: row["pk"])


def rows_the_orm_finds(person, in_force):
    """The rows, one model at a time: each version in force and each one `person` acknowledged."""
    acknowledgements = {ack.version_id: ack for ack in Acknowledgement.objects.filter(person=person)}
    rows = []
    for pk in sorted(set(in_force) | set(acknowledgements)):
        ack = acknowledgements.get(pk)
        asked = Obligation.objects.filter(person=person, version_id=pk, kind=Obligation.Kind.ACKNOWLEDGE).first()
        opened = VersionOpening.objects.filter(person=person, version_id=pk).first()
        told = (
            TeamNotification.objects.filter(chef=person, version_id=pk).first() if person.has_direct_reports else None
        )
        recorder = ack.recorded_by if ack is not None else None
        rows.append(
            {
                "pk": pk,
                "asked__due_on": asked.due_on if asked else None,
                "mine__pk": ack.pk if ack else None,
                "mine__acknowledged_at": ack.acknowledged_at if ack else None,
                "mine__content_hash": ack.content_hash if ack else None,
                "mine__source": ack.source if ack else None,
                "mine__recorded_by_id": recorder.pk if recorder else None,
                "mine__recorded_by__first_name": recorder.first_name if recorder else None,
                "mine__recorded_by__last_name": recorder.last_name if recorder else None,
                "opened__pk": opened.pk if opened else None,
                "notified__pk": told.pk if told else None,
                "notified__notified_on": told.notified_on if told else None,
                "notified__method": told.method if told else None,
                "notified__remark": told.remark if told else None,
                "notified__recorded_at": told.recorded_at if told else None,
            }
        )
    return rows


@pytest.fixture
def superseded(policy, current):
    return policy.versions.exclude(pk=current.pk).get()


def test_the_rows_read_with_the_person_and_on_their_own_are_the_ones_the_orm_finds(city, current, superseded):
    now = timezone.now()
    # Asked for the version in force, opened it, acknowledged the one before it (the 2013 code).
    make_asked(current, city.employee, at=now - datetime.timedelta(days=3))
    acknowledging.opening_record(person=city.employee, version=current)
    Acknowledgement.objects.create(
        person=city.employee, version=superseded, content_hash=superseded.content_hash, acknowledged_at=now
    )
    # A chef who told their team (a remark with quotes, accents and a new line) and whose own
    # acknowledgement their director recorded at a briefing.
    TeamNotification.objects.create(
        chef=city.chef,
        version=current,
        notified_on=timezone.localdate(),
        method=TeamNotification.Method.OTHER,
        remark='Op het "teamoverleg" — één keer\nen per mail',
    )
    acknowledging.briefing_record(
        chef=city.director,
        version=current,
        held_on=timezone.localdate(),
        form="teamvergadering",
        attendees=[city.chef],
    )
    # The chef was asked both to read it (a due date) and to tell their team (none): two obligations.
    make_asked(current, city.chef, at=now - datetime.timedelta(days=2))
    make_asked(current, city.chef, at=now - datetime.timedelta(days=2), kind="notify_team")
    # A former chef: their notification is no row of theirs while they have no team.
    former = make_person("oud-chef", unit=city.team_b, manager=city.other_chef)
    TeamNotification.objects.create(
        chef=former, version=current, notified_on=timezone.localdate(), method=TeamNotification.Method.EMAIL
    )
    # Asked about the version before only: neither in force nor acknowledged, so not among the rows.
    make_asked(superseded, city.colleague, at=now - datetime.timedelta(days=400))
    in_force = [version.pk for version in shared.for_person(city.employee).in_force]
    assert in_force == [current.pk]
    compared = 0
    for person in Person.objects.all():
        read_with = signed_in_person(person.pk, views_reading=WITH_MY_VERSIONS)
        with CaptureQueriesContext(connection) as queries:
            rows = reading._rows_read_with_person(read_with, in_force)
        assert not queries.captured_queries
        expected = rows_the_orm_finds(Person.objects.get(pk=person.pk), in_force)
        assert by_version(rows) == expected, person
        assert by_version(reading._my_rows(Person.objects.get(pk=person.pk), in_force)) == expected, person
        compared += 1
    assert compared == Person.objects.count() >= 9
    employee = reading._rows_read_with_person(
        signed_in_person(city.employee.pk, views_reading=WITH_MY_VERSIONS), in_force
    )
    assert {row["pk"] for row in employee} == {current.pk, superseded.pk}
    assert all(isinstance(row["mine__acknowledged_at"], datetime.datetime) for row in employee if row["mine__pk"])


def test_a_person_read_without_them_has_their_rows_read_on_their_own():
    person = Person(pk=1)
    assert reading._rows_read_with_person(person, [1]) is None


def test_home_and_the_version_page_read_them_with_the_person_and_other_pages_do_not(city, current):
    as_employee = client_for(city.employee)
    pages = {
        "home": reverse("home"),
        "version page": current.get_absolute_url(),
        "Mijn vragen": reverse("advice:my_questions"),
    }
    for page, address in pages.items():
        as_employee.get(address)  # the first opening of the version is recorded once
        with CaptureQueriesContext(connection) as queries:
            assert as_employee.get(address).status_code == 200
        person_query = next(query["sql"] for query in queries.captured_queries if "has_direct_reports" in query["sql"])
        assert ("codeofconduct_versionopening" in person_query) == (page != "Mijn vragen"), page


@override_settings(SSO_TRUSTED_HEADER="X-Remote-User")
def test_behind_the_sign_on_proxy_the_version_page_reads_them_with_the_person_too(city, current):
    # The proxy's middleware loads the person before Django has resolved the address.
    client = Client(headers={"X-Remote-User": "medewerker"})
    client.get(current.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(current.get_absolute_url())
    assert response.status_code == 200 and response.context["user"] == city.employee
    assert not any(
        "codeofconduct_obligation" in query["sql"] and "has_direct_reports" not in query["sql"]
        for query in queries.captured_queries
    )


def test_the_version_page_shows_the_acknowledgement_and_the_due_date_read_with_the_person(city, current):
    make_asked(current, city.employee, at=timezone.now())
    as_employee = client_for(city.employee)
    due = reading.due_date_for(Person.objects.get(pk=city.employee.pk), current)
    page = as_employee.get(current.get_absolute_url()).content.decode()
    assert due.strftime("%d-%m-%Y") in page
    acknowledging.acknowledgement_record(person=city.employee, version=current)
    page = as_employee.get(current.get_absolute_url()).content.decode()
    assert f"Gelezen en begrepen op {timezone.localdate().strftime('%d-%m-%Y')}" in page
