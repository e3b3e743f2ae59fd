"""The first run on a new installation, as a city would do it: a database built by the migrations (which
ship the D2018 note, published in 2018), `import_org` of the HR export, the first beheerder, then the
jobs of the shipped schedule (jobs/schedule.py) and the mail worker, with the clock set to each day.

Every clock starts when the person was asked (docs/code-of-conduct.md, "Clocks"): the first run asks
everyone and every chef, so nobody is late or escalated on that day, however old the note is.

The organisation (all staff are the audience):

    Karel (stadssecretaris, STAD)
    └── Katrien (departement BV)
        ├── Tom (chef, team Online) ── Lotte, Wout (no mailbox)
        └── Sofie (chef, team Wegen) ── Jan (no mailbox), Pieter
    the first beheerder (local account, no unit)

What happens before each day's run: day 1, Lotte and Karel acknowledge, Karel and Tom confirm they
notified their teams. Nobody else does anything.

The expected timeline (defaults: due 14 days after being asked, reminder 3 days before and 3 after,
request to notify 2 days after a chef was asked, their manager told 7 days after):

    day 0   notice "Nieuwe dienstnota" to the six with a mailbox; nothing else (no late notice,
            no request to notify, no escalation, no weekly summary)
    day 1   nothing
    day 2   (production) request to notify to Katrien and Sofie, who did not confirm
    day 7   Karel hears Katrien did not notify her team, Katrien hears the same of Sofie
    day 11  (production) reminder before the due date to the four who did not acknowledge
    day 14  the due date of everyone asked on day 0
    day 15  weekly summaries of overdue members to Karel (1), Katrien (2), Tom (1), Sofie (2); the
            escalations again (a new week)
    day 17  (production) "Te laat" to the four with a mailbox who did not acknowledge
    day 30  weekly summaries and escalations again (a new week)

This test runs the jobs on days 0, 1, 7, 15 and 30 only: a mail whose day it skipped comes on the
next run that finds it due (the request to notify on day 7) or, for the reminder before the due
date, not at all once the due date has passed. `test_every_day` runs the jobs daily, as the timer does.
Wout and Jan never get mail, not even an empty delivery; the first beheerder neither.
"""

import datetime
from collections import defaultdict

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from codeofconduct.models import Obligation, Reminder
from codeofconduct.services import acknowledging
from jobs.models import Delivery
from jobs.schedule import JOBS
from organisation.importer import COLUMNS
from organisation.models import Person

pytestmark = pytest.mark.django_db

INSTALLED = datetime.datetime(2027, 1, 4, 8, 0, tzinfo=datetime.UTC)  # a Monday, 09:00 in Antwerp

HR_EXPORT = [
    # personeelsnummer, voornaam, achternaam, email, eenheid, naam, soort, bovenliggende, leidinggevende
    ("1", "Karel", "Van den Broeck", "karel@stad.antwerpen.be", "STAD", "Stad Antwerpen", "stad", "", ""),
    ("2", "Katrien", "Hendrickx", "katrien@stad.antwerpen.be", "BV", "Bedrijfsvoering", "departement", "STAD", "1"),
    ("3", "Tom", "Peeters", "tom@stad.antwerpen.be", "BV-ONL", "Team Online", "team", "BV", "2"),
    ("4", "Lotte", "Janssens", "lotte@stad.antwerpen.be", "BV-ONL", "Team Online", "team", "BV", "3"),
    ("5", "Wout", "Jacobs", "wout@stad.antwerpen.be", "BV-ONL", "Team Online", "team", "BV", "3"),
    ("6", "Sofie", "Maes", "sofie@stad.antwerpen.be", "BV-WEG", "Team Wegen", "team", "BV", "2"),
    ("7", "Jan", "Wouters", "jan@stad.antwerpen.be", "BV-WEG", "Team Wegen", "team", "BV", "6"),
    ("8", "Pieter", "Claes", "pieter@stad.antwerpen.be", "BV-WEG", "Team Wegen", "team", "BV", "6"),
]
NO_MAILBOX = ("wout", "jan")

KIND_BY_SUBJECT = {
    "Nieuwe dienstnota": "notice",
    "Herinnering: dienstnota": "before_due",
    "Te laat: dienstnota": "late",
    "Breng je team op de hoogte": "notify_team",
    "Wekelijks overzicht": "weekly",
    "nog niet op de hoogte brachten": "escalation",
}


def hr_csv(tmp_path):
    path = tmp_path / "hr.csv"
    rows = [";".join(COLUMNS)]
    for number, first, last, email, code, name, kind, parent, manager in HR_EXPORT:
        rows.append(";".join([number, first, last, email, "", code, name, kind, parent, manager]))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def person(first_name) -> Person:
    return Person.objects.get(first_name=first_name.capitalize())


def run_the_jobs() -> dict[str, list[str]]:
    """Every job of the shipped schedule as its timer starts it, then the mail worker; what arrived:
    kind -> sorted first names (with the number of overdue members for weekly summaries)."""
    mail.outbox.clear()
    for job in JOBS:
        call_command(job.command, stdout=None)
    assert_no_mail_without_a_mailbox()
    call_command("mail_worker", "--once")
    arrived = defaultdict(list)
    for message in mail.outbox:
        kind = next(kind for part, kind in KIND_BY_SUBJECT.items() if part in message.subject)
        for address in message.to:
            name = address.split("@")[0]
            if kind == "weekly":
                name += f" ({next(word for word in message.body.split() if word.isdigit())})"
            if kind == "escalation":
                name += " about " + ", ".join(
                    first for first in ("Katrien", "Sofie", "Tom", "Karel") if f"{first} " in message.body
                )
            arrived[kind].append(name)
    return {kind: sorted(names) for kind, names in arrived.items()}


