"""Builders for test data: short, explicit, no magic."""

import itertools

from django.utils import timezone

from organisation.models import OrgUnit, Person

_counter = itertools.count(1)


def make_unit(code, name=None, parent=None, kind=OrgUnit.Kind.TEAM):
    return OrgUnit.objects.create(code=code, name=name or code, parent=parent, kind=kind)


def make_person(username=None, *, unit=None, manager=None, password="demo", **extra):
    number = next(_counter)
    username = username or f"person{number}"
    extra.setdefault("first_name", username.capitalize())
    extra.setdefault("last_name", "Test")
    extra.setdefault("email", f"{username}@stad.antwerpen.be")
    extra.setdefault("personeelsnummer", f"T{number:06d}")
    person = Person(username=username, unit=unit, manager=manager, **extra)
    person.set_password(password)
    person.save()
    return person


def make_asked(version, *people, at, kind="acknowledge"):
    """Record `people` as asked about `version` at `at`, as the reminder job does the first time it finds
    them (members: with the due date it tells them; kind "notify_team": a chef asked to notify their team)."""
    from django.utils import timezone

    from codeofconduct import audience
    from codeofconduct.models import Obligation

    due_on = audience.due_on_when_asked(version, timezone.localdate(at)) if kind == "acknowledge" else None
    Obligation.objects.bulk_create(
        [Obligation(person=person, version=version, kind=kind, asked_at=at, due_on=due_on) for person in people],
        ignore_conflicts=True,
    )


def make_faq_entry(by, **fields):
    """An FAQ entry (a draft unless `is_published=True`) about the loyalty rule, written by `by`."""
    from advice.models import FaqEntry  # here: tests without the advice app import this module too

    defaults = {
        "title": "Mag ik een foto van mijn werkplek delen?",
        "question_text": "q",
        "answer_text": "a",
        "rule_anchor": "loyaliteit",
        "rule_label": "Loyaliteit",
        "created_at": timezone.now(),
    }
    return FaqEntry.objects.create(edited_by=by, **(defaults | fields))
