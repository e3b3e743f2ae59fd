"""Redactie withdraws an update on a phone (390 px), choosing what is in force afterwards, and extends
a due date; the pages pass axe-core. Set LIFECYCLE_SCREENSHOTS=<dir> to keep what the browser showed."""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from codeofconduct.content import install_initial_content
from codeofconduct.models import Policy, PolicyVersion, PublicationEvent
from codeofconduct.services import publishing

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("LIFECYCLE_SCREENSHOTS")


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_redactie_withdraws_an_update_and_extends_the_due_date_on_a_phone(
    city, login, live_server, page, assert_accessible
):
    policy = install_initial_content(Policy, PolicyVersion, PublicationEvent)
    d2018 = policy.versions.get(status="published")
    update = publishing.draft_create(policy=policy, by=city.editor, copy_from=d2018)
    publishing.version_publish(version=update, by=city.editor)
    page.set_viewport_size({"width": 390, "height": 844})

    login("redactie")
    page.goto(f"{live_server.url}{update.get_absolute_url()}")
    page.get_by_role("link", name="Intrekken").click()
    previous = page.get_by_role("radio", name=re.compile(f"De vorige versie, {re.escape(d2018.nummer)}"))
    expect(previous).to_be_checked()
    assert_accessible("withdraw")
    shot(page, "withdraw")
    page.get_by_label("Reden van intrekking").fill("Fout in de tekst")
    page.get_by_role("button", name="Bevestigen en intrekken").click()
    expect(page.get_by_text(f"{d2018.nummer} is opnieuw van kracht")).to_be_visible()
    shot(page, "history")

    page.goto(f"{live_server.url}{d2018.get_absolute_url()}")
    page.get_by_role("link", name="Uiterste datum verlengen").click()
    assert_accessible("extend")
    shot(page, "extend")
    later = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("Nieuwe uiterste datum").fill(later.isoformat())
    page.get_by_label("Waarom?").fill("Verlofperiode")
    page.get_by_role("button", name="Verlengen").click()
    expect(page.get_by_text(f"De uiterste datum van {d2018.nummer} is nu {later:%d-%m-%Y}.")).to_be_visible()

    PolicyVersion.objects.filter(pk=d2018.pk).update(vervaldatum=timezone.localdate() + datetime.timedelta(days=40))
    page.goto(f"{live_server.url}/gedragscode/redactie/")
    expect(page.get_by_role("heading", name="Vervaldata die naderen")).to_be_visible()
    assert_accessible("dashboard")
    shot(page, "dashboard")
