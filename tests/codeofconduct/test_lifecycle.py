"""The lifecycle at its edges: a cancelled schedule, withdrawal both ways, expiry, an extended due date.

Each test sets the clock explicitly (time-machine) where the edge is, and asserts what people notice:
the mails, the "Te lezen" lists and the pages.
"""

import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from codeofconduct import emails, lifecycle, reminders
from codeofconduct.models import PolicyVersion, PublicationEvent
from codeofconduct.services import acknowledging, publishing
from tests.conftest import client_for
from tests.factories import make_person
from tests.url_patterns import all_urls

pytestmark = pytest.mark.django_db
Status = PolicyVersion.Status
Action = PublicationEvent.Action
BRUSSELS = datetime.timezone(datetime.timedelta(hours=1))


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BRUSSELS)


def as_page(person, url: str) -> str:
    response = client_for(person).get(url, follow=True)
    assert response.status_code == 200, url
    return response.content.decode()


# --- A schedule cancelled before publication is public nowhere ------------------------------------

CANCELLED_TITLE = "Geannuleerde regeling over drones"


@pytest.fixture
def cancelled(policy, draft, city):
    draft.titel = CANCELLED_TITLE
    draft.body = "## 1. Context\n\nDrones boven het stadhuis zijn verboden.\n"
    publishing.draft_save(version=draft, by=city.editor)
    publishing.version_publish(version=draft, by=city.editor, publish_at=timezone.now() + datetime.timedelta(days=2))
    publishing.version_withdraw(version=draft, by=city.editor, note="Toch niet", reinstate_previous=False)
    draft.refresh_from_db()
    return draft


def test_cancelling_a_schedule_makes_it_cancelled_and_records_it(cancelled, city):
    assert cancelled.status == Status.CANCELLED
    event = cancelled.events.get(action=Action.CANCELLED)
    assert (event.by, event.note) == (city.editor, "Toch niet")
    assert not PolicyVersion.objects.public().filter(pk=cancelled.pk).exists()
    # Its time comes and goes: the scheduler publishes nothing.
    assert publishing.publish_due_versions(now=timezone.now() + datetime.timedelta(days=3)) == []


def _version_urls():
    """Every URL of the code of conduct that takes a version's id."""
    return sorted((name, path) for name, path in all_urls() if name.startswith("codeofconduct:") and "/999999/" in path)


def test_every_url_that_takes_a_version_refuses_a_cancelled_one(cancelled, city):
    urls = _version_urls()
    assert {"codeofconduct:version_detail", "codeofconduct:acknowledge", "codeofconduct:compliance_export"} <= {
        name for name, _ in urls
    }
    for person in (city.employee, city.chef, city.editor):
        client = client_for(person)
        for name, path in urls:
            path = path.replace("/999999/", f"/{cancelled.pk}/")
            for method in (client.get, client.post):
                response = method(path)
                assert response.status_code in (403, 404, 405), f"{person} {method.__name__} {name}"
                assert CANCELLED_TITLE not in response.content.decode(), f"{person} {name}"


def test_a_cancelled_schedule_is_in_no_list_search_history_or_comparison(cancelled, policy, current, city):
    for person in (city.employee, city.editor):
        client = client_for(person)
        pages = [
            reverse("codeofconduct:policy_list"),
            reverse("codeofconduct:archive"),
            reverse("codeofconduct:search") + "?q=drones",
            reverse("codeofconduct:policy_history", args=[policy.slug]),
            reverse("codeofconduct:compare", args=[policy.slug]) + f"?oud={current.pk}&nieuw={cancelled.pk}",
            reverse("codeofconduct:compliance") + f"?versie={cancelled.pk}",
            reverse("home"),
        ]
        for page in pages:
            response = client.get(page, follow=True)
            content = response.content.decode()
            assert CANCELLED_TITLE not in content, f"{person} {page}"
            assert cancelled.nummer not in content, f"{person} {page}"


# --- Withdrawing the current version, both ways ------------------------------------------------------

START = datetime.date(2027, 3, 1)  # a Monday


def subjects(part: str) -> list[str]:
    return sorted(address for message in mail.outbox if part in message.subject for address in message.to)


def to_read(person) -> list[str]:
    """The numbers in `person`'s "Te lezen" list on the home page."""
    from codeofconduct.selectors.reading import reading_list
    from organisation.models import Person

    return [item.version.nummer for item in reading_list(Person.objects.get(pk=person.pk))[0]]


