"""The reminder job: notices, reminders around the due date, summaries for chefs — each e-mail once."""

import datetime
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from codeofconduct import emails, reminders
from codeofconduct.models import PolicyVersion, Reminder
from codeofconduct.reminders import run_reminders
from codeofconduct.services import acknowledging
from jobs.models import Delivery
from organisation.models import Person
from tests.codeofconduct.compliance_fixture import LONG_AGO
from tests.factories import make_asked, make_person

pytestmark = pytest.mark.django_db


def recipients(kind_subject_part):
    return sorted(address for message in mail.outbox if kind_subject_part in message.subject for address in message.to)


def at(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def first_wednesday_from(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(2 - day.weekday()) % 7)


@pytest.fixture
def fresh_version(city, current):
    """The current version as if published today, due on a Wednesday two to three weeks from now;
    everyone was there before.

    Weekly mails count per ISO week: with the due date on a Wednesday, the days from two before to
    three after it (Monday to Saturday) share one week, whatever day the suite runs."""
    Person.objects.update(unit_since=LONG_AGO)
    PolicyVersion.objects.filter(pk=current.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=5),
        acknowledgement_due_date=first_wednesday_from(timezone.localdate() + datetime.timedelta(days=14)),
    )
    current.refresh_from_db()
    # The job asked everyone, and every chef, when it was published.
    make_asked(current, *Person.objects.filter(unit__isnull=False), at=current.published_at)
    make_asked(
        current,
        *Person.objects.filter(direct_reports__isnull=False).distinct(),
        at=current.published_at,
        kind="notify_team",
    )
    return current


def test_new_version_notice_goes_to_everyone_who_has_to_act_once(city, fresh_version):
    acknowledging.acknowledgement_record(person=Person.objects.get(pk=city.colleague.pk), version=fresh_version)
    run_reminders()
    notified = recipients("Nieuwe dienstnota")
    assert city.employee.email in notified and city.colleague.email not in notified
    assert len(notified) == Person.objects.filter(is_active=True).count() - 1
    body = mail.outbox[0].body
    assert fresh_version.nummer in body and f"/gedragscode/versies/{fresh_version.pk}/" in body
    sent = len(mail.outbox)
    run_reminders()
    call_command("send_reminders", stdout=None)
    assert len(mail.outbox) == sent


def test_reminders_before_and_after_the_due_date(city, fresh_version):
    run_reminders()
    mail.outbox.clear()
    due = fresh_version.acknowledgement_due_date
    acknowledging.acknowledgement_record(person=Person.objects.get(pk=city.colleague.pk), version=fresh_version)
    run_reminders(now=at(due - datetime.timedelta(days=5)))
    assert recipients("Herinnering: dienstnota") == []
    run_reminders(now=at(due - datetime.timedelta(days=2)))
    before = recipients("Herinnering: dienstnota")
    assert city.employee.email in before and city.colleague.email not in before
    run_reminders(now=at(due - datetime.timedelta(days=1)))
    assert recipients("Herinnering: dienstnota") == before
    run_reminders(now=at(due + datetime.timedelta(days=3)))
    assert city.employee.email in recipients("Te laat: dienstnota")


def test_weekly_summary_for_chefs_with_overdue_members(city, fresh_version):
    due = fresh_version.acknowledgement_due_date
    run_reminders(now=at(due + datetime.timedelta(days=1)))
    summaries = [message for message in mail.outbox if "Wekelijks overzicht" in message.subject]
    assert city.chef.email in [address for message in summaries for address in message.to]
    mine = next(message for message in summaries if message.to == [city.chef.email])
    assert "1 medewerker van je team" in mine.body
    count = len(summaries)
    run_reminders(now=at(due + datetime.timedelta(days=2)))
    assert len([m for m in mail.outbox if "Wekelijks overzicht" in m.subject]) == count
    run_reminders(now=at(due + datetime.timedelta(days=8)))
    assert len([m for m in mail.outbox if "Wekelijks overzicht" in m.subject]) > count


