"""The written-out SQL of the advice pages (docs/performance.md) gives exactly the people and questions
the rule gives (advice.access, as `Question.objects.visible_to` builds it with the ORM).

One varied world: today's plaatsvervangers (one also an officer, one who left, one with two periods
that overlap, one whose period starts tomorrow), former plaatsvervangers who acted (one who left since),
officers (one who left, one who is the leidinggevende a question is about), and questions routed, closed
before and during a period, escalated, straight to the Bureau, asked by an officer. Every person
against every question, on SQLite and on PostgreSQL (the suite runs on both).
"""

import datetime
from collections import Counter

import pytest
from django.http import Http404
from django.utils import timezone

from advice import selectors
from advice.access import capacities, viewers, visibility_sql
from advice.models import BUREAU_QUEUE_STATES, Question, State
from config import sql
from organisation.models import Deputy, Person
from tests.advice.conftest import ask, at, step
from tests.conftest import clock_standing_at
from tests.factories import make_person

TODAY = datetime.date(2026, 12, 9)


@pytest.fixture
def clock():
    yield from clock_standing_at(at(2026, 11, 2, 9))


def period(manager, deputy, starts_on, ends_on):
    Deputy.objects.create(manager=manager, deputy=deputy, starts_on=starts_on, ends_on=ends_on)


@pytest.fixture
def world(city, clock):
    team = city.team_a
    now = make_person("nu", unit=team, first_name="Nina", last_name="Nu")
    twice = make_person("tweemaal", unit=team, first_name="Tine", last_name="Tweemaal")
    gone_now = make_person("weg-nu", unit=team, first_name="Wim", last_name="Weg")
    tomorrow = make_person("morgen", unit=team, first_name="Mo", last_name="Morgen")
    officer_deputy = make_person("beide", unit=team, is_integrity_officer=True, first_name="Bo", last_name="Beide")
    past = make_person("vroeger", unit=team, first_name="Vera", last_name="Vroeger")
    past_gone = make_person("vroeger-weg", unit=team, first_name="Vic", last_name="Vroeger")
    gone_officer = make_person("oud-bureau", unit=city.city, is_integrity_officer=True, first_name="Olga")
    asker2 = make_person("vrager", unit=team, manager=city.chef, first_name="Vic", last_name="Vrager")
    officer_asker = make_person("bureau-vrager", unit=team, manager=city.chef, is_integrity_officer=True)

    q = {}
    clock.move_to(at(2026, 11, 2, 9))
    q["closed_in_november"] = ask(city.employee, subject="Gesloten in november", now=at(2026, 11, 2, 9))
    step(q["closed_in_november"], city.chef, "manager_answer", "Ja.", now=at(2026, 11, 3, 9))
    step(q["closed_in_november"], city.employee, "asker_close", now=at(2026, 11, 3, 10))
    q["escalated_in_november"] = ask(asker2, subject="Geëscaleerd in november", now=at(2026, 11, 4, 9))
    step(q["escalated_in_november"], city.chef, "manager_escalate", "Bureau.", now=at(2026, 11, 4, 10))
    q["about_the_chef"] = ask(city.employee, subject="Over de chef", concerns_manager=True, now=at(2026, 11, 5, 9))
    q["other_team"] = ask(city.colleague, subject="Ander team", now=at(2026, 11, 6, 9))
    q["by_an_officer"] = ask(officer_asker, subject="Door een officer", now=at(2026, 11, 6, 10))
    # An earlier period: two who acted on questions then (one of them left the city since).
    period(city.chef, past, datetime.date(2026, 11, 16), datetime.date(2026, 11, 20))
    period(city.chef, past_gone, datetime.date(2026, 11, 16), datetime.date(2026, 11, 20))
    clock.move_to(at(2026, 11, 17, 9))
    q["acted_on_earlier"] = ask(city.employee, subject="Toen behandeld", now=at(2026, 11, 17, 9))
    step(q["acted_on_earlier"], past, "manager_request_info", "Welke?", now=at(2026, 11, 17, 10))
    step(q["acted_on_earlier"], city.employee, "asker_reply", "Deze.", now=at(2026, 11, 17, 11))
    step(q["acted_on_earlier"], past_gone, "manager_escalate", "Bureau.", now=at(2026, 11, 17, 12))
    q["closed_between"] = ask(asker2, subject="Gesloten tussen de perioden", now=at(2026, 11, 18, 9))
    step(q["closed_between"], city.chef, "manager_answer", "Nee.", now=at(2026, 11, 30, 9))
    step(q["closed_between"], asker2, "asker_close", now=at(2026, 11, 30, 10))
    # Today's periods (8 to 11 December), one of them in two overlapping parts; one starts tomorrow.
    for deputy in (now, gone_now, officer_deputy):
        period(city.chef, deputy, datetime.date(2026, 12, 8), datetime.date(2026, 12, 11))
    period(city.chef, twice, datetime.date(2026, 12, 1), datetime.date(2026, 12, 9))
    period(city.chef, twice, datetime.date(2026, 12, 9), datetime.date(2026, 12, 12))
    period(city.chef, tomorrow, datetime.date(2026, 12, 10), datetime.date(2026, 12, 12))
    clock.move_to(at(2026, 12, 2, 9))
    q["closed_in_the_longer_period"] = ask(city.employee, subject="Gesloten op 3 december", now=at(2026, 12, 2, 9))
    step(q["closed_in_the_longer_period"], city.chef, "manager_answer", "Ok.", now=at(2026, 12, 3, 9))
    step(q["closed_in_the_longer_period"], city.employee, "asker_close", now=at(2026, 12, 3, 10))
    clock.move_to(at(2026, 12, 9, 9))
    q["open_today"] = ask(asker2, subject="Vandaag gesteld", now=at(2026, 12, 9, 9))
    q["taken_up"] = ask(asker2, subject="Opgenomen", now=at(2026, 12, 9, 9, 30))
    step(q["taken_up"], now, "manager_escalate", "Bureau.", now=at(2026, 12, 9, 10))
    step(q["taken_up"], city.integrity, "bureau_take_up", now=at(2026, 12, 9, 11))
    step(q["taken_up"], city.integrity, "bureau_note", "Intern.", now=at(2026, 12, 9, 12))
    # Who left: a plaatsvervanger of today, a former one who acted, an officer.
    for person in (gone_now, past_gone, gone_officer):
        person.is_active = False
        person.save()
    # The chef becomes an officer: the question about them stays out of their reach.
    city.chef.is_integrity_officer = True
    city.chef.save()
    return {name: Question.objects.get(pk=question.pk) for name, question in q.items()}


