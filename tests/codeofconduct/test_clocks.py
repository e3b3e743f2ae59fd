"""Every clock starts when the person was asked (docs/code-of-conduct.md, "Clocks"): a chef who takes
over a team later, a colleague who joins the audience later, a due date that Redactie extends, and
staff without a mailbox. The shipped note was published in 2018; the job first runs on day 0."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from codeofconduct import figures
from codeofconduct.models import PolicyVersion
from codeofconduct.reminders import run_reminders
from codeofconduct.services import acknowledging, publishing
from organisation.models import Person
from tests.codeofconduct.conftest import make_draft
from tests.codeofconduct.test_team import row
from tests.concurrency import at_once
from tests.conftest import client_for, clock_standing_at
from tests.factories import make_person

pytestmark = pytest.mark.django_db

DAY_0 = datetime.datetime(2027, 1, 4, 8, 0, tzinfo=datetime.UTC)  # a Monday, 09:00 in Antwerp

NOTICE, BEFORE, LATE = "Nieuwe dienstnota", "Herinnering: dienstnota", "Te laat: dienstnota"
NOTIFY, WEEKLY, ESCALATION = "Breng je team op de hoogte", "Wekelijks overzicht", "nog niet op de hoogte brachten"


def on(day: int) -> datetime.datetime:
    return DAY_0 + datetime.timedelta(days=day)


def date_of(day: int) -> str:
    return on(day).date().strftime("%d-%m-%Y")


def run_on(clock, day: int) -> list:
    """The reminder job on `day`; the mails it sent as (subject part, recipient username, body)."""
    clock.move_to(on(day))
    mail.outbox.clear()
    run_reminders()
    parts = (NOTICE, BEFORE, LATE, NOTIFY, WEEKLY, ESCALATION)
    return [
        (next(part for part in parts if part in message.subject), address.split("@")[0], message.body)
        for message in mail.outbox
        for address in message.to
    ]


def who(sent, part) -> set[str]:
    return {name for kind, name, _ in sent if kind == part}


@pytest.fixture
def clock(city, current):
    yield from clock_standing_at(DAY_0)


def test_a_chef_who_takes_over_a_team_later_has_their_own_clock(city, current, clock):
    run_on(clock, 0)
    # Day 5: the HR import gives team A a new chef-waardeerder, who reports to the director.
    clock.move_to(on(5))
    new_chef = make_person("nieuwechef", unit=city.team_a, manager=city.director, first_name="Nina", last_name="Nys")
    Person.objects.filter(pk=city.employee.pk).update(manager=new_chef)
    asked_on_day_0 = {"directeur", "chef2"}  # the first run since their 2 days passed
    assert who(run_on(clock, 5), NOTIFY) == asked_on_day_0  # the new chef: asked today
    sent = run_on(clock, 7)
    assert who(sent, NOTIFY) == {"nieuwechef"}
    # The director hears of Sofie Maes (asked on day 0), not of the new chef asked two days ago.
    (escalation,) = [body for kind, name, body in sent if kind == ESCALATION and name == "directeur"]
    assert "Sofie Maes" in escalation and "Nina Nys" not in escalation
    assert ESCALATION not in {kind for kind, *_ in run_on(clock, 11)}  # not yet 7 days; this week told
    (escalation,) = [body for kind, name, body in run_on(clock, 14) if kind == ESCALATION]
    assert "Nina Nys" in escalation  # the first weekly summary after their 7 days


def test_a_colleague_who_joins_the_audience_later_has_their_own_due_date(city, current, clock):
    run_on(clock, 0)
    clock.move_to(on(10))
    make_person("nieuw", unit=city.team_a, manager=city.chef)
    sent = run_on(clock, 10)
    assert who(sent, NOTICE) == {"nieuw"}
    assert date_of(24) in next(body for kind, name, body in sent if name == "nieuw")
    late_on_17 = who(run_on(clock, 17), LATE)
    assert "medewerker" in late_on_17 and "nieuw" not in late_on_17
    page = client_for(city.chef).get(reverse("codeofconduct:team")).text
    assert date_of(24) in page and "te laat" not in row(page, "nieuw") and "te laat" in row(page, "medewerker")
    assert who(run_on(clock, 21), BEFORE) == {"nieuw"}
    assert who(run_on(clock, 27), LATE) == {"nieuw"}


def test_an_extended_due_date_moves_every_due_date_on_and_the_reminders_with_it(city, current, clock):
    run_on(clock, 0)
    assert "medewerker" in who(run_on(clock, 12), BEFORE)
    # Day 13: Redactie extends the due date to day 28.
    PolicyVersion.objects.filter(pk=current.pk).update(acknowledgement_due_date=on(28).date())
    for day in (15, 17, 21):
        sent = run_on(clock, day)
        assert not who(sent, LATE) and not who(sent, WEEKLY), day
    page = client_for(city.employee).get(current.get_absolute_url()).text
    assert date_of(28) in page
    assert "medewerker" in who(run_on(clock, 25), BEFORE)  # before the new date, once more
    assert "medewerker" in who(run_on(clock, 31), LATE)


def test_staff_without_a_mailbox_count_get_no_mail_and_their_chef_sees_them(city, current, clock):
    Person.objects.filter(pk=city.employee.pk).update(email="")
    before = figures.city_figures(current).total.audience
    sent = run_on(clock, 0)
    assert "medewerker" not in who(sent, NOTICE) and "medewerker2" in who(sent, NOTICE)
    assert figures.city_figures(current).total.audience == before  # still in the audience
    assert not [name for kind, name, _ in run_on(clock, 17) if name == ""]
    as_chef = client_for(city.chef)
    team = as_chef.get(reverse("codeofconduct:team")).text
    assert "geen e-mailadres" in team
    mail.outbox.clear()
    response = as_chef.post(reverse("codeofconduct:team_remind", args=[current.pk]), follow=True)
    assert "Geen e-mailadres, breng hen op de hoogte met een briefing: Lotte Janssens" in response.text
    assert not mail.outbox
    acknowledging.briefing_record(
        chef=city.chef, version=current, held_on=on(17).date(), form="toolbox", attendees=[city.employee]
    )
    assert "chef" not in who(run_on(clock, 24), WEEKLY)  # the briefing counts: nobody in team A is overdue


def test_a_version_published_with_a_short_due_date_keeps_it_for_those_asked_that_day(city, current, clock):
    """Redactie's own due date holds for everyone asked on the day of publication; a colleague asked
    later gets 14 days from then."""
    from codeofconduct.services import publishing
    from tests.codeofconduct.conftest import make_draft

    run_on(clock, 0)
    update = make_draft(current.policy, city.editor, body="## 1. Nieuw\n\nTekst.", nummer="D2027.001")
    publishing.version_publish(version=update, by=city.editor, acknowledgement_due_date=on(7).date())
    sent = run_on(clock, 0)
    assert "medewerker" in who(sent, NOTICE)
    assert date_of(7) in next(body for kind, name, body in sent if name == "medewerker" and kind == NOTICE)
    clock.move_to(on(3))
    make_person("nieuw", unit=city.team_a, manager=city.chef)
    sent = run_on(clock, 3)
    assert date_of(17) in next(body for kind, name, body in sent if name == "nieuw" and kind == NOTICE)
    late = who(run_on(clock, 10), LATE)
    assert "medewerker" in late and "nieuw" not in late


def test_a_colleague_asked_later_keeps_the_versions_due_date_when_it_is_further_away(city, current, clock):
    """Redactie gave the version a due date a month away: someone who joins on day 3 has until then too,
    not just 14 days, and is not reminded as late in between."""
    PolicyVersion.objects.filter(pk=current.pk).update(acknowledgement_due_date=on(30).date())
    run_on(clock, 0)
    clock.move_to(on(3))
    make_person("nieuw", unit=city.team_a, manager=city.chef)
    sent = run_on(clock, 3)
    assert date_of(30) in next(body for kind, name, body in sent if name == "nieuw" and kind == NOTICE)
    assert "nieuw" not in who(run_on(clock, 20), LATE)


def test_a_version_back_in_force_gives_who_has_not_acknowledged_it_fourteen_days_from_that_day(city, current, clock):
    """Day 0 everyone is asked for the note (due day 14); Redactie publishes an update and withdraws it on
    day 3: the note is back in force, due day 17. The mail goes out on day 5 (the job was down): a
    member asked before has until day 17, a colleague who joined on day 3 and was never asked has
    14 days from the day the mail tells them, day 19."""
    from codeofconduct import lifecycle
    from codeofconduct.services import publishing
    from tests.codeofconduct.conftest import make_draft

    run_on(clock, 0)
    update = make_draft(current.policy, city.editor, body="## 1. Nieuw\n\nTekst.", nummer="D2027.001")
    publishing.version_publish(version=update, by=city.editor)
    clock.move_to(on(3))
    make_person("nieuw", unit=city.team_a, manager=city.chef)
    publishing.version_withdraw(version=update, by=city.editor, note="Fout in artikel 1", reinstate_previous=True)
    clock.move_to(on(5))
    mail.outbox.clear()
    lifecycle.run_lifecycle_mails()
    back = {m.to[0].split("@")[0]: " ".join(m.body.split()) for m in mail.outbox if "opnieuw van kracht" in m.subject}
    assert f"uiterlijk op {date_of(17)}" in back["medewerker"]
    assert f"uiterlijk op {date_of(19)}" in back["nieuw"]


def late_on(clock, day, version) -> int:
    """The number of people late for `version` in the compliance figures on `day`."""
    clock.move_to(on(day))
    return figures.city_figures(PolicyVersion.objects.get(pk=version.pk)).total.overdue


def test_late_means_after_the_date_one_was_told_and_an_extension_holds_everyone_until_its_date(city, current, clock):
    """Everyone is asked on day 0 (due day 14), a newcomer on day 10 (due day 24). Nobody is late on
    day 14 itself; on day 15 all but the newcomer are. Redactie extends the date to day 28: nobody is
    late until and on day 28; on day 29 everyone is, the newcomer too."""
    run_on(clock, 0)
    asked_on_day_0 = figures.city_figures(current).total.audience
    clock.move_to(on(10))
    make_person("nieuw", unit=city.team_a, manager=city.chef)
    run_on(clock, 10)
    assert late_on(clock, 14, current) == 0
    assert "te laat" not in row(client_for(city.chef).get(reverse("codeofconduct:team")).text, "medewerker")
    assert "te laat" not in client_for(city.employee).get(reverse("home")).text  # their own "Te lezen"
    assert late_on(clock, 15, current) == asked_on_day_0
    assert "te laat" in row(client_for(city.chef).get(reverse("codeofconduct:team")).text, "medewerker")
    assert "te laat" in client_for(city.employee).get(reverse("home")).text
    assert "te laat" not in client_for(Person.objects.get(username="nieuw")).get(reverse("home")).text
    publishing.due_date_extend(version=current, by=city.editor, due_date=on(28).date(), reason="Vakantie")
    assert late_on(clock, 16, current) == 0
    assert late_on(clock, 28, current) == 0
    assert late_on(clock, 29, current) == asked_on_day_0 + 1


def test_late_for_a_replaced_version_is_not_late_for_its_update(city, current, clock):
    run_on(clock, 0)
    update = make_draft(current.policy, city.editor, body="## 1. Nieuw\n\nTekst.", nummer="D2027.001")
    publishing.version_publish(version=update, by=city.editor)
    run_on(clock, 1)  # asked for the update: due day 15
    assert late_on(clock, 15, update) == 0
    assert late_on(clock, 16, update) > 0


def test_a_version_without_a_due_date_of_its_own_gives_fourteen_days(city, current, clock):
    PolicyVersion.objects.filter(pk=current.pk).update(acknowledgement_due_date=None)
    sent = run_on(clock, 0)
    assert date_of(14) in next(body for kind, name, body in sent if name == "medewerker" and kind == NOTICE)


def test_a_version_past_its_vervaldatum_gets_no_more_reminders(city, current, clock):
    PolicyVersion.objects.filter(pk=current.pk).update(vervaldatum=on(5).date())
    assert who(run_on(clock, 0), NOTICE)
    assert who(run_on(clock, 5), NOTIFY)  # still in force on its Vervaldatum itself
    for day in (6, 7, 15, 17):
        assert run_on(clock, day) == [], day


def test_upgrading_takes_the_first_notice_as_the_moment_of_asking(city, current, clock):
    """Migration 0007 on an installation that ran the job before: the first notice is when a member was
    asked (with the date it stated), the request to notify when a chef was; reminders already sent are
    filed under the due date they were about, so none goes out twice."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from codeofconduct.models import Obligation, Reminder

    migration = importlib.import_module("codeofconduct.migrations.0007_obligations")
    PolicyVersion.objects.filter(pk=current.pk).update(published_at=on(-20), acknowledgement_due_date=on(-6).date())
    Person.objects.update(unit_since=on(-400))
    Person.objects.filter(pk=city.colleague.pk).update(unit_since=on(-10))  # joined late: own date
    for person, kind, period, day in [
        (city.employee, "new_version", "once", -20),
        (city.colleague, "new_version", "once", -10),
        (city.employee, "before_due", "once", -8),
        (city.chef, "chef_notify", "once", -18),
    ]:
        Reminder.objects.create(recipient=person, version=current, kind=kind, period=period, sent_at=on(day))
    migration.asked_from_mail_sent(apps, SimpleNamespace(connection=connection))
    asked = {(o.person_id, o.kind): o for o in Obligation.objects.filter(version=current)}
    assert asked[city.employee.pk, "acknowledge"].asked_at == on(-20)
    assert asked[city.employee.pk, "acknowledge"].due_on == on(-6).date()
    assert asked[city.colleague.pk, "acknowledge"].due_on == on(4).date()
    assert asked[city.chef.pk, "notify_team"].asked_at == on(-18)
    assert Reminder.objects.get(kind="before_due").period == on(-6).date().isoformat()
    sent = run_on(clock, 0)
    assert "medewerker" not in who(sent, NOTICE) | who(sent, BEFORE)
    assert "medewerker" in who(sent, LATE)  # asked 20 days ago, due 6 days ago
    # The director hears of Tom (asked 18 days ago), not of Sofie, whom nothing had asked before.
    (escalation,) = [body for kind, name, body in sent if kind == ESCALATION and name == "directeur"]
    assert "Tom Peeters" in escalation and "Sofie Maes" not in escalation


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_first_runs_at_once_ask_each_person_once_and_mail_them_once(city, current):
    """Four machines run the job at the same moment on a new installation: one record of asking per
    person and kind, one notice each, whoever wins."""
    from collections import Counter

    from codeofconduct.models import Obligation

    for number in range(30):
        make_person(f"lid{number}", unit=city.team_b, manager=city.other_chef)
    assert at_once(lambda: run_reminders(now=on(7)), 4) == []
    asked = Counter(Obligation.objects.values_list("person_id", "kind"))
    assert set(asked.values()) == {1}
    assert len([key for key in asked if key[1] == "acknowledge"]) == Person.objects.filter(unit__isnull=False).count()
    notices = Counter(address for message in mail.outbox if NOTICE in message.subject for address in message.to)
    assert set(notices.values()) == {1} and len(notices) == Person.objects.count()


