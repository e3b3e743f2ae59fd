"""Read-side queries for the advice pages, all built on `Question.objects.visible_to`."""

import datetime
import statistics
from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advice.access import Capacity, managers_acted_for
from advice.models import (
    FINAL_STATES,
    Audience,
    Channel,
    EventKind,
    FaqEntry,
    Level,
    Question,
    QuestionStatistic,
    State,
)
from advice.rules import rule_choices

MIN_GROUP = 5  # no figure for a group smaller than this


def timeline_for(question, held):
    """The events a viewer in capacities `held` may read."""
    audiences = {Audience.ROUTE}
    if Capacity.ASKER in held or Capacity.BUREAU in held:
        audiences.add(Audience.ASKER_AND_BUREAU)
    if Capacity.BUREAU in held:
        audiences.add(Audience.BUREAU)
    events = list(question.events.filter(audience__in=audiences).select_related("actor"))
    if held == {Capacity.MANAGER} and question.level == Level.BUREAU:
        # After escalation the leidinggevende sees that it was escalated and how it ended, nothing else.
        for event in events:
            if event.kind in (EventKind.CLOSED, EventKind.WITHDRAWN) and event.from_state != State.WITH_MANAGER:
                event.text = ""
    return events


def status_label(question, held) -> str:
    if held == {Capacity.MANAGER} and question.level == Level.BUREAU and question.state not in FINAL_STATES:
        return str(_("Geëscaleerd naar het Bureau voor Integriteit"))
    return State(question.state).label


def latest_answer(question, held):
    """The answer event the viewer may read, newest first (the Bureau's over the leidinggevende's)."""
    kinds = [EventKind.MANAGER_ANSWERED]
    if Capacity.ASKER in held or Capacity.BUREAU in held:
        kinds.append(EventKind.BUREAU_ANSWERED)
    return question.events.filter(kind__in=kinds).select_related("actor").order_by("-created_at", "-pk").first()


def my_questions(user):
    return Question.objects.visible_to(user).filter(asker=user).order_by("-created_at")


def manager_inbox(user, *, today=None):
    """Questions routed to `user` as leidinggevende or plaatsvervanger."""
    acted_for = managers_acted_for(user, today=today)
    return (
        Question.objects.visible_to(user, today=today)
        .filter(manager_id__in=acted_for)
        .select_related("asker", "manager")
        .order_by("created_at")
    )


def bureau_queue(user, *, state="", min_age_days=None, now=None):
    now = now or timezone.now()
    questions = Question.objects.visible_to(user).filter(bureau_at__isnull=False)
    questions = (
        questions.filter(state=state)
        if state
        else questions.filter(
            state__in=[State.WITH_BUREAU, State.TAKEN_UP, State.INFO_REQUESTED, State.BUREAU_ANSWERED]
        )
    )
    if min_age_days:
        questions = questions.filter(bureau_at__lte=now - datetime.timedelta(days=min_age_days))
    return questions.select_related("asker", "officer").order_by("bureau_at", "pk")


def queue_counts(user):
    rows = Question.objects.visible_to(user).filter(bureau_at__isnull=False).values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}


def published_faq():
    return FaqEntry.objects.filter(is_published=True).order_by("rule_anchor", "-published_at")


# --- Statistics (anonymous rows only) ---------------------------------------------------------------
def _suppressed(count):
    return count if count >= MIN_GROUP else None


def _median_hours(values):
    values = [v for v in values if v is not None]
    if len(values) < MIN_GROUP:
        return None
    return round(statistics.median(values) / 3600, 1)


def advice_statistics():
    """Figures for the Bureau. A group with fewer than MIN_GROUP questions shows no figure (None)."""
    rows = list(
        QuestionStatistic.objects.values_list(
            "month", "channel", "rule_anchor", "direct", "escalated", "manager_answer_seconds", "bureau_answer_seconds"
        )
    )
    total = len(rows)
    per_month = Counter(row[0] for row in rows)
    per_channel = Counter(row[1] for row in rows)
    per_rule = Counter(row[2] for row in rows)
    rules = dict(rule_choices())
    channels = dict(Channel.choices)
    routed = [row for row in rows if not row[3]]
    escalated = sum(1 for row in routed if row[4])
    return {
        "total": _suppressed(total),
        "per_month": [(month, _suppressed(n)) for month, n in sorted(per_month.items(), reverse=True)],
        "per_channel": [(channels.get(key, key), _suppressed(n)) for key, n in per_channel.most_common()],
        "per_rule": [
            (rules.get(key, key) if key else _("Geen bepaalde regel"), _suppressed(n))
            for key, n in per_rule.most_common()
        ],
        "median_manager_hours": _median_hours(row[5] for row in rows),
        "median_bureau_hours": _median_hours(row[6] for row in rows),
        "direct": _suppressed(sum(1 for row in rows if row[3])),
        "escalated_share": round(100 * escalated / len(routed)) if len(routed) >= MIN_GROUP else None,
    }


def faq_by_rule():
    grouped = defaultdict(list)
    for entry in published_faq().only("pk", "title", "question_text", "answer_text", "rule_anchor", "rule_label"):
        grouped[entry.rule_anchor].append(entry)
    return grouped


def count_open(queryset):
    return queryset.filter(
        Q(state__in=[State.WITH_MANAGER, State.WITH_BUREAU, State.TAKEN_UP, State.INFO_REQUESTED])
    ).count()
