"""Two people (or a person and the job) acting at once end in one consistent outcome (PostgreSQL)."""

import threading
import uuid

import pytest
from django.db import connection

from advice.models import EventKind, Question, State
from advice.services import questions_escalate_overdue
from advice.workflow import TransitionError
from tests.advice.conftest import ask, at, step

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(*actions):
    """Run the actions in threads released together; each returns its outcome or the refusal message."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def worker(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except TransitionError as error:
            outcomes[index] = error
        except Exception as error:  # anything else fails the test below, with its cause
            outcomes[index] = ("crashed", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    crashed = [o for o in outcomes if isinstance(o, tuple) and o[:1] == ("crashed",)]
    assert not crashed, crashed
    return outcomes


@pytest.mark.parametrize("attempt", range(3))
def test_manager_answer_and_automatic_escalation_at_once(city, attempt):
    question = ask(city.employee, now=at(2026, 12, 7, 9))
    late = at(2026, 12, 11, 10)  # past the deadline of Thursday 10-12 midnight
    answer, job = run_at_once(
        lambda: step(question, city.chef, "manager_answer", "Ja, dat mag.", now=late),
        lambda: questions_escalate_overdue(now=late),
    )
    question.refresh_from_db()
    kinds = list(question.events.values_list("kind", flat=True))
    if isinstance(answer, TransitionError):
        assert "Dit kan niet meer" in str(answer) or "Iemand anders" in str(answer)
        assert job["escalated"] == 1
        assert question.state == State.WITH_BUREAU
        assert kinds == [EventKind.ASKED, EventKind.ESCALATED]
    else:
        assert job["escalated"] == 0
        assert question.state == State.MANAGER_ANSWERED
        assert kinds == [EventKind.ASKED, EventKind.MANAGER_ANSWERED]


@pytest.mark.parametrize("attempt", range(3))
def test_two_officers_take_up_the_same_question_at_once(city, attempt):
    from tests.factories import make_person

    second = make_person(f"integriteit{attempt}b", unit=city.city, is_integrity_officer=True)
    question = ask(city.employee, concerns_manager=True)
    first_try, second_try = run_at_once(
        lambda: step(question, city.integrity, "bureau_take_up"),
        lambda: step(question, second, "bureau_take_up"),
    )
    refused = [o for o in (first_try, second_try) if isinstance(o, TransitionError)]
    assert len(refused) == 1
    assert "Dit kan niet meer" in str(refused[0]) or "Iemand anders" in str(refused[0])
    question = Question.objects.get(pk=question.pk)
    winner = city.integrity if not isinstance(first_try, TransitionError) else second
    assert question.officer == winner
    assert question.events.filter(kind=EventKind.TAKEN_UP).count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_a_double_click_on_send_makes_one_question(city, attempt):
    token = uuid.uuid4()
    first, second = run_at_once(
        lambda: ask(city.employee, submission=token),
        lambda: ask(city.employee, submission=token),
    )
    assert first.pk == second.pk
    assert Question.objects.filter(asker=city.employee).count() == 1
    assert list(first.events.values_list("kind", flat=True)) == [EventKind.ASKED]
