"""Every URL of the project, read from the URL configuration: CSRF on every POST, no state change on GET,
and sessions that expire after inactivity."""

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client

from tests.url_patterns import all_urls

pytestmark = pytest.mark.django_db
URLS = sorted(set(all_urls()))
# Book-keeping that a request may legitimately write: the session itself and sign-in records.
BOOKKEEPING = {"sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}


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


@pytest.mark.parametrize("persona", ["employee", "chef", "editor", "integrity", "admin"])
def test_get_never_changes_data(city, persona):
    client = Client()
    client.force_login(getattr(city, persona))
    before = row_counts()
    for _name, path in URLS:
        if path.startswith(("/accounts/logout", "/beheer/logout")):
            continue  # Django's logout refuses GET (405) by itself; it would only end this session.
        client.get(path)
    assert row_counts() == before


def test_session_expires_after_the_configured_inactivity(as_employee):
    as_employee.get("/")
    assert as_employee.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST, "each request must renew the inactivity timeout"


def test_expired_session_sends_the_person_back_to_login(as_employee):
    session = as_employee.session
    session.set_expiry(-1)
    session.save()
    response = as_employee.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
