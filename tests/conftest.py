"""Personas, built once per test (healthchecks' alice/bob/charlie, here in the city's roles).

- employee (`medewerker`) in team A, whose chef is `chef`;
- colleague (`medewerker2`) in team B, whose chef is `other_chef`;
- chef: the chef-waardeerder of team A; other_chef: of team B;
- editor (Redactie), integrity (Bureau voor Integriteit), admin (beheerder).
"""

import datetime
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from organisation.models import OrgUnit, Person
from tests.factories import make_person, make_unit
from tests.world import world  # noqa: F401 (a fixture: real objects for every URL)

# The instant at which every test starts: a Tuesday morning in Antwerp, nowhere near a weekend, a
# holiday, midnight or a change of summer time. `TEST_NOW=2026-03-29T01:30+01:00 make test` runs the
# suite at another instant; `make test-clocks` runs it at the awkward ones (docs/testing.md).
DEFAULT_TEST_NOW = "2026-11-17T10:00:00+01:00"


def chosen_now() -> datetime.datetime:
    """The instant of TEST_NOW (ISO 8601 with its UTC offset), or the default one."""
    value = os.environ.get("TEST_NOW", "").strip() or DEFAULT_TEST_NOW
    instant = datetime.datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise pytest.UsageError(f"TEST_NOW={value!r} needs its UTC offset, e.g. 2026-03-29T01:30+01:00")
    # A fixed offset, never a zone name: time-machine would then change the process's time zone.
    return instant.astimezone(datetime.UTC)


@pytest.fixture(autouse=True)
def suite_clock():
    """Every test starts with the clock at TEST_NOW (default: DEFAULT_TEST_NOW), never the real time.

    The clock then runs on from there (tick=True), so a test lasts as long as it does, timestamps
    stay ordered and the live server of the browser tests (same process) keeps time with the test.
    Python's clock is moved (time.time, datetime.now, date.today, timezone.now); time.monotonic and
    perf_counter are not, so timeouts and Hypothesis's deadlines still measure real durations.

    A test that needs another instant moves the clock itself, on top of this one:

        with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
            ...                                   # frozen there; back to TEST_NOW afterwards

    or asks for this fixture and moves it: `suite_clock.move_to(instant)` (jumps, keeps ticking)
    or `suite_clock.shift(datetime.timedelta(days=1))`; time-machine's own `time_machine` fixture
    works too. Relative times (`timezone.now() - timedelta(days=3)`) are relative to TEST_NOW.
    """
    with time_machine.travel(chosen_now(), tick=True) as traveller:
        yield traveller


def clock_standing_at(instant):
    """For a `clock` fixture: time stands at `instant` until the test moves it (`clock.move_to`)."""
    with time_machine.travel(instant, tick=False) as traveller:
        yield traveller


CLOCK_SITE = Path(__file__).resolve().parent / "clock_site"


def clock_environment() -> dict[str, str]:
    """Environment for a Python process a test starts, so that it keeps the test's time, not the real one.

    tests/clock_site/sitecustomize.py reads it at the process's start (mail workers, the schedule runner).
    """
    if not time_machine.escape_hatch.is_travelling():
        return {}
    offset = time.time() - time_machine.escape_hatch.time.time()  # the test's clock minus the real one
    paths = [str(CLOCK_SITE), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {"PYTHONPATH": os.pathsep.join(paths), "TEST_CLOCK_OFFSET": repr(offset)}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a page rendered by an earlier test is not reused, nor is the
    shared content or compliance figures an earlier test's data left in this process
    (codeofconduct.shared, codeofconduct.figures)."""
    from django.core.cache import cache

    from codeofconduct import figures, shared

    cache.clear()
    shared.forget()
    figures.forget()


@pytest.fixture(autouse=True)
def _language_of_the_city():
    """Each test starts in the site's language (Dutch), as a new request does.

    A request in English leaves English active in the thread after the response (LocaleMiddleware
    does not switch back), so a later test in the same worker that reads a message outside a request
    (a service's ValidationError) would get it in English, depending on which tests ran before.
    """
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


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


def _signed_in(persona: str):
    """A fixture `as_<persona>`: a browser signed in as that person of the city."""

    @pytest.fixture(name=f"as_{persona}")
    def signed_in(city):
        return client_for(getattr(city, persona))

    return signed_in


as_employee = _signed_in("employee")
as_colleague = _signed_in("colleague")
as_chef = _signed_in("chef")
as_other_chef = _signed_in("other_chef")
as_editor = _signed_in("editor")
as_integrity = _signed_in("integrity")
as_admin = _signed_in("admin")


from tests.oidc_provider.fixtures import oidc, oidc_provider  # noqa: E402, F401 (fixtures: a real OpenID Connect provider)
from tests.two_servers import servers  # noqa: E402, F401 (a fixture: two app servers on the test database)
