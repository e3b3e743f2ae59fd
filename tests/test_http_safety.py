"""Every URL of the project, read from the URL configuration: CSRF on every POST, and sessions that expire
after inactivity. That a GET changes nothing is tests/test_get_changes_nothing.py."""

import datetime

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.url_patterns import all_urls

pytestmark = pytest.mark.django_db
URLS = sorted(set(all_urls()))
# Book-keeping that a request may legitimately write: the session itself and sign-in records.
BOOKKEEPING = {"sessions.session", "organisation.signinfailure"}


def row_counts():
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in BOOKKEEPING and model._meta.managed and not model._meta.proxy
    }


@pytest.mark.parametrize(("name", "path"), URLS)
def test_post_without_csrf_token_is_refused(city, name, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city.admin)
    before = row_counts()
    response = client.post(path, {"anything": "1"})
    assert response.status_code in {403, 404, 405}, f"{name} ({path}) accepted a POST without CSRF token"
    assert row_counts() == before


def test_session_expires_after_the_configured_inactivity(as_employee):
    as_employee.get("/")
    assert as_employee.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 8 * 3600


def test_activity_renews_the_session_every_few_minutes_without_writing_on_every_page(as_employee):
    from django.contrib.sessions.models import Session

    as_employee.get("/")
    key = as_employee.cookies["sessionid"].value
    # Someone who was last renewed long ago gets a fresh 8 hours from this request on.
    session = as_employee.session
    session["_renewed_at"] = 0
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    response = as_employee.get("/")
    assert "sessionid" in response.cookies
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + datetime.timedelta(hours=7, minutes=59)
    # A click a moment later writes nothing and sends no new cookie.
    with CaptureQueriesContext(connection) as queries:
        response = as_employee.get("/")
    assert "sessionid" not in response.cookies
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


def test_expired_session_sends_the_person_back_to_login(as_employee):
    session = as_employee.session
    session.set_expiry(-1)
    session.save()
    response = as_employee.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
