"""A plaatsvervanger reads the questions routed to the leidinggevende during their period (asked then,
or still open then), keeps reading the ones they acted on, and never the manager's earlier history.
The clock is set explicitly: the period is 7 to 11 December 2026."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from advice.access import Capacity, can_view, capacities, managers_acted_for, viewers
from advice.models import EventKind, Question, State
from advice.workflow import TransitionError
from organisation.models import Deputy, Person
from tests.advice.conftest import ask, at, step
from tests.conftest import client_for, clock_standing_at
from tests.factories import make_person


@pytest.fixture
def clock():
    yield from clock_standing_at(at(2026, 11, 2, 9))


@pytest.fixture
def history(city, clock):
    """The chef's questions, from before the period and during it, and the plaatsvervanger."""
    deputy = make_person("plaatsvervanger", unit=city.team_a, first_name="Pieter", last_name="Vervanger")
    Deputy.objects.create(
        manager=city.chef, deputy=deputy, starts_on=datetime.date(2026, 12, 7), ends_on=datetime.date(2026, 12, 11)
    )
    asker2 = make_person("medewerker3", unit=city.team_a, manager=city.chef)
    q = {}
    # Before the period: one answered and closed in November (history), one still open on 7 December.
    clock.move_to(at(2026, 11, 2, 9))
    q["closed_before"] = ask(city.employee, subject="Gesloten in november", now=at(2026, 11, 2, 9))
    step(q["closed_before"], city.chef, "manager_answer", "Ja.", now=at(2026, 11, 3, 9))
    step(q["closed_before"], city.employee, "asker_close", now=at(2026, 11, 3, 10))
    q["escalated_before"] = ask(asker2, subject="Geëscaleerd in november", now=at(2026, 11, 4, 9))
    step(q["escalated_before"], city.chef, "manager_escalate", "Graag het Bureau.", now=at(2026, 11, 4, 10))
    q["open_at_start"] = ask(asker2, subject="Nog open op 7 december", now=at(2026, 12, 4, 9))
    # During the period: one the plaatsvervanger acts on, one they leave to the chef.
    clock.move_to(at(2026, 12, 8, 9))
    q["acted_on"] = ask(city.employee, subject="Gesteld tijdens de periode", now=at(2026, 12, 8, 9))
    step(q["acted_on"], deputy, "manager_request_info", "Welke foto?", now=at(2026, 12, 8, 10))
    q["left_to_chef"] = ask(asker2, subject="Ook tijdens de periode", now=at(2026, 12, 9, 9))
    return deputy, {name: Question.objects.get(pk=question.pk) for name, question in q.items()}


def seen_by(person):
    return set(Question.objects.visible_to(person).values_list("subject", flat=True))


def assert_rules_agree(person, questions):
    listed = set(Question.objects.visible_to(person).values_list("pk", flat=True))
    for question in questions.values():
        assert (question.pk in listed) == can_view(person, question) == (person in viewers(question)), question


def test_during_the_period_open_and_new_questions_but_not_the_history(city, history, clock):
    deputy, questions = history
    clock.move_to(at(2026, 12, 10, 9))
    assert seen_by(deputy) == {
        "Geëscaleerd in november",  # escalated before, still open at the Bureau: the chef's view of it
        "Nog open op 7 december",
        "Gesteld tijdens de periode",
        "Ook tijdens de periode",
    }
    assert_rules_agree(deputy, questions)
    client = client_for(deputy)
    history_url = reverse("advice:question_detail", args=[questions["closed_before"].pk])
    assert client.get(history_url).status_code == 404
    inbox = client.get(reverse("advice:manager_inbox")).content.decode()
    assert "Gesloten in november" not in inbox and "Ook tijdens de periode" in inbox
    assert capacities(deputy, questions["left_to_chef"]) == {Capacity.MANAGER}


def test_a_question_closed_during_the_period_stays_visible_until_it_ends(city, history, clock):
    deputy, questions = history
    clock.move_to(at(2026, 12, 9, 12))
    step(questions["open_at_start"], city.chef, "manager_answer", "Mag.", now=at(2026, 12, 9, 12))
    step(questions["open_at_start"], questions["open_at_start"].asker, "asker_close", now=at(2026, 12, 9, 13))
    assert "Nog open op 7 december" in seen_by(deputy)