def by_the_rule(person, questions):
    """The questions `person` sees by the rule as the ORM builds it: the reference."""
    return set(Question.objects.visible_to(person, today=TODAY).filter(pk__in=[q.pk for q in questions]))


def test_who_can_see_this_is_everyone_the_rule_lets_see_and_nobody_else(world):
    people = list(Person.objects.all())
    for name, question in world.items():
        listed = viewers(question, today=TODAY)
        seen = [person for person in people if question in by_the_rule(person, [question])]
        assert set(listed) == set(seen), name
        assert len(listed) == len(set(listed)), name
        # Asker first, then the leidinggevende, the route by name, the Bureau by name.
        assert listed[0] == question.asker, name
        if question.manager_id is not None and question.manager.is_active:
            assert listed[1] == question.manager, name
    # The world does test what it says: each kind of viewer is somewhere, each outsider nowhere.
    everyone = {person.username for question in world.values() for person in viewers(question, today=TODAY)}
    assert {"nu", "tweemaal", "beide", "vroeger", "integriteit", "bureau-vrager"} <= everyone
    assert not {"weg-nu", "vroeger-weg", "oud-bureau", "morgen", "redactie", "admin"} & everyone
    assert world["about_the_chef"] not in by_the_rule(Person.objects.get(username="chef"), world.values())


