"""A chef-waardeerder follows their team: who read the note, notification, briefings and reminders."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from codeofconduct.models import Acknowledgement, Briefing, Reminder, TeamNotification
from codeofconduct.services import acknowledging
from jobs.models import Delivery
from organisation.models import Person
from tests.factories import make_person
from tests.plans import executed_plan, rows_read

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate().strftime("%d-%m-%Y")


def row(page, username):
    return page.split(f'data-person="{username}"')[1].split("</tr>")[0]


def test_team_page_shows_each_report_not_opened_opened_or_acknowledged(city, current, as_chef, as_employee):
    make_person("lezer", unit=city.team_a, manager=city.chef, first_name="Ine", last_name="Smets")
    page = as_chef.get(reverse("codeofconduct:team")).text
    assert "Nog niet geopend" in row(page, "medewerker")
    as_employee.get(current.get_absolute_url())
    assert "Geopend op" in row(as_chef.get(reverse("codeofconduct:team")).text, "medewerker")
    as_employee.post(reverse("codeofconduct:acknowledge", args=[current.pk]))
    page = as_chef.get(reverse("codeofconduct:team")).text
    assert f"Gelezen en begrepen op {today()}" in row(page, "medewerker")
    assert "medewerker2" not in page  # another chef's team


def test_a_report_without_a_unit_is_listed_but_owes_nothing_and_is_not_counted(city, current, as_chef):
    """The note is for the staff of units; an account without one (a newcomer HR has not placed yet)
    is on the chef's list, outside the version's public, without a due date and not in the count."""
    make_person("zonder", unit=None, manager=city.chef, first_name="Jo", last_name="Zondereenheid")
    page = as_chef.get(reverse("codeofconduct:team")).text
    assert "niet in het publiek van deze versie" in row(page, "zonder")
    assert "<time" not in row(page, "zonder")  # no due date
    assert "niet in het publiek van deze versie" not in row(page, "medewerker")
    members = Person.objects.filter(manager=city.chef, is_active=True).count()
    assert f"0 van {members - 1} medewerkers bevestigden" in page


def test_for_a_version_to_some_units_the_line_shows_who_is_outside_its_public(city, current, client):
    """A version for Team Online only: on the director's whole line, the people of Team Pers are listed
    outside its public, while those of Team Online owe it."""
    from codeofconduct.services import publishing

    draft = publishing.draft_create(policy=current.policy, by=city.editor, copy_from=current)
    draft.audience_all_staff = False
    publishing.draft_save(version=draft, by=city.editor)
    draft.audience_units.set([city.team_a])
    newer = publishing.version_publish(version=draft, by=city.editor)
    client.force_login(city.director)
    page = client.get(reverse("codeofconduct:team") + f"?alles=1&versie={newer.pk}").text
    assert "niet in het publiek van deze versie" in row(page, "medewerker2")
    assert "niet in het publiek van deze versie" not in row(page, "medewerker")
    assert "<time" in row(page, "medewerker")  # their due date


def test_switch_shows_the_whole_subtree(city, current, client):
    client.force_login(city.director)
    page = client.get(reverse("codeofconduct:team")).text
    assert 'data-person="chef"' in page and 'data-person="medewerker"' not in page
    page = client.get(reverse("codeofconduct:team") + "?alles=1").text
    assert 'data-person="medewerker"' in page and 'data-person="medewerker2"' in page


def test_everyone_below_follows_the_line_down_past_a_loop_in_one_query(city, current, client):
    """Three levels below the director, an inactive person in the line (their report reached through
    nobody), and a loop in the management line (a report who is recorded as managing their own chef):
    each active person below is listed once, in one query whatever the depth."""
    deep = make_person("diep", unit=city.employee.unit, manager=city.employee)
    deeper = make_person("dieper", unit=city.employee.unit, manager=deep)
    gone = make_person("vertrokken", unit=city.employee.unit, manager=deeper, is_active=False)
    make_person("onder-vertrokken", unit=city.employee.unit, manager=gone)
    lowest = make_person("nog-dieper", unit=city.employee.unit, manager=deeper)
    Person.objects.filter(pk=city.director.pk).update(manager=deeper)  # the loop: back to the top
    client.force_login(city.director)
    client.get(reverse("codeofconduct:team") + "?alles=1")
    with CaptureQueriesContext(connection) as shallow:
        client.get(reverse("codeofconduct:team") + "?alles=1")
    make_person("diepst", unit=city.employee.unit, manager=lowest)  # one level more
    with CaptureQueriesContext(connection) as deeper_line:
        page = client.get(reverse("codeofconduct:team") + "?alles=1").text
    for username in ("chef", "medewerker", "diep", "dieper", "nog-dieper", "diepst"):
        assert page.count(f'data-person="{username}"') == 1, username
    assert 'data-person="vertrokken"' not in page and 'data-person="onder-vertrokken"' not in page
    assert page.count('data-person="directeur"') == 1  # reached again through the loop: listed once
    assert len(deeper_line.captured_queries) == len(shallow.captured_queries)


def test_the_team_page_shows_the_notification_as_confirmed_without_asking_again(city, current, as_chef):
    """The confirmation comes with the team's rows (no query of its own): its day, its way and its
    remark as they were recorded, the chef's own for the version shown; another chef's is not theirs."""
    team = reverse("codeofconduct:team")
    TeamNotification.objects.create(chef=city.other_chef, version=current, notified_on=timezone.localdate())
    assert 'class="coc-notified"' not in as_chef.get(team).text
    notified_on = timezone.localdate() - datetime.timedelta(days=3)
    TeamNotification.objects.create(
        chef=city.chef, version=current, notified_on=notified_on, method="teamvergadering", remark="Op de <vergadering>"
    )
    for page in (as_chef.get(team).text, as_chef.get(team + "?alles=1").text):
        assert f"Team op de hoogte gebracht op {notified_on.strftime('%d-%m-%Y')}" in page
        assert "(Teamvergadering: Op de &lt;vergadering&gt;)" in page and 'class="coc-notified"' in page
    TeamNotification.objects.filter(chef=city.chef).delete()
    assert 'class="coc-notified"' not in as_chef.get(team).text


def test_the_notification_of_one_version_is_not_shown_for_another(city, current, as_chef):
    code_of_2013 = current.policy.versions.exclude(pk=current.pk).get()
    TeamNotification.objects.create(chef=city.chef, version=code_of_2013, notified_on=timezone.localdate())
    assert 'class="coc-notified"' not in as_chef.get(reverse("codeofconduct:team")).text


def test_overdue_marker(city, current, as_chef):
    from organisation.models import Person
    from tests.codeofconduct.compliance_fixture import LONG_AGO
    from tests.factories import make_asked

    Person.objects.filter(pk=city.employee.pk).update(unit_since=LONG_AGO)
    make_asked(current, city.employee, at=LONG_AGO)
    assert "te laat" in row(as_chef.get(reverse("codeofconduct:team")).text, "medewerker")


def test_chef_confirms_notifying_the_team_once(city, current, as_chef):
    home = as_chef.get("/").text
    assert "Breng je team op de hoogte" in home
    url = reverse("codeofconduct:team_notify", args=[current.pk])
    response = as_chef.post(url, {"notified_on": timezone.localdate().isoformat(), "method": "email"}, follow=True)
    assert f"Team op de hoogte gebracht op {today()}" in response.text
    as_chef.post(url, {"notified_on": timezone.localdate().isoformat(), "method": "teamvergadering"})
    assert TeamNotification.objects.get(chef=city.chef, version=current).method == "email"
    assert "Breng je team op de hoogte" not in as_chef.get("/").text


def test_other_way_needs_a_remark_and_the_form_keeps_the_input(city, current, as_chef):
    response = as_chef.post(
        reverse("codeofconduct:team_notify", args=[current.pk]),
        {"notified_on": timezone.localdate().isoformat(), "method": "anders", "remark": ""},
    )
    assert response.status_code == 400
    assert "Zeg kort hoe je je team op de hoogte bracht." in response.text
    assert 'value="anders" checked' in response.text or "checked" in response.text.split('value="anders"')[1][:40]
    assert not TeamNotification.objects.exists()


def test_briefing_counts_as_acknowledgement_by_proxy_with_the_chefs_name(city, current, as_chef, as_employee):
    url = reverse("codeofconduct:team_briefing", args=[current.pk])
    assert "Lotte Janssens" in as_chef.get(url).text
    response = as_chef.post(
        url,
        {"held_on": timezone.localdate().isoformat(), "form": "toolbox", "attendees": [city.employee.pk]},
        follow=True,
    )
    assert "1 medewerker(s) gelden als bevestigd" in response.text
    ack = Acknowledgement.objects.get(person=city.employee, version=current)
    assert ack.source == "briefing" and ack.recorded_by == city.chef
    assert Briefing.objects.get().attendees.get() == city.employee
    assert "via briefing door Tom Peeters" in row(response.text, "medewerker")
    assert "via briefing door Tom Peeters" in as_employee.get("/").text
    assert "via briefing door Tom Peeters" in as_employee.get(current.get_absolute_url()).text


def test_briefing_cannot_name_someone_elses_team_member(city, current, as_chef):
    response = as_chef.post(
        reverse("codeofconduct:team_briefing", args=[current.pk]),
        {"held_on": timezone.localdate().isoformat(), "form": "toolbox", "attendees": [city.colleague.pk]},
    )
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.text
    assert not Acknowledgement.objects.exists()


def test_reminder_reaches_only_who_has_not_acknowledged_once_a_day(city, current, as_chef):
    second = make_person("tweede", unit=city.team_a, manager=city.chef, first_name="Koen", last_name="Smets")
    acknowledging.acknowledgement_record(person=second, version=current)
    response = as_chef.post(reverse("codeofconduct:team_remind", args=[current.pk]), follow=True)
    assert [message.to for message in mail.outbox] == [[city.employee.email]]
    assert current.nummer in mail.outbox[0].subject
    assert "Herinnering verstuurd naar: Lotte Janssens." in response.text
    response = as_chef.post(reverse("codeofconduct:team_remind", args=[current.pk]), follow=True)
    assert len(mail.outbox) == 1
    assert "Vandaag al herinnerd, nu niet opnieuw: Lotte Janssens." in response.text
    assert Reminder.objects.filter(kind="manual").count() == 1


def test_in_production_the_reminder_waits_for_the_mail_worker(city, current, as_chef, settings):
    """The chef's click only claims and queues; `manage.py mail_worker` sends, off the request path."""
    settings.MAIL_SEND_IMMEDIATELY = False
    as_chef.post(reverse("codeofconduct:team_remind", args=[current.pk]))
    assert mail.outbox == []
    assert Delivery.objects.filter(status="queued").count() == 1

    call_command("mail_worker", "--once")
    assert [message.to for message in mail.outbox] == [[city.employee.email]]
    assert Delivery.objects.get().status == "sent"