def test_chefs_who_did_not_confirm_are_reminded_then_their_manager_is_told(city, fresh_version):
    acknowledging.team_notification_confirm(
        chef=city.other_chef, version=fresh_version, notified_on=timezone.localdate(), method="email"
    )
    today = timezone.localdate()
    run_reminders(now=at(today + datetime.timedelta(days=3)))
    asked = recipients("Breng je team op de hoogte")
    assert city.chef.email in asked and city.other_chef.email not in asked
    assert recipients("nog niet op de hoogte brachten") == []
    run_reminders(now=at(today + datetime.timedelta(days=8)))
    escalation = [m for m in mail.outbox if "nog niet op de hoogte brachten" in m.subject]
    assert [m.to for m in escalation] == [[city.director.email]]
    assert "Tom Peeters" in escalation[0].body and "Sofie Maes" not in escalation[0].body


def test_emails_contain_nothing_but_the_version_and_a_link(city, fresh_version):
    run_reminders()
    message = mail.outbox[0]
    html = (
        message.alternatives[0][0]
        if hasattr(message.alternatives[0], "__getitem__")
        else message.alternatives[0].content
    )
    assert "Enkel voor intern gebruik" in message.body
    assert "<a href=" in html
    assert Reminder.objects.filter(kind="new_version").count() == len(mail.outbox)


def test_the_notice_states_each_persons_own_due_date(city, fresh_version):
    """A colleague the job finds in the audience later is asked then: their 14 days run from that day,
    here three days past the version's due date."""
    newcomer = make_person("nieuw", unit=city.team_a, manager=city.chef)
    joins = fresh_version.acknowledgement_due_date - datetime.timedelta(days=11)
    run_reminders(now=at(joins))
    by_address = {message.to[0]: message.body for message in mail.outbox if "Nieuwe dienstnota" in message.subject}
    version_due = fresh_version.acknowledgement_due_date.strftime("%d-%m-%Y")
    own_due = (fresh_version.acknowledgement_due_date + datetime.timedelta(days=3)).strftime("%d-%m-%Y")
    assert version_due in by_address[city.colleague.email]
    assert own_due in by_address[newcomer.email]


# --- At city scale: pages of people, claims per page ----------------------------------------------


def sent_mails() -> Counter:
    return Counter((address, message.subject) for message in mail.outbox for address in message.to)


def add_team_members(city, count: int, *, acknowledged_every: int = 3):
    """Members for both chefs; every third one has acknowledged already."""
    version = PolicyVersion.objects.get(status=PolicyVersion.Status.PUBLISHED)
    for index in range(count):
        chef = city.chef if index % 2 else city.other_chef
        person = make_person(f"lid{index}", unit=chef.unit, manager=chef)
        if index % acknowledged_every == 0:
            acknowledging.acknowledgement_record(person=person, version=version)
        make_asked(version, person, at=version.published_at)
    Person.objects.update(unit_since=LONG_AGO)


@pytest.mark.parametrize("page_size", [1, 2, 1000])
def test_pages_of_any_size_remind_everyone_exactly_once(city, fresh_version, monkeypatch, page_size):
    add_team_members(city, 7)
    monkeypatch.setattr(reminders, "PAGE_SIZE", page_size)
    due = fresh_version.acknowledgement_due_date
    open_people = set(
        Person.objects.filter(is_active=True)
        .exclude(acknowledgements__version=fresh_version)
        .values_list("email", flat=True)
    )
    for day in (due - datetime.timedelta(days=1), due + datetime.timedelta(days=3)):
        run_reminders(now=at(day))
        run_reminders(now=at(day))
    mails = sent_mails()
    assert set(mails.values()) == {1}
    assert Reminder.objects.count() == len(mails)
    for kind_subject in ("Nieuwe dienstnota", "Herinnering: dienstnota", "Te laat: dienstnota"):
        assert set(recipients(kind_subject)) == open_people
    # The director's reports (the chefs, the editor) are overdue too; nobody confirmed notifying their team.
    chefs = sorted([city.director.email, city.chef.email, city.other_chef.email])
    assert sorted(recipients("Wekelijks overzicht")) == chefs
    assert sorted(recipients("Breng je team op de hoogte")) == chefs
    # Both chefs report to the director: one summary with both names, even when a page holds one person.
    (escalation,) = [message for message in mail.outbox if "nog niet op de hoogte brachten" in message.subject]
    assert escalation.to == [city.director.email]
    assert "Tom Peeters" in escalation.body and "Sofie Maes" in escalation.body


