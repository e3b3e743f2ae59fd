"""In Chromium: a doubt travels from the employee via the chef to the Bureau and back, and stays private."""

import re

import pytest
from playwright.sync_api import expect

from advice.models import Question
from tests.files import PNG

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def sign_out(page):
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_load_state()


def test_question_travels_to_the_bureau_and_back(city, page, login, live_server):
    # medewerker asks, with a screenshot
    login("medewerker")
    page.get_by_role("link", name="Vraag advies", exact=True).click()
    page.locator("#id_subject").fill("Reactie op een krantenartikel")
    page.locator("#id_body").fill("Mag ik onder het artikel over onze dienst reageren?")
    page.locator("#id_channel").select_option("nieuwssite")
    page.locator("#id_attachment").set_input_files(
        files=[{"name": "screenshot.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Vraag versturen").click()
    expect(page.get_by_text("Je vraag is verstuurd.")).to_be_visible()
    expect(page.get_by_role("link", name="screenshot.png")).to_be_visible()
    expect(page.locator("#wie-kan-dit-zien")).to_contain_text("Tom Peeters")
    question_url = page.url
    question = Question.objects.get()
    sign_out(page)

    # chef escalates with a note
    login("chef")
    page.get_by_role("link", name="Vragen van mijn team").click()
    page.get_by_role("link", name="Reactie op een krantenartikel").click()
    page.get_by_label("Toelichting bij de escalatie").fill("Gevoelig: liever het Bureau.")
    page.get_by_role("button", name="Escaleren naar Bureau voor Integriteit").click()
    expect(page.get_by_text("Geëscaleerd naar het Bureau voor Integriteit").first).to_be_visible()
    sign_out(page)

    # integriteit takes it up and answers
    login("integriteit")
    page.get_by_role("link", name="Bureau voor Integriteit").click()
    page.get_by_role("link", name="Reactie op een krantenartikel").click()
    page.get_by_role("button", name="Ik neem dit op").click()
    expect(page.get_by_text("In behandeling bij het Bureau voor Integriteit").first).to_be_visible()
    page.get_by_label("Je antwoord").fill("Reageer niet zelf; geef het door aan de woordvoerder.")
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.get_by_text("Beantwoord door het Bureau voor Integriteit").first).to_be_visible()
    sign_out(page)

    # medewerker reads the answer and closes
    login("medewerker")
    page.goto(question_url)
    expect(page.get_by_text("Reageer niet zelf; geef het door aan de woordvoerder.").first).to_be_visible()
    page.get_by_role("button", name="Vraag afsluiten").click()
    expect(page.locator(".a-label[data-state]")).to_have_text("Afgesloten")
    question.refresh_from_db()
    assert question.state == "afgesloten"
    sign_out(page)

    # medewerker2 cannot open it by URL
    login("medewerker2")
    response = page.goto(question_url)
    assert response.status == 404
    expect(page.get_by_role("heading", name="Pagina niet gevonden")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(re.compile("krantenartikel"))
