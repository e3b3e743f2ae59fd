"""The session ends while the employee reads the note; their click is not lost, only asked again."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from codeofconduct.content import install_initial_content
from codeofconduct.models import Acknowledgement, Policy, PolicyVersion, PublicationEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_after_the_session_ran_out_signing_in_again_leads_back_to_the_note(city, login, page, live_server):
    policy = install_initial_content(Policy, PolicyVersion, PublicationEvent)
    note = policy.versions.get(status="published")
    login("medewerker")
    page.goto(f"{live_server.url}/gedragscode/versies/{note.pk}/")
    # Eight hours of reading later the session has ended.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(minutes=1))
    page.get_by_role("button", name="Gelezen en begrepen").click()

    expect(page.get_by_text("Je sessie was verlopen. Meld je opnieuw aan")).to_be_visible()
    page.get_by_label("E-mailadres of gebruikersnaam").fill("medewerker")
    page.get_by_label("Wachtwoord").fill("demo")
    page.get_by_role("button", name="Aanmelden").click()

    expect(page.get_by_text("Druk nog eens op de knop")).to_be_visible()
    assert page.url.startswith(f"{live_server.url}/gedragscode/versies/{note.pk}/")
    page.set_viewport_size({"width": 390, "height": 800})
    page.screenshot(path="var/session-ended-back-on-note.png")
    assert not Acknowledgement.objects.exists()
    page.get_by_role("button", name="Gelezen en begrepen").click()
    expect(page.get_by_text("Gelezen en begrepen op", exact=False).first).to_be_visible()
    assert Acknowledgement.objects.filter(person=city.employee, version=note).count() == 1


def test_a_failed_csrf_check_shows_the_apps_page_that_says_what_to_do(city, login, page, live_server):
    """The form's token no longer matches (cookie gone, e.g. cleared while the page stayed open)."""
    policy = install_initial_content(Policy, PolicyVersion, PublicationEvent)
    note = policy.versions.get(status="published")
    page.set_viewport_size({"width": 390, "height": 800})
    login("medewerker")
    page.goto(f"{live_server.url}/gedragscode/versies/{note.pk}/")
    page.context.clear_cookies(name="csrftoken")
    page.get_by_role("button", name="Gelezen en begrepen").click()

    expect(page.get_by_role("heading", name="Deze pagina was verouderd")).to_be_visible()
    expect(page.get_by_text("Er is niets gewijzigd")).to_be_visible()
    expect(page.locator("header.app-header")).to_be_visible()  # the app's look, not Django's bare page
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone
    page.screenshot(path="var/csrf-failure.png", full_page=True)
    assert not Acknowledgement.objects.exists()
    page.get_by_role("link", name="Terug naar de pagina").click()
    page.get_by_role("button", name="Gelezen en begrepen").click()
    expect(page.get_by_text("Gelezen en begrepen op", exact=False).first).to_be_visible()
    assert Acknowledgement.objects.filter(person=city.employee, version=note).count() == 1