@pytest.fixture
def new_installation(current, tmp_path, settings, monkeypatch):
    """Migrated (the shipped note is `current`), the HR export imported, the first beheerder made."""
    settings.MAIL_SEND_IMMEDIATELY = False  # as in production: the worker sends what the jobs queued
    with time_machine.travel(INSTALLED, tick=False) as clock:
        call_command("import_org", str(hr_csv(tmp_path)), verbosity=0)
        # Street crews have no mailbox: the HR export then has an empty e-mail address.
        Person.objects.filter(first_name__in=["Wout", "Jan"]).update(email="")
        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "een-lang-en-sterk-wachtwoord-2027")
        call_command("createsuperuser", "--noinput", username="beheerder", email="beheer@stad.antwerpen.be")
        yield clock


def move_to(clock, day: int):
    clock.move_to(INSTALLED + datetime.timedelta(days=day))


def on_day_1_some_act(current):
    today = timezone.localdate()
    for name in ("Lotte", "Karel"):
        acknowledging.acknowledgement_record(person=person(name), version=current)
    for name in ("Karel", "Tom"):
        acknowledging.team_notification_confirm(chef=person(name), version=current, notified_on=today, method="email")


def assert_no_mail_without_a_mailbox():
    """What waits in the outbox (sent mail keeps no address): a real address each, none for Wout, Jan or the beheerder."""
    queued = Delivery.objects.filter(status="queued")
    addresses = [address for to in queued.values_list("to", flat=True) for address in to or [""]]
    assert all(address.endswith("@stad.antwerpen.be") for address in addresses)
    assert not set(addresses) & {"wout@stad.antwerpen.be", "jan@stad.antwerpen.be", "beheer@stad.antwerpen.be"}
    assert not queued.filter(recipient__email="").exists() and not queued.filter(recipient__unit=None).exists()
    # Nor is a mail recorded as sent to them (the team page would say "vandaag herinnerd").
    assert not Reminder.objects.filter(recipient__email="").exists()
    assert not Reminder.objects.filter(recipient__unit=None).exists()


def test_first_run_and_the_days_after(new_installation, current):
    clock = new_installation
    assert current.published_at.year == 2018 and current.acknowledgement_due_date.year == 2018

    # Day 0: everyone is asked; the six with a mailbox get the notice, due in 14 days. Nothing else.
    assert run_the_jobs() == {"notice": ["karel", "katrien", "lotte", "pieter", "sofie", "tom"]}
    assert "18-01-2027" in mail.outbox[0].body  # due 14 days after being asked, not in 2018
    asked = Obligation.objects.filter(version=current)
    assert asked.filter(kind="acknowledge").count() == 8  # Wout and Jan too; not the beheerder
    assert sorted(asked.filter(kind="notify_team").values_list("person__first_name", flat=True)) == [
        "Karel",
        "Katrien",
        "Sofie",
        "Tom",
    ]
    assert run_the_jobs() == {}  # a second run sends nothing

    move_to(clock, 1)
    on_day_1_some_act(current)
    assert run_the_jobs() == {}

    move_to(clock, 7)
    assert run_the_jobs() == {
        "notify_team": ["katrien", "sofie"],  # due since day 2; Karel and Tom confirmed
        "escalation": ["karel about Katrien", "katrien about Sofie"],
    }
    assert run_the_jobs() == {}

    move_to(clock, 15)
    assert run_the_jobs() == {
        "weekly": ["karel (1)", "katrien (2)", "sofie (2)", "tom (1)"],
        "escalation": ["karel about Katrien", "katrien about Sofie"],
    }
    assert run_the_jobs() == {}

    move_to(clock, 30)
    assert run_the_jobs() == {
        "late": ["katrien", "pieter", "sofie", "tom"],
        "weekly": ["karel (1)", "katrien (2)", "sofie (2)", "tom (1)"],
        "escalation": ["karel about Katrien", "katrien about Sofie"],
    }
    assert run_the_jobs() == {}


def test_every_day(new_installation, current):
    """The jobs each day from the installation to day 30, as the timer runs them: each mail on its day."""
    clock = new_installation
    timeline = {}
    for day in range(31):
        move_to(clock, day)
        if day == 1:
            on_day_1_some_act(current)
        arrived = run_the_jobs()
        if arrived:
            timeline[day] = arrived
    # 2027-01-04 is a Monday: days 7, 14, 21 and 28 start a new week.
    escalations = {"escalation": ["karel about Katrien", "katrien about Sofie"]}
    weekly = {"weekly": ["karel (1)", "katrien (2)", "sofie (2)", "tom (1)"]}
    assert timeline == {
        0: {"notice": ["karel", "katrien", "lotte", "pieter", "sofie", "tom"]},
        2: {"notify_team": ["katrien", "sofie"]},
        7: escalations,
        11: {"before_due": ["katrien", "pieter", "sofie", "tom"]},
        14: escalations,
        15: weekly,
        17: {"late": ["katrien", "pieter", "sofie", "tom"]},
        21: {**weekly, **escalations},
        28: {**weekly, **escalations},
    }
