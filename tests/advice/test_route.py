"""The whole route of a question, as the people involved live it."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from advice.models import DirectReason, EventKind, Level, Question, State
from advice.workflow import TransitionError
from organisation.models import Deputy
from tests.advice.conftest import ask, at, step
from tests.factories import make_person


def kinds(question):
    return list(question.events.values_list("kind", flat=True))


def test_leidinggevende_answers_and_asker_closes(city):
    question = ask(city.employee)
    assert question.manager == city.chef
    assert question.state == State.WITH_MANAGER

    step(question, city.chef, "manager_answer", "Ja, dat mag, zonder collega's in beeld.")
    assert question.state == State.MANAGER_ANSWERED

    step(question, city.employee, "asker_close")
    question.refresh_from_db()
    assert question.state == State.CLOSED
    assert question.closed_at is not None
    assert kinds(question) == [EventKind.ASKED, EventKind.MANAGER_ANSWERED, EventKind.CLOSED]


def test_escalated_question_is_taken_up_answered_and_closed(city):
    question = ask(city.employee)
    step(question, city.chef, "manager_escalate", "Politiek gevoelig.")
    assert (question.state, question.level) == (State.WITH_BUREAU, Level.BUREAU)
    assert question.bureau_deadline is not None

    step(question, city.integrity, "bureau_take_up")
    assert question.officer == city.integrity
    step(question, city.integrity, "bureau_answer", "Nee, liever niet.")
    step(question, city.employee, "asker_close", faq_consent=True)

    question.refresh_from_db()
    assert question.state == State.CLOSED
    assert question.faq_consent is True
    assert kinds(question) == [
        EventKind.ASKED,
        EventKind.ESCALATED,
        EventKind.TAKEN_UP,
        EventKind.BUREAU_ANSWERED,
        EventKind.CLOSED,
    ]
    history = list(question.events.values_list("from_state", "to_state"))
    assert history[1] == (State.WITH_MANAGER, State.WITH_BUREAU)


def test_the_officer_who_took_it_up_answers_and_a_colleague_takes_over_openly(
    city, client, django_capture_on_commit_callbacks
):
    colleague = make_person("integriteit2", unit=city.city, is_integrity_officer=True, first_name="Ines")
    question = ask(city.employee)
    step(question, city.chef, "manager_escalate", "Politiek gevoelig.")
    step(question, city.integrity, "bureau_take_up")

    # A colleague in the Bureau reads along but cannot answer in the other's place...
    client.force_login(colleague)
    url = reverse("advice:question_step", args=[question.pk, "bureau_answer"])
    response = client.post(url, {"text": "Nee."}, follow=True)
    assert "Bram Goossens nam deze vraag op. Kies &#x27;Overnemen&#x27;" in response.content.decode()
    question.refresh_from_db()
    assert (question.state, question.officer) == (State.TAKEN_UP, city.integrity)

    # ...until they take it over, which the first officer hears about and the timeline records.
    take_over = reverse("advice:question_step", args=[question.pk, "bureau_take_over"])
    assert take_over in client.get(reverse("advice:question_detail", args=[question.pk])).content.decode()
    mail.outbox.clear()  # the mails of the steps before
    with django_capture_on_commit_callbacks(execute=True):
        client.post(take_over)
    question.refresh_from_db()
    assert (question.state, question.officer) == (State.TAKEN_UP, colleague)
    assert [message.to for message in mail.outbox] == [[city.integrity.email]]
    client.post(url, {"text": "Nee, liever niet."})
    question.refresh_from_db()
    assert question.state == State.BUREAU_ANSWERED
    assert kinds(question)[-2:] == [EventKind.TAKEN_OVER, EventKind.BUREAU_ANSWERED]
    # The one who took it over is not offered to take it over from themselves.
    assert take_over not in client.get(reverse("advice:question_detail", args=[question.pk])).content.decode()


def test_asker_still_in_doubt_escalates_after_the_managers_answer(city):
    question = ask(city.employee)
    step(question, city.chef, "manager_answer", "Mag.")
    step(question, city.employee, "asker_escalate")
    assert question.state == State.WITH_BUREAU


def test_request_for_information_goes_back_to_whoever_asked(city):
    question = ask(city.employee)
    step(question, city.chef, "manager_request_info", "Wie staat er op de foto?")
    assert question.state == State.INFO_REQUESTED
    step(question, city.employee, "asker_reply", "Enkel ikzelf.")
    assert question.state == State.WITH_MANAGER

    step(question, city.chef, "manager_escalate", "Toch liever het Bureau.")
    step(question, city.integrity, "bureau_take_up")
    step(question, city.integrity, "bureau_request_info", "Welk account?")
    step(question, city.employee, "asker_reply", "Mijn privé-account.")
    assert question.state == State.TAKEN_UP


def test_question_about_the_leidinggevende_goes_straight_to_the_bureau(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(city.employee, concerns_manager=True)
    assert question.manager is None
    assert question.state == State.WITH_BUREAU
    assert question.direct_reason == DirectReason.CONCERNS_MANAGER
    assert question.events.get().text == str(DirectReason.CONCERNS_MANAGER.label)
    # No trace for the leidinggevende: no row, no count, no mail.
    assert not Question.objects.visible_to(city.chef).exists()
    assert city.chef.email not in [address for message in mail.outbox for address in message.to]
    assert city.integrity.email in [address for message in mail.outbox for address in message.to]


def test_someone_without_leidinggevende_goes_straight_to_the_bureau(city):
    loner = make_person("loner", unit=city.city)
    question = ask(loner)
    assert question.direct_reason == DirectReason.NO_MANAGER
    assert question.state == State.WITH_BUREAU


def test_unanswered_question_is_escalated_by_the_job_counting_weekend_and_holiday(city):
    """Asked Wednesday 23-12-2026: Thu 24 (1), Fri 25 Christmas, weekend, Mon 28 (2), Tue 29 (3)."""
    question = ask(city.employee, now=at(2026, 12, 23, 9))
    assert question.manager_deadline == at(2026, 12, 30, 0)

    call_command("advice_escalate_overdue", now="2026-12-29T23:59")
    question.refresh_from_db()
    assert question.state == State.WITH_MANAGER

    call_command("advice_escalate_overdue", now="2026-12-30T00:15")
    question.refresh_from_db()
    assert question.state == State.WITH_BUREAU
    escalation = question.events.get(kind=EventKind.ESCALATED)
    assert escalation.actor is None  # done by the system
    assert "niet binnen de termijn" in escalation.text

    # Idempotent: a second run changes nothing.
    call_command("advice_escalate_overdue", now="2026-12-30T00:30")
    assert question.events.filter(kind=EventKind.ESCALATED).count() == 1


def test_a_needed_by_date_moves_the_question_on_in_time(city):
    """Asked Monday 07-12-2026 for Thursday 10-12: the Bureau gets Wednesday, the job acts at its start."""
    question = ask(city.employee, now=at(2026, 12, 7, 9), needed_by=datetime.date(2026, 12, 10))
    assert question.manager_deadline == at(2026, 12, 9, 0)
    call_command("advice_escalate_overdue", now="2026-12-09T00:05")
    question.refresh_from_db()
    assert question.state == State.WITH_BUREAU


def test_deputy_handles_the_question_while_deputising(city, settings):
    deputy = make_person("plaatsvervanger", unit=city.team_a)
    Deputy.objects.create(
        manager=city.chef, deputy=deputy, starts_on=datetime.date(2026, 12, 1), ends_on=datetime.date(2026, 12, 31)
    )
    question = ask(city.employee, now=at(2026, 12, 7, 9))
    assert question.manager == city.chef

    step(question, deputy, "manager_answer", "Akkoord.", now=at(2026, 12, 7, 11))
    question.refresh_from_db()
    assert question.state == State.MANAGER_ANSWERED
    assert question.events.get(kind=EventKind.MANAGER_ANSWERED).actor == deputy


def test_deputy_outside_the_period_cannot_handle(city):
    deputy = make_person("plaatsvervanger", unit=city.team_a)
    Deputy.objects.create(
        manager=city.chef, deputy=deputy, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 1, 31)
    )
    question = ask(city.employee)
    assert not Question.objects.visible_to(deputy).filter(pk=question.pk).exists()


def test_manager_who_left_without_deputy_passes_the_question_up(city):
    city.chef.deactivate()
    question = ask(city.employee)
    assert question.manager == city.director


def test_manager_who_left_with_a_deputy_keeps_the_question_for_the_deputy(city):
    deputy = make_person("plaatsvervanger", unit=city.team_a)
    today = timezone.localdate()
    Deputy.objects.create(manager=city.chef, deputy=deputy, starts_on=today, ends_on=today)
    city.chef.deactivate()
    question = ask(city.employee)
    assert question.manager == city.chef
    assert Question.objects.visible_to(deputy).filter(pk=question.pk).exists()


def test_job_passes_on_the_question_of_a_manager_who_left_afterwards(city):
    question = ask(city.employee, now=at(2026, 12, 7, 9))
    city.chef.deactivate()
    call_command("advice_escalate_overdue", now="2026-12-07T12:00")
    question.refresh_from_db()
    assert question.manager == city.director
    assert question.events.filter(kind=EventKind.REROUTED).count() == 1
    assert Question.objects.visible_to(city.director).filter(pk=question.pk).exists()


@pytest.mark.parametrize(
    "stand_in",
    ["period_begins_tomorrow", "period_ended_yesterday", "left_the_city_too", "stands_in_for_another_chef"],
)
def test_job_passes_on_the_question_of_a_manager_who_left_when_nobody_stands_in_for_them_that_day(city, stand_in):
    """Tom left after Lotte asked. Someone is down as plaatsvervanger, but not for Tom on the job's day
    (their period begins the day after, or ended the day before; they left the city too; they stand in
    for Sofie): nobody handles Tom's questions, so the job passes hers up to Els."""
    question = ask(city.employee, now=at(2026, 12, 7, 9))
    city.chef.deactivate()
    deputy = make_person("plaatsvervanger", unit=city.team_a)
    manager, starts_on, ends_on = {
        "period_begins_tomorrow": (city.chef, datetime.date(2026, 12, 9), datetime.date(2026, 12, 11)),
        "period_ended_yesterday": (city.chef, datetime.date(2026, 12, 1), datetime.date(2026, 12, 7)),
        "left_the_city_too": (city.chef, datetime.date(2026, 12, 7), datetime.date(2026, 12, 11)),
        "stands_in_for_another_chef": (city.other_chef, datetime.date(2026, 12, 7), datetime.date(2026, 12, 11)),
    }[stand_in]
    Deputy.objects.create(manager=manager, deputy=deputy, starts_on=starts_on, ends_on=ends_on)
    if stand_in == "left_the_city_too":
        deputy.deactivate()
    call_command("advice_escalate_overdue", now="2026-12-08T12:00")
    question.refresh_from_db()
    assert question.manager == city.director
    assert question.events.filter(kind=EventKind.REROUTED).count() == 1


