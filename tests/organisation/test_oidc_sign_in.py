"""Signing in with the city account, against a real OpenID Connect provider on loopback.

The provider (django-oauth-toolkit in its own process, tests/oidc_provider) signs people in with its
own accounts and issues real, signed ID tokens; the app talks to it over HTTP as in production. The
person's browser is played by `SignInAtProvider` at the provider and Django's test client at the app.
"""

import logging

import pytest
from django.contrib import auth
from django.test import Client
from django.urls import reverse

from organisation.models import Person
from tests.oidc_provider.fixtures import SignInAtProvider

pytestmark = pytest.mark.django_db


def start(client, next_url=""):
    response = client.post(reverse("oidc_start"), {"next": next_url})
    assert response.status_code == 302, response.content
    return response["Location"]


def sign_in(client, oidc, username, next_url="", **at_provider):
    """The whole round: app -> provider (sign in there) -> app's callback. Returns the app's answer."""
    back = SignInAtProvider(oidc).authorize(start(client, next_url), username, **at_provider)
    return client.get(back)


def signed_in_person(client):
    return auth.get_user(client.get(reverse("signed_out")).wsgi_request)


def assert_refused(response, status, words, client):
    assert response.status_code == status
    assert words in response.text
    assert "Aanmelden is niet gelukt" in response.text
    assert "Enkel voor intern gebruik" in response.text  # the app's own look, not a bare error
    assert not signed_in_person(client).is_authenticated


def test_a_known_employee_signs_in_with_the_city_account(city, oidc):
    client = Client()
    response = sign_in(client, oidc, "medewerker")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").context["user"] == city.employee


def test_the_person_lands_where_they_were_going_and_keeps_the_roles_the_organisation_gives(city, oidc):
    client = Client()
    # The token claims to be staff and a chef: roles come from the organisation, never from the token.
    oidc.fault("claims", claims={"is_staff": True, "roles": ["beheerder", "redactie"], "groups": ["admin"]})
    response = sign_in(client, oidc, "chef", next_url="/gedragscode/mijn-team/")
    assert response["Location"] == "/gedragscode/mijn-team/"
    page = client.get("/gedragscode/mijn-team/")
    assert page.status_code == 200
    assert "Lotte" in page.text
    assert client.get("/beheer/", follow=True).status_code == 403
    city.chef.refresh_from_db()
    assert not city.chef.is_staff and not city.chef.is_editor


def test_a_next_address_elsewhere_is_ignored(city, oidc):
    client = Client()
    assert sign_in(client, oidc, "medewerker", next_url="https://elders.example/")["Location"] == "/"


def test_the_person_can_be_found_by_personeelsnummer(city, oidc, settings):
    settings.OIDC_PERSON_CLAIM = "personeelsnummer"
    settings.OIDC_PERSON_FIELD = "personeelsnummer"
    client = Client()
    sign_in(client, oidc, "medewerker2")
    assert signed_in_person(client) == city.colleague


def test_an_unknown_person_gets_a_clear_page_and_no_account(city, oidc, caplog):
    people = Person.objects.count()
    client = Client()
    with caplog.at_level(logging.WARNING, logger="organisation.sign_in"):
        response = sign_in(client, oidc, "vreemde")
    assert_refused(response, 403, "niet gekend in deze toepassing", client)
    assert Person.objects.count() == people
    assert "unknown_person" in caplog.text


def test_a_deactivated_person_gets_a_clear_page(city, oidc):
    city.employee.deactivate()
    client = Client()
    assert_refused(sign_in(client, oidc, "medewerker"), 403, "niet meer actief", client)


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "wrong_audience"},  # issued to another application (with our id as azp)
        {"kind": "wrong_issuer"},
        {"kind": "expired", "seconds": 600},  # expired ten minutes ago: beyond the allowed clock skew
        {"kind": "issued_in_future", "seconds": 600},
        {"kind": "bad_signature"},
        {"kind": "wrong_nonce"},  # not the nonce this browser sent
    ],
    ids=lambda fault: fault["kind"],
)
def test_a_token_the_app_cannot_trust_signs_nobody_in(city, oidc, fault, caplog):
    oidc.fault(fault.pop("kind"), **fault)
    client = Client()
    with caplog.at_level(logging.WARNING, logger="organisation.sign_in"):
        response = sign_in(client, oidc, "medewerker")
    assert_refused(response, 400, "kon niet worden bevestigd", client)
    assert "refused (token)" in caplog.text


@pytest.mark.parametrize("kind", ["expired", "issued_in_future"])
def test_clocks_that_differ_by_less_than_the_allowed_skew_are_accepted(city, oidc, kind):
    oidc.fault(kind, seconds=30)  # the allowed skew is 60 seconds
    client = Client()
    sign_in(client, oidc, "medewerker")
    assert signed_in_person(client) == city.employee


def test_a_replayed_code_is_refused_by_the_provider(city, oidc):
    client = Client()
    back = SignInAtProvider(oidc).authorize(start(client), "medewerker")
    flow = {key: value for key, value in client.session.items() if key.startswith("_state_")}
    client.get(back)
    assert signed_in_person(client) == city.employee
    # Someone replays the same answer in a session that holds the flow's state: the provider
    # refuses the code it already exchanged.
    replayer = Client()
    session = replayer.session
    session.update(flow)
    session.save()
    assert_refused(replayer.get(back), 400, "al gebruikt", replayer)


def test_an_answer_meant_for_another_browser_is_refused(city, oidc):
    back = SignInAtProvider(oidc).authorize(start(Client()), "medewerker")
    victim = Client()
    assert_refused(victim.get(back), 400, "hoort niet bij deze browser", victim)


