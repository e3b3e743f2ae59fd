"""Nothing but the login page, the language switch, static files and the health check is reachable without signing in."""

import pytest
from django.test import Client

from tests.url_patterns import all_urls

pytestmark = pytest.mark.django_db
PUBLIC = {"login", "set_language", "healthz", "signed_out", "oidc_start", "oidc_callback"}
URLS = sorted(set(all_urls()))


def test_the_url_list_is_read_from_the_configuration():
    names = {name for name, _ in URLS}
    assert {"home", "login", "logout", "healthz", "admin:index"} <= names


@pytest.mark.parametrize(("name", "path"), [url for url in URLS if url[0] not in PUBLIC])
def test_anonymous_visitor_is_sent_to_the_login_page(name, path):
    client = Client()
    for method in (client.get, client.post):
        response = method(path, follow=True)
        assert response.redirect_chain, f"{name} ({path}) answered {response.status_code} without a redirect"
        final = response.redirect_chain[-1][0]
        assert final.startswith("/accounts/login/"), f"{name} ({path}) ended at {final}"
        assert response.status_code == 200