def test_after_the_period_only_what_they_acted_on_and_without_steps(city, history, clock):
    deputy, questions = history
    clock.move_to(at(2026, 12, 14, 9))
    assert seen_by(deputy) == {"Gesteld tijdens de periode"}
    assert_rules_agree(deputy, questions)
    acted = questions["acted_on"]
    # The asker answers after the period: it waits for the chef, not for the former plaatsvervanger.
    step(acted, city.employee, "asker_reply", "Deze foto.", now=at(2026, 12, 14, 9))
    client = client_for(deputy)
    page = client.get(reverse("advice:question_detail", args=[acted.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Deze foto." in content and "Antwoord versturen" not in content
    assert capacities(deputy, acted) == {Capacity.PAST_DEPUTY}
    response = client.post(reverse("advice:question_step", args=[acted.pk, "manager_answer"]), {"text": "Ja."})
    assert response.status_code == 403
    acted.refresh_from_db()
    assert acted.state == "bij_leidinggevende"
    inbox = client.get(reverse("advice:manager_inbox")).content.decode()
    assert "Er wacht geen vraag op je antwoord." in inbox and "Gesteld tijdens de periode" in inbox
    for name in ("closed_before", "open_at_start", "left_to_chef", "escalated_before"):
        assert client.get(reverse("advice:question_detail", args=[questions[name].pk])).status_code == 404


def test_after_escalation_the_former_plaatsvervanger_reads_what_the_leidinggevende_reads(city, history, clock):
    deputy, questions = history
    acted = questions["acted_on"]
    clock.move_to(at(2026, 12, 15, 9))
    step(acted, city.employee, "asker_reply", "Deze foto.", now=at(2026, 12, 15, 9))
    step(acted, city.chef, "manager_escalate", "Graag het Bureau.", now=at(2026, 12, 15, 10))
    step(acted, city.integrity, "bureau_take_up", now=at(2026, 12, 15, 11))
    step(acted, city.integrity, "bureau_answer", "Antwoord GEHEIM", now=at(2026, 12, 15, 12))
    content = client_for(deputy).get(reverse("advice:question_detail", args=[acted.pk])).content.decode()
    assert "Geëscaleerd naar het Bureau voor Integriteit" in content
    assert "Antwoord GEHEIM" not in content


def test_a_later_period_does_not_open_the_history_between_periods(city, history, clock):
    deputy, questions = history
    Deputy.objects.create(
        manager=city.chef, deputy=deputy, starts_on=datetime.date(2027, 2, 1), ends_on=datetime.date(2027, 2, 5)
    )
    clock.move_to(at(2027, 1, 15, 9))
    step(questions["left_to_chef"], city.chef, "manager_answer", "Ja.", now=at(2027, 1, 15, 9))
    step(questions["left_to_chef"], questions["left_to_chef"].asker, "asker_close", now=at(2027, 1, 15, 10))
    clock.move_to(at(2027, 2, 2, 9))
    seen = seen_by(deputy)
    assert "Ook tijdens de periode" not in seen  # closed between the two periods
    assert "Gesteld tijdens de periode" in seen  # acted on in the first period
    assert "Nog open op 7 december" in seen  # still open
    assert_rules_agree(deputy, questions)


def test_asked_about_another_day_than_the_clocks_the_rule_answers_for_that_day(city, history, clock):
    """The job and the reports ask the rule about a given day, which need not be the server's (here it
    says 4 December, before Pieter's period of 7 to 11 December). On 9 December Pieter handles Tom's
    open questions; on 14 December he keeps only the one he acted on; each list, page check and
    "Wie kan dit zien?" answers for the day asked about."""
    deputy, questions = history
    clock.move_to(at(2026, 12, 4, 9))
    during, after = datetime.date(2026, 12, 9), datetime.date(2026, 12, 14)
    assert managers_acted_for(deputy, today=datetime.date(2026, 12, 6)) == [deputy.pk]  # the day before the period
    assert managers_acted_for(deputy, today=datetime.date(2026, 12, 11)) == [deputy.pk, city.chef.pk]  # its last day
    assert managers_acted_for(deputy, today=during) == [deputy.pk, city.chef.pk]
    assert set(Question.objects.visible_to(deputy, today=during).values_list("subject", flat=True)) == {
        "Geëscaleerd in november",
        "Nog open op 7 december",
        "Gesteld tijdens de periode",
        "Ook tijdens de periode",
    }
    assert capacities(deputy, questions["left_to_chef"], today=during) == {Capacity.MANAGER}
    assert can_view(deputy, questions["left_to_chef"], today=during)
    assert not can_view(deputy, questions["left_to_chef"], today=after)
    escalated = questions["escalated_before"]
    assert viewers(escalated, today=during) == [escalated.asker, city.chef, deputy, city.integrity]
    assert managers_acted_for(deputy, today=after) == [deputy.pk]
    assert set(Question.objects.visible_to(deputy, today=after).values_list("subject", flat=True)) == {
        "Gesteld tijdens de periode"
    }
    assert capacities(deputy, questions["acted_on"], today=after) == {Capacity.PAST_DEPUTY}


def test_who_can_see_this_names_the_plaatsvervanger_during_the_period_after_the_leidinggevende(city, history, clock):
    """ "Wie kan dit zien?" of the question escalated in November, still at the Bureau: before the period
    the asker, the chef and the Bureau; during it the plaatsvervanger too, between the chef and the
    Bureau. Never the plaatsvervanger of another leidinggevende, whose period runs all December."""
    deputy, questions = history
    other_deputy = make_person("vervanger2", unit=city.team_b, first_name="Ann", last_name="Andere")
    Deputy.objects.create(
        manager=city.other_chef,
        deputy=other_deputy,
        starts_on=datetime.date(2026, 12, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    question = questions["escalated_before"]
    clock.move_to(at(2026, 12, 4, 9))
    assert viewers(question, today=datetime.date(2026, 12, 4)) == [question.asker, city.chef, city.integrity]
    clock.move_to(at(2026, 12, 8, 9))
    assert viewers(question, today=datetime.date(2026, 12, 8)) == [question.asker, city.chef, deputy, city.integrity]


def test_who_can_see_this_names_a_plaatsvervanger_who_acted_once_and_the_bureau_after_them(city, history, clock):
    """During the period the plaatsvervanger asked for more information; the chef escalates it: the
    list names the plaatsvervanger once (handling it today, and having acted on it), then the Bureau."""
    deputy, questions = history
    acted = questions["acted_on"]
    clock.move_to(at(2026, 12, 9, 9))
    step(acted, city.employee, "asker_reply", "Deze foto.", now=at(2026, 12, 9, 9))
    step(acted, city.chef, "manager_escalate", "Graag het Bureau.", now=at(2026, 12, 9, 10))
    assert viewers(acted, today=datetime.date(2026, 12, 9)) == [city.employee, city.chef, deputy, city.integrity]


def test_a_leidinggevende_who_deputises_keeps_their_own_questions(city):
    """Sofie (chef of Team Pers) stands in for Tom today: she handles his team's questions and her own."""
    today = datetime.date(2026, 12, 8)
    Deputy.objects.create(manager=city.chef, deputy=city.other_chef, starts_on=today, ends_on=today)
    own = ask(city.colleague, subject="Van Team Pers", now=at(2026, 12, 8, 9))
    stood_in_for = ask(city.employee, subject="Van Team Online", now=at(2026, 12, 8, 9))
    listed = set(Question.objects.visible_to(city.other_chef, today=today))
    assert listed == {own, stood_in_for}


def test_a_question_closed_at_the_first_moment_of_the_period_is_the_plaatsvervangers_too(city, history, clock):
    """Closed at midnight as the period began on 7 December: it was still open then, so the
    plaatsvervanger reads it during the period, on its page and in the list of who can see it."""
    deputy, questions = history
    question = questions["open_at_start"]
    step(question, city.chef, "manager_answer", "Mag.", now=at(2026, 12, 6, 23))
    step(question, question.asker, "asker_close", now=at(2026, 12, 7, 0))
    clock.move_to(at(2026, 12, 8, 9))
    question = Question.objects.get(pk=question.pk)
    assert question.closed_at == at(2026, 12, 7, 0)
    assert can_view(deputy, question)
    assert deputy in viewers(question)
    assert_rules_agree(deputy, questions)


def test_a_new_question_is_mailed_to_the_leidinggevende_and_todays_plaatsvervanger_only(
    city, django_capture_on_commit_callbacks
):
    """Not a plaatsvervanger whose period has not begun or is over, nor one who left, nor the
    plaatsvervanger of another leidinggevende."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    people = {name: make_person(name, unit=city.team_a) for name in ("vandaag", "later", "vroeger", "vertrokken")}
    people["anderen"] = make_person("anderen", unit=city.team_b)
    for name, manager, starts_on, ends_on in [
        ("vandaag", city.chef, today, today),
        ("later", city.chef, today + 7 * day, today + 14 * day),
        ("vroeger", city.chef, today - 14 * day, today - 7 * day),
        ("vertrokken", city.chef, today, today),
        ("anderen", city.other_chef, today, today),
    ]:
        Deputy.objects.create(manager=manager, deputy=people[name], starts_on=starts_on, ends_on=ends_on)
    Person.objects.filter(pk=people["vertrokken"].pk).update(is_active=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ask(city.employee)
    mailed = {address for message in mail.outbox for address in message.to} - {city.employee.email}
    assert mailed == {city.chef.email, people["vandaag"].email}


def test_an_extended_absence_keeps_what_was_open_when_the_first_period_began(city, history, clock):
    """Tom's absence is extended: a second period (9 to 18 December) is entered on top of the first
    (7 to 11 December). On 10 December Pieter still reads the question that was open on 7 December
    and closed on 8 December: his time as plaatsvervanger began on the 7th."""
    deputy, questions = history
    Deputy.objects.create(
        manager=city.chef, deputy=deputy, starts_on=datetime.date(2026, 12, 9), ends_on=datetime.date(2026, 12, 18)
    )
    question = questions["open_at_start"]
    clock.move_to(at(2026, 12, 8, 12))
    step(question, city.chef, "manager_answer", "Mag.", now=at(2026, 12, 8, 12))
    step(question, question.asker, "asker_close", now=at(2026, 12, 8, 13))
    clock.move_to(at(2026, 12, 10, 9))
    question = Question.objects.get(pk=question.pk)
    assert "Nog open op 7 december" in seen_by(deputy)
    assert capacities(deputy, question) == {Capacity.MANAGER}
    assert deputy in viewers(question)


def test_who_can_see_this_orders_namesakes_by_first_name(city):
    """Anna Goossens stood in for Tom at the start of December and asked Lotte for more; Zita Goossens
    stands in for him now. The list names both after Tom, Anna before Zita."""
    anna = make_person("anna", unit=city.team_a, first_name="Anna", last_name="Goossens")
    zita = make_person("zita", unit=city.team_a, first_name="Zita", last_name="Goossens")
    Deputy.objects.create(
        manager=city.chef, deputy=anna, starts_on=datetime.date(2026, 12, 1), ends_on=datetime.date(2026, 12, 4)
    )
    Deputy.objects.create(
        manager=city.chef, deputy=zita, starts_on=datetime.date(2026, 12, 7), ends_on=datetime.date(2026, 12, 11)
    )
    question = ask(city.employee, now=at(2026, 12, 2, 9))
    step(question, anna, "manager_request_info", "Welke foto?", now=at(2026, 12, 2, 10))
    step(question, city.employee, "asker_reply", "Deze foto.", now=at(2026, 12, 3, 9))
    assert viewers(question, today=datetime.date(2026, 12, 8)) == [city.employee, city.chef, anna, zita]


def test_whom_a_plaatsvervanger_stands_in_for_is_looked_up_once_for_a_whole_list(city, history, clock):
    """Pieter's inbox on 10 December: the list, each question's page check and whom he handles for
    read the deputies table once between them (kept on his account for the request), not once per
    question; asked about another day, it is read again for that day."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _deputy, questions = history
    clock.move_to(at(2026, 12, 10, 9))
    deputy = Person.objects.get(pk=_deputy.pk)  # a new request: nothing kept yet

    def deputy_lookups(queries):
        return [query["sql"] for query in queries.captured_queries if '"organisation_deputy"' in query["sql"]]

    with CaptureQueriesContext(connection) as queries:
        listed = set(Question.objects.visible_to(deputy))
        assert [can_view(deputy, question) for question in questions.values()] == [
            question in listed for question in questions.values()
        ]
        assert managers_acted_for(deputy) == [deputy.pk, city.chef.pk]
    assert len(deputy_lookups(queries)) == 1
    with CaptureQueriesContext(connection) as queries:
        assert managers_acted_for(deputy, today=datetime.date(2026, 12, 14)) == [deputy.pk]
        assert managers_acted_for(deputy, today=datetime.date(2026, 12, 14)) == [deputy.pk]
    assert len(deputy_lookups(queries)) == 1


def test_a_leidinggevende_who_left_and_comes_back_does_not_read_what_was_passed_on(city, clock):
    """Tom asked Lotte for more information, then left; the job passed her question up to Els. When HR
    brings Tom back a month later he is no plaatsvervanger and the question is no longer routed to
    him: he does not read it (his own steps as leidinggevende are not what a plaatsvervanger keeps)."""
    from django.core.management import call_command

    question = ask(city.employee, now=at(2026, 11, 2, 9))
    step(question, city.chef, "manager_request_info", "Welke foto?", now=at(2026, 11, 2, 10))
    step(question, city.employee, "asker_reply", "Deze foto.", now=at(2026, 11, 3, 9))
    city.chef.deactivate()
    call_command("advice_escalate_overdue", now="2026-11-03T12:00")
    question = Question.objects.get(pk=question.pk)
    assert question.manager == city.director
    clock.move_to(at(2026, 12, 7, 9))
    Person.objects.filter(pk=city.chef.pk).update(is_active=True, deactivated_at=None)
    tom = Person.objects.get(pk=city.chef.pk)
    assert capacities(tom, question) == frozenset()
    assert not Question.objects.visible_to(tom).filter(pk=question.pk).exists()
    assert tom not in viewers(question)


def test_a_plaatsvervanger_of_their_own_leidinggevende_does_not_handle_their_own_question(city):
    """Pieter, in Tom's team, stands in for Tom today and asks a question himself. It goes to Tom, who
    is still there, as anyone's would: Pieter reads it as its asker only. It is not in his inbox, and
    he cannot answer or escalate it as leidinggevende."""
    today = timezone.localdate()
    pieter = make_person("plaatsvervanger", unit=city.team_a, manager=city.chef)
    Deputy.objects.create(manager=city.chef, deputy=pieter, starts_on=today, ends_on=today)
    question = ask(pieter, subject="Mijn eigen vraag")
    assert question.manager == city.chef
    assert capacities(pieter, question) == {Capacity.ASKER}
    assert viewers(question).count(pieter) == 1
    for manager_step in ("manager_answer", "manager_escalate"):
        with pytest.raises(TransitionError):
            step(question, pieter, manager_step, "Van mezelf.")
    client = client_for(pieter)
    assert "Mijn eigen vraag" not in client.get(reverse("advice:manager_inbox")).content.decode()
    assert "Mijn eigen vraag" in client.get(reverse("advice:my_questions")).content.decode()
    step(question, city.chef, "manager_answer", "Mag.")
    assert Question.objects.get(pk=question.pk).state == State.MANAGER_ANSWERED


def test_a_question_whose_only_plaatsvervanger_is_its_asker_goes_up(city, clock):
    """Tom left; Pieter, in his team, is his only plaatsvervanger this week. Pieter's own question goes
    up to Els, as when nobody stands in for Tom; so does it when Tom leaves after Pieter asked."""
    pieter = make_person("plaatsvervanger", unit=city.team_a, manager=city.chef)
    Deputy.objects.create(
        manager=city.chef, deputy=pieter, starts_on=datetime.date(2026, 12, 7), ends_on=datetime.date(2026, 12, 11)
    )
    clock.move_to(at(2026, 12, 7, 9))
    asked_before = ask(pieter, subject="Voor Toms vertrek", now=at(2026, 12, 7, 9))
    assert asked_before.manager == city.chef
    city.chef.deactivate()
    asked_after = ask(pieter, subject="Na Toms vertrek", now=at(2026, 12, 7, 10))
    assert asked_after.manager == city.director
    call_command("advice_escalate_overdue", now="2026-12-08T12:00")
    asked_before.refresh_from_db()
    assert asked_before.manager == city.director
    assert asked_before.events.filter(kind=EventKind.REROUTED).count() == 1
