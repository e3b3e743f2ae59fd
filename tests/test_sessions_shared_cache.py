"""With a shared Redis cache (CACHE_URL), sessions are read from it: a signed-in page costs no session query.

Several app servers share the cache and the database: signing out on one ends the session on all.
Needs Redis on 127.0.0.1:6379 (CI starts it); database 9 is the tests' own.
"""

import subprocess
import sys
import uuid

import pytest
import redis
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/9"


@pytest.fixture
def redis_sessions(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield
    caches["default"].clear()


def signed_in(person) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": person.username, "password": "demo"})
    assert response.status_code == 302
    return client


def test_a_signed_in_page_reads_the_session_from_the_cache(city, redis_sessions):
    client = signed_in(city.employee)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def test_signing_out_removes_the_session_from_the_shared_cache_and_the_database(city, redis_sessions):
    client = signed_in(city.employee)
    key = client.cookies["sessionid"].value
    shared = redis.Redis.from_url(REDIS)  # what every app server reads
    assert shared.keys(f"*{key}*")
    client.post(reverse("logout"))
    assert not shared.keys(f"*{key}*")
    assert not Session.objects.filter(session_key=key).exists()
    other_server = Client()
    other_server.cookies["sessionid"] = key
    response = other_server.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "cache_url, engine",
    [(REDIS, "django.contrib.sessions.backends.cached_db"), ("", "django.contrib.sessions.backends.db")],
)
def test_sessions_use_the_cache_only_when_it_is_shared(cache_url, engine):
    code = "import django; django.setup(); from django.conf import settings; print(settings.SESSION_ENGINE)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ENV": "development",
            "CACHE_URL": cache_url,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == engine