# --- On which day each mail goes, and to whom -----------------------------------------------------


def test_each_mail_comes_on_its_day_counted_from_the_day_one_was_asked(city, current, clock):
    """Everyone is asked on day 0, due day 14. The chefs are asked to notify their team on day 2 (not
    on day 1), the director hears of them on day 7 (not on day 6); the reminder comes from day 11,
    three days before the date (not on day 10), the late one on day 17, three days after it (not on
    day 16)."""
    asked = who(run_on(clock, 0), NOTICE)
    chefs = {"directeur", "chef", "chef2"}
    assert who(run_on(clock, 1), NOTIFY) == set()
    assert who(run_on(clock, 2), NOTIFY) == chefs
    assert who(run_on(clock, 6), ESCALATION) == set()
    (escalation,) = [body for kind, name, body in run_on(clock, 7) if kind == ESCALATION and name == "directeur"]
    assert "Tom Peeters" in escalation and "Sofie Maes" in escalation
    assert who(run_on(clock, 10), BEFORE) == set()
    assert who(run_on(clock, 11), BEFORE) == asked
    assert who(run_on(clock, 16), LATE) == set()
    assert who(run_on(clock, 17), LATE) == asked


def test_the_reminder_before_the_date_goes_up_to_the_date_itself_and_not_after_it(city, current, clock):
    """The job was down from day 2 to day 14. A colleague asked on day 1 is due on day 15 and still gets
    the reminder that day; those asked on day 0 were due on day 14 and get none any more."""
    run_on(clock, 0)
    clock.move_to(on(1))
    make_person("nieuw", unit=city.team_a, manager=city.chef)
    assert who(run_on(clock, 1), NOTICE) == {"nieuw"}
    assert who(run_on(clock, 15), BEFORE) == {"nieuw"}