def test_a_mismatched_state_is_refused(city, oidc):
    client = Client()
    back = SignInAtProvider(oidc).authorize(start(client), "medewerker")
    forged = back.replace("state=", "state=x")
    assert_refused(client.get(forged), 400, "hoort niet bij deze browser", client)


def test_someone_elses_code_planted_in_a_persons_sign_in_is_refused(city, oidc):
    """The stranger's code with the victim's own state: PKCE makes the provider refuse the exchange."""
    victim = Client()
    victim_back = SignInAtProvider(oidc).authorize(start(victim), "medewerker")
    stranger_back = SignInAtProvider(oidc).authorize(start(Client()), "chef")
    planted = stranger_back.split("?")[0] + "?code=" + stranger_back.split("code=")[1].split("&")[0]
    planted += "&state=" + victim_back.split("state=")[1].split("&")[0]
    assert_refused(victim.get(planted), 400, "al gebruikt", victim)


def test_refusing_consent_at_the_provider_ends_on_a_clear_page(city, oidc):
    oidc.reset(skip_authorization=False)
    client = Client()
    response = sign_in(client, oidc, "medewerker", consent=False)
    assert_refused(response, 400, "afgebroken of geen toestemming gegeven", client)


def test_an_unreachable_provider_ends_on_a_clear_page(city, oidc, settings, caplog):
    settings.OIDC_ISSUER = "http://127.0.0.1:9/o"  # nothing listens there
    client = Client()
    with caplog.at_level(logging.WARNING, logger="organisation.sign_in"):
        response = client.post(reverse("oidc_start"))
    assert_refused(response, 502, "niet bereikbaar", client)
    assert "refused (unreachable)" in caplog.text


def test_a_provider_that_goes_away_during_sign_in_ends_on_a_clear_page(city, oidc, settings):
    client = Client()
    back = SignInAtProvider(oidc).authorize(start(client), "medewerker")
    settings.OIDC_ISSUER = "http://127.0.0.1:9/o"
    assert_refused(client.get(back), 502, "niet bereikbaar", client)


def test_the_refusal_page_speaks_english_second(city, oidc):
    client = Client()
    client.cookies["django_language"] = "en"
    response = sign_in(client, oidc, "vreemde")
    assert response.status_code == 403
    assert "not known in this application" in response.text


def test_signing_out_ends_the_session_at_the_provider_too(city, oidc):
    client = Client()
    browser_at_provider = SignInAtProvider(oidc)
    client.get(browser_at_provider.authorize(start(client), "medewerker"))
    assert signed_in_person(client) == city.employee
    response = client.post(reverse("logout"))
    assert response["Location"].startswith(oidc.issuer + "/logout/")
    assert "id_token_hint=" in response["Location"]
    assert not signed_in_person(client).is_authenticated
    # The provider ends its own session and sends the browser back to the app's "signed out" page.
    at_provider = browser_at_provider.session.get(response["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    assert at_provider.headers["Location"].startswith("http://testserver/accounts/afgemeld/")
    assert "ook bij je stadsaccount" in client.get(at_provider.headers["Location"]).text
    # Signing in again asks for the password at the provider: its session is gone.
    again = browser_at_provider.session.get(start(client), allow_redirects=False, timeout=10)
    assert again.headers["Location"].startswith("/login/")


def test_a_session_through_the_provider_ends_after_the_apps_own_inactivity_limit(city, oidc, settings, suite_clock):
    import datetime

    client = Client()
    sign_in(client, oidc, "medewerker")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 8 * 3600
    suite_clock.shift(datetime.timedelta(hours=8, minutes=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_login_page_offers_the_city_account_first(city, oidc):
    page = Client().get(reverse("login"))
    assert page.text.index("Aanmelden met je stadsaccount") < page.text.index("Of met gebruikersnaam en wachtwoord")


def test_passwords_can_be_switched_off_for_production(city, oidc, settings):
    settings.LOCAL_SIGN_IN = "off"
    page = Client().get(reverse("login"))
    assert "Aanmelden met je stadsaccount" in page.text
    assert 'name="password"' not in page.text
    client = Client()
    response = client.post(reverse("login"), {"username": "admin", "password": "demo"})
    assert "Aanmelden met een wachtwoord is uitgeschakeld" in response.text
    assert not signed_in_person(client).is_authenticated


def test_break_glass_keeps_passwords_for_beheerders_only(city, oidc, settings, caplog):
    settings.LOCAL_SIGN_IN = "break-glass"
    assert "Noodtoegang voor beheerders" in Client().get(reverse("login")).text
    employee = Client()
    employee.post(reverse("login"), {"username": "medewerker", "password": "demo"})
    assert not signed_in_person(employee).is_authenticated
    admin = Client()
    assert admin.post(reverse("login"), {"username": "admin", "password": "demo"}).status_code == 302
    assert signed_in_person(admin) == city.admin
    assert "Break-glass sign-in with a password by beheerder" in caplog.text


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"SSO_TRUSTED_HEADER": "X-Remote-User", "OIDC_ISSUER": "https://login.stad.example"}, "both set"),
        ({"OIDC_ISSUER": "https://login.stad.example"}, "OIDC_CLIENT_ID"),
        ({"LOCAL_SIGN_IN": "off"}, "nobody could sign in"),
    ],
)
def test_contradictory_sign_in_settings_stop_the_app_at_start_up(environment, message):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "OIDC_CLIENT_ID": "", **environment}
    for name in ("SSO_TRUSTED_HEADER", "OIDC_ISSUER", "OIDC_DISCOVERY_URL", "LOCAL_SIGN_IN"):
        if name not in environment:
            env.pop(name, None)
    if "OIDC_CLIENT_ID" not in message:
        env.update(OIDC_CLIENT_ID="gedragscode", OIDC_CLIENT_SECRET="s")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