def test_job_leaves_the_question_of_a_manager_who_left_with_the_plaatsvervanger_of_the_jobs_day(city, suite_clock):
    """Tom left; Pieter stands in for him from 7 to 11 December. The job run for 8 December leaves
    Lotte's question on Tom's route, for Pieter, whatever day the server's clock says (1 December here)."""
    suite_clock.move_to(at(2026, 12, 1, 10))
    question = ask(city.employee, now=at(2026, 12, 7, 9))
    city.chef.deactivate()
    deputy = make_person("plaatsvervanger", unit=city.team_a)
    Deputy.objects.create(
        manager=city.chef, deputy=deputy, starts_on=datetime.date(2026, 12, 7), ends_on=datetime.date(2026, 12, 11)
    )
    call_command("advice_escalate_overdue", now="2026-12-08T12:00")
    question.refresh_from_db()
    assert question.manager == city.chef
    assert not question.events.filter(kind=EventKind.REROUTED).exists()


def test_a_step_from_a_page_that_is_out_of_date_says_where_the_question_is_now(city, client):
    """The leidinggevende answered in one tab and, in another still open, clicks to escalate."""
    question = ask(city.employee)
    step(question, city.chef, "manager_answer", "Mag.")
    client.force_login(city.chef)
    url = reverse("advice:question_step", args=[question.pk, "manager_escalate"])
    page = client.post(url, {"text": "Toch het Bureau."}, follow=True).content.decode()
    assert "Dit kan niet meer: de vraag is intussen &#x27;Beantwoord door de leidinggevende&#x27;." in page
    question.refresh_from_db()
    assert question.state == State.MANAGER_ANSWERED
    assert kinds(question) == [EventKind.ASKED, EventKind.MANAGER_ANSWERED]