@pytest.fixture
def update(policy, current, draft, city):
    """D2018 is current since long ago; on START Redactie publishes an update (the draft) that
    supersedes it. Everyone was in their unit long before; only the colleague acknowledged D2018."""
    from organisation.models import Person
    from tests.codeofconduct.compliance_fixture import LONG_AGO

    Person.objects.update(unit_since=LONG_AGO)
    acknowledging.acknowledgement_record(person=Person.objects.get(pk=city.colleague.pk), version=current)
    with time_machine.travel(at(START), tick=False):
        publishing.version_publish(version=draft, by=city.editor)
    draft.refresh_from_db()
    return draft


def test_withdrawing_the_update_brings_the_previous_version_back_in_force_announced_as_such(
    update, current, city, policy
):
    withdraw_day = START + datetime.timedelta(days=3)
    with time_machine.travel(at(withdraw_day), tick=False):
        reminders.run_reminders()
        assert city.employee.email in subjects(f"Nieuwe dienstnota {update.nummer}")
        mail.outbox.clear()

        page = client_for(city.editor).get(reverse("codeofconduct:withdraw", args=[update.pk])).content.decode()
        assert f"De vorige versie, {current.nummer}" in page
        assert re.search(r'<input[^>]*value="previous"[^>]*checked', page), "the default is the previous version"
        response = client_for(city.editor).post(
            reverse("codeofconduct:withdraw", args=[update.pk]),
            {"note": "Fout in artikel 3", "in_force_after": "previous"},
            follow=True,
        )
        assert f"{current.nummer} is opnieuw van kracht" in response.content.decode()
        current.refresh_from_db()
        update.refresh_from_db()
        assert (update.status, current.status) == (Status.WITHDRAWN, Status.PUBLISHED)
        # Whoever had not acknowledged D2018 gets a fresh period from today: nobody is late today.
        assert current.acknowledgement_due_date == withdraw_day + datetime.timedelta(days=14)
        extension = current.events.get(action=Action.DUE_DATE_EXTENDED)
        assert (extension.by, extension.due_date_after) == (city.editor, current.acknowledgement_due_date)

        # Lists: the withdrawn update left them; D2018 is back for who has not acknowledged it.
        assert to_read(city.employee) == [current.nummer]
        assert to_read(city.colleague) == []
        assert as_page(city.employee, reverse("home")).count(update.nummer) == 0

        # The mail: back in force, its own wording, never a new note; each person once.
        lifecycle.run_lifecycle_mails()
        reminders.run_reminders()
        back = subjects(f"Dienstnota {current.nummer} is opnieuw van kracht")
        assert city.employee.email in back and city.colleague.email in back
        assert subjects("Nieuwe dienstnota") == []
        assert subjects("Te laat") == []
        # One mail each about reading the note (the chefs' requests to notify their team are the
        # reminder job's, on the chefs' own clocks).
        about_reading = [m for m in mail.outbox if "op de hoogte" not in m.subject]
        assert len(about_reading) == len(back) == len(set(back)), "one mail each: back in force"
        by_person = {message.to[0]: message for message in mail.outbox}
        assert "Je bevestigde deze versie al" in by_person[city.colleague.email].body
        assert "uiterlijk op" in by_person[city.employee.email].body
        assert "Dit is geen nieuwe nota" in by_person[city.employee.email].body
        sent = len(mail.outbox)
        lifecycle.run_lifecycle_mails()
        reminders.run_reminders()
        assert len(mail.outbox) == sent

    # Pages: the withdrawn version says so and refuses acknowledgement; the history records both.
    employee = client_for(city.employee)
    page = as_page(city.employee, update.get_absolute_url())
    assert "Deze versie is ingetrokken" in page and "Gelezen en begrepen?" not in page
    response = employee.post(reverse("codeofconduct:acknowledge", args=[update.pk]), follow=True)
    assert "Deze versie is ingetrokken: ze hoeft niet meer bevestigd te worden." in response.content.decode()
    history = as_page(city.employee, reverse("codeofconduct:policy_history", args=[policy.slug]))
    assert "Opnieuw van kracht" in history and "Fout in artikel 3" in history


def test_a_newcomer_to_a_version_back_in_force_is_never_told_it_is_a_new_note(update, current, city):
    with time_machine.travel(at(START + datetime.timedelta(days=1)), tick=False):
        publishing.version_withdraw(version=update, by=city.editor, note="Fout", reinstate_previous=True)
        lifecycle.run_lifecycle_mails()  # everyone there is told it is back in force
    joined = START + datetime.timedelta(days=12)  # after the announcement's week
    with time_machine.travel(at(joined), tick=False):
        newcomer = make_person("nieuw", unit=city.team_a, manager=city.chef, first_name="Nina")
        mail.outbox.clear()
        lifecycle.run_lifecycle_mails()
        assert subjects("opnieuw van kracht") == []  # the announcement is a week old: not sent again
        reminders.run_reminders()
        assert subjects(f"Dienstnota {current.nummer} is opnieuw van kracht") == [newcomer.email]
        assert subjects("Nieuwe dienstnota") == []


