"""Every question leaves at the end of its retention period, whatever state it stopped in, with all
that names it. The clock is set explicitly; the periods are the defaults: 30 days waiting for the
asker, then 24 months (docs/advice.md, "Retention")."""

import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from advice.models import Attachment, EventKind, Question, QuestionEvent, QuestionStatistic, State
from advice.notifications import question_concerns
from jobs.models import Delivery, Message
from tests.advice.conftest import PNG, ask, at, step
from tests.conftest import clock_standing_at


@pytest.fixture(autouse=True)
def queued_mail(settings):
    """Mail stays in the outbox (no worker runs): the records that name the question are there."""
    settings.MAIL_SEND_IMMEDIATELY = False


@pytest.fixture
def clock():
    yield from clock_standing_at(at(2026, 1, 5, 9))


@pytest.fixture
def nightly(clock, django_capture_on_commit_callbacks):
    """The nightly job at a given moment, with what happens after its commits (files removed)."""

    def run(moment):
        clock.move_to(moment)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("advice_purge_expired", now=moment.isoformat())

    return run


def traces_of(question_id) -> list:
    """Every record that names the question: its rows, its mail, a link in any mail text."""
    mail = json.dumps(
        [*Message.objects.values("concerns", "content"), *Delivery.objects.values("to", "kind", "last_error")],
        default=str,
    )
    found = []
    if Question.objects.filter(pk=question_id).exists():
        found.append("question")
    if QuestionEvent.objects.filter(question_id=question_id).exists():
        found.append("events")
    if Attachment.objects.filter(question_id=question_id).exists():
        found.append("attachments")
    if question_concerns(question_id) in mail or f"/advies/vragen/{question_id}/" in mail:
        found.append("mail")
    return found


def mails_to(person, question):
    deliveries = Delivery.objects.filter(message__concerns=question_concerns(question.pk)).select_related("message")
    return [delivery.message.content["subject"] for delivery in deliveries if delivery.to == [person.email]]


def test_an_answered_question_nobody_closes_is_closed_after_30_days_and_the_asker_is_told(city, clock, nightly):
    question = ask(city.employee, now=at(2026, 1, 5, 9))
    step(question, city.chef, "manager_answer", "Dat mag.", now=at(2026, 1, 6, 9))
    nightly(at(2026, 2, 5, 8, 59))  # 30 days minus a minute
    assert Question.objects.get().state == State.MANAGER_ANSWERED
    nightly(at(2026, 2, 5, 9, 1))
    question.refresh_from_db()
    assert question.state == State.CLOSED and question.closed_at == at(2026, 2, 5, 9, 1)
    closing = question.events.get(kind=EventKind.CLOSED)
    assert closing.actor is None and "30 dagen zonder reactie" in closing.text
    assert any("automatisch afgesloten" in subject for subject in mails_to(city.employee, question))
    assert not any("automatisch" in subject for subject in mails_to(city.chef, question))
    nightly(at(2026, 2, 6, 3))
    assert question.events.filter(kind=EventKind.CLOSED).count() == 1  # idempotent


@pytest.mark.parametrize("level", ["manager", "bureau"])
def test_a_question_waiting_for_information_closes_too(city, clock, nightly, level):
    if level == "manager":
        question = ask(city.employee, now=at(2026, 1, 5, 9))
        step(question, city.chef, "manager_request_info", "Welke foto?", now=at(2026, 1, 5, 10))
    else:
        question = ask(city.employee, concerns_manager=True, now=at(2026, 1, 5, 9))
        step(question, city.integrity, "bureau_take_up", now=at(2026, 1, 5, 9))
        step(question, city.integrity, "bureau_request_info", "Welke foto?", now=at(2026, 1, 5, 10))
    nightly(at(2026, 2, 5, 3))
    question.refresh_from_db()
    assert question.state == State.CLOSED
    assert question.clock_stopped_at is None
    assert QuestionStatistic.objects.get().outcome == State.CLOSED


def test_after_24_months_it_leaves_with_its_files_its_events_and_its_mail(city, clock, nightly, private_media):
    question = ask(
        city.employee,
        now=at(2026, 1, 5, 9),
        attachment=(SimpleUploadedFile("foto.png", PNG), "image/png"),
    )
    path = Attachment.objects.get().file.path
    step(question, city.chef, "manager_escalate", "Graag het Bureau.", now=at(2026, 1, 5, 10))
    step(question, city.integrity, "bureau_take_up", now=at(2026, 1, 5, 11))
    step(question, city.integrity, "bureau_answer", "Reageer niet zelf.", now=at(2026, 1, 5, 12, 0))
    assert traces_of(question.pk) == ["question", "events", "attachments", "mail"]
    nightly(at(2026, 2, 5, 3))  # closed for want of a reaction
    question.refresh_from_db()
    assert question.state == State.CLOSED
    removal = at(2028, 2, 5, 3)  # 24 months after it was closed
    nightly(removal.replace(day=4))
    assert Question.objects.filter(pk=question.pk).exists() and os.path.exists(path)
    nightly(removal.replace(hour=4))
    assert traces_of(question.pk) == []
    assert not os.path.exists(path)
    assert list(os.scandir(private_media / "advice")) == []
    # The anonymous row stays for the counts; nothing points to it, its times are whole hours.
    stat = QuestionStatistic.objects.get()
    assert not hasattr(stat, "question") or stat.question is None
    assert stat.bureau_answer_seconds % 3600 == 0 and stat.outcome == State.CLOSED


def test_a_question_stuck_at_any_state_leaves_24_months_after_the_last_step(city, clock, nightly):
    stuck = ask(city.employee, concerns_manager=True, now=at(2026, 1, 5, 9))
    step(stuck, city.integrity, "bureau_take_up", now=at(2026, 1, 6, 9))
    busy = ask(city.colleague, concerns_manager=True, now=at(2026, 1, 5, 9))
    step(busy, city.integrity, "bureau_take_up", now=at(2026, 1, 6, 9))
    step(busy, city.integrity, "bureau_note", "Nog mee bezig.", now=at(2027, 6, 1, 9))
    nightly(at(2028, 1, 6, 8))
    assert Question.objects.filter(pk=stuck.pk).exists()
    nightly(at(2028, 1, 6, 10))
    assert not Question.objects.filter(pk=stuck.pk).exists()
    assert traces_of(stuck.pk) == []
    assert list(Question.objects.values_list("pk", flat=True)) == [busy.pk]  # touched within 24 months


def test_a_question_still_with_the_bureau_and_recent_ones_stay(city, clock, nightly):
    recent = ask(city.employee, now=at(2027, 12, 1, 9))
    open_at_bureau = ask(city.colleague, concerns_manager=True, now=at(2027, 11, 1, 9))
    nightly(at(2028, 1, 6, 3))
    assert set(Question.objects.values_list("pk", flat=True)) == {recent.pk, open_at_bureau.pk}
