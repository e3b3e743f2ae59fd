"""The chef's team page on a phone: who has no mailbox is marked, and the row still fits 390 px."""

import os

import pytest

from organisation.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_team_page_marks_who_has_no_mailbox_on_a_phone(demo, login, live_server, assert_accessible):
    crew = Person.objects.filter(manager__username="chef", is_active=True).exclude(username="medewerker").first()
    Person.objects.filter(pk=crew.pk).update(email="")
    page = login("chef")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/gedragscode/mijn-team/")
    row = page.locator(f'tr[data-person="{crew.username}"]')
    assert "geen e-mailadres" in row.inner_text()
    assert "geen e-mailadres" not in page.locator('tr[data-person="medewerker"]').inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], "team-without-mailbox-390.png"), full_page=True)
    assert_accessible("team page with a member without a mailbox")
