"""Redactie publishes an update in the browser; a medewerker reads it, the old version and the change."""

import re

import pytest
from playwright.sync_api import expect

from codeofconduct.content import install_initial_content
from codeofconduct.models import Policy, PolicyVersion, PublicationEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_redactie_publishes_an_update_and_medewerker_sees_it(city, login, live_server, page):
    policy = install_initial_content(Policy, PolicyVersion, PublicationEvent)
    old = policy.versions.get(status="published")

    login("redactie")
    page.goto(f"{live_server.url}/gedragscode/redactie/")
    page.get_by_role("link", name="Nieuwe versie").click()
    page.get_by_role("button", name=re.compile("Kopie van de geldende versie")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ontwerp bewerken")

    body = page.get_by_label("Tekst")
    body.fill(body.input_value().replace("Gebruik je gezond verstand.", "Gebruik altijd je gezond verstand."))
    page.get_by_role("button", name="Bewaren en voorbeeld bekijken").click()
    expect(page.get_by_text("Gebruik altijd je gezond verstand.")).to_be_visible()

    page.get_by_role("link", name="Publiceren").first.click()
    expect(page.get_by_text("Deze versie vervangt de geldende versie")).to_be_visible()
    page.get_by_role("button", name="Bevestigen en publiceren").click()
    expect(page.get_by_text("is gepubliceerd")).to_be_visible()
    new = policy.versions.get(status="published")
    assert new.pk != old.pk

    page.get_by_role("button", name="Afmelden").click()
    login("medewerker")
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Gedragscode").click()
    page.get_by_role("link", name=re.compile(re.escape(new.nummer))).click()
    expect(page.get_by_text("Gebruik altijd je gezond verstand.")).to_be_visible()

    page.goto(f"{live_server.url}{old.get_absolute_url()}")
    expect(page.get_by_role("alert")).to_contain_text("Deze versie is vervangen.")
    page.get_by_role("alert").get_by_role("link").click()
    assert page.url.endswith(new.get_absolute_url())

    page.get_by_role("link", name="Wat is er gewijzigd?").click()
    expect(page.locator("ins", has_text="altijd")).to_be_visible()
    expect(page.get_by_text("Gewijzigde onderdelen: 2.2 Digitale media: concrete aandachtspunten")).to_be_visible()
