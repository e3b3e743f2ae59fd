"""Dutch first, English second: the switch, the catalogues and the date format."""

import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

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


NO_LANGUAGE = {"nummer", "vervangt", "datum", "vervaldatum", "reference_url"}


def dutch_content() -> set[str]:
    """The Dutch that the app shows but does not translate: the titles of policies and versions, the
    note's rule names and header values, the FAQ (line by line). Short words are left out (they could
    be part of anything), and so are web addresses (no language)."""
    from advice.models import FaqEntry
    from codeofconduct.models import Policy, PolicyVersion

    texts = set(Policy.objects.values_list("title", flat=True))
    for version in PolicyVersion.objects.all():
        header = version.header_values()
        # Numbers ("D2018.123", also what it replaces), dates and the link are no language.
        texts |= {version.titel, *(value for name, value in header.items() if name not in NO_LANGUAGE)}
        texts |= {section.title for section in version.sections()} | {section.label for section in version.sections()}
    for entry in FaqEntry.objects.all():
        texts |= {entry.title, entry.rule_label, *entry.question_text.splitlines(), *entry.answer_text.splitlines()}
    return {" ".join(text.split()) for text in texts if len(text.strip()) >= 8 and not text.startswith("http")}


def test_english_pages_mark_every_dutch_text_of_the_content_as_dutch():
    """Every screen of every role (tests/browser/screens.py, the demo's data), in English: a text that
    holds one of the content's Dutch texts is inside lang="nl", so that screen readers read it in Dutch."""
    from advice.models import FaqEntry
    from organisation.models import Person
    from tests.browser.screens import ROLES, load_demo, screens_of
    from tests.visible import Languages

    load_demo()
    # The demo has no FAQ yet: one published entry (on the FAQ page and next to its rule) and one draft.
    integrity = Person.objects.get(username=ROLES["bureau-voor-integriteit"])
    for title, published in (("Mag ik bloggen over mijn werk?", True), ("Een foto van een collega delen", False)):
        FaqEntry.objects.create(
            title=title,
            question_text="Ik schrijf een blog over mijn hobby.\nMag mijn werk daarin voorkomen?",
            answer_text="Ja, zolang je geen vertrouwelijke informatie deelt.",
            rule_anchor="loyaliteit",
            rule_label="Loyaliteit",
            is_published=published,
            edited_by=integrity,
            created_at=timezone.now(),
            published_at=timezone.now() if published else None,
        )
    content = dutch_content()
    unmarked = set()
    for role, username in ROLES.items():
        client = Client()
        client.cookies["django_language"] = "en"
        if username:
            client.force_login(Person.objects.get(username=username))
        for screen in screens_of(role):
            # `then`: a state reached in the browser (the page itself is walked too). The admin is
            # walked too: Django's headings and breadcrumbs name the Dutch versions and policies.
            if screen.then:
                continue
            response = client.get(screen.path())
            assert response.status_code == screen.status, f"{role}/{screen.name}"
            assert response.headers["Content-Language"] == "en", f"{role}/{screen.name}"
            parser = Languages()
            parser.feed(response.content.decode())
            for piece, lang in parser.texts:
                if not lang.startswith("nl") and any(dutch in piece for dutch in content):
                    unmarked.add(f"{role}/{screen.name}: {piece[:80]}")
    assert not unmarked, 'Dutch content not marked lang="nl" on English pages:\n' + "\n".join(sorted(unmarked))