def test_a_run_that_fails_half_way_keeps_the_pages_it_queued_and_the_next_run_queues_the_rest(
    city, fresh_version, monkeypatch, settings
):
    settings.MAIL_SEND_IMMEDIATELY = False  # as in production: the worker sends what was committed
    add_team_members(city, 5)
    monkeypatch.setattr(reminders, "PAGE_SIZE", 2)
    send = emails.send_version_mail
    calls = []

    def database_goes_away_on_the_second_page(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            send(**kwargs)  # the page's mails are queued, then the run dies before its page commits
            raise OperationalError("server closed the connection unexpectedly")
        return send(**kwargs)

    monkeypatch.setattr(emails, "send_version_mail", database_goes_away_on_the_second_page)
    with pytest.raises(OperationalError):
        run_reminders()
    first_page = {person.email for person in calls[0]["recipients"]}
    # The failed page's claims were rolled back with its queued mails: nothing recorded, nothing queued.
    assert set(Reminder.objects.values_list("recipient__email", flat=True)) == first_page
    assert {address for delivery in Delivery.objects.all() for address in delivery.to} <= first_page
    assert Delivery.objects.count() == len(first_page)

    monkeypatch.setattr(emails, "send_version_mail", send)
    run_reminders()
    call_command("mail_worker", "--once")
    open_people = Person.objects.filter(is_active=True).exclude(acknowledgements__version=fresh_version)
    assert sorted(recipients("Nieuwe dienstnota")) == sorted(open_people.values_list("email", flat=True))
    assert set(sent_mails().values()) == {1}


def test_a_mail_another_run_claimed_meanwhile_is_not_sent_again(city, fresh_version, monkeypatch):
    run_reminders()
    sent = len(mail.outbox)
    # Another run's claims that this run did not yet see when it looked: the unique row still decides.
    monkeypatch.setattr(reminders, "_already_sent", lambda *args, **kwargs: set())
    run_reminders()
    assert len(mail.outbox) == sent


def test_the_number_of_queries_does_not_grow_with_the_number_of_people(city, fresh_version):
    day = at(fresh_version.acknowledgement_due_date + datetime.timedelta(days=3))
    add_team_members(city, 3)
    with CaptureQueriesContext(connection) as small:
        run_reminders(now=day)
    assert Reminder.objects.filter(kind="after_due").exists()
    Reminder.objects.all().delete()
    for index in range(40):
        chef = city.chef if index % 2 else city.other_chef
        extra = make_person(f"extra{index}", unit=chef.unit, manager=chef, unit_since=LONG_AGO)
        make_asked(fresh_version, extra, at=fresh_version.published_at)
    with CaptureQueriesContext(connection) as big:
        run_reminders(now=day)
    assert Reminder.objects.filter(kind="after_due").count() > 40
    assert len(big) == len(small)


def test_a_run_with_nothing_new_to_send_claims_nothing(city, fresh_version, monkeypatch):
    """The job runs every 15 minutes: after a run that sent everything due (the notice, the late
    reminder, the chefs' request, summary and escalation), the next one looks up what each page of
    people had and claims no mail again: the unique claim is the safety net, not the daily path."""
    add_team_members(city, 5)
    monkeypatch.setattr(reminders, "PAGE_SIZE", 2)
    day = at(fresh_version.acknowledgement_due_date + datetime.timedelta(days=8))
    run_reminders(now=day)
    kinds = set(Reminder.objects.values_list("kind", flat=True))
    assert kinds == {"new_version", "after_due", "chef_notify", "chef_weekly", "chef_escalation"}
    with CaptureQueriesContext(connection) as later:
        run_reminders(now=day + datetime.timedelta(minutes=15))
    claims = [sql for sql in (query["sql"] for query in later) if sql.startswith("INSERT") and "_reminder" in sql]
    assert claims == []


def test_the_job_answers_for_the_moment_it_is_given_also_about_the_vervaldatum(city, fresh_version):
    """Run for a moment other than the server's clock (as every test here does), the job takes the
    versions in force on that day: on the day after the version's Vervaldatum it sends nothing for
    it, though on the server's day the note is still in force; on the Vervaldatum itself it does."""
    today = timezone.localdate()
    PolicyVersion.objects.filter(pk=fresh_version.pk).update(vervaldatum=today + datetime.timedelta(days=3))
    run_reminders(now=at(today + datetime.timedelta(days=4)))
    assert mail.outbox == []
    run_reminders(now=at(today + datetime.timedelta(days=3)))
    assert city.employee.email in recipients("Nieuwe dienstnota")
