"""A select's empty choice reads the same in the app as in the admin: "- Kies een optie -" in Dutch,
"- Select an option -" in English, never Django's bare "---------"."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

EMPTY_CHOICE = {"nl-be": "- Kies een optie -", "en": "- Select an option -"}


def first_option(page: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select, f"no select {name}"
    return " ".join(re.search(r"<option[^>]*>(.*?)</option>", select.group(0), re.S).group(1).split())


def in_language(client, language):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_the_apps_empty_choice_is_the_admins(as_employee, as_admin, language):
    admin = first_option(in_language(as_admin, language).get("/beheer/codeofconduct/policyversion/add/").text, "policy")
    ask = first_option(in_language(as_employee, language).get(reverse("advice:ask")).text, "channel")
    assert admin == ask == EMPTY_CHOICE[language]


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_no_screen_shows_a_bare_dashed_empty_choice(language):
    """Every screen of every role (tests/browser/screens.py, the demo's data): whatever form is added
    later, its selects get the empty choice from one place (config.forms.with_empty_choice)."""
    from organisation.models import Person
    from tests.browser.screens import ROLES, load_demo, screens_of

    load_demo()
    dashed = []
    for role, username in ROLES.items():
        client = Client()
        client.cookies["django_language"] = language
        if username:
            client.force_login(Person.objects.get(username=username))
        for screen in screens_of(role):
            if screen.then:
                continue
            if "---------" in client.get(screen.path()).text:
                dashed.append(f"{role}/{screen.name}")
    assert not dashed, 'Selects offering "---------":\n' + "\n".join(dashed)
