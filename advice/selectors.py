"""Read-side queries for the advice pages, all built on `Question.objects.visible_to`."""

import datetime
import statistics
from collections import defaultdict

from django.db import connection
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advice import queue
from advice.access import MANAGER_VIEW, Capacity, acted_filter, capacities, route_filter, visibility_sql
from advice.models import (
    BUREAU_QUEUE_STATES,
    FINAL_STATES,
    Audience,
    Channel,
    EventKind,
    FaqEntry,
    Level,
    Question,
    QuestionEvent,
    QuestionStatistic,
    State,
)
from advice.rules import rule_choices
from config import sql
from organisation.models import Person
from organisation.roles import is_employee, is_integrity_officer

MIN_GROUP = 5  # no figure for a group smaller than this


def get_question_for(user, pk, *, queryset=None):
    """The question with `pk` if `user` may see it, else 404 (its existence must not leak)."""
    queryset = queryset if queryset is not None else Question.objects.all()
    question = queryset.visible_to(user).filter(pk=pk).select_related("asker", "manager", "officer").first()
    if question is None:
        raise Http404
    return question


def question_page(user, pk):
    """The question with `pk` and the capacities in which `user` sees it, if they see it at all, else
    404: the rule for one question (`advice.access.capacities`, the same rule as `visible_to`).

    The page's question with its asker, leidinggevende, officer and whether it has attachments comes
    from one written-out SELECT: built by the ORM it cost more Python than the database takes to
    answer it (docs/performance.md)."""
    rows = sql.fetch(
        f"SELECT {sql.columns(Question, 'q')},"  # noqa: S608 (values are parameters)  # nosec B608
        " EXISTS(SELECT 1 FROM advice_attachment a WHERE a.question_id = q.id) AS has_attachments,"
        f" {sql.columns(Person, 'asker')}, {sql.columns(Person, 'manager')}, {sql.columns(Person, 'officer')}"
        " FROM advice_question q INNER JOIN organisation_person asker ON asker.id = q.asker_id"
        " LEFT OUTER JOIN organisation_person manager ON manager.id = q.manager_id"
        " LEFT OUTER JOIN organisation_person officer ON officer.id = q.officer_id"
        " WHERE q.id = %s",
        [pk],
    )
    if not rows:
        raise Http404
    question = sql.instances(Question, rows)[0]
    at = len(Question._meta.concrete_fields)
    question.has_attachments = bool(rows[0][at])
    width = len(Person._meta.concrete_fields)
    question.asker, question.manager, question.officer = (
        sql.instances(Person, rows, at + 1 + width * number)[0] for number in range(3)
    )
    held = capacities(user, question)
    if not held:
        raise Http404
    return question, held


def attachments_of(question):
    # Most questions have none: then the page asks nothing more (the flag came with the question).
    if not getattr(question, "has_attachments", True):
        return []
    return list(question.attachments.all())


def timeline_for(question, held):
    """The events a viewer in capacities `held` may read."""
    audiences = {Audience.ROUTE}
    if Capacity.ASKER in held or Capacity.BUREAU in held:
        audiences.add(Audience.ASKER_AND_BUREAU)
    if Capacity.BUREAU in held:
        audiences.add(Audience.BUREAU)
    # Written out (docs/performance.md): the ORM's version of this short query cost more than running it.
    rows = sql.fetch(
        f"SELECT {sql.columns(QuestionEvent, 'e')}, {sql.columns(Person, 'actor')} FROM advice_questionevent e"  # noqa: S608 (values are parameters)  # nosec B608
        " LEFT OUTER JOIN organisation_person actor ON actor.id = e.actor_id"
        f" WHERE e.question_id = %s AND e.audience IN ({', '.join(['%s'] * len(audiences))})"
        " ORDER BY e.created_at, e.id",
        [question.pk, *sorted(audiences)],
    )
    events = sql.instances(QuestionEvent, rows)
    for event, actor in zip(events, sql.instances(Person, rows, len(QuestionEvent._meta.concrete_fields)), strict=True):
        event.actor = actor
    if held in MANAGER_VIEW and question.level == Level.BUREAU:
        # After escalation the leidinggevende sees that it was escalated and how it ended, nothing else.
        for event in events:
            if event.kind in (EventKind.CLOSED, EventKind.WITHDRAWN) and event.from_state != State.WITH_MANAGER:
                event.text = ""
    return events