def test_the_question_page_opens_exactly_the_questions_the_rule_lets_see(world, clock):
    clock.move_to(at(2026, 12, 9, 15))
    for person in Person.objects.all():
        seen = by_the_rule(person, world.values())
        for name, question in world.items():
            if question in seen:
                page_question, held = selectors.question_page(person, question.pk)
                assert held == capacities(person, question, today=TODAY), (person, name)
                assert page_question.asker == question.asker and page_question.manager == question.manager
            else:
                with pytest.raises(Http404):
                    selectors.question_page(person, question.pk)
    assert sum(1 for person in Person.objects.all() for _ in by_the_rule(person, world.values())) > 40


def test_my_questions_are_exactly_what_the_rule_shows_the_asker(world, city):
    def reference(person):
        return list(Question.objects.visible_to(person).filter(asker=person).order_by("-created_at", "-pk"))

    for person in Person.objects.all():
        rows = selectors.my_question_rows(person)
        assert [row[0] for row in rows] == [question.pk for question in reference(person)], person
        assert [(row[1], row[2], row[3]) for row in rows] == [
            (question.subject, question.created_at, question.state) for question in reference(person)
        ]
    assert len(selectors.my_question_rows(city.employee)) == 4
    # Someone who left sees none of their questions, here as everywhere.
    city.employee.is_active = False
    city.employee.save()
    assert selectors.my_question_rows(city.employee) == [] == reference(city.employee)


QUEUE_FILTERS = [("", None), ("", 10), *((state, None) for state in State.values), (State.TAKEN_UP, 2)]


def test_the_bureau_queue_lists_and_counts_exactly_what_the_rule_shows(world, clock):
    clock.move_to(at(2026, 12, 9, 15))
    now = timezone.now()
    seen_somewhere = 0
    for person in Person.objects.all():
        reached = Question.objects.visible_to(person, today=TODAY).filter(bureau_at__isnull=False)
        for state, age in QUEUE_FILTERS:
            listed = reached.filter(selectors._queue_filter(state=state, min_age_days=age, now=now))
            reference = list(listed.order_by("bureau_at", "pk").values_list("pk", flat=True))
            page = selectors.QueuePage(person, state=state, min_age_days=age, now=now)
            assert [row["pk"] for row in page[0:50]] == reference, (person, state, age)
            assert [row["pk"] for row in page[1:3]] == reference[1:3]
            counts, count = selectors.queue_counts(person, state=state, min_age_days=age, now=now)
            assert count == len(reference), (person, state, age)
            states = {*BUREAU_QUEUE_STATES, state} - {""}
            expected = Counter(reached.filter(state__in=states).values_list("state", flat=True))
            assert counts == dict(expected), (person, state, age)
            seen_somewhere += len(reference)
    assert seen_somewhere > 20
    officer = Person.objects.get(username="integriteit")
    row = selectors.QueuePage(officer, now=now)[0:50][-1]
    question = world["taken_up"]
    assert row == {
        "pk": question.pk,
        "subject": question.subject,
        "direct_reason": question.direct_reason,
        "bureau_at": question.bureau_at,
        "state": question.state,
        "bureau_deadline": question.bureau_deadline,
        "officer__username": "integriteit",
        "officer__first_name": officer.first_name,
        "officer__last_name": officer.last_name,
    }


@pytest.mark.parametrize(
    "day",
    [TODAY, datetime.date(2026, 11, 17), datetime.date(2026, 12, 12)],
    ids=["today", "in-the-earlier-period", "the-last-day-of-a-period"],
)
def test_the_rule_written_out_as_sql_is_the_rule_on_every_question_and_day(world, clock, day):
    """`visibility_sql` on its own, over every question (closed ones too) and for a day other than the
    clock's: the Bureau queue only asks it about the open queue today, a later page may ask more."""
    clock.move_to(at(2026, 12, 9, 15))
    seen_somewhere = 0
    for person in Person.objects.all():
        rule, params = visibility_sql(person, "q", today=day)
        rows = sql.fetch(f"SELECT q.id FROM advice_question q WHERE {rule}", params)  # noqa: S608 (values are parameters)
        reference = set(Question.objects.visible_to(person, today=day).values_list("pk", flat=True))
        assert {row[0] for row in rows} == reference, (person, day)
        seen_somewhere += len(reference)
    assert seen_somewhere > 30
