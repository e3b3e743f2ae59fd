"""The phone menu without JavaScript (a blocked or failed script, an old device): the menu cannot fold,
so it stands open under the header, and everything in it works: each navigation entry, the language
switch and signing out, on a 390 px phone, without the page scrolling sideways."""

import re

import pytest

from tests.browser.screens import WIDTHS, load_demo, sideways

pytestmark = pytest.mark.django_db(transaction=True)

# The chef-waardeerder has the longest menu of the staff roles; Redactie the other role's entries.
MENUS = {
    "chef": ["Start", "Gedragscode", "Vraag advies", "Mijn vragen", "Mijn team", "Vragen van mijn team"],
    "redactie": ["Start", "Gedragscode", "Vraag advies", "Mijn vragen", "Redactie", "Naleving"],
}


@pytest.fixture
def phone_without_javascript(browser, live_server):
    width, height = WIDTHS["phone"]
    context = browser.new_context(
        locale="nl-BE", java_script_enabled=False, viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def entry(page, label):
    # The entry's name, with the count of versions to read after it ("Gedragscode 1 (1 te lezen)").
    return page.locator("nav.app-nav").get_by_role("link", name=re.compile(rf"^{re.escape(label)}\b"))


def within_the_screen(page, locator):
    box = locator.bounding_box()
    assert box is not None, "not shown"
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], f"outside the screen: {box}"
    assert box["width"] >= 24 and box["height"] >= 24, f"smaller than 24 x 24 px: {box}"


def covered(page, locator) -> bool:
    """Whether something else is drawn over the middle of the element."""
    box = locator.bounding_box()
    middle = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
    return not page.evaluate(
        "([el, [x, y]]) => el.contains(document.elementFromPoint(x, y))", [locator.element_handle(), middle]
    )


@pytest.mark.parametrize("username", list(MENUS))
def test_without_javascript_the_phone_menu_stands_open_and_every_entry_works(
    phone_without_javascript, live_server, username
):
    load_demo()
    page = phone_without_javascript
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mailadres of gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill("demo")
    with page.expect_navigation():
        page.get_by_role("button", name="Aanmelden").click()

    # No script: no menu button (it could not open anything), and the menu is simply there.
    assert not page.locator(".app-menu-button").is_visible()
    for label in MENUS[username]:
        link = entry(page, label)
        assert link.is_visible(), f"{label} is not shown"
        within_the_screen(page, link)
    assert sideways(page) == 0
    # The open menu leaves the city's logo, which hangs below the header, in sight.
    assert not covered(page, page.get_by_role("link", name="Stad Antwerpen, naar de startpagina"))

    # Each entry leads to its page, which then marks it as the current one.
    for label in MENUS[username]:
        with page.expect_navigation():
            entry(page, label).click()
        assert entry(page, label).get_attribute("aria-current") == "page", f"{label}: {page.url}"
        assert sideways(page) == 0, f"{label}: {page.url} scrolls {sideways(page)} px sideways"

    # The language switch and signing out are plain forms: they work too.
    with page.expect_navigation():
        page.get_by_role("button", name="EN English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("nav.app-nav a:visible").count() == len(MENUS[username])
    with page.expect_navigation():
        page.get_by_role("button", name="NL Nederlands").click()
    assert page.locator("html").get_attribute("lang") == "nl-BE"
    sign_out = page.get_by_role("button", name="Afmelden")
    within_the_screen(page, sign_out)
    with page.expect_navigation():
        sign_out.click()
    assert "/accounts/login/" in page.url or "afgemeld" in page.url, page.url
    assert sideways(page) == 0