def readers(audience, question, *, escalates=False) -> str:
    """Who reads a text with `audience` on `question`, in words, by the same rule as `timeline_for`:
    the asker reads all but the Bureau's internal notes; the leidinggevende (and their
    plaatsvervanger) only what is for the whole route; the Bureau what is for it, and the route's
    texts once the question reached it (before that: only if it goes there). `escalates`: the text
    goes with the step that sends the question to the Bureau."""
    people = []
    if audience in (Audience.ROUTE, Audience.ASKER_AND_BUREAU):
        people.append(str(_("de vraagsteller")))
    if audience == Audience.ROUTE and question.manager_id is not None:
        people.append(str(_("de leidinggevende (of plaatsvervanger)")))
    if audience != Audience.ROUTE or question.bureau_at is not None or escalates:
        people.append(str(_("het Bureau voor Integriteit")))
    elif question.state not in FINAL_STATES:
        people.append(str(_("het Bureau voor Integriteit als de vraag ernaartoe gaat")))
    if len(people) == 1:
        return str(_("Zichtbaar voor %(who)s.")) % {"who": people[0]}
    return str(_("Zichtbaar voor %(who)s en %(last)s.")) % {"who": ", ".join(people[:-1]), "last": people[-1]}


def status_label(question, held) -> str:
    if held in MANAGER_VIEW and question.level == Level.BUREAU and question.state not in FINAL_STATES:
        return str(_("Geëscaleerd naar het Bureau voor Integriteit"))
    return State(question.state).label


def latest_answer(question, held, *, timeline=None):
    """The answer event the viewer may read, newest first (the Bureau's over the leidinggevende's).

    `timeline`: the events `timeline_for` gave this viewer, to take the answer from them instead of
    asking the database again (the answers a viewer may read are on their timeline).
    """
    kinds = [EventKind.MANAGER_ANSWERED]
    if Capacity.ASKER in held or Capacity.BUREAU in held:
        kinds.append(EventKind.BUREAU_ANSWERED)
    if timeline is not None:
        # The timeline runs oldest first, in the same order (created_at, pk) as below.
        return next((event for event in reversed(timeline) if event.kind in kinds), None)
    return question.events.filter(kind__in=kinds).select_related("actor").order_by("-created_at", "-pk").first()


def my_question_rows(user) -> list[tuple]:
    """The questions `user` asked, newest first, as (pk, subject, created_at, state) rows.

    By the rule (advice.access): an asker sees every question they asked, as long as they are an
    employee; so this is `visible_to(user).filter(asker=user)`, written out in one SELECT on the
    asker's index (docs/performance.md)."""
    if not is_employee(user):
        return []
    return [
        tuple(row)
        for row in sql.fetch(
            "SELECT q.id, q.subject, q.created_at, q.state FROM advice_question q"
            " WHERE q.asker_id = %s ORDER BY q.created_at DESC, q.id DESC",
            [user.pk],
            [(2, Question._meta.get_field("created_at"))],
        )
    ]


def manager_inbox(user, *, today=None):
    """Questions routed to `user` as leidinggevende or plaatsvervanger, and those they acted on as
    plaatsvervanger in an earlier period."""
    return (
        Question.objects.visible_to(user, today=today)
        .filter(route_filter(user, today=today) | acted_filter(user, QuestionEvent.objects, today=today))
        .select_related("asker", "manager")
        .order_by("created_at")
    )


def _queue_filter(*, state, min_age_days, now) -> Q:
    """Which of those the queue lists: one filter for the list and for its count, so they cannot differ."""
    listed = Q(state=state) if state else Q(state__in=BUREAU_QUEUE_STATES)
    if min_age_days:
        listed &= Q(bureau_at__lte=now - datetime.timedelta(days=min_age_days))
    return listed


def _state_literal(value) -> str:
    """A state as an SQL literal: one of `State`'s values (anything else raises ValueError), which are
    lowercase letters and underscores only, so there is nothing to quote."""
    value = State(value).value
    if not value.replace("_", "").isalpha() or not value.isascii() or not value.islower():
        raise ValueError(value)
    return f"'{value}'"


def _queue_sql(*, state, min_age_days, now) -> tuple[str, list]:
    """`_queue_filter` written out on `advice_question AS q`, for the queue's written-out queries.

    The states are written in, not passed as parameters: the queue's partial index holds the questions
    of the queue's states, and PostgreSQL uses it for a plan it keeps for every value (a prepared
    statement's generic plan) only when it sees that the query asks for those states. With the states
    as parameters, that plan read the whole table, so PostgreSQL planned the query anew on every view."""
    states = [state] if state else BUREAU_QUEUE_STATES
    listed = f"q.state IN ({', '.join(_state_literal(value) for value in states)})"
    params = []
    if min_age_days:
        listed += " AND q.bureau_at <= %s"
        params.append(connection.ops.adapt_datetimefield_value(now - datetime.timedelta(days=min_age_days)))
    return listed, params