def test_only_the_asker_closes_or_withdraws_and_an_unknown_step_is_refused(city):
    """The steps are refused in the service too, not only by the page that offers them."""
    question = ask(city.employee)
    step(question, city.chef, "manager_answer", "Mag.")
    for someone, name in [(city.chef, "asker_close"), (city.colleague, "asker_withdraw")]:
        with pytest.raises(TransitionError, match=r"^Je kan deze stap niet zetten voor deze vraag\.$"):
            step(question, someone, name)
    with pytest.raises(TransitionError, match=r"^Deze stap bestaat niet\.$"):
        step(question, city.employee, "asker_delete")
    question.refresh_from_db()
    assert question.state == State.MANAGER_ANSWERED


def test_after_escalation_the_leidinggevende_reads_along_but_takes_no_more_steps(city):
    question = ask(city.employee)
    step(question, city.chef, "manager_escalate", "Politiek gevoelig.")
    for name in ("manager_answer", "manager_request_info", "manager_escalate"):
        with pytest.raises(
            TransitionError,
            match=r"^Dit kan niet meer: de vraag is intussen 'Bij het Bureau voor Integriteit'\. Vernieuw de pagina\.$",
        ):
            step(question, city.chef, name, "Toch nog iets.")
    question.refresh_from_db()
    assert question.state == State.WITH_BUREAU
    assert kinds(question) == [EventKind.ASKED, EventKind.ESCALATED]
