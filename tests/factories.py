"""Builders for test data: short, explicit, no magic."""

import itertools

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