class QueuePage:
    """The questions of the Bureau's queue that `user` sees, oldest first, read a slice at a time (what
    a paginator asks for) as dicts of QUEUE_ROW, in one written-out SELECT (docs/performance.md)."""

    def __init__(self, user, *, state="", min_age_days=None, now=None):
        now = now or timezone.now()
        rule, rule_params = visibility_sql(user, "q")
        listed, listed_params = _queue_sql(state=state, min_age_days=min_age_days, now=now)
        self.sql = (
            "SELECT q.id, q.subject, q.direct_reason, q.bureau_at, q.state, q.bureau_deadline,"  # noqa: S608 (values are parameters)  # nosec B608
            " o.username, o.first_name, o.last_name"
            " FROM advice_question q LEFT OUTER JOIN organisation_person o ON o.id = q.officer_id"
            f" WHERE q.bureau_at IS NOT NULL AND {listed} AND {rule}"
            " ORDER BY q.bureau_at, q.id"
        )
        self.params = [*listed_params, *rule_params]

    ordered = True

    def __getitem__(self, part: slice) -> list[dict]:
        # The slice written in, not passed as parameters: PostgreSQL guesses a LIMIT or OFFSET it does
        # not see at a tenth of the rows, so in a large city the plan it would keep for the prepared
        # statement looked costlier than planning anew, and it planned anew on every view (at 250,000
        # employees 0.3 ms, up to 2 with a cold cache: more than running the query; docs/performance.md).
        rows = sql.fetch(
            f"{self.sql} LIMIT {int(part.stop - part.start)} OFFSET {int(part.start)}",
            self.params,
            [(3, Question._meta.get_field("bureau_at")), (5, Question._meta.get_field("bureau_deadline"))],
        )
        return [dict(zip(QUEUE_ROW, row, strict=True)) for row in rows]


# What a row of the queue shows (advice_tags.bureau_rows).
QUEUE_ROW = (
    "pk",
    "subject",
    "direct_reason",
    "bureau_at",
    "state",
    "bureau_deadline",
    "officer__username",
    "officer__first_name",
    "officer__last_name",
)


def queue_counts(user, *, state="", min_age_days=None, now=None) -> tuple[dict[str, int], int]:
    """Per state of the queue, how many questions that reached the Bureau `user` sees; and how many of
    them `QueuePage` lists with the same filter.

    An officer's unfiltered or per-state view takes the counts kept per generation (advice.queue).
    A filter on age (its cut-off moves with the clock), a state outside the queue or someone else
    counts in one pass over the queue (not the closed history), written out (docs/performance.md)."""
    if is_integrity_officer(user) and not min_age_days and (not state or state in BUREAU_QUEUE_STATES):
        counts = queue.visible_counts(user)
        return counts, counts.get(state, 0) if state else sum(counts.values())
    now = now or timezone.now()
    rule, rule_params = visibility_sql(user, "q")
    listed, listed_params = _queue_sql(state=state, min_age_days=min_age_days, now=now)
    states = [*BUREAU_QUEUE_STATES, state] if state and state not in BUREAU_QUEUE_STATES else BUREAU_QUEUE_STATES
    rows = sql.fetch(
        f"SELECT q.state, COUNT(*), SUM(CASE WHEN {listed} THEN 1 ELSE 0 END) FROM advice_question q"  # noqa: S608 (values are parameters)  # nosec B608
        f" WHERE q.bureau_at IS NOT NULL AND q.state IN ({', '.join(['%s'] * len(states))}) AND {rule}"
        " GROUP BY q.state",
        [*listed_params, *(str(value) for value in states), *rule_params],
    )
    return {row[0]: row[1] for row in rows}, sum(int(row[2] or 0) for row in rows)


def published_faq():
    return FaqEntry.objects.filter(is_published=True).order_by("rule_anchor", "-published_at")


# --- Statistics (anonymous rows only) ---------------------------------------------------------------
# The method (docs/advice.md, "Statistics"): a figure is a count of questions, but the threshold is
# about people: a group of fewer than MIN_GROUP different askers shows no figure. Because every table
# adds up to the total shown above it, one hidden cell could be computed back (total minus the rest):
# complementary suppression hides the next smallest cells of the same table until the hidden cells
# together are a group of at least MIN_GROUP people. A share is only shown when the group it is a
# share of, the part and the rest are each at least MIN_GROUP people.
class _Group:
    """Questions in one statistics group, and how many different people asked them."""

    def __init__(self):
        self.questions = 0
        self.people = set()

    def add(self, asker):
        self.questions += 1
        self.people.add(asker)

    @property
    def large_enough(self) -> bool:
        return len(self.people) >= MIN_GROUP

    @property
    def figure(self):
        # A group of fewer than MIN_GROUP people shows no figure, however many questions they asked.
        return self.questions if self.large_enough else None


