"""Keyboard only: Tab to move, Enter or Space to act, and typing into the fields.

Three journeys on the demo: a medewerker acknowledges the note, asks advice, and a chef-waardeerder
confirms that the team was notified. No click and no mouse anywhere: `tab_to` presses Tab until the
wanted control has the focus, and fails when it never comes (unreachable by keyboard).
"""

import re

import pytest
from playwright.sync_api import expect

from advice.models import Question
from codeofconduct.models import PolicyVersion, TeamNotification
from tests.browser.screens import load_demo

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return '';
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  return [el.getAttribute('aria-label') || '', label, el.innerText || el.value || ''].join(' | ').replace(/\\s+/g, ' ');
}"""


def tab_to(page, name: str | re.Pattern, limit: int = 120) -> None:
    """Press Tab until the focused element's name (aria-label, label or text) matches."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if name.search(focused) if isinstance(name, re.Pattern) else name in focused:
            return
    pytest.fail(f"{name!r} cannot be reached with Tab on {page.url}")


def sign_in_by_keyboard(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    tab_to(page, "E-mailadres of gebruikersnaam")
    page.keyboard.type(username)
    tab_to(page, "Wachtwoord")
    page.keyboard.type("demo")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_medewerker_acknowledges_the_note_with_the_keyboard(page, live_server):
    load_demo()
    sign_in_by_keyboard(page, live_server.url, "medewerker")
    # The skip link comes first and takes the focus past the header and navigation.
    page.keyboard.press("Tab")
    assert "Naar de inhoud" in page.evaluate(FOCUSED)
    page.keyboard.press("Enter")
    tab_to(page, PolicyVersion.objects.get(status=PolicyVersion.Status.PUBLISHED).titel)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, re.compile(r"^ \| \| Gelezen en begrepen$"))
    with page.expect_navigation():
        page.keyboard.press("Space")
    expect(page.get_by_text("Gelezen en begrepen op", exact=False).first).to_be_visible()


def test_a_medewerker_asks_advice_with_the_keyboard(page, live_server):
    load_demo()
    sign_in_by_keyboard(page, live_server.url, "medewerker")
    before = Question.objects.count()
    tab_to(page, "Vraag advies")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "Onderwerp")
    page.keyboard.type("Foto van de markt")
    tab_to(page, "Je vraag")
    page.keyboard.type("Mag ik een foto van de markt op Instagram zetten?")
    tab_to(page, "Kanaal")
    page.keyboard.type("Instagram")  # a select picks the option that starts with what is typed
    tab_to(page, "Vraag versturen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Je vraag is verstuurd.")).to_be_visible()
    assert Question.objects.count() == before + 1
    assert Question.objects.latest("pk").channel == "instagram"


def test_a_chef_waardeerder_confirms_the_team_notification_with_the_keyboard(page, live_server):
    load_demo()
    sign_in_by_keyboard(page, live_server.url, "chef")
    tab_to(page, re.compile(r"^ \| \| Mijn team$"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The date is today's; the way is a radio group: Tab enters it, Space chooses.
    tab_to(page, "Op de hoogte gebracht op")
    tab_to(page, "E-mail")
    page.keyboard.press("Space")
    tab_to(page, re.compile(r"^ \| \| Team op de hoogte gebracht$"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Team op de hoogte gebracht op").first).to_be_visible()
    assert TeamNotification.objects.filter(chef__username="chef").count() == 1


def test_after_a_failed_submit_the_focus_is_on_the_error_summary_whose_links_lead_to_the_fields(page, live_server):
    load_demo()
    sign_in_by_keyboard(page, live_server.url, "medewerker")
    tab_to(page, "Vraag advies")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "Vraag versturen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The summary has the focus and lists the subject's error as a link to the field.
    assert page.evaluate("() => !!document.activeElement.querySelector('a[href$=\"#id_subject\"]')")
    for _ in range(20):
        page.keyboard.press("Tab")
        if (page.evaluate("() => document.activeElement.getAttribute('href') || ''")).endswith("#id_subject"):
            break
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "id_subject"