def test_withdrawing_with_nothing_in_force_leaves_no_list_and_sends_nothing(update, current, city):
    with time_machine.travel(at(START + datetime.timedelta(days=1)), tick=False):
        reminders.run_reminders()
        mail.outbox.clear()
        client_for(city.editor).post(
            reverse("codeofconduct:withdraw", args=[update.pk]),
            {"note": "Regeling vervalt", "in_force_after": "nothing"},
        )
        current.refresh_from_db()
        assert current.status == Status.SUPERSEDED
        assert not PolicyVersion.objects.filter(status=Status.PUBLISHED).exists()
        assert to_read(city.employee) == []
        assert "Er is op dit moment geen geldende versie." in as_page(city.employee, update.get_absolute_url())
    for days in (2, 15, 20, 40):
        with time_machine.travel(at(START + datetime.timedelta(days=days)), tick=False):
            lifecycle.run_lifecycle_mails()
            reminders.run_reminders()
    assert mail.outbox == []


def test_a_stand_in_text_never_becomes_current_and_is_never_mailed(policy, current, city):
    stand_in = policy.versions.get(nummer="D2013.xxx")
    assert stand_in.is_stand_in
    # Withdrawing D2018 cannot bring the 2013 placeholder back: only "nothing" is offered.
    page = as_page(city.editor, reverse("codeofconduct:withdraw", args=[current.pk]))
    assert 'value="previous"' not in page and "plaatsvervangende tekst" in page
    with pytest.raises(ValidationError) as refused:
        publishing.version_withdraw(version=current, by=city.editor, note="x", reinstate_previous=True)
    assert "plaatsvervangende tekst" in str(refused.value)
    current.refresh_from_db()
    assert current.status == Status.PUBLISHED
    # Nor can anything else make it current: the service refuses, and the database too.
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.filter(pk=stand_in.pk).update(status=Status.PUBLISHED)
    assert emails.send_version_mail(kind="new_version", version=stand_in, recipients=[city.employee]) == 0
    assert mail.outbox == []


# --- Expiry --------------------------------------------------------------------------------------------

EXPIRES = datetime.date(2027, 6, 30)


@pytest.fixture
def expiring(current, city):
    from organisation.models import Person
    from tests.codeofconduct.compliance_fixture import LONG_AGO

    Person.objects.update(unit_since=LONG_AGO)
    PolicyVersion.objects.filter(pk=current.pk).update(vervaldatum=EXPIRES)
    current.refresh_from_db()
    return current


def test_redactie_sees_an_expiry_coming_and_gets_one_mail_before_it(expiring, city):
    with time_machine.travel(at(EXPIRES - datetime.timedelta(days=20)), tick=False):
        dashboard = as_page(city.editor, reverse("codeofconduct:editor_dashboard"))
        assert "Vervaldata die naderen" in dashboard and expiring.nummer in dashboard
        lifecycle.run_lifecycle_mails()
        assert subjects("vervalt na") == []
    with time_machine.travel(at(EXPIRES - datetime.timedelta(days=14)), tick=False):
        lifecycle.run_lifecycle_mails()
        lifecycle.run_lifecycle_mails()
    with time_machine.travel(at(EXPIRES - datetime.timedelta(days=3)), tick=False):
        call_command("send_lifecycle_mails", stdout=io.StringIO())
    assert subjects(f"Dienstnota {expiring.nummer} vervalt na") == [city.editor.email]


def test_an_expired_version_leaves_the_lists_gets_no_reminders_and_refuses_acknowledgement(expiring, city):
    with time_machine.travel(at(EXPIRES), tick=False):  # its last day: still in force
        assert to_read(city.employee) == [expiring.nummer]
        assert "Gelezen en begrepen?" in as_page(city.employee, expiring.get_absolute_url())
    with time_machine.travel(at(EXPIRES + datetime.timedelta(days=1)), tick=False):
        mail.outbox.clear()
        reminders.run_reminders()
        assert mail.outbox == []
        assert to_read(city.employee) == []
        page = as_page(city.employee, expiring.get_absolute_url())
        assert "Deze nota is vervallen" in page and "Gelezen en begrepen?" not in page
        response = client_for(city.employee).post(reverse("codeofconduct:acknowledge", args=[expiring.pk]), follow=True)
        assert "Deze nota is vervallen op 30-06-2027: ze hoeft niet meer bevestigd te worden." in (
            response.content.decode()
        )
        assert not expiring.acknowledgements.exists()
        compliance = as_page(city.editor, reverse("codeofconduct:compliance"))
        assert "Deze nota is vervallen" in compliance
        assert "Vervaldata die naderen" in as_page(city.editor, reverse("codeofconduct:editor_dashboard"))


