"""The acknowledgement story in the browser: an employee acknowledges, their chef follows up, Redactie checks."""

import csv
import io
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from codeofconduct.content import install_initial_content
from codeofconduct.models import Policy, PolicyVersion, PublicationEvent
from tests.factories import make_person

pytestmark = pytest.mark.django_db(transaction=True)


def test_employee_acknowledges_chef_follows_up_and_redactie_sees_it(city, login, live_server, page, assert_accessible):
    policy = install_initial_content(Policy, PolicyVersion, PublicationEvent)
    current = policy.versions.get(status="published")
    late = make_person("ruben", unit=city.team_a, manager=city.chef, first_name="Ruben", last_name="Verhoeven")

    # medewerker: "Te lezen" on the home page, then the button after the text.
    login("medewerker")
    expect(page.get_by_role("heading", name="Te lezen")).to_be_visible()
    page.get_by_role("link", name=current.titel).first.click()
    assert_accessible("version page")
    page.get_by_role("button", name="Gelezen en begrepen").click()
    expect(page.get_by_text("Gelezen en begrepen op", exact=False).first).to_be_visible()
    expect(page.get_by_role("button", name="Gelezen en begrepen")).to_have_count(0)
    page.get_by_role("button", name="Afmelden").click()

    # chef: sees it on the team page, confirms notification, sends a reminder.
    login("chef")
    expect(page.get_by_text("Breng je team op de hoogte")).to_be_visible()
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Mijn team", exact=True).click()
    assert_accessible("team page")
    expect(page.locator('tr[data-person="medewerker"]')).to_contain_text("Gelezen en begrepen op")
    expect(page.locator('tr[data-person="ruben"]')).to_contain_text("Nog niet geopend")
    page.get_by_label("E-mail").check()
    page.get_by_role("button", name="Team op de hoogte gebracht").click()
    expect(page.get_by_text("Team op de hoogte gebracht op").first).to_be_visible()
    mail.outbox.clear()
    page.get_by_role("button", name="Herinnering sturen").click()
    expect(page.get_by_text("Herinnering verstuurd naar: Ruben Verhoeven.")).to_be_visible()
    assert [message.to for message in mail.outbox] == [[late.email]]
    page.get_by_role("button", name="Afmelden").click()

    # redactie: both show on the compliance page, and the CSV has them.
    login("redactie")
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Naleving").click()
    assert_accessible("compliance page")
    page.locator('tr[data-unit="STAD"]').get_by_role("link").click()
    page.locator('tr[data-unit="BZ"]').get_by_role("link").click()
    page.locator('tr[data-unit="BZ-COM"]').get_by_role("link").click()
    team_row = page.locator('tr[data-unit="BZ-COM-A"]')
    expect(team_row).to_contain_text("ja")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV per medewerker").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Lotte Janssens"][6] != ""
    assert by_name["Ruben Verhoeven"][6] == ""