@pytest.mark.parametrize("persona", ["as_employee", "as_editor", "as_integrity"])
def test_people_without_reports_get_403(persona, request, current):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("codeofconduct:team")).status_code == 403
    assert client.post(reverse("codeofconduct:team_remind", args=[current.pk])).status_code == 403


def test_team_and_home_pages_run_the_same_number_of_queries_for_a_bigger_team(city, current, as_chef):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert as_chef.get(url).status_code == 200
        return len(queries)

    as_chef.get("/")  # the first visit after a change reads the shared content
    small = (count(reverse("codeofconduct:team")), count("/"))
    for index in range(40):
        person = make_person(f"lid{index}", unit=city.team_a, manager=city.chef)
        if index % 3 == 0:
            acknowledging.acknowledgement_record(person=person, version=current)
    big = (count(reverse("codeofconduct:team")), count("/"))
    assert big == small
    assert max(big) <= 14


@pytest.mark.postgres
def test_team_page_reads_its_members_rows_not_the_whole_new_version(city, current, as_chef):
    """Right after a publication the planner's statistics have never seen the new version; the notice
    job has just asked everyone. The team page must still look up each member by the person (a few
    rows each), not scan everyone asked about the version once per member (docs/performance.md,
    "The publication morning": seconds per team page at 250,000 employees)."""
    from codeofconduct.services import publishing
    from organisation.models import Person
    from tests.factories import make_asked

    now = timezone.now()
    others = Person.objects.bulk_create(
        [Person(username=f"collega{n}", email=f"collega{n}@stad.antwerpen.be", unit=city.team_a) for n in range(400)]
    )
    everyone = [*others, *Person.objects.filter(manager=city.chef)]
    make_asked(current, *everyone, at=now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE codeofconduct_obligation")  # statistics from before the new version
    new = publishing.draft_create(policy=current.policy, by=city.editor, copy_from=current)
    new.body += "\n\nEen nieuwe alinea.\n"
    publishing.draft_save(version=new, by=city.editor)
    publishing.version_publish(version=new, by=city.editor)
    make_asked(new, *everyone, at=now)  # the notice job

    with CaptureQueriesContext(connection) as queries:
        assert as_chef.get(reverse("codeofconduct:team")).status_code == 200
    team_query = next(query["sql"] for query in queries if "codeofconduct_reminder AS reminded" in query["sql"])
    plan = executed_plan(team_query)

    def removed(node):
        own = node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Join Filter", 0)
        return own * node.get("Actual Loops", 1) + sum(removed(child) for child in node.get("Plans", []))

    # The team has a handful of members with a couple of rows each; 400 colleagues were asked too.
    assert removed(plan) < 50


@pytest.mark.postgres
def test_team_page_looks_up_its_members_acknowledgements_not_everyones(city, current, as_chef):
    """A city where hundreds have acknowledged: the team page finds each member's acknowledgement by the
    member, a row or none each, instead of reading every acknowledgement of the version into a hash
    for a team of 40 (the plan PostgreSQL chose for a small city when the acknowledgement was a join:
    half the team query's time at 2,500 employees)."""
    from organisation.models import Person

    others = Person.objects.bulk_create(
        [Person(username=f"collega{n}", email=f"collega{n}@stad.antwerpen.be", unit=city.team_b) for n in range(400)]
    )
    Person.objects.bulk_create(
        [
            Person(username=f"lid{n}", email=f"lid{n}@stad.antwerpen.be", unit=city.team_a, manager=city.chef)
            for n in range(40)
        ]
    )
    members = list(Person.objects.filter(manager=city.chef))
    Acknowledgement.objects.bulk_create(
        [Acknowledgement(person=person, version=current, content_hash=current.content_hash) for person in others]
        + [
            Acknowledgement(person=person, version=current, content_hash=current.content_hash)
            for person in members[::3]
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    with CaptureQueriesContext(connection) as queries:
        assert as_chef.get(reverse("codeofconduct:team")).status_code == 200
    team_query = next(query["sql"] for query in queries if "codeofconduct_reminder AS reminded" in query["sql"])
    acknowledgements = rows_read(
        executed_plan(team_query), lambda node: node.get("Relation Name") == "codeofconduct_acknowledgement"
    )
    # Each of the chef's members is looked up a few times (one per column), finding one row or none.
    assert acknowledgements <= 6 * len(members)


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_the_empty_notification_form_is_the_one_crispy_writes_with_todays_date(city, current, language):
    """The form a chef fills in to confirm they told their team is written once per language and day
    (codeofconduct_tags.team_notification_form): it must be exactly the form `{{ form|crispy }}` gives,
    with the day the chef opens the page filled in, also the day after."""
    import time_machine
    from django.template import Context, Template
    from django.utils import translation

    from codeofconduct.forms import TeamNotificationForm
    from tests.conftest import client_for

    crispy = Template("{% load crispy_forms_tags %}{{ form|crispy }}")
    for moment in ["2026-12-01 09:00 +01:00", "2026-12-01 23:30 +01:00", "2026-12-02 00:30 +01:00"]:
        with time_machine.travel(moment, tick=False):
            as_chef = client_for(city.chef)  # signed in that day
            as_chef.cookies["django_language"] = language
            response = as_chef.get(reverse("codeofconduct:team"))
            assert response.status_code == 200, (response.status_code, response.get("Location"))
            page = response.text
            with translation.override(language):
                form = TeamNotificationForm(initial={"notified_on": timezone.localdate()})
                expected = crispy.render(Context({"form": form}))
        assert f'value="{timezone.localdate(datetime.datetime.fromisoformat(moment.replace(" +", "+")))}"' in expected
        assert expected.strip() and expected in page, moment