def test_a_chef_who_left_gets_no_weekly_summary_and_one_without_a_mailbox_gets_it_once_they_have_one(
    city, current, clock
):
    """Day 15, a day after everyone's date: Tom Peeters (chef of team A) has left; Sofie Maes (chef of
    team B) has no mailbox. Neither gets the weekly summary; the director, who has overdue reports
    too, does. Sofie gets a mailbox the next day: her summary of the week comes then."""
    run_on(clock, 0)
    clock.move_to(on(15))
    Person.objects.get(pk=city.chef.pk).deactivate()
    Person.objects.filter(pk=city.other_chef.pk).update(email="")
    sent = run_on(clock, 15)
    assert who(sent, WEEKLY) == {"directeur"}
    assert "" not in {name for _kind, name, _body in sent}
    Person.objects.filter(pk=city.other_chef.pk).update(email=city.other_chef.email)
    assert who(run_on(clock, 16), WEEKLY) == {"chef2"}


def test_a_colleague_and_a_chef_without_a_mailbox_are_mailed_once_they_have_one(city, current, clock):
    """Lotte Janssens and her chef Tom Peeters have no mailbox when the job first runs (their chef and
    manager reach them); on day 3 they have one: the notice and the request to notify the team go then."""
    Person.objects.filter(pk__in=[city.employee.pk, city.chef.pk]).update(email="")
    sent = run_on(clock, 0)
    assert not {"medewerker", "chef"} & who(sent, NOTICE)
    assert "chef" not in who(run_on(clock, 2), NOTIFY)
    Person.objects.filter(pk=city.employee.pk).update(email=city.employee.email)
    Person.objects.filter(pk=city.chef.pk).update(email=city.chef.email)
    sent = run_on(clock, 3)
    assert who(sent, NOTICE) == {"medewerker", "chef"}
    assert who(sent, NOTIFY) == {"chef"}


