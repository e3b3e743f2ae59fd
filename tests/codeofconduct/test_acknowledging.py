"""An employee reads the current dienstnota and acknowledges it: "Gelezen en begrepen"."""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from codeofconduct.models import Acknowledgement, Obligation, PolicyVersion, VersionOpening
from codeofconduct.reminders import run_reminders
from codeofconduct.services import acknowledging, publishing
from tests.concurrency import at_once
from tests.conftest import client_for
from tests.factories import make_person, make_unit

pytestmark = pytest.mark.django_db
BUTTON = "Gelezen en begrepen</button>"


def publish_update(
    policy, by, *, editorial=False, body_change=("Gebruik je gezond verstand.", "Gebruik altijd je gezond verstand.")
):
    current = policy.versions.get(status=PolicyVersion.Status.PUBLISHED)
    draft = publishing.draft_create(policy=policy, by=by, copy_from=current)
    draft.body = draft.body.replace(*body_change)
    publishing.draft_save(version=draft, by=by)
    return publishing.version_publish(version=draft, by=by, is_editorial_change=editorial)


def test_the_button_comes_after_the_text_and_records_the_acknowledgement(city, current, as_employee):
    page = as_employee.get(current.get_absolute_url()).text
    assert BUTTON in page
    assert page.index("Online conversatie gedragscode") < page.index(BUTTON)
    response = as_employee.post(reverse("codeofconduct:acknowledge", args=[current.pk]), follow=True)
    ack = Acknowledgement.objects.get(person=city.employee, version=current)
    assert ack.content_hash == current.content_hash and len(ack.content_hash) == 64
    today = timezone.localdate().strftime("%d-%m-%Y")
    assert f"Gelezen en begrepen op {today}" in response.text
    assert BUTTON not in response.text


def test_first_opening_is_recorded_once(city, current, as_employee):
    as_employee.get(current.get_absolute_url())
    first = VersionOpening.objects.get(person=city.employee, version=current).first_opened_at
    other_session = Client()
    other_session.force_login(city.employee)
    other_session.get(current.get_absolute_url())
    assert VersionOpening.objects.get(person=city.employee, version=current).first_opened_at == first


def test_opening_a_version_writes_the_first_opening_and_nothing_else_ever_after(city, current, as_employee):
    """On a publication morning thousands open the new version at once: only the first look writes, and
    only its opening (no session write), whichever session or device the later looks come from."""

    def writes_of_a_look(client):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(current.get_absolute_url()).status_code == 200
        return [query["sql"] for query in queries.captured_queries if query["sql"].lstrip().startswith(WRITES)]

    [first] = writes_of_a_look(as_employee)
    assert "codeofconduct_versionopening" in first
    assert writes_of_a_look(as_employee) == []
    other_device = Client()
    other_device.force_login(city.employee)
    assert writes_of_a_look(other_device) == []
    assert VersionOpening.objects.filter(person=city.employee).count() == 1


WRITES = ("INSERT", "UPDATE", "DELETE")