# --- Extending the due date ----------------------------------------------------------------------------


@pytest.fixture
def published_today(current, city):
    """D2018 as if published on START, due 14 days later; everyone was there before."""
    from organisation.models import Person
    from tests.codeofconduct.compliance_fixture import LONG_AGO

    Person.objects.update(unit_since=LONG_AGO)
    PolicyVersion.objects.filter(pk=current.pk).update(
        published_at=at(START), acknowledgement_due_date=START + datetime.timedelta(days=14)
    )
    current.refresh_from_db()
    return current


def test_redactie_extends_the_due_date_recorded_and_the_reminders_follow(published_today, city, policy):
    old_due = published_today.acknowledgement_due_date
    new_due = old_due + datetime.timedelta(days=14)
    url = reverse("codeofconduct:extend_due_date", args=[published_today.pk])
    with time_machine.travel(at(START + datetime.timedelta(days=5)), tick=False):
        reminders.run_reminders()
        mail.outbox.clear()
        editor = client_for(city.editor)
        # Earlier is refused, with the reason, and changes nothing.
        response = editor.post(url, {"due_date": (old_due - datetime.timedelta(days=1)).isoformat(), "reason": "x"})
        assert "verlengen kan enkel naar later" in response.content.decode()
        response = editor.post(url, {"due_date": new_due.isoformat(), "reason": ""})
        assert response.status_code == 200
        published_today.refresh_from_db()
        assert published_today.acknowledgement_due_date == old_due
        editor.post(url, {"due_date": new_due.isoformat(), "reason": "Personeelsfeest en verlofperiode"})
        published_today.refresh_from_db()
        assert published_today.acknowledgement_due_date == new_due
        event = published_today.events.get(action=Action.DUE_DATE_EXTENDED)
        assert (event.by, event.note, event.due_date_before, event.due_date_after) == (
            city.editor,
            "Personeelsfeest en verlofperiode",
            old_due,
            new_due,
        )
        history = as_page(city.employee, reverse("codeofconduct:policy_history", args=[policy.slug]))
        assert "Uiterste datum verlengd" in history and "Personeelsfeest en verlofperiode" in history
        assert new_due.strftime("%d-%m-%Y") in as_page(city.employee, published_today.get_absolute_url())
    # The old due date passes: nobody is late, no late notice, no weekly summary for chefs.
    with time_machine.travel(at(old_due + datetime.timedelta(days=4)), tick=False):
        reminders.run_reminders()
        assert subjects("Te laat") == [] and subjects("Wekelijks overzicht") == []
        assert to_read(city.employee) == [published_today.nummer]
    with time_machine.travel(at(new_due + datetime.timedelta(days=4)), tick=False):
        reminders.run_reminders()
        assert city.employee.email in subjects("Te laat")


# --- Words: the audience, the sender, one source per mail ---------------------------------------------


def test_the_publish_confirmation_names_the_chosen_units(draft, city):
    draft.audience_all_staff = False
    publishing.draft_save(version=draft, by=city.editor)
    draft.audience_units.set([city.team_a])
    page = as_page(city.editor, reverse("codeofconduct:publish", args=[draft.pk]))
    assert "de medewerkers van Team Online (met hun onderliggende eenheden)" in page
    assert "alle medewerkers" not in page
    response = client_for(city.editor).post(
        reverse("codeofconduct:publish", args=[draft.pk]), {"when": "now"}, follow=True
    )
    assert "is gepubliceerd voor de medewerkers van Team Online" in response.content.decode()


def test_the_publish_confirmation_names_all_staff(draft, city):
    page = as_page(city.editor, reverse("codeofconduct:publish", args=[draft.pk]))
    assert "voor <strong>alle medewerkers</strong>" in page


def test_mail_names_the_sender_from_the_van_field_and_html_says_what_the_text_says(current, city):
    PolicyVersion.objects.filter(pk=current.pk).update(van="Algemeen directeur")
    current.refresh_from_db()
    emails.send_version_mail(kind="new_version", version=current, recipients=[city.employee], context={})
    message = mail.outbox[-1]
    assert "Algemeen directeur (gedragscode)" in message.from_email
    assert "Algemeen directeur publiceerde dienstnota" in message.body
    assert "stadssecretaris" not in message.body.lower()
    html = message.alternatives[0][0]
    assert "Algemeen directeur publiceerde dienstnota" in html
    assert '<a href="http' in html and current.get_absolute_url() in html
