"""A session that ends while someone reads the note loses nothing: sign in again, press once more."""

import pytest
from django.test import Client
from django.urls import reverse

from codeofconduct.content import install_initial_content
from codeofconduct.models import Acknowledgement, Policy, PolicyVersion, PublicationEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(city):
    policy = install_initial_content(Policy, PolicyVersion, PublicationEvent)
    return policy.versions.get(status="published")


def expire(client):
    session = client.session
    session.set_expiry(-1)
    session.save()


def test_pressing_the_button_after_the_session_ended_leads_back_to_the_note(city, note, as_employee):
    page = reverse("codeofconduct:version_detail", args=[note.pk])
    as_employee.get(page)
    expire(as_employee)
    response = as_employee.post(
        reverse("codeofconduct:acknowledge", args=[note.pk]), headers={"Referer": f"http://testserver{page}"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={page}"
    login_page = as_employee.get(response["Location"])
    assert "Je sessie was verlopen" in login_page.text
    assert not Acknowledgement.objects.exists()

    signed_in = as_employee.post(reverse("login"), {"username": "medewerker", "password": "demo", "next": page})
    assert signed_in["Location"] == page
    back = as_employee.get(page)
    assert "Druk nog eens op de knop" in back.text
    assert "Gelezen en begrepen" in back.text
    # Pressing once more acknowledges, once; the message does not come back.
    as_employee.post(reverse("codeofconduct:acknowledge", args=[note.pk]))
    assert Acknowledgement.objects.filter(person=city.employee, version=note).count() == 1
    assert "Druk nog eens op de knop" not in as_employee.get(page).text


def test_without_a_page_to_return_to_the_person_lands_on_the_home_page(city, note, as_employee):
    expire(as_employee)
    response = as_employee.post(reverse("codeofconduct:acknowledge", args=[note.pk]))
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_a_referer_from_elsewhere_is_not_followed(city, note, as_employee):
    expire(as_employee)
    response = as_employee.post(
        reverse("codeofconduct:acknowledge", args=[note.pk]), headers={"Referer": "https://elders.example/x"}
    )
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_a_failed_csrf_check_says_what_to_do_in_the_apps_look(city, note):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city.employee)
    page = reverse("codeofconduct:version_detail", args=[note.pk])
    response = client.post(
        reverse("codeofconduct:acknowledge", args=[note.pk]), headers={"Referer": f"http://testserver{page}"}
    )
    assert response.status_code == 403
    assert "Deze pagina was verouderd" in response.text
    assert "Er is niets gewijzigd" in response.text
    assert f'href="http://testserver{page}"' in response.text
    assert "Enkel voor intern gebruik" in response.text
    assert not Acknowledgement.objects.exists()
