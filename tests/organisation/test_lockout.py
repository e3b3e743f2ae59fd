"""Password guessing is slowed down per person, whatever spelling was typed, with the clock set explicitly.

Rules (organisation/lockout.py, docs/sign-in.md), within a 15-minute window: 5 failures for one
person from one address refuse that address for that person; 20 failures from one address refuse
that address; 30 failures for one person from all addresses refuse that person everywhere.
"""

import datetime

import pytest
from django.contrib import auth
from django.test import Client
from django.urls import reverse

from tests.conftest import clock_standing_at

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
STRANGER = "10.20.0.66"
EMPLOYEE_PC = "10.20.0.7"

SPELLINGS = [
    "medewerker",
    "MEDEWERKER",
    "  medewerker  ",
    "Medewerker",
    "medewerker@stad.antwerpen.be",
    "MEDEWERKER@STAD.ANTWERPEN.BE",
    " Medewerker@Stad.Antwerpen.be ",
    "ｍｅｄｅｗｅｒｋｅｒ",  # full-width: NFKC makes it "medewerker", as the login form does
    "ｍｅｄｅｗｅｒｋｅｒ＠ｓｔａｄ．ａｎｔｗｅｒｐｅｎ．ｂｅ",
]


def attempt(username, password, address, *, forwarded=None):
    client = Client()
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    response = client.post(reverse("login"), {"username": username, "password": password}, **extra)
    return response, auth.get_user(response.wsgi_request)


def fail(username, address, times=1, **kwargs):
    for _ in range(times):
        response, _user = attempt(username, "wrong", address, **kwargs)
        assert response.status_code == 200  # the form's message, not yet the lock


def assert_locked(response, user):
    assert response.status_code == 429
    assert "Tijdelijk geblokkeerd" in response.text
    assert not user.is_authenticated


@pytest.fixture
def clock():
    yield from clock_standing_at(START)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_lockout_holds_under_every_spelling_of_a_locked_account(city, clock, spelling):
    fail("medewerker", STRANGER, times=5)
    assert_locked(*attempt(spelling, "demo", STRANGER))


def test_failures_under_different_spellings_add_up_to_one_person(city, clock):
    for spelling in SPELLINGS[:5]:
        fail(spelling, STRANGER)
    assert_locked(*attempt("medewerker", "demo", STRANGER))


def test_four_failures_do_not_lock(city, clock):
    fail("medewerker", STRANGER, times=4)
    response, user = attempt("MEDEWERKER", "demo", STRANGER)
    assert response.status_code == 302
    assert user == city.employee


def test_a_stranger_elsewhere_cannot_lock_the_real_person_out(city, clock):
    fail("medewerker@stad.antwerpen.be", STRANGER, times=5)
    for _ in range(10):  # the stranger keeps going
        assert_locked(*attempt("medewerker", "demo", STRANGER))
    _response, user = attempt("medewerker", "demo", EMPLOYEE_PC)
    assert user == city.employee


def test_the_lock_ends_one_window_after_the_last_counted_failure(city, clock):
    fail("medewerker", STRANGER, times=5)
    clock.shift(datetime.timedelta(minutes=14, seconds=59))
    assert_locked(*attempt("medewerker", "demo", STRANGER))  # refused attempts do not extend it
    clock.shift(datetime.timedelta(seconds=2))
    _response, user = attempt("medewerker", "demo", STRANGER)
    assert user == city.employee


def test_signing_in_clears_the_persons_failures_from_that_address(city, clock):
    fail("medewerker", EMPLOYEE_PC, times=4)
    attempt("medewerker", "demo", EMPLOYEE_PC)
    fail("medewerker", EMPLOYEE_PC, times=4)
    _response, user = attempt("medewerker", "demo", EMPLOYEE_PC)
    assert user == city.employee


def test_unknown_names_are_locked_alike_so_the_lock_reveals_no_account(city, clock):
    fail("niemand@stad.antwerpen.be", STRANGER, times=5)
    response, _user = attempt("NIEMAND@stad.antwerpen.be", "wrong", STRANGER)
    assert response.status_code == 429


def test_failures_across_many_accounts_slow_that_address_down(city, clock):
    names = ["medewerker2", "chef2", "redactie", "integriteit", "directeur", "niemand1", "niemand2"]
    for index in range(20):
        fail(names[index % len(names)], STRANGER)
    # Now even a name it never tried is refused from that address, and only from that address.
    assert_locked(*attempt("chef", "demo", STRANGER))
    _response, user = attempt("chef", "demo", EMPLOYEE_PC)
    assert user == city.chef
    clock.shift(datetime.timedelta(minutes=15, seconds=1))
    _response, user = attempt("chef", "demo", STRANGER)
    assert user == city.chef


def test_guessing_one_person_from_many_addresses_is_capped_for_one_window(city, clock):
    addresses = [f"10.30.0.{n}" for n in range(1, 8)]
    for n in range(29):
        fail("medewerker", addresses[n % len(addresses)])
    _response, user = attempt("medewerker", "demo", EMPLOYEE_PC)
    assert user == city.employee  # 29 failures spread over seven addresses: the real person still gets in
    clock.shift(datetime.timedelta(minutes=1))
    fail("medewerker", "10.30.0.99")  # the 30th: now the person is refused everywhere ...
    assert_locked(*attempt("medewerker", "demo", EMPLOYEE_PC))
    assert_locked(*attempt("medewerker", "demo", "10.40.0.1"))
    clock.shift(datetime.timedelta(minutes=15, seconds=1))
    _response, user = attempt("medewerker", "demo", EMPLOYEE_PC)  # ... for one window at most
    assert user == city.employee


def test_behind_the_proxy_the_client_address_comes_from_the_proxy(city, clock, settings):
    settings.PROXY_COUNT = 1
    proxy = "10.0.0.1"
    fail("medewerker", proxy, times=5, forwarded=STRANGER)
    # Through the same proxy, the real person's own address is not locked out ...
    _response, user = attempt("medewerker", "demo", proxy, forwarded=EMPLOYEE_PC)
    assert user == city.employee
    # ... and the stranger cannot escape by putting another address in front of the proxy's.
    assert_locked(*attempt("medewerker", "demo", proxy, forwarded=f"10.99.99.99, {STRANGER}"))
