"""An editor edits a draft (in the admin, or in the app's Redactie screen) while a colleague publishes
it: on a phone as on a desktop, the refusal says why and gives the text back to copy, without
scrolling sideways."""

import os

import pytest
from django.urls import reverse

from tests.browser.screens import SIDEWAYS, load_demo, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def open_a_new_draft(page, live_server, role, width, url_of):
    """The demo's current note copied into a draft by Redactie; `role` opens it at `url_of(draft)`.
    Returns the draft and a function that publishes it as the colleague."""
    from codeofconduct.models import PolicyVersion
    from codeofconduct.services import publishing
    from organisation.models import Person

    load_demo()
    colleague = Person.objects.get(username="redactie")
    current = PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED).select_related("policy").first()
    draft = publishing.draft_create(policy=current.policy, by=colleague, copy_from=current)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, role)
    page.goto(live_server.url + url_of(draft))
    return draft, lambda: publishing.version_publish(version=draft, by=colleague)


def screenshot(page, name):
    if os.environ.get("SCREENSHOTS_DIR"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS_DIR']}/{name}.png", full_page=True)


@pytest.mark.parametrize("width", [390, 1366])
def test_a_draft_published_meanwhile_gives_the_beheerder_their_text_back(page, live_server, assert_accessible, width):
    draft, colleague_publishes = open_a_new_draft(
        page, live_server, "beheerder", width, lambda draft: f"/beheer/codeofconduct/policyversion/{draft.pk}/change/"
    )
    page.locator("#id_body").fill(
        "## 1. Context\n\nMijn alinea over een filmpje op TikTok, die niet verloren mag gaan."
    )

    colleague_publishes()  # while the beheerder typed
    page.locator('input[name="_save"]').click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Je wijzigingen zijn niet bewaard").is_visible()
    assert "die niet verloren mag gaan." in page.locator("textarea").last.input_value()
    assert page.evaluate(SIDEWAYS) <= 0
    assert_accessible("the refused admin edit")
    screenshot(page, f"admin-edit-refused-{width}")
    draft.refresh_from_db()
    assert "TikTok" not in draft.body


@pytest.mark.parametrize("width", [390, 1366])
def test_a_draft_published_meanwhile_keeps_redacties_text_in_the_app(page, live_server, assert_accessible, width):
    draft, colleague_publishes = open_a_new_draft(
        page, live_server, "redactie", width, lambda draft: reverse("codeofconduct:draft_edit", args=[draft.pk])
    )
    page.locator('textarea[name="body"]').fill("## 1. Context\n\nMijn zin over livestreams tijdens de dienst.")

    colleague_publishes()  # while this editor typed
    page.get_by_role("button", name="Bewaren", exact=True).click()
    page.wait_for_load_state()

    assert "je wijzigingen zijn niet bewaard" in page.content()
    assert "livestreams tijdens de dienst" in page.locator('textarea[name="body"]').input_value()
    assert page.evaluate(SIDEWAYS) <= 0
    assert_accessible("the refused edit in the app")
    screenshot(page, f"app-edit-refused-{width}")
    draft.refresh_from_db()
    assert "livestreams" not in draft.body
