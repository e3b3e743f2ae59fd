"""Who may see an advice question: ONE rule, used by lists, counts, details, downloads and e-mails.

A person sees a question in one or more capacities:
- ASKER: they asked it;
- MANAGER: it is routed to them, or to a leidinggevende for whom they are plaatsvervanger today and
  it was still open when their period began (asked during the period, or open then): never the
  manager's history of questions closed before the period;
- PAST_DEPUTY: they acted on it as the leidinggevende's plaatsvervanger (answered, asked for more,
  escalated): they keep reading it after their period, without taking steps;
- BUREAU: they are an integrity officer and the question reached the Bureau (escalated or direct),
  unless the question is about them (an officer who is also the asker's leidinggevende).
Nobody else, whatever their role: not other managers, not Redactie, not beheerders. Others get 404.
"""

import datetime
import enum

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from config import sql
from organisation.models import Deputy, Person
from organisation.roles import is_employee, is_integrity_officer


class Capacity(enum.StrEnum):
    ASKER = "asker"
    MANAGER = "manager"
    # A plaatsvervanger whose period ended (or who acted in an earlier one): reads what they acted on.
    PAST_DEPUTY = "past_deputy"
    BUREAU = "bureau"
    # The officer who took the question up ("Ik neem dit op"): the one who answers it.
    ASSIGNED_OFFICER = "assigned_officer"


# The steps a leidinggevende (or their plaatsvervanger) takes: all from "with the leidinggevende".
MANAGER_STEP_KINDS = ("antwoord_leidinggevende", "info_gevraagd", "geescaleerd")
WITH_MANAGER = "bij_leidinggevende"


# Who reads a question only as its leidinggevende (after escalation: that it went to the Bureau and how
# it ended, nothing of the Bureau's work).
MANAGER_VIEW = (frozenset({Capacity.MANAGER}), frozenset({Capacity.PAST_DEPUTY}))


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _period_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _acts_for(user, today) -> tuple[dict[int, datetime.date], bool]:
    """Whom `user` deputises for today, each with the start of their period; and whether they were
    ever a plaatsvervanger (then what they acted on stays theirs). One query, kept per request; none
    for a signed-in person whose own query says they were never named one."""
    cache = getattr(user, "_advice_acts_for", None)
    if cache is not None and cache[0] == today:
        return cache[1], cache[2]
    periods = {}
    ever = False
    if getattr(user, "has_deputy_periods", None) is not False:  # False: their own query said never (backends)
        # Written out (docs/performance.md): every advice page asks this, and the ORM's query cost more
        # Python than the database takes to answer it.
        rows = sql.fetch(
            'SELECT d.manager_id, d.starts_on, d.ends_on FROM "organisation_deputy" d'
            " WHERE d.deputy_id = %s AND d.starts_on <= %s",
            [user.pk, connection.ops.adapt_datefield_value(today)],
            [(1, Deputy._meta.get_field("starts_on")), (2, Deputy._meta.get_field("ends_on"))],
        )
        for manager_id, starts_on, ends_on in rows:
            ever = True
            if ends_on >= today and manager_id != user.pk:
                periods[manager_id] = min(starts_on, periods.get(manager_id, starts_on))
    user._advice_acts_for = (today, periods, ever)
    return periods, ever


def managers_acted_for(user, *, today=None) -> list[int]:
    """Ids of the leidinggevenden whose routed questions `user` handles today: themselves and whom they deputise."""
    if not is_employee(user):
        return []
    periods, _ever = _acts_for(user, _today(today))
    return [user.pk, *periods]


def _acted_on(user, events):
    """The events that show `user` acting as plaatsvervanger (a manager's step on someone else's
    question). `events`: the timeline's manager (advice.models imports this module, so the timeline
    model is handed in, not imported)."""
    return events.filter(actor=user, from_state=WITH_MANAGER, kind__in=MANAGER_STEP_KINDS).exclude(question__asker=user)


def acted_filter(user, events, *, today=None) -> Q:
    """The questions `user` acted on as plaatsvervanger (empty for who never was one)."""
    if not is_employee(user):
        return Q(pk__in=[])
    _periods, ever = _acts_for(user, _today(today))
    if not ever:
        return Q(pk__in=[])
    return Q(pk__in=_acted_on(user, events).values("question_id"))


def route_filter(user, *, today=None) -> Q:
    """The questions `user` handles as leidinggevende today: their own, and those of whom they deputise
    for that were still open when the period began, but never a question they asked themselves (a
    plaatsvervanger of their own leidinggevende reads it as its asker, and cannot answer it)."""
    periods, _ever = _acts_for(user, _today(today))
    rule = Q(manager_id=user.pk)
    for manager_id, starts_on in periods.items():
        rule |= (
            Q(manager_id=manager_id)
            & ~Q(asker_id=user.pk)
            & (Q(closed_at__isnull=True) | Q(closed_at__gte=_period_start(starts_on)))
        )
    return rule