def test_what_was_done_for_the_previous_version_does_not_count_for_this_one(city, current, policy, clock):
    """Lotte Janssens acknowledged the 2013 note and Sofie Maes confirmed notifying her team of it: for
    the note in force both are asked all the same, and Lotte counts in Tom Peeters's weekly summary."""
    from codeofconduct.models import Acknowledgement, TeamNotification

    older = policy.versions.exclude(pk=current.pk).first()
    Acknowledgement.objects.create(person=city.employee, version=older, content_hash=older.content_hash)
    TeamNotification.objects.create(chef=city.other_chef, version=older, notified_on=on(-400).date(), method="email")
    assert "medewerker" in who(run_on(clock, 0), NOTICE)
    assert "chef2" in who(run_on(clock, 2), NOTIFY)
    (summary,) = [body for kind, name, body in run_on(clock, 15) if kind == WEEKLY and name == "chef"]
    assert "1 medewerker van je team" in " ".join(summary.split())


def test_a_chef_who_left_or_has_no_place_in_the_organisation_is_not_asked_and_not_reported(city, current, clock):
    """Sofie Maes (team B) has left; Anna Wouters, chef of a new team under the director, has no unit
    any more (HR moved her out). Their teams stay in the audience; neither chef is asked to notify their
    team, and the director hears of Tom Peeters only."""
    Person.objects.get(pk=city.other_chef.pk).deactivate()
    anna = make_person("chef3", unit=None, manager=city.director, first_name="Anna", last_name="Wouters")
    make_person("lid3", unit=city.team_b, manager=anna)
    assert {"medewerker2", "lid3"} <= who(run_on(clock, 0), NOTICE)
    assert who(run_on(clock, 2), NOTIFY) == {"directeur", "chef"}
    (escalation,) = [body for kind, name, body in run_on(clock, 7) if kind == ESCALATION]
    assert "Tom Peeters" in escalation and "Sofie Maes" not in escalation and "Anna Wouters" not in escalation