def test_double_click_and_resubmission_leave_one_record_and_no_error(city, current, as_employee):
    url = reverse("codeofconduct:acknowledge", args=[current.pk])
    first = as_employee.post(url)
    second = as_employee.post(url, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "al bevestigd" in second.text
    assert Acknowledgement.objects.filter(person=city.employee, version=current).count() == 1


def test_get_does_not_acknowledge(city, current, as_employee):
    assert as_employee.get(reverse("codeofconduct:acknowledge", args=[current.pk])).status_code == 405
    assert not Acknowledgement.objects.exists()


def test_superseded_and_withdrawn_versions_cannot_be_acknowledged(city, policy, current, as_employee):
    newer = publish_update(policy, city.editor)
    response = as_employee.post(reverse("codeofconduct:acknowledge", args=[current.pk]), follow=True)
    assert "vervangen door een nieuwere" in response.text
    publishing.version_withdraw(version=newer, by=city.editor)
    response = as_employee.post(reverse("codeofconduct:acknowledge", args=[newer.pk]), follow=True)
    assert "ingetrokken" in response.text
    assert not Acknowledgement.objects.exists()


def test_a_draft_cannot_be_acknowledged(city, draft):
    with pytest.raises(ValidationError, match="ontwerp"):
        acknowledging.acknowledgement_record(person=city.employee, version=draft)


def publish_for_units(policy, current, by, units):
    draft = publishing.draft_create(policy=policy, by=by, copy_from=current)
    draft.audience_all_staff = False
    publishing.draft_save(version=draft, by=by)
    draft.audience_units.set(units)
    return publishing.version_publish(version=draft, by=by)


def test_people_outside_the_audience_owe_nothing(city, policy, current, as_employee, as_colleague):
    version = publish_for_units(policy, current, city.editor, [city.team_a])
    assert BUTTON in as_employee.get(version.get_absolute_url()).text
    assert BUTTON not in as_colleague.get(version.get_absolute_url()).text
    response = as_colleague.post(reverse("codeofconduct:acknowledge", args=[version.pk]), follow=True)
    assert "niet aan jou gericht" in response.text
    assert not Acknowledgement.objects.filter(person=city.colleague).exists()


def test_a_version_for_two_teams_asks_everyone_in_them_and_their_sub_teams_and_nobody_else(city, policy, current):
    """Redactie addresses a note to Team Online and Team Pers: the job asks their members, also those in a
    team below Team Online; not the department above them, not the Bureau, not a former colleague."""
    sub_team = make_unit("BZ-COM-A-1", "Team Online Sociale Media", parent=city.team_a)
    make_person("socialemedia", unit=sub_team, manager=city.chef)
    make_person("vertrokken", unit=city.team_a, manager=city.chef, is_active=False)
    version = publish_for_units(policy, current, city.editor, [city.team_a, city.team_b])
    mail.outbox.clear()
    run_reminders()
    notified = {
        address.split("@")[0] for message in mail.outbox if version.nummer in message.subject for address in message.to
    }
    assert notified == {"chef", "medewerker", "socialemedia", "chef2", "medewerker2"}


def test_an_account_without_a_place_in_the_organisation_owes_nothing(city, current):
    """The first beheerder (an account without a unit) reads the note but is not asked to acknowledge it."""
    first_admin = make_person("eerstebeheerder", is_staff=True, is_superuser=True)
    page = client_for(first_admin).get(current.get_absolute_url()).text
    assert current.titel in page and BUTTON not in page


def test_home_shows_what_is_left_to_read_and_the_navigation_counts_it(city, current, as_employee):
    home = as_employee.get("/").text
    assert "Te lezen" in home and current.titel in home
    # The count in the navigation, with its words for screen readers (an aria-label on a span is not read).
    assert '<span class="u-screen-reader-only">(1 te lezen)</span>' in home.split("<main", 1)[0]
    as_employee.post(reverse("codeofconduct:acknowledge", args=[current.pk]))
    home = as_employee.get("/").text
    assert "Je hebt alles gelezen en bevestigd" in home
    assert "Eerder gelezen en begrepen" in home and current.nummer in home
    assert "te lezen" not in home.split("<main", 1)[0]


def test_a_new_version_asks_again_and_shows_what_changed(city, policy, current, as_employee):
    as_employee.post(reverse("codeofconduct:acknowledge", args=[current.pk]))
    newer = publish_update(policy, city.editor)
    page = as_employee.get(newer.get_absolute_url()).text
    assert "Wat is er veranderd?" in page
    assert "<ins>altijd</ins>" in page or "altijd" in page.split("Wat is er veranderd?")[1].split(BUTTON)[0]
    assert page.index("Wat is er veranderd?") < page.index(BUTTON)
    assert newer.titel in as_employee.get("/").text.split("Eerder gelezen")[0]
    # The earlier acknowledgement stays as history.
    assert Acknowledgement.objects.filter(person=city.employee, version=current).exists()


def test_an_editorial_change_carries_acknowledgements_over(city, policy, current, as_employee):
    as_employee.post(reverse("codeofconduct:acknowledge", args=[current.pk]))
    original = Acknowledgement.objects.get(person=city.employee, version=current)
    newer = publish_update(policy, city.editor, editorial=True)
    carried = Acknowledgement.objects.get(person=city.employee, version=newer)
    assert carried.source == Acknowledgement.Source.CARRIED_OVER
    assert carried.carried_over_from == original
    assert carried.content_hash == original.content_hash  # proves which text was actually read
    assert "Je hebt alles gelezen en bevestigd" in as_employee.get("/").text
    assert not Acknowledgement.objects.filter(person=city.colleague, version=newer).exists()


def test_someone_who_joins_later_gets_their_own_due_date(city, current):
    newcomer = make_person("nieuw", unit=city.team_a, manager=city.chef)
    client = Client()
    client.force_login(newcomer)
    home = client.get("/").text
    due = (timezone.localdate(newcomer.unit_since) + datetime.timedelta(days=14)).strftime("%d-%m-%Y")
    assert current.titel in home and due in home


def test_acknowledgements_are_append_only(city, current):
    ack, _ = acknowledging.acknowledgement_record(person=city.employee, version=current)
    ack.acknowledged_at = timezone.now() - datetime.timedelta(days=3)
    with pytest.raises(ValidationError):
        ack.save()
    with pytest.raises(ValidationError):
        ack.delete()
    assert Acknowledgement.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_acknowledgements_leave_one_record(city, current):

    def signed_in():
        client = Client()
        client.force_login(city.employee)
        return client

    def acknowledge(client):
        response = client.post(reverse("codeofconduct:acknowledge", args=[current.pk]))
        assert response.status_code == 302, response.status_code

    assert at_once(acknowledge, 20, prepare=signed_in) == []
    assert Acknowledgement.objects.filter(person=city.employee, version=current).count() == 1


def test_home_dates_an_acknowledgement_in_antwerp_time(city, current, as_employee, suite_clock):
    """Half past midnight in Antwerp is still the day before in UTC, where the database keeps it."""
    suite_clock.move_to(datetime.datetime(2026, 11, 16, 23, 30, tzinfo=datetime.UTC))
    as_employee.post(reverse("codeofconduct:acknowledge", args=[current.pk]))
    suite_clock.move_to(datetime.datetime(2026, 11, 17, 10, tzinfo=datetime.UTC))
    done = as_employee.get("/").text.split("Eerder gelezen en begrepen", 1)[1]
    assert "17-11-2026" in done and "16-11-2026" not in done


def test_a_chef_asked_twice_sees_their_acknowledgement_once(city, current):
    """A chef is asked to read the note and to tell their team: two requests, one acknowledgement."""
    run_reminders()
    asked = Obligation.objects.filter(person=city.chef, version=current).values_list("kind", flat=True)
    assert set(asked) == {Obligation.Kind.ACKNOWLEDGE, Obligation.Kind.NOTIFY_TEAM}
    chef = client_for(city.chef)
    chef.post(reverse("codeofconduct:acknowledge", args=[current.pk]))
    done = chef.get("/").text.split("Eerder gelezen en begrepen", 1)[1]
    assert done.count(f"{current.nummer} – ") == 1


def test_a_due_date_is_never_broken_over_two_lines_on_a_phone(city, current, as_employee):
    # "01-12-2026" would break after a hyphen in a narrow card; a date is one unbreakable <time>.
    unbreakable_date = r'<time class="app-date" datetime="(\d{4})-(\d\d)-(\d\d)">\3-\2-\1</time>'
    assert re.search("uiterlijk op " + unbreakable_date, " ".join(as_employee.get("/").text.split()))
    assert re.search(
        "Uiterlijk op " + unbreakable_date, " ".join(as_employee.get(current.get_absolute_url()).text.split())
    )
    assert ".app-date { white-space: nowrap; }" in (settings.BASE_DIR / "static/css/app.css").read_text()
