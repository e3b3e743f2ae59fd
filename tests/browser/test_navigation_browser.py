"""Each demo account signs in and sees the navigation of its role."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

# The main navigation per demo account: what it must show, and what it must not.
EVERYONE = ["Start", "Gedragscode", "Vraag advies", "Mijn vragen"]
NAVIGATION = {
    "medewerker": EVERYONE,
    "medewerker2": EVERYONE,
    "chef": [*EVERYONE, "Mijn team", "Vragen van mijn team"],
    "redactie": [*EVERYONE, "Redactie", "Naleving"],
    "integriteit": [*EVERYONE, "Bureau voor Integriteit"],
    "admin": [*EVERYONE, "Beheer"],
}
ALL_ENTRIES = {entry for entries in NAVIGATION.values() for entry in entries}


def navigation_entries(page):
    return [text.strip() for text in page.locator("nav.app-nav a").all_inner_texts()]


def present(entries, label):
    return any(entry == label or entry.startswith((label + " ", label + "\n")) for entry in entries)


@pytest.mark.parametrize("username", list(NAVIGATION))
def test_demo_account_signs_in_and_sees_the_navigation_of_its_role(demo, login, username):
    page = login(username)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welkom")
    entries = navigation_entries(page)
    for label in NAVIGATION[username]:
        assert present(entries, label), f"{username} misses '{label}' in {entries}"
    for label in ALL_ENTRIES - set(NAVIGATION[username]):
        assert not present(entries, label), f"{username} sees '{label}' in {entries}"