def visibility_filter(user, *, events, today=None) -> Q:
    """The rule as a filter on Question (`events`: QuestionEvent's manager). `capacities` below is the
    same rule for one question."""
    if not is_employee(user):
        return Q(pk__in=[])
    rule = Q(asker=user) | route_filter(user, today=today) | acted_filter(user, events, today=today)
    if is_integrity_officer(user):
        rule |= Q(bureau_at__isnull=False) & ~Q(concerns_person=user)
    return rule


def visibility_sql(user, alias: str, *, today=None) -> tuple[str, list]:
    """The rule as a SQL condition on `advice_question AS <alias>`, with its parameters, for the
    written-out queries (docs/performance.md): the same rule as `visibility_filter`, branch for
    branch (tests/advice/test_written_out_rule.py compares the two)."""
    if not is_employee(user):
        return "1 = 0", []
    periods, ever = _acts_for(user, _today(today))
    ops = connection.ops
    rule = [f"{alias}.asker_id = %s", f"{alias}.manager_id = %s"]
    params = [user.pk, user.pk]
    for manager_id, starts_on in periods.items():
        rule.append(f"({alias}.manager_id = %s AND ({alias}.closed_at IS NULL OR {alias}.closed_at >= %s))")
        params += [manager_id, ops.adapt_datetimefield_value(_period_start(starts_on))]
    if ever:
        kinds = ", ".join(["%s"] * len(MANAGER_STEP_KINDS))
        rule.append(
            f"{alias}.id IN (SELECT e.question_id FROM advice_questionevent e"  # noqa: S608 (values are parameters)  # nosec B608
            " INNER JOIN advice_question acted ON acted.id = e.question_id"
            f" WHERE e.actor_id = %s AND e.from_state = %s AND e.kind IN ({kinds}) AND acted.asker_id <> %s)"
        )
        params += [user.pk, WITH_MANAGER, *MANAGER_STEP_KINDS, user.pk]
    if is_integrity_officer(user):
        rule.append(
            f"({alias}.bureau_at IS NOT NULL"
            f" AND ({alias}.concerns_person_id IS NULL OR {alias}.concerns_person_id <> %s))"
        )
        params.append(user.pk)
    return f"({' OR '.join(rule)})", params


def _handles(question, period_start: datetime.date | None) -> bool:
    """Whether a plaatsvervanger whose period began on `period_start` handles `question`."""
    if period_start is None:
        return False
    return question.closed_at is None or question.closed_at >= _period_start(period_start)


def capacities(user, question, *, today=None) -> frozenset[Capacity]:
    """In which capacities `user` sees `question` (empty: not at all)."""
    if not is_employee(user):
        return frozenset()
    periods, ever = _acts_for(user, _today(today))
    handles_route = question.manager_id is not None and (
        question.manager_id == user.pk or _handles(question, periods.get(question.manager_id))
    )
    acted = (
        ever
        and not handles_route
        and question.manager_id is not None
        and _acted_on(user, question.events.model.objects).filter(question_id=question.pk).exists()
    )
    return _held(user, question, handles_route=handles_route, acted=acted)


def _held(user, question, *, handles_route: bool, acted: bool = False) -> frozenset[Capacity]:
    """The rule itself, for an active `user`; `handles_route`: they are the question's leidinggevende or
    its plaatsvervanger today for this question; `acted`: they acted on it as plaatsvervanger (the
    facts that need the deputies table and the timeline)."""
    if not is_employee(user):
        return frozenset()
    held = set()
    if question.asker_id == user.pk:
        # Nobody is leidinggevende of their own question, not even as plaatsvervanger of their own.
        held.add(Capacity.ASKER)
    elif handles_route:
        held.add(Capacity.MANAGER)
    elif acted:
        held.add(Capacity.PAST_DEPUTY)
    if is_integrity_officer(user) and question.bureau_at is not None and question.concerns_person_id != user.pk:
        held.add(Capacity.BUREAU)
        if question.officer_id == user.pk:
            held.add(Capacity.ASSIGNED_OFFICER)
    return frozenset(held)


def can_view(user, question, *, today=None) -> bool:
    return bool(capacities(user, question, today=today))


def manager_handlers(manager, *, asker, today=None) -> list[Person]:
    """Who handles `asker`'s question routed to `manager` today: the manager (when active) and their
    deputies, but not the asker, who may be the plaatsvervanger of their own leidinggevende."""
    if manager is None:
        return []
    today = _today(today)
    people = [manager] if manager.is_active and manager.pk != asker.pk else []
    deputies = Person.objects.filter(
        is_active=True,
        deputising_for__manager=manager,
        deputising_for__starts_on__lte=today,
        deputising_for__ends_on__gte=today,
    ).distinct()
    people.extend(person for person in deputies if person.pk not in (manager.pk, asker.pk))
    return people


