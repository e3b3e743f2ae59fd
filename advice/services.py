"""The advice workflow: asking, routing, each step of the timeline, the scheduled jobs."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from advice import clock
from advice.access import Capacity, capacities, manager_handlers
from advice.models import (
    FINAL_STATES,
    Attachment,
    Audience,
    DirectReason,
    EventKind,
    FaqEntry,
    Level,
    Question,
    QuestionEvent,
    QuestionStatistic,
    State,
)
from advice.notifications import notify
from advice.rules import rule_label
from advice.workdays import add_working_days, add_working_seconds, previous_working_day, working_seconds_between
from advice.workflow import SYSTEM, TransitionError, audience_for, check_step, target_state
from organisation.models import Deputy, Person


# --- Deadlines and routing ------------------------------------------------------------------------
def manager_deadline_for(*, asked_at, needed_by=None) -> datetime.datetime:
    """End of the N-th working day after asking; earlier when the asker needs an answer sooner, so
    that the Bureau still gets the last working day before that date."""
    asked_on = timezone.localdate(asked_at)
    deadline = clock.local_midnight(
        add_working_days(asked_on, settings.ADVICE_MANAGER_TARGET_WORKING_DAYS) + datetime.timedelta(days=1)
    )
    if needed_by is not None:
        deadline = min(deadline, clock.local_midnight(previous_working_day(needed_by)))
    return max(deadline, asked_at)


def bureau_deadline_for(*, reached_at) -> datetime.datetime:
    reached_on = timezone.localdate(reached_at)
    return clock.local_midnight(
        add_working_days(reached_on, settings.ADVICE_BUREAU_TARGET_WORKING_DAYS) + datetime.timedelta(days=1)
    )


def _has_deputy(manager, today, *, besides) -> bool:
    """Whether someone other than `besides` (the asker) stands in for `manager` today."""
    return (
        Deputy.objects.filter(manager=manager, deputy__is_active=True, starts_on__lte=today, ends_on__gte=today)
        .exclude(deputy=besides)
        .exists()
    )


def route_for(*, asker, start=None, today) -> Person | None:
    """The leidinggevende who gets `asker`'s question: their chef-waardeerder; when that manager has
    left and no plaatsvervanger other than the asker is set for today, the next manager up. None:
    nobody (to the Bureau)."""
    candidate = asker.manager if start is None else start
    seen = set()
    while candidate is not None and candidate.pk not in seen:
        seen.add(candidate.pk)
        if candidate.pk != asker.pk and (candidate.is_active or _has_deputy(candidate, today, besides=asker)):
            return candidate
        candidate = candidate.manager
    return None


def _officers():
    return list(Person.objects.filter(is_active=True, is_integrity_officer=True))


def _record(*, at, **fields):
    """One step on the timeline: QuestionEvent's fields (text and audience have the model's defaults), at `at`."""
    event = QuestionEvent(created_at=at, **fields)
    event.full_clean()
    event.save()
    return event


def _notify(question, recipients, today):
    """Queue the step's e-mails in the step's own transaction: they go out if and only if it commits."""
    notify(question=question, recipients=[person for person in recipients if person is not None], today=today)


# --- Asking ---------------------------------------------------------------------------------------
@transaction.atomic
def question_ask(
    *,
    asker,
    subject,
    body,
    channel,
    link="",
    rule_anchor="",
    needed_by=None,
    concerns_manager=False,
    attachment=None,
    submission=None,
    now=None,
) -> Question:
    """Record a question and route it. `attachment`: (uploaded file, content type) already checked.

    `submission` is the ask form's one-time token: the same token twice (a double click, two
    requests at once) gives the question the first one made, and nothing is sent twice.
    """
    if submission is not None:
        earlier = Question.objects.filter(submission=submission, asker=asker).first()
        if earlier is not None:
            return earlier
    now = now or clock.now()
    today = timezone.localdate(now)
    routed = route_for(asker=asker, today=today)
    manager = None if concerns_manager else routed
    question = Question(
        asker=asker,
        subject=subject.strip(),
        body=body.strip(),
        channel=channel,
        link=link,
        rule_anchor=rule_anchor,
        rule_label=rule_label(rule_anchor) if rule_anchor else "",
        needed_by=needed_by,
        created_at=now,
        manager=manager,
        submission=submission,
    )
    if manager is not None:
        question.state, question.level = State.WITH_MANAGER, Level.MANAGER
        question.manager_deadline = manager_deadline_for(asked_at=now, needed_by=needed_by)
    else:
        # Straight to the Bureau. The leidinggevende gets no row, no count and no mail of this.
        question.direct_reason = DirectReason.CONCERNS_MANAGER if concerns_manager else DirectReason.NO_MANAGER
        if concerns_manager:
            question.concerns_person = routed or asker.manager
        question.state, question.level = State.WITH_BUREAU, Level.BUREAU
        question.bureau_at = now
        question.bureau_deadline = bureau_deadline_for(reached_at=now)
    question.full_clean(exclude=["submission"])
    try:
        with transaction.atomic():
            question.save()
    except IntegrityError:
        # The same form, sent twice at once: the other request made the question.
        if submission is None:
            raise
        return Question.objects.get(submission=submission, asker=asker)
    text = "" if manager is not None else str(question.get_direct_reason_display())
    _record(
        question=question,
        kind=EventKind.ASKED,
        actor=asker,
        from_state="",
        to_state=question.state,
        text=text,
        audience=Audience.ROUTE if manager is not None else Audience.ASKER_AND_BUREAU,
        at=now,
    )
    if attachment is not None:
        upload, content_type = attachment
        stored = Attachment(
            question=question,
            original_name=_safe_name(upload.name, content_type),
            content_type=content_type,
            size=upload.size,
            created_at=now,
        )
        stored.file.save("upload", upload, save=False)
        stored.full_clean()
        stored.save()
    question.statistic = QuestionStatistic.objects.create(
        month=today.replace(day=1),
        channel=channel,
        rule_anchor=rule_anchor,
        direct=manager is None,
    )
    question.save(update_fields=["statistic"])
    next_actors = manager_handlers(manager, asker=asker, today=today) if manager is not None else _officers()
    _notify(question, [*next_actors, asker], today)
    return question


def _safe_name(name, content_type) -> str:
    from django.utils.text import get_valid_filename

    stem = (name or "bijlage").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0][:80]
    try:
        # No leading dots (hidden files) and nothing but letters, digits, -, _ and dots.
        stem = get_valid_filename(stem).strip(".")
    except Exception:  # a name of only dots or spaces
        stem = "bijlage"
    return f"{stem or 'bijlage'}{Attachment.KINDS[content_type]}"


# --- Steps ----------------------------------------------------------------------------------------
def question_take_step(*, question, by, step, text="", faq_consent=False, now=None) -> Question:
    """Take one step of the transition table on `question` as `by` (None: the system).

    The question row is locked first, so that two people acting at once (or a person and the
    scheduled job) end in one outcome: the second one gets a TransitionError with a clear message.
    """
    now = now or clock.now()
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            locked = (
                Question.objects.select_for_update(of=("self",))
                .select_related("asker", "manager", "officer")
                .get(pk=question.pk)
            )
            held = capacities(by, locked, today=today) if by is not None else frozenset({SYSTEM})
            definition = check_step(step, locked, held)
            text = (text or "").strip()
            if definition.text_required and not text:
                raise TransitionError(_("Vul een tekst in: een bericht van enkel spaties kan niet."))
            recipients = _apply(locked, definition, by=by, text=text, faq_consent=faq_consent, now=now, today=today)
            if definition.name == "auto_close":
                notify(
                    question=locked,
                    recipients=recipients,
                    today=today,
                    mail="auto_closed",
                    context={"days": settings.ADVICE_AUTO_CLOSE_DAYS, "removed_on": retention_cutoff_after(now)},
                )
            else:
                _notify(locked, recipients, today)
    except IntegrityError as error:
        # The unique steps (one escalation, one take-up) were taken by someone else at the same moment.
        raise TransitionError(_("Iemand anders was je net voor. Vernieuw de pagina.")) from error
    question.refresh_from_db()
    return question


def _apply(question, step, *, by, text, faq_consent, now, today) -> list:
    from_state = question.state
    to_state = target_state(step, question)
    audience = audience_for(step, question)
    stat = QuestionStatistic.objects.filter(pk=question.statistic_id).first() if question.statistic_id else None
    recipients = []
    level_handlers = (
        manager_handlers(question.manager, asker=question.asker, today=today)
        if question.level == Level.MANAGER
        else [question.officer]
        if question.officer
        else _officers()
    )

    if step.kind == EventKind.ESCALATED:
        if step.actor == SYSTEM:
            text = _("De leidinggevende antwoordde niet binnen de termijn.")
        question.level = Level.BUREAU
        question.bureau_at = now
        question.bureau_deadline = bureau_deadline_for(reached_at=now)
        if stat:
            stat.escalated = True
        recipients = [*_officers(), question.asker]
        if step.actor != Capacity.MANAGER:
            recipients += manager_handlers(question.manager, asker=question.asker, today=today)
    elif step.kind == EventKind.MANAGER_ANSWERED:
        if stat:
            # The time the leidinggevende had: without the time the question waited for the asker.
            waited = int((now - question.created_at).total_seconds()) - question.manager_paused_seconds
            stat.manager_answer_seconds = max(waited, 0)
        recipients = [question.asker]
    elif step.kind == EventKind.BUREAU_ANSWERED:
        if stat:
            waited = int((now - question.bureau_at).total_seconds()) - question.bureau_paused_seconds
            stat.bureau_answer_seconds = max(waited, 0)
        recipients = [question.asker]
    elif step.kind == EventKind.INFO_REQUESTED:
        _clock_stop(question, now)
        recipients = [question.asker]
    elif step.kind == EventKind.INFO_GIVEN:
        _clock_restart(question, now)
        recipients = level_handlers
    elif step.kind == EventKind.TAKEN_UP:
        question.officer = by
        recipients = [question.asker]
    elif step.kind == EventKind.TAKEN_OVER:
        # The colleague who had it hears that it moved; the asker's route does not change.
        recipients = [question.officer]
        question.officer = by
    elif step.kind in (EventKind.CLOSED, EventKind.WITHDRAWN):
        question.closed_at = now
        question.clock_stopped_at = None
        if step.name == "asker_close":
            question.faq_consent = bool(faq_consent) and from_state == State.BUREAU_ANSWERED
        if stat:
            stat.outcome = to_state
        recipients = [*level_handlers, question.asker]
        if question.level == Level.BUREAU:
            # The leidinggevende learns how an escalated question ended, never the Bureau's answer.
            recipients += manager_handlers(question.manager, asker=question.asker, today=today)
        text = text if step.kind == EventKind.WITHDRAWN and question.level == Level.MANAGER else ""
        if step.name == "auto_close":
            # Nobody reacted in time: the asker is told (the others lose nothing they still wait for).
            text = _("Automatisch afgesloten: %(days)s dagen zonder reactie.") % {
                "days": settings.ADVICE_AUTO_CLOSE_DAYS
            }
            recipients = [question.asker]
    question.state = to_state
    question.full_clean()
    question.save()
    if stat:
        stat.save()
    _record(
        question=question,
        kind=step.kind,
        actor=by,
        from_state=from_state,
        to_state=to_state,
        text=text,
        audience=audience,
        at=now,
    )
    return [person for person in recipients if person is not None and person != by]


# --- The paused clock -------------------------------------------------------------------------------
# While a question waits for the asker's extra information, the response clock of its level (the
# leidinggevende's three working days, or the Bureau's target) stands still. At the reply it goes on
# with the working time that was left when it stopped: a reply that comes late gets the same time the
# leidinggevende still had, never an escalation minutes later. The facts are on the question: when
# the clock stopped (`clock_stopped_at`), the moved deadline, and the paused totals per level (the
# statistics' answer times leave them out). The escalation job only compares deadlines.
def _clock_stop(question, now) -> None:
    question.clock_stopped_at = now


def _clock_restart(question, now) -> None:
    stopped = question.clock_stopped_at
    if stopped is None:
        return
    paused = max(int((now - stopped).total_seconds()), 0)
    if question.level == Level.MANAGER and question.manager_deadline is not None:
        left = working_seconds_between(stopped, question.manager_deadline)
        question.manager_deadline = add_working_seconds(now, left)
        question.manager_paused_seconds += paused
    elif question.level == Level.BUREAU and question.bureau_deadline is not None:
        left = working_seconds_between(stopped, question.bureau_deadline)
        question.bureau_deadline = add_working_seconds(now, left)
        question.bureau_paused_seconds += paused
    question.clock_stopped_at = None


def question_answer(*, question, by, text, now=None):
    step = "manager_answer" if question.level == Level.MANAGER else "bureau_answer"
    return question_take_step(question=question, by=by, step=step, text=text, now=now)


def question_escalate(*, question, by, note, now=None):
    return question_take_step(question=question, by=by, step="manager_escalate", text=note, now=now)


def question_take_up(*, question, by, now=None):
    return question_take_step(question=question, by=by, step="bureau_take_up", now=now)


def question_close(*, question, by, faq_consent=False, now=None):
    return question_take_step(question=question, by=by, step="asker_close", faq_consent=faq_consent, now=now)


# --- The scheduled job ----------------------------------------------------------------------------
def questions_escalate_overdue(*, now=None) -> dict:
    """Idempotent. Moves on questions whose leidinggevende left (next manager up, or the Bureau)
    and escalates those the leidinggevende did not answer in time. Each question in its own
    transaction: one failure does not hold up the rest."""
    now = now or clock.now()
    today = timezone.localdate(now)
    result = {"rerouted": 0, "escalated": 0}
    waiting = Question.objects.filter(state=State.WITH_MANAGER).select_related("manager", "asker")
    for question in waiting:
        handlers = manager_handlers(question.manager, asker=question.asker, today=today)
        if not handlers and question_reroute(question=question, now=now):
            result["rerouted"] += 1
    # A question whose clock stands still waits for the asker (another state): never escalated.
    overdue = Question.objects.filter(state=State.WITH_MANAGER, manager_deadline__lte=now, clock_stopped_at=None)
    for question in overdue:
        try:
            question_take_step(question=question, by=None, step="auto_escalate", now=now)
        except TransitionError:
            continue  # answered or escalated by someone at this very moment: nothing left to do
        result["escalated"] += 1
    return result


@transaction.atomic
def question_reroute(*, question, now=None) -> bool:
    """The routed leidinggevende left and has no plaatsvervanger today: pass the question up."""
    now = now or clock.now()
    today = timezone.localdate(now)
    locked = Question.objects.select_for_update(of=("self",)).select_related("manager", "asker").get(pk=question.pk)
    if locked.state != State.WITH_MANAGER or manager_handlers(locked.manager, asker=locked.asker, today=today):
        return False
    successor = route_for(asker=locked.asker, start=locked.manager.manager, today=today)
    if successor is None or not manager_handlers(successor, asker=locked.asker, today=today):
        question_take_step(question=locked, by=None, step="auto_escalate", now=now)
        return True
    locked.manager = successor
    locked.full_clean()
    locked.save(update_fields=["manager"])
    _record(
        question=locked,
        kind=EventKind.REROUTED,
        actor=None,
        from_state=locked.state,
        to_state=locked.state,
        text=str(successor),
        at=now,
    )
    _notify(locked, manager_handlers(successor, asker=locked.asker, today=today), today)
    return True


# --- Retention (docs/advice.md, "Retention") --------------------------------------------------------
# Entering one of these states is the last step anyone took: from then on the question waits for the
# asker, and when they do not react it is closed.
_WAITING_FOR_ASKER = {
    State.MANAGER_ANSWERED: EventKind.MANAGER_ANSWERED,
    State.BUREAU_ANSWERED: EventKind.BUREAU_ANSWERED,
    State.INFO_REQUESTED: EventKind.INFO_REQUESTED,
}


def questions_close_unattended(*, now=None) -> int:
    """Close the questions that waited for the asker for ADVICE_AUTO_CLOSE_DAYS (answered and not
    closed, or waiting for their extra information), telling the asker. Idempotent."""
    now = now or clock.now()
    cutoff = now - datetime.timedelta(days=settings.ADVICE_AUTO_CLOSE_DAYS)
    closed = 0
    for state, kind in _WAITING_FOR_ASKER.items():
        waiting = (
            Question.objects.filter(state=state)
            .annotate(since=Max("events__created_at", filter=Q(events__kind=kind)))
            .filter(since__lt=cutoff)
        )
        for question in waiting:
            try:
                question_take_step(question=question, by=None, step="auto_close", now=now)
            except TransitionError:
                continue  # the asker acted at this very moment
            closed += 1
    return closed


def retention_cutoff(now, months=None) -> datetime.datetime:
    """Questions that ended (or saw their last step) before this moment have had their time."""
    months = settings.ADVICE_RETENTION_MONTHS if months is None else months
    return now - relativedelta(months=months)


def retention_cutoff_after(ended_at) -> datetime.date:
    """The day a question that ended at `ended_at` is removed (the nightly job after that moment)."""
    return timezone.localdate(ended_at + relativedelta(months=settings.ADVICE_RETENTION_MONTHS))


def questions_purge_expired(*, now=None, months=None) -> dict:
    """The nightly retention job. First the questions left waiting for the asker are closed (the
    asker is told); then every question whose retention period ended leaves, whatever its state:
    closed or withdrawn ones `months` after they ended, any other one `months` after the last step
    anyone took. Each goes with its timeline, attachments (the files too), its queued or failed mail
    (`advice.notifications.forget_question_mail`) and the link to its statistics row; the row keeps
    only coarse anonymous figures."""
    now = now or clock.now()
    closed = questions_close_unattended(now=now)
    cutoff = retention_cutoff(now, months)
    ended = Q(state__in=FINAL_STATES, closed_at__lt=cutoff)
    abandoned = ~Q(state__in=FINAL_STATES) & Q(created_at__lt=cutoff) & ~Q(events__created_at__gte=cutoff)
    expired = Question.objects.filter(ended | abandoned).distinct().values_list("pk", flat=True)
    removed = 0
    for pk in list(expired):
        with transaction.atomic():
            question = Question.objects.select_for_update().filter(pk=pk).first()
            if question is None:
                continue
            files = [attachment.file for attachment in question.attachments.all()]
            FaqEntry.objects.filter(source=question).update(source=None)
            _coarsen_statistic(question.statistic_id)
            question.delete()
            # Files go after the rows, and only once the deletion is certain to stick.
            for stored in files:
                transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))
        removed += 1
    return {"closed": closed, "removed": removed}


def _coarsen_statistic(stat_id) -> None:
    """A removed question's row keeps its figures, but its answer times only to the hour: to the
    second, they could be matched against anything that outlived the question."""
    if stat_id is None:
        return
    stat = QuestionStatistic.objects.filter(pk=stat_id).first()
    if stat is None:
        return
    for column in ("manager_answer_seconds", "bureau_answer_seconds"):
        value = getattr(stat, column)
        if value is not None:
            setattr(stat, column, round(value / 3600) * 3600)
    stat.save(update_fields=["manager_answer_seconds", "bureau_answer_seconds"])


# --- FAQ --------------------------------------------------------------------------------------------
@transaction.atomic
def faq_entry_create(*, question, by, title, question_text, answer_text, rule_anchor, now=None) -> FaqEntry:
    """An anonymised FAQ draft from a closed, consented question, in the officer's own words."""
    now = now or clock.now()
    held = capacities(by, question, today=timezone.localdate(now))
    if Capacity.BUREAU not in held:
        raise TransitionError(_("Enkel het Bureau voor Integriteit maakt FAQ-items."))
    if question.state != State.CLOSED or not question.faq_consent:
        raise TransitionError(
            _("Een FAQ-item kan enkel van een afgesloten vraag waarvoor de vraagsteller toestemming gaf.")
        )
    if FaqEntry.objects.filter(source=question).exists():
        raise TransitionError(_("Van deze vraag bestaat al een FAQ-item."))
    entry = FaqEntry(
        source=question,
        title=title.strip(),
        question_text=question_text.strip(),
        answer_text=answer_text.strip(),
        rule_anchor=rule_anchor,
        rule_label=rule_label(rule_anchor),
        edited_by=by,
        created_at=now,
    )
    if entry.question_text == question.body.strip():
        raise ValidationError(
            {
                "question_text": _(
                    "Herschrijf de vraag zodat ze anoniem is: ze is nog letterlijk die van de vraagsteller."
                )
            }
        )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def faq_entry_publish(*, entry, by, publish=True, now=None) -> FaqEntry:
    from organisation.roles import is_integrity_officer

    if not is_integrity_officer(by):
        raise TransitionError(_("Enkel het Bureau voor Integriteit publiceert FAQ-items."))
    entry.is_published = publish
    entry.published_at = (now or clock.now()) if publish else None
    entry.full_clean()
    entry.save()
    return entry
