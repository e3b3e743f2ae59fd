"""A person signs in with their city account at the city's provider, and out again at both ends."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_chef_signs_in_with_the_city_account_and_out_at_both_ends(city, oidc, page, live_server, external_requests):
    oidc.reset(app_url=live_server.url)
    page.goto(f"{live_server.url}/gedragscode/mijn-team/")
    page.get_by_role("button", name="Aanmelden met je stadsaccount").click()
    # At the city's provider: its own login page.
    page.get_by_label("Gebruiker").fill("chef")
    page.get_by_label("Paswoord").fill("stadsaccount")
    page.get_by_role("button", name="Inloggen bij de stad").click()
    page.wait_for_url(f"{live_server.url}/gedragscode/mijn-team/")
    assert page.get_by_text("Aangemeld als").is_visible()
    assert "Tom Peeters" in page.locator(".app-header__user").inner_text()
    assert page.get_by_role("link", name=re.compile("Mijn team")).first.is_visible()  # the chef role
    page.screenshot(path="var/oidc-signed-in.png", full_page=True)

    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_url(f"{live_server.url}/accounts/afgemeld/**")
    assert page.get_by_text("Je bent afgemeld, ook bij je stadsaccount.").is_visible()
    page.set_viewport_size({"width": 390, "height": 800})
    page.screenshot(path="var/oidc-signed-out.png", full_page=True)
    # Signed out at the provider too: signing in again asks for the city password once more.
    page.get_by_role("link", name="Opnieuw aanmelden").click()
    page.get_by_role("button", name="Aanmelden met je stadsaccount").click()
    # Waited for, not read at once: on a busy machine the provider's page was still loading (a flaky run).
    page.wait_for_url(oidc.url + "/login/**")
    expect(page.get_by_label("Paswoord")).to_be_visible()
    # The provider stands for the city's identity platform on loopback; every other host stays forbidden.
    external_requests[:] = [url for url in external_requests if not url.startswith(oidc.url + "/")]
