"""The leidinggevende's response clock stops while the question waits for the asker's extra
information and goes on at their reply with the working time that was left. Clock set explicitly."""

import pytest
from django.core.management import call_command

from advice.models import Question, QuestionStatistic, State
from advice.services import questions_escalate_overdue
from advice.workdays import add_working_seconds, working_seconds_between
from tests.advice.conftest import ask, at, step
from tests.conftest import clock_standing_at

HOUR = 3600


@pytest.fixture
def clock():
    """A clock that stands still until the test moves it."""
    yield from clock_standing_at(at(2026, 12, 7, 10))


def step_at(clock, moment, question, by, name, text):
    """`by` takes the step at `moment`, the clock moved there first."""
    clock.move_to(moment)
    return step(question, by, name, text, now=moment)


def run_job(clock, moment):
    clock.move_to(moment)
    call_command("advice_escalate_overdue", now=moment.isoformat())
    return Question.objects.get()


def test_a_late_reply_is_not_escalated_minutes_after_it_arrives(city, clock):
    # Asked on Monday 7 December at 10:00: three working days, until the end of Thursday.
    question = ask(city.employee, now=at(2026, 12, 7, 10))
    assert question.manager_deadline == at(2026, 12, 11, 0)
    # Tuesday 10:00 the chef asks for more: 14 h of Tuesday, Wednesday and Thursday were left (62 h).
    step_at(clock, at(2026, 12, 8, 10), question, city.chef, "manager_request_info", "Welke foto bedoel je?")
    assert run_job(clock, at(2026, 12, 11, 9)).state == State.INFO_REQUESTED  # waiting: never escalated
    # The asker answers late, on Monday 14 December at 15:00, past the original deadline.
    step_at(clock, at(2026, 12, 14, 15), question, city.employee, "asker_reply", "Die van de opening.")
    question.refresh_from_db()
    assert question.state == State.WITH_MANAGER
    # 62 h of working time from Monday 15:00: 9 h on Monday, Tuesday, Wednesday, 5 h on Thursday.
    assert question.manager_deadline == at(2026, 12, 17, 5)
    assert question.clock_stopped_at is None
    assert question.manager_paused_seconds == (6 * 24 + 5) * HOUR
    # The job a quarter of an hour later, and the days after: the chef still has their time.
    assert run_job(clock, at(2026, 12, 14, 15, 15)).state == State.WITH_MANAGER
    assert run_job(clock, at(2026, 12, 17, 4, 59)).state == State.WITH_MANAGER
    # When the time left is up, the question goes to the Bureau.
    assert run_job(clock, at(2026, 12, 17, 5)).state == State.WITH_BUREAU


def test_a_weekend_in_the_pause_does_not_eat_the_time_left(city, clock):
    question = ask(city.employee, now=at(2026, 12, 7, 10))
    # Thursday 18:00: 6 h of Thursday were left. The asker answers on Saturday.
    step_at(clock, at(2026, 12, 10, 18), question, city.chef, "manager_request_info", "Welke?")
    step_at(clock, at(2026, 12, 12, 11), question, city.employee, "asker_reply", "Deze.")
    question.refresh_from_db()
    assert question.manager_deadline == at(2026, 12, 14, 6)  # Monday, 6 h into the day
    assert questions_escalate_overdue(now=at(2026, 12, 14, 5, 59))["escalated"] == 0
    assert questions_escalate_overdue(now=at(2026, 12, 14, 6))["escalated"] == 1


def test_the_statistics_count_the_leidinggevendes_time_without_the_pause(city, clock):
    question = ask(city.employee, now=at(2026, 12, 7, 10))
    step_at(clock, at(2026, 12, 7, 12), question, city.chef, "manager_request_info", "Welke?")
    step_at(clock, at(2026, 12, 9, 12), question, city.employee, "asker_reply", "Deze.")
    step_at(clock, at(2026, 12, 9, 13), question, city.chef, "manager_answer", "Mag.")
    assert QuestionStatistic.objects.get().manager_answer_seconds == 3 * HOUR


def test_the_bureaus_target_also_waits_for_the_asker(city, clock):
    question = ask(city.employee, concerns_manager=True, now=at(2026, 12, 7, 10))
    deadline = Question.objects.get().bureau_deadline
    step(question, city.integrity, "bureau_take_up", now=at(2026, 12, 7, 10))
    step_at(clock, at(2026, 12, 8, 10), question, city.integrity, "bureau_request_info", "Welke?")
    step_at(clock, at(2026, 12, 10, 10), question, city.employee, "asker_reply", "Deze.")
    question.refresh_from_db()
    assert question.state == State.TAKEN_UP
    # Two working days of waiting: the target moves two working days on.
    assert question.bureau_deadline == add_working_seconds(deadline, 2 * 24 * HOUR)
    assert question.bureau_paused_seconds == 2 * 24 * HOUR


def test_working_time_skips_weekends_and_public_holidays(clock):
    friday_noon, monday_noon = at(2026, 12, 11, 12), at(2026, 12, 14, 12)
    assert working_seconds_between(friday_noon, monday_noon) == 24 * HOUR
    assert add_working_seconds(friday_noon, 24 * HOUR) == monday_noon
    # Christmas (Friday 25 December) is no working day either.
    assert working_seconds_between(at(2026, 12, 24, 12), at(2026, 12, 28, 12)) == 24 * HOUR
    assert add_working_seconds(at(2026, 12, 24, 12), 12 * HOUR) == at(2026, 12, 25, 0)  # the end of Thursday
    assert add_working_seconds(at(2026, 12, 24, 12), 13 * HOUR) == at(2026, 12, 28, 1)
    assert working_seconds_between(monday_noon, friday_noon) == 0
    # Across the change to summer time (Sunday 28 March 2027; Monday 29 is Easter Monday) working
    # days keep their 24 hours: the clock counts real time, not wall-clock hours.
    assert working_seconds_between(at(2027, 3, 26, 12), at(2027, 3, 30, 12)) == 24 * HOUR
    assert add_working_seconds(at(2027, 3, 26, 12), 24 * HOUR) == at(2027, 3, 30, 12)


def test_with_no_working_time_left_the_new_deadline_is_the_moment_itself(clock):
    """The leidinggevende asked for more at the very end of their time: when the asker replies (a
    Wednesday afternoon) nothing is left, so the deadline is that moment, not a second later."""
    reply = at(2026, 12, 9, 15)
    assert add_working_seconds(reply, 0) == reply
    assert add_working_seconds(reply, -HOUR) == reply  # never before the reply
