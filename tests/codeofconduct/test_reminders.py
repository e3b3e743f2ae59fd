"""The reminder job: notices, reminders around the due date, summaries for chefs — each e-mail once."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from codeofconduct import acknowledgements
from codeofconduct.models import PolicyVersion, Reminder
from codeofconduct.reminders import run_reminders
from organisation.models import Person
from tests.codeofconduct.compliance_fixture import LONG_AGO

pytestmark = pytest.mark.django_db


def recipients(kind_subject_part):
    return sorted(address for message in mail.outbox if kind_subject_part in message.subject for address in message.to)


def at(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@pytest.fixture
def fresh_version(city, current):
    """The current version as if published today, due in 14 days; everyone was there before."""
    Person.objects.update(unit_since=LONG_AGO)
    PolicyVersion.objects.filter(pk=current.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=5),
        acknowledgement_due_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    current.refresh_from_db()
    return current


def test_new_version_notice_goes_to_everyone_who_has_to_act_once(city, fresh_version):
    acknowledgements.acknowledgement_record(person=Person.objects.get(pk=city.colleague.pk), version=fresh_version)
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
    acknowledgements.acknowledgement_record(person=Person.objects.get(pk=city.colleague.pk), version=fresh_version)
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
    acknowledgements.team_notification_confirm(
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
    Person.objects.filter(pk=city.employee.pk).update(unit_since=timezone.now() + datetime.timedelta(days=3))
    run_reminders()
    by_address = {message.to[0]: message.body for message in mail.outbox if "Nieuwe dienstnota" in message.subject}
    version_due = fresh_version.acknowledgement_due_date.strftime("%d-%m-%Y")
    own_due = (timezone.localdate() + datetime.timedelta(days=17)).strftime("%d-%m-%Y")
    assert version_due in by_address[city.colleague.email]
    assert own_due in by_address[city.employee.email]