def test_the_director_reads_the_chefs_who_did_not_notify_their_team_by_last_name(city, current, clock):
    anna = make_person("chef3", unit=city.team_b, manager=city.director, first_name="Anna", last_name="Wouters")
    make_person("lid3", unit=city.team_b, manager=anna)
    # A namesake of Tom Peeters, added after him: by first name within the same last name.
    bert = make_person("chef4", unit=city.team_b, manager=city.director, first_name="Bert", last_name="Peeters")
    make_person("lid4", unit=city.team_b, manager=bert)
    run_on(clock, 0)
    (escalation,) = [body for kind, name, body in run_on(clock, 7) if kind == ESCALATION]
    names = ["Sofie Maes", "Bert Peeters", "Tom Peeters", "Anna Wouters"]
    assert sorted(names, key=escalation.index) == names


def test_a_director_without_a_place_in_the_organisation_is_not_mailed_about_their_chefs(city, current, clock):
    """Someone whose unit HR took away (between two posts) is in no mailing, also not as a manager."""
    run_on(clock, 0)
    city.director.unit = None
    city.director.save()
    assert not [body for kind, name, body in run_on(clock, 7) if kind == ESCALATION]


def test_the_jobs_log_line_counts_the_mails_it_queued_per_kind(city, current, clock):
    """What the schedule's log shows for each run of `send_reminders`: everyone asked on day 0, a newcomer on day 1."""
    from io import StringIO

    from django.core.management import call_command

    def logged(day):
        clock.move_to(on(day))
        out = StringIO()
        call_command("send_reminders", stdout=out)
        return out.getvalue().strip()

    members = Person.objects.filter(is_active=True, unit__isnull=False).exclude(email="").count()
    assert logged(0) == f"Reminders queued: new_version: {members}"
    assert logged(0) == "Reminders queued: nothing to send"
    clock.move_to(on(1))
    make_person("nieuw", unit=city.team_a, manager=city.chef)
    assert logged(1) == "Reminders queued: new_version: 1"
    # Day 12: the reminder to everyone asked on day 0 (due day 14) and to the newcomer (due day 15),
    # two mails told apart by their due date, counted together.
    assert logged(12) == f"Reminders queued: before_due: {members + 1}, chef_escalation: 1, chef_notify: 3"
    # Day 15, a new week: the director hears again, and each of the three chefs gets their weekly summary.
    assert logged(15) == "Reminders queued: chef_escalation: 1, chef_weekly: 3"


