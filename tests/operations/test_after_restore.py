"""After a restore, the sessions the dump brought back end and the shared cache is emptied.

A person who signed out after the nightly dump was taken has their session row back after the
restore: without `after_restore` their old cookie would sign them in again.
"""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_after_restore_ends_every_session_and_empties_the_cache(city):
    browser = client_for(city.employee)
    assert browser.get(reverse("home")).status_code == 200
    cache.set("copy-of-restored-data", "stale")

    out = StringIO()
    call_command("after_restore", stdout=out)
    assert "1 sessions ended" in out.getvalue()

    response = browser.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert cache.get("copy-of-restored-data") is None
