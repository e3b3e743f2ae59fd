"""Outages as the people using the app meet them, and what the load balancer is told.

- Redis (the shared cache) down: signed-in pages, signing in and out keep working from the
  database; /healthz says "degraded" with 200, so the server stays in rotation.
- The database down: every page answers 503 "Tijdelijk niet beschikbaar" with Retry-After, in the
  app's look; /healthz answers 503.
Both for real: a private redis-server that the test stops or pauses, and a database connection
that goes to a server that is not there.
"""

import contextlib
import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from config import cache as resilient_cache
from tests.operations.conftest import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings, private_redis):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return private_redis


def signed_in(person) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": person.username, "password": "demo"})
    assert response.status_code == 302
    return client


def health(client=None):
    response = (client or Client()).get("/healthz")
    return response.status_code, response.json()


def test_with_redis_stopped_signed_in_people_keep_working_and_health_says_degraded(
    city, current, shared_cache, monkeypatch
):
    client = signed_in(city.employee)
    assert client.get(reverse("home")).status_code == 200
    assert shared_cache.keys("*cached_db*"), "the session is read from Redis while it runs"
    assert health() == (200, {"status": "ok", "database": "up", "cache": "up", "worker": "none"})

    shared_cache.stop()

    assert client.get(reverse("home")).status_code == 200
    page = client.get(reverse("codeofconduct:version_detail", args=[current.pk]))
    assert page.status_code == 200 and current.nummer in page.text
    response = client.post(reverse("codeofconduct:acknowledge", args=[current.pk]))
    assert response.status_code == 302
    assert current.acknowledgements.filter(person=city.employee).count() == 1
    # A colleague signs in and out while Redis is gone.
    colleague = signed_in(city.colleague)
    assert colleague.get(reverse("home")).status_code == 200
    colleague.post(reverse("logout"))
    assert colleague.get(reverse("home")).status_code == 302
    # The load balancer keeps this server: it serves, only slower.
    assert health() == (200, {"status": "degraded", "database": "up", "cache": "down", "worker": "none"})

    shared_cache.start()  # the same port, empty
    monkeypatch.setattr(resilient_cache, "RETRY_SECONDS", 0.0)  # the breaker tries Redis again at once
    assert client.get(reverse("home")).status_code == 200
    assert health() == (200, {"status": "ok", "database": "up", "cache": "up", "worker": "none"})


@pytest.fixture
def quick_retry(monkeypatch):
    monkeypatch.setattr(resilient_cache, "RETRY_SECONDS", 0.0)


def test_a_sign_out_while_redis_hangs_is_not_undone_when_it_answers_again(city, shared_cache, quick_retry):
    """Redis paused (a network cut) keeps its copy of the session; the sign-out could not delete it."""
    client = signed_in(city.employee)
    cookie = client.cookies["sessionid"].value
    assert client.get(reverse("home")).status_code == 200
    assert shared_cache.keys(f"*{cookie}*")

    shared_cache.pause()
    client.post(reverse("logout"))
    shared_cache.resume()
    assert shared_cache.keys(f"*{cookie}*"), "Redis came back with the signed-out session in it"

    thief = Client()
    thief.cookies["sessionid"] = cookie
    response = thief.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not shared_cache.keys(f"*{cookie}*")


def test_cache_calls_wait_no_longer_than_the_timeout_while_redis_hangs(city, shared_cache):
    cache = caches["default"]
    cache.set("probe", 1)
    shared_cache.pause()
    try:
        started = time.monotonic()
        for _ in range(20):
            assert cache.get("probe") is None
        # One timeout (0.5 s), then the breaker skips Redis for RETRY_SECONDS instead of waiting each time.
        assert time.monotonic() - started < 2
    finally:
        shared_cache.resume()


@contextlib.contextmanager
def database_gone():
    """The database server is not there: connections go to a port (or a file) where nothing is."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent/database/folder/db.sqlite3"
    else:
        connection.settings_dict["PORT"] = str(free_port())
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def assert_temporarily_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert '<html lang="nl">' in page
    assert "<h1>Tijdelijk niet beschikbaar</h1>" in page
    assert "Temporarily unavailable" in page
    assert "core-branding/main.min.css" in page  # the app's look, from the built assets


@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_pages_say_temporarily_unavailable(city, current):
    client = signed_in(city.employee)
    client.raise_request_exception = False
    assert client.get(reverse("home")).status_code == 200
    visitor = Client(raise_request_exception=False)

    with database_gone():
        for path in (reverse("home"), reverse("codeofconduct:version_detail", args=[current.pk])):
            assert_temporarily_unavailable(client.get(path))
        assert_temporarily_unavailable(client.post(reverse("codeofconduct:acknowledge", args=[current.pk])))
        assert_temporarily_unavailable(
            visitor.post(reverse("login"), {"username": city.colleague.username, "password": "demo"})
        )
        status, body = health()
        assert status == 503 and body == {
            "status": "unavailable",
            "database": "down",
            "cache": "local",
            "worker": "unknown",
        }

    # Back: the same browser goes on where it was; the click that met the outage was not recorded.
    assert client.get(reverse("home")).status_code == 200
    assert not current.acknowledgements.filter(person=city.employee).exists()
    assert health()[0] == 200


def test_any_other_error_is_still_the_500_page(rf):
    from config.health import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500


def test_a_deadlock_is_not_an_outage_while_the_database_answers(rf):
    """Only a database that cannot be reached gives the 'try again' page; a query's own error stays a 500."""
    from django.db import OperationalError

    from config.health import server_error

    class DeadlockDetected(Exception):
        sqlstate = "40P01"

    class AdminShutdown(Exception):
        sqlstate = "57P01"  # 'terminating connection due to administrator command': a restart

    for cause, status in ((DeadlockDetected(), 500), (AdminShutdown(), 503)):
        try:
            raise OperationalError("from the database") from cause
        except OperationalError:
            response = server_error(rf.get("/"))
        assert response.status_code == status, cause


def test_a_session_lost_with_the_database_is_an_outage_not_a_bad_request(rf):
    """The database goes away between the page and saving its session: Django's SessionInterrupted (400)."""
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.exceptions import SessionInterrupted
    from django.db import OperationalError

    from config.health import bad_request

    def interrupted(underneath):
        try:
            try:
                try:
                    raise underneath
                except Exception:
                    raise UpdateError  # noqa: B904 (as the database session backend raises it)
            except UpdateError:
                raise SessionInterrupted("The request's session was deleted before the request completed.")  # noqa: B904
        except SessionInterrupted as error:
            return error

    gone = OperationalError("connection refused")  # no SQLSTATE: the server cannot be reached
    response = bad_request(rf.get("/"), interrupted(gone))
    assert response.status_code == 503 and response["Retry-After"] == "30"

    class Bug(Exception):
        pass

    assert bad_request(rf.get("/"), interrupted(Bug())).status_code == 400


def test_the_load_balancer_asks_over_plain_http_by_address_under_production_settings(settings, client):
    """No HTTPS redirect and no host check for /healthz: a load balancer probes each server by its address."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["gedragscode.antwerpen.be"]
    response = client.get("/healthz", HTTP_HOST="10.20.30.40:8000")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    # Every other page still goes to HTTPS, and a foreign host is still refused.
    assert client.get("/accounts/login/", HTTP_HOST="gedragscode.antwerpen.be").status_code == 301
    assert client.get("/accounts/login/", HTTP_HOST="10.20.30.40:8000").status_code == 400