def protect(groups: dict) -> dict:
    """The figure to show per key of one table whose cells add up to a total that is shown (None:
    hidden). Cells of fewer than MIN_GROUP people are hidden; then, as long as the hidden cells
    together are fewer than MIN_GROUP people (so their sum, the total minus the shown cells, would
    tell the size of a small group), the smallest cell still shown is hidden too."""
    hidden = {key for key, group in groups.items() if not group.large_enough}

    def hidden_people():
        return set().union(*(groups[key].people for key in hidden)) if hidden else set()

    while hidden and len(hidden_people()) < MIN_GROUP:
        shown = [key for key in groups if key not in hidden]
        if not shown:
            break  # everything hidden: then the total is a small group too, and hidden itself
        hidden.add(min(shown, key=lambda key: (groups[key].questions, len(groups[key].people), str(key))))
    return {key: None if key in hidden else group.questions for key, group in groups.items()}


def _share(part: _Group, whole: _Group, rest: _Group):
    """`part` as a percentage of `whole`, only when the whole, the part and the rest are each large
    enough groups (a share of a small group, or 0 % / 100 % of one, would point at people)."""
    if not (whole.large_enough and part.large_enough and rest.large_enough):
        return None
    return round(100 * part.questions / whole.questions)


def _median_hours(rows, column):
    values = [row[column] for row in rows if row[column] is not None]
    if len({row["asker"] for row in rows if row[column] is not None}) < MIN_GROUP:
        return None
    return round(statistics.median(values) / 3600, 1)


def advice_statistics():
    """Figures for the Bureau, protected as described above (None: not shown).

    While a question exists its asker is known (through the question, which points to its row); once
    the retention job removed it, its anonymous row counts as one person of its own.
    """
    rows = [
        {**row, "asker": row["question__asker_id"] or ("removed", row["pk"])}
        for row in QuestionStatistic.objects.values(
            "pk",
            "question__asker_id",
            "month",
            "channel",
            "rule_anchor",
            "question__rule_label",
            "direct",
            "escalated",
            "manager_answer_seconds",
            "bureau_answer_seconds",
        )
    ]
    total, direct, routed, escalated, not_escalated = _Group(), _Group(), _Group(), _Group(), _Group()
    per_month, per_channel, per_rule = defaultdict(_Group), defaultdict(_Group), defaultdict(_Group)
    for row in rows:
        total.add(row["asker"])
        per_month[row["month"]].add(row["asker"])
        per_channel[row["channel"]].add(row["asker"])
        per_rule[row["rule_anchor"]].add(row["asker"])
        if row["direct"]:
            direct.add(row["asker"])
        else:
            routed.add(row["asker"])
            (escalated if row["escalated"] else not_escalated).add(row["asker"])
    rules = _rule_names(rows)
    channels = dict(Channel.choices)

    def table(groups, label):
        shown = protect(groups)
        ordered = sorted(groups.items(), key=lambda item: (-item[1].questions, str(item[0])))
        return [(label(key), shown[key]) for key, _group in ordered]

    # Direct and routed add up to the total: one table of two cells (routed is not shown, but is the
    # total minus direct).
    route = protect({key: group for key, group in (("direct", direct), ("routed", routed)) if group.questions})
    return {
        "total": total.figure,
        "per_month": [
            (month, figure) for month, figure in sorted(protect(per_month).items(), key=lambda i: i[0], reverse=True)
        ],
        "per_channel": table(per_channel, lambda key: channels.get(key, key)),
        "per_rule": table(per_rule, lambda key: rules.get(key, key) if key else _("Geen bepaalde regel")),
        "median_manager_hours": _median_hours(rows, "manager_answer_seconds"),
        "median_bureau_hours": _median_hours(rows, "bureau_answer_seconds"),
        "direct": route.get("direct", 0 if total.large_enough else None),
        "escalated_share": _share(escalated, routed, not_escalated),
    }


def _rule_names(rows) -> dict[str, str]:
    """A name for every rule anchor in the figures, never the anchor itself: the current note's title
    of the rule, else the name the question had when it was asked, else the anchor spelled as words."""
    names = defaultdict(str)
    for row in rows:
        if row["rule_anchor"] and row["question__rule_label"]:
            names[row["rule_anchor"]] = row["question__rule_label"]
    names.update(rule_choices())
    for row in rows:
        anchor = row["rule_anchor"]
        if anchor and not names[anchor]:
            names[anchor] = anchor.replace("-", " ").capitalize()
    return names


def faq_by_rule():
    grouped = defaultdict(list)
    for entry in published_faq().only("pk", "title", "question_text", "answer_text", "rule_anchor", "rule_label"):
        grouped[entry.rule_anchor].append(entry)
    return grouped