def test_a_colleague_who_becomes_a_chef_is_asked_to_notify_two_days_after_becoming_one(city, current, clock):
    """Lotte Janssens was asked to acknowledge on day 0; on day 5 a new colleague reports to her. Her
    clock as a chef starts on day 5: the request to notify her team comes on day 7, not at once."""
    run_on(clock, 0)
    clock.move_to(on(5))
    make_person("nieuw", unit=city.team_a, manager=city.employee)
    assert "medewerker" not in who(run_on(clock, 5), NOTIFY)
    assert who(run_on(clock, 7), NOTIFY) == {"medewerker"}


def test_chefs_asked_about_the_replaced_version_are_asked_about_the_update_from_its_day(city, current, clock):
    """The chefs were asked on day 0 about the note in force; an update is published on day 3. Their
    request to notify their team of the update comes two days after the job asked them about it (day 5)."""
    run_on(clock, 0)
    run_on(clock, 2)  # the request about the note in force
    clock.move_to(on(3))
    update = make_draft(current.policy, city.editor, body="## 1. Nieuw\n\nTekst.", nummer="D2027.001")
    publishing.version_publish(version=update, by=city.editor)
    assert who(run_on(clock, 3), NOTIFY) == set()
    assert who(run_on(clock, 4), NOTIFY) == set()
    assert who(run_on(clock, 5), NOTIFY) == {"directeur", "chef", "chef2"}


def test_a_manager_whose_only_report_left_is_not_asked_to_notify_a_team(city, current, clock):
    """Anna Wouters's only report left before the job's first run: she has nobody to notify. She is
    not asked to notify a team on day 2, and the director does not hear of her on day 7."""
    anna = make_person("chef3", unit=city.team_b, manager=city.director, first_name="Anna", last_name="Wouters")
    make_person("lid3", unit=city.team_b, manager=anna).deactivate()
    run_on(clock, 0)
    assert who(run_on(clock, 2), NOTIFY) == {"directeur", "chef", "chef2"}
    (escalation,) = [body for kind, name, body in run_on(clock, 7) if kind == ESCALATION]
    assert "Anna Wouters" not in escalation
