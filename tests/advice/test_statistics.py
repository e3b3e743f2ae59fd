"""The statistics' small-group rule cannot be undone by subtraction, and no share is shown for a
small group (method: docs/advice.md, "Statistics"). The clock is set explicitly in every test."""

import datetime
import itertools

import pytest
import time_machine
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from advice.models import QuestionStatistic
from advice.selectors import MIN_GROUP, _Group, advice_statistics, protect
from tests.advice.conftest import ask, at, step
from tests.factories import make_person

NOW = at(2026, 3, 16, 10)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def people(city, count, prefix):
    return [make_person(f"{prefix}{n}", unit=city.team_a, manager=city.chef) for n in range(count)]


def groups(**sizes):
    """Groups of the given numbers of people, one question each, nobody in two groups."""
    counter = itertools.count()
    made = {}
    for key, size in sizes.items():
        group = _Group()
        for _ in range(size):
            group.add(next(counter))
        made[key] = group
    return made


def computable_small_groups(table: dict, shown: dict) -> list:
    """What a reader with the total and the shown cells can compute: the sum of the hidden cells,
    i.e. the size of the group made of their people. Returns those that are small (should be none)."""
    hidden = [key for key in table if shown[key] is None]
    if not hidden:
        return []
    people = set().union(*(table[key].people for key in hidden))
    return [hidden] if len(people) < MIN_GROUP else []


@pytest.mark.parametrize(
    "sizes",
    [
        {"a": 5, "b": 1},  # one small cell: alone it would be total minus a
        {"a": 9, "b": 6, "c": 2},  # the next smallest is hidden too
        {"a": 7, "b": 2, "c": 1},  # two small cells that together are still small
        {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 9},  # small cells that together are large enough
        {"a": 3, "b": 2},  # everything small: the total is small too
    ],
)
def test_no_hidden_cell_can_be_computed_back_from_the_total(sizes):
    table = groups(**sizes)
    shown = protect(table)
    assert computable_small_groups(table, shown) == []
    # Every cell under the threshold is hidden; large cells only when needed.
    assert all(shown[key] is None for key, size in sizes.items() if size < MIN_GROUP)


def test_only_as_much_is_hidden_as_needed():
    table = groups(a=9, b=6, c=2, d=20)
    assert protect(table) == {"a": 9, "b": None, "c": None, "d": 20}
    table = groups(a=1, b=1, c=1, d=1, e=1, f=9)
    assert protect(table) == {"a": None, "b": None, "c": None, "d": None, "e": None, "f": 9}


def test_the_page_hides_a_second_rule_so_the_small_one_cannot_be_subtracted(city, as_integrity):
    five = people(city, 5, "lezer")
    for asker in five:
        ask(asker, rule_anchor="loyaliteit", now=NOW)
    ask(city.employee, rule_anchor="collegialiteit", now=NOW)  # one person, recognisable
    figures = advice_statistics()
    assert figures["total"] == 6
    per_rule = dict(figures["per_rule"])
    # Total 6 and "Loyaliteit 5" would give away the one question about collegialiteit.
    assert set(per_rule.values()) == {None}
    content = as_integrity.get(reverse("advice:statistics")).content.decode()
    assertInHTML('<tr><td lang="nl">Loyaliteit</td><td>verborgen</td></tr>', content)
    assertInHTML('<tr><td lang="nl">Collegialiteit</td><td>verborgen</td></tr>', content)
    assert "<dd>6</dd>" in content
    assert str(city.employee) not in content


def test_one_person_asking_many_questions_is_still_a_group_of_one(city):
    for asker in people(city, 5, "lezer"):
        ask(asker, rule_anchor="loyaliteit", now=NOW)
    for _ in range(6):
        ask(city.employee, rule_anchor="collegialiteit", channel="blog", now=NOW)
    figures = advice_statistics()
    per_rule = dict(figures["per_rule"])
    assert per_rule["Collegialiteit"] is None and per_rule["Loyaliteit"] is None
    per_channel = dict(figures["per_channel"])
    assert per_channel["Blog"] is None and per_channel["Instagram"] is None
    assert figures["total"] == 11


def test_no_share_for_a_group_of_one(city):
    for asker in people(city, 6, "direct"):
        ask(asker, concerns_manager=True, now=NOW)
    question = ask(city.employee, now=NOW)
    step(question, city.chef, "manager_escalate", "Graag het Bureau.", now=NOW)
    figures = advice_statistics()
    assert figures["escalated_share"] is None  # 100 % of one person
    # Total 7 minus "6 direct" would give the one routed question away: direct is hidden too.
    assert figures["total"] == 7
    assert figures["direct"] is None


def test_no_share_when_the_rest_is_a_small_group(city):
    askers = people(city, 6, "gewoon")
    for index, asker in enumerate(askers):
        question = ask(asker, now=NOW)
        if index < 5:
            step(question, city.chef, "manager_escalate", "Graag het Bureau.", now=NOW)
    # 5 of 6 escalated: 83 % of six people says that one person's question was not escalated.
    assert advice_statistics()["escalated_share"] is None
    for asker in people(city, 4, "later"):
        ask(asker, now=NOW)
    # Now 5 escalated and 5 not escalated, each five different people: the share may be shown.
    assert advice_statistics()["escalated_share"] == 50


def test_the_statistics_row_names_no_question_and_the_admin_lists_none(city, as_admin):
    question = ask(city.employee, now=NOW)
    stat = QuestionStatistic.objects.get()
    assert question.statistic == stat
    names = {field.name for field in QuestionStatistic._meta.concrete_fields}
    assert not names & {"question", "question_id", "asker", "created_at"}
    assert as_admin.get("/beheer/advice/questionstatistic/").status_code == 404
    assert as_admin.get(f"/beheer/advice/questionstatistic/{stat.pk}/change/").status_code == 404
    assert "statisti" not in as_admin.get("/beheer/").content.decode().lower()


def test_answer_times_count_from_the_frozen_clock(city):
    questions = []
    for asker in people(city, 5, "snel"):
        questions.append(ask(asker, now=NOW))
    for question in questions:
        step(question, city.chef, "manager_answer", "Ja.", now=NOW + datetime.timedelta(hours=2))
    assert advice_statistics()["median_manager_hours"] == 2.0
