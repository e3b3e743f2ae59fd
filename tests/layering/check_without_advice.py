"""Run by tests/test_layering.py in its own process, with advice removed from INSTALLED_APPS.

Not collected with the suite (its name does not start with test_): the suite runs with advice.
"""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from codeofconduct.models import PolicyVersion
from organisation.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", force=True, verbosity=0)


def signed_in(client, username):
    client.force_login(Person.objects.get(username=username))
    return client


def test_advice_is_really_absent():
    assert not apps.is_installed("advice")


def test_every_page_of_the_code_of_conduct_renders(client, demo):
    current = PolicyVersion.objects.get(status=PolicyVersion.Status.PUBLISHED)
    pages = {
        "medewerker": [
            reverse("home"),
            reverse("codeofconduct:policy_list"),
            reverse("codeofconduct:archive"),
            reverse("codeofconduct:search") + "?q=loyaliteit",
            reverse("codeofconduct:version_detail", args=[current.pk]),
            reverse("codeofconduct:policy_history", args=[current.policy.slug]),
            reverse("codeofconduct:compare", args=[current.policy.slug]),
        ],
        "chef": [reverse("codeofconduct:team")],
        "redactie": [reverse("codeofconduct:compliance"), reverse("codeofconduct:editor_dashboard")],
    }
    for username, urls in pages.items():
        signed_in(client, username)
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            assert "/advies/" not in response.text, url


def test_acknowledging_works(client, demo):
    current = PolicyVersion.objects.get(status=PolicyVersion.Status.PUBLISHED)
    signed_in(client, "medewerker")
    response = client.post(reverse("codeofconduct:acknowledge", args=[current.pk]), follow=True)
    assert "Gelezen en begrepen op" in response.text
