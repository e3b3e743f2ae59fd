"""Who may see an advice question: ONE rule, used by lists, counts, details, downloads and e-mails.

A person sees a question in one or more capacities:
- ASKER: they asked it;
- MANAGER: it is routed to them, or to a leidinggevende for whom they are plaatsvervanger today;
- BUREAU: they are an integrity officer and the question reached the Bureau (escalated or direct),
  unless the question is about them (an officer who is also the asker's leidinggevende).
Nobody else, whatever their role: not other managers, not Redactie, not beheerders. Others get 404.
"""

import datetime
import enum

from django.db.models import Q, Value
from django.utils import timezone

from organisation.models import Deputy, Person
from organisation.roles import is_employee, is_integrity_officer


class Capacity(enum.StrEnum):
    ASKER = "asker"
    MANAGER = "manager"
    BUREAU = "bureau"
    # The officer who took the question up ("Ik neem dit op"): the one who answers it.
    ASSIGNED_OFFICER = "assigned_officer"


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def managers_acted_for(user, *, today=None) -> list[int]:
    """Ids of the leidinggevenden whose routed questions `user` handles today: themselves and whom they deputise."""
    if not is_employee(user):
        return []
    today = _today(today)
    cache = getattr(user, "_advice_acts_for", None)
    if cache is None or cache[0] != today:
        deputised = Deputy.objects.filter(deputy=user, starts_on__lte=today, ends_on__gte=today)
        cache = (today, [user.pk, *deputised.values_list("manager_id", flat=True)])
        user._advice_acts_for = cache
    return cache[1]


def visibility_filter(user, *, today=None) -> Q:
    """The rule as a filter on Question. `capacities` below is the same rule for one question."""
    if not is_employee(user):
        return Q(pk__in=[])
    rule = Q(asker=user) | Q(manager_id__in=managers_acted_for(user, today=today))
    if is_integrity_officer(user):
        rule |= Q(bureau_at__isnull=False) & ~Q(concerns_person=user)
    return rule


def capacities(user, question, *, today=None) -> frozenset[Capacity]:
    """In which capacities `user` sees `question` (empty: not at all)."""
    if not is_employee(user):
        return frozenset()
    handles_route = question.manager_id is not None and question.manager_id in managers_acted_for(user, today=today)
    return _held(user, question, handles_route=handles_route)


def _held(user, question, *, handles_route: bool) -> frozenset[Capacity]:
    """The rule itself, for an active `user`; `handles_route`: they are the question's leidinggevende or
    its plaatsvervanger today (the one fact that needs the deputies table)."""
    if not is_employee(user):
        return frozenset()
    held = set()
    if question.asker_id == user.pk:
        held.add(Capacity.ASKER)
    if handles_route:
        held.add(Capacity.MANAGER)
    if is_integrity_officer(user) and question.bureau_at is not None and question.concerns_person_id != user.pk:
        held.add(Capacity.BUREAU)
        if question.officer_id == user.pk:
            held.add(Capacity.ASSIGNED_OFFICER)
    return frozenset(held)


def can_view(user, question, *, today=None) -> bool:
    return bool(capacities(user, question, today=today))


def manager_handlers(manager, *, today=None) -> list[Person]:
    """Who handles questions routed to `manager` today: the manager (when active) and their deputies."""
    if manager is None:
        return []
    today = _today(today)
    people = [manager] if manager.is_active else []
    deputies = Person.objects.filter(
        is_active=True,
        deputising_for__manager=manager,
        deputising_for__starts_on__lte=today,
        deputising_for__ends_on__gte=today,
    ).distinct()
    people.extend(person for person in deputies if person.pk != manager.pk)
    return people


def viewers(question, *, today=None) -> list[Person]:
    """Everyone who can read `question` right now ("Wie kan dit zien?"), following the same rule.

    The asker, the leidinggevende, today's plaatsvervangers and (once it reached the Bureau) the
    officers, each checked against the rule. Plaatsvervangers and officers come in one query that
    marks who acts for the leidinggevende today, so no person costs a query of their own.
    """
    today = _today(today)
    parts = []
    if question.manager_id is not None:
        deputy_ids = Deputy.objects.filter(
            manager_id=question.manager_id, starts_on__lte=today, ends_on__gte=today
        ).values("deputy_id")
        parts.append(
            Person.objects.filter(is_active=True, pk__in=deputy_ids).annotate(deputising_today=Value(True)).order_by()
        )
    if question.bureau_at is not None:
        parts.append(
            Person.objects.filter(is_active=True, is_integrity_officer=True)
            .annotate(deputising_today=Value(False))
            .order_by()
        )
    # Two index lookups glued together (UNION ALL): an OR in one WHERE would read every person.
    others = list(parts[0].union(*parts[1:], all=True).order_by("last_name", "first_name")) if parts else []
    deputies = {person.pk for person in others if person.deputising_today}
    candidates = [question.asker]
    if question.manager_id is not None:
        candidates.append(question.manager)
    # In the order the page lists them: asker, leidinggevende, plaatsvervangers, then the Bureau.
    candidates += [person for person in others if person.deputising_today]
    candidates += [person for person in others if not person.deputising_today]
    people = {}
    for person in candidates:
        if person.pk in people:
            continue
        handles_route = question.manager_id is not None and (person.pk == question.manager_id or person.pk in deputies)
        if _held(person, question, handles_route=handles_route):
            people[person.pk] = person
    return list(people.values())
