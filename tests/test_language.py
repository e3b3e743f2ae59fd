"""Dutch first, English second: the switch, the catalogues and the date format."""

import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_pages_are_dutch_by_default(as_employee):
    response = as_employee.get("/")
    assert response.headers["Content-Language"] == "nl-be"
    assert "Welkom, Lotte" in response.text
    assert "Enkel voor intern gebruik" in response.text


def test_language_switch_changes_the_interface_to_english_and_back(as_employee):
    response = as_employee.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert "Welcome, Lotte" in response.text
    assert "For internal use only" in response.text
    response = as_employee.post(reverse("set_language"), {"language": "nl-be", "next": "/"}, follow=True)
    assert "Welkom, Lotte" in response.text


def test_login_page_can_switch_language_before_signing_in(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"}, follow=True)
    assert "Sign in with your city e-mail address or username." in response.text


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_dates_are_shown_as_dd_mm_yyyy(language):
    with translation.override(language):
        rendered = Template('{{ day|date:"SHORT_DATE_FORMAT" }}').render(Context({"day": datetime.date(2018, 2, 13)}))
    assert rendered == "13-02-2018"


def test_english_catalogue_is_complete_and_up_to_date():
    """Every translatable string of code and templates has an English translation (scripts/check_messages.py)."""
    result = subprocess.run([sys.executable, "scripts/check_messages.py"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
