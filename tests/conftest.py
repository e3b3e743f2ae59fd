"""Personas, built once per test (healthchecks' alice/bob/charlie, here in the city's roles).

- employee (`medewerker`) in team A, whose chef is `chef`;
- colleague (`medewerker2`) in team B, whose chef is `other_chef`;
- chef: the chef-waardeerder of team A; other_chef: of team B;
- editor (Redactie), integrity (Bureau voor Integriteit), admin (beheerder).
"""

from dataclasses import dataclass

import pytest
from django.test import Client

from organisation.models import OrgUnit, Person
from tests.factories import make_person, make_unit
from tests.world import world  # noqa: F401 (a fixture: real objects for every URL)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a page rendered by an earlier test is not reused."""
    from django.core.cache import cache

    cache.clear()


@dataclass
class City:
    city: OrgUnit
    department: OrgUnit
    service: OrgUnit
    team_a: OrgUnit
    team_b: OrgUnit
    director: Person
    chef: Person
    other_chef: Person
    employee: Person
    colleague: Person
    editor: Person
    integrity: Person
    admin: Person


@pytest.fixture
def city(db) -> City:
    stad = make_unit("STAD", "Stad Antwerpen", kind=OrgUnit.Kind.CITY)
    department = make_unit("BZ", "Bedrijfsvoering", parent=stad, kind=OrgUnit.Kind.DEPARTMENT)
    service = make_unit("BZ-COM", "Communicatie", parent=department, kind=OrgUnit.Kind.SERVICE)
    team_a = make_unit("BZ-COM-A", "Team Online", parent=service)
    team_b = make_unit("BZ-COM-B", "Team Pers", parent=service)
    director = make_person("directeur", unit=department, first_name="Els", last_name="Claes")
    chef = make_person("chef", unit=team_a, manager=director, first_name="Tom", last_name="Peeters")
    other_chef = make_person("chef2", unit=team_b, manager=director, first_name="Sofie", last_name="Maes")
    employee = make_person("medewerker", unit=team_a, manager=chef, first_name="Lotte", last_name="Janssens")
    colleague = make_person("medewerker2", unit=team_b, manager=other_chef, first_name="Wout", last_name="Jacobs")
    editor = make_person(
        "redactie", unit=department, manager=director, is_editor=True, first_name="Hanne", last_name="Willems"
    )
    integrity = make_person(
        "integriteit", unit=stad, is_integrity_officer=True, first_name="Bram", last_name="Goossens"
    )
    admin = make_person("admin", unit=stad, is_staff=True, is_superuser=True, first_name="An", last_name="Beheer")
    return City(
        stad,
        department,
        service,
        team_a,
        team_b,
        director,
        chef,
        other_chef,
        employee,
        colleague,
        editor,
        integrity,
        admin,
    )


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def as_employee(city):
    return client_for(city.employee)


@pytest.fixture
def as_colleague(city):
    return client_for(city.colleague)


@pytest.fixture
def as_chef(city):
    return client_for(city.chef)


@pytest.fixture
def as_other_chef(city):
    return client_for(city.other_chef)


@pytest.fixture
def as_editor(city):
    return client_for(city.editor)


@pytest.fixture
def as_integrity(city):
    return client_for(city.integrity)


@pytest.fixture
def as_admin(city):
    return client_for(city.admin)


from tests.oidc_provider.fixtures import oidc, oidc_provider  # noqa: E402, F401 (fixtures: a real OpenID Connect provider)
