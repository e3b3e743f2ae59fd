"""A beheerder edits a draft in the admin while another editor publishes it: on a phone, the refusal
says why and gives the text back to copy, without scrolling sideways."""

import os

import pytest

from tests.browser.screens import SIDEWAYS, load_demo, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [390, 1366])
def test_a_draft_published_meanwhile_gives_the_beheerder_their_text_back(page, live_server, assert_accessible, width):
    from codeofconduct.models import PolicyVersion
    from codeofconduct.services import publishing
    from organisation.models import Person

    load_demo()
    editor = Person.objects.get(username="redactie")
    current = PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED).select_related("policy").first()
    draft = publishing.draft_create(policy=current.policy, by=editor, copy_from=current)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, "beheerder")
    page.goto(f"{live_server.url}/beheer/codeofconduct/policyversion/{draft.pk}/change/")
    page.locator("#id_body").fill(
        "## 1. Context\n\nMijn alinea over een filmpje op TikTok, die niet verloren mag gaan."
    )

    publishing.version_publish(version=draft, by=editor)  # the other editor, while the beheerder typed
    page.locator('input[name="_save"]').click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Je wijzigingen zijn niet bewaard").is_visible()
    assert "die niet verloren mag gaan." in page.locator("textarea").last.input_value()
    assert page.evaluate(SIDEWAYS) <= 0
    assert_accessible("the refused admin edit")
    if os.environ.get("SCREENSHOTS_DIR"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS_DIR']}/admin-edit-refused-{width}.png", full_page=True)
    draft.refresh_from_db()
    assert "TikTok" not in draft.body


@pytest.mark.parametrize("width", [390, 1366])
def test_a_draft_published_meanwhile_keeps_redacties_text_in_the_app(page, live_server, assert_accessible, width):
    from codeofconduct.models import PolicyVersion
    from codeofconduct.services import publishing
    from organisation.models import Person

    load_demo()
    colleague = Person.objects.get(username="redactie")
    current = PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED).select_related("policy").first()
    draft = publishing.draft_create(policy=current.policy, by=colleague, copy_from=current)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, "redactie")
    page.goto(live_server.url + _draft_edit_url(draft.pk))
    page.locator('textarea[name="body"]').fill("## 1. Context\n\nMijn zin over livestreams tijdens de dienst.")

    publishing.version_publish(version=draft, by=colleague)  # a colleague, while this editor typed
    page.get_by_role("button", name="Bewaren", exact=True).click()
    page.wait_for_load_state()

    assert "je wijzigingen zijn niet bewaard" in page.content()
    assert "livestreams tijdens de dienst" in page.locator('textarea[name="body"]').input_value()
    assert page.evaluate(SIDEWAYS) <= 0
    assert_accessible("the refused edit in the app")
    if os.environ.get("SCREENSHOTS_DIR"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS_DIR']}/app-edit-refused-{width}.png", full_page=True)


def _draft_edit_url(pk):
    from django.urls import reverse

    return reverse("codeofconduct:draft_edit", args=[pk])