def viewers(question, *, today=None) -> list[Person]:
    """Everyone who can read `question` right now ("Wie kan dit zien?"), following the same rule.

    The asker, the leidinggevende, today's plaatsvervangers, the former plaatsvervangers who acted on
    it and (once it reached the Bureau) the officers, each checked against the rule. They come in one
    query that marks who is who, so no person costs a query of their own.
    """
    today = _today(today)
    deputy, acted, officer = 1, 2, 3
    others = _viewer_candidates(question, today, deputy=deputy, acted=acted, officer=officer)
    starts = {person.pk: person.period_start for person in others if person.part == deputy}
    acted_ids = {person.pk for person in others if person.part == acted}
    candidates = [question.asker]
    if question.manager_id is not None:
        candidates.append(question.manager)
    # In the order the page lists them: asker, leidinggevende, plaatsvervangers, then the Bureau.
    candidates += [person for person in others if person.part in (deputy, acted)]
    candidates += [person for person in others if person.part == officer]
    people = {}
    for person in candidates:
        if person.pk in people:
            continue
        start = starts.get(person.pk)
        if isinstance(start, str):  # SQLite gives a date from a union's subquery as text
            start = datetime.date.fromisoformat(start)
        handles_route = question.manager_id is not None and (
            person.pk == question.manager_id or _handles(question, start)
        )
        if _held(person, question, handles_route=handles_route, acted=person.pk in acted_ids):
            people[person.pk] = person
    return list(people.values())


def _viewer_candidates(question, today, *, deputy, acted, officer) -> list[Person]:
    """The people who may be among `viewers` besides the asker and the leidinggevende, each marked with
    its `part` (today's `deputy` with the start of their period, who `acted` as plaatsvervanger, an
    `officer` of the Bureau), active only, by name: one written-out SELECT (docs/performance.md).

    Each part selects its people by index (the leidinggevende's periods, the question's steps, the
    partial index on officers), glued together with UNION ALL (an OR in one WHERE would read every
    person); `viewers` then checks each against the rule."""
    parts, params = [], []
    if question.manager_id is not None:
        # The earliest of their periods that run today: the one that dates what they handle.
        parts.append(
            f"SELECT d.deputy_id AS id, {deputy:d} AS part, MIN(d.starts_on) AS period_start"  # noqa: S608 (values are parameters)  # nosec B608
            " FROM organisation_deputy d WHERE d.manager_id = %s AND d.starts_on <= %s AND d.ends_on >= %s"
            " GROUP BY d.deputy_id"
        )
        params += [question.manager_id, today, today]
        kinds = ", ".join(["%s"] * len(MANAGER_STEP_KINDS))
        parts.append(
            f"SELECT DISTINCT e.actor_id AS id, {acted:d} AS part, CAST(NULL AS DATE) AS period_start FROM advice_questionevent e"  # noqa: S608 (values are parameters)  # nosec B608
            f" WHERE e.question_id = %s AND e.from_state = %s AND e.kind IN ({kinds}) AND e.actor_id IS NOT NULL"
            " AND e.actor_id <> %s AND e.actor_id <> %s"
            # A plaatsvervanger by today (as `_acts_for`'s `ever`): not a leidinggevende who took the
            # step on a question passed on from them, and came back.
            " AND e.actor_id IN (SELECT w.deputy_id FROM organisation_deputy w WHERE w.starts_on <= %s)"
        )
        params += [question.pk, WITH_MANAGER, *MANAGER_STEP_KINDS, question.manager_id, question.asker_id, today]
    if question.bureau_at is not None:
        parts.append(
            f"SELECT o.id AS id, {officer:d} AS part, CAST(NULL AS DATE) AS period_start FROM organisation_person o"  # noqa: S608 (values are parameters)  # nosec B608
            " WHERE o.is_active AND o.is_integrity_officer"
        )
    if not parts:
        return []
    rows = sql.fetch(
        f"SELECT {sql.columns(Person, 'p')}, c.part, c.period_start FROM ({' UNION ALL '.join(parts)}) c"  # noqa: S608 (values are parameters)  # nosec B608
        " INNER JOIN organisation_person p ON p.id = c.id WHERE p.is_active"
        " ORDER BY p.last_name, p.first_name, p.id, c.part",
        params,
    )
    people = sql.instances(Person, rows)
    width = len(Person._meta.concrete_fields)
    for person, row in zip(people, rows, strict=True):
        person.part, person.period_start = row[width], row[width + 1]
    return people
