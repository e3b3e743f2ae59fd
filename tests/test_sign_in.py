import pytest
from django.contrib import auth
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_page_is_public_and_dutch(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Aanmelden" in response.text
    assert "E-mailadres of gebruikersnaam" in response.text
    assert "Enkel voor intern gebruik" in response.text


@pytest.mark.parametrize("identifier", ["medewerker", "MEDEWERKER", "medewerker@stad.antwerpen.be"])
def test_staff_sign_in_with_username_or_email(city, client, identifier):
    response = client.post(reverse("login"), {"username": identifier, "password": "demo"})
    assert response.status_code == 302
    assert client.get("/").context["user"] == city.employee


def test_wrong_password_gives_clear_message(city, client):
    response = client.post(reverse("login"), {"username": "medewerker", "password": "nope"})
    assert response.status_code == 200
    assert "horen niet bij elkaar" in response.text


def test_deactivated_person_cannot_sign_in(city, client):
    city.employee.deactivate()
    response = client.post(reverse("login"), {"username": "medewerker", "password": "demo"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_logout_ends_the_session(as_employee):
    assert as_employee.get("/").status_code == 200
    as_employee.post(reverse("logout"))
    assert as_employee.get("/").status_code == 302


def test_repeated_failures_lock_the_account_with_a_clear_message(city, client):
    for _ in range(5):
        client.post(reverse("login"), {"username": "medewerker", "password": "wrong"})
    response = Client().post(reverse("login"), {"username": "medewerker", "password": "demo"})
    assert response.status_code == 429
    assert "Tijdelijk geblokkeerd" in response.text


@override_settings(SSO_TRUSTED_HEADER="X-Remote-User")
def test_single_sign_on_header_signs_in_a_known_person(city):
    client = Client(headers={"X-Remote-User": "medewerker@stad.antwerpen.be"})
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["user"] == city.employee


@override_settings(SSO_TRUSTED_HEADER="X-Remote-User")
def test_single_sign_on_header_ignores_unknown_and_inactive_people(city):
    city.employee.deactivate()
    for name in ["nobody@stad.antwerpen.be", "medewerker"]:
        assert Client(headers={"X-Remote-User": name}).get("/").status_code == 302


def test_single_sign_on_header_is_ignored_unless_configured(city):
    assert Client(headers={"X-Remote-User": "medewerker"}).get("/").status_code == 302


def test_health_check_answers_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    # No mail worker runs in the tests: its heartbeat is reported, never a reason to leave rotation.
    assert response.json() == {"status": "ok", "database": "up", "cache": "local", "worker": "none"}


def test_pages_are_private_and_not_indexed(as_employee):
    response = as_employee.get("/")
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")


def signed_in_person(client):
    """The person a request with this client's session is signed in as, as the pages see them."""
    request = HttpRequest()
    request.session = client.session
    return auth.get_user(request)


def test_the_chef_role_in_the_navigation_comes_with_the_signed_in_person(city, client, django_assert_num_queries):
    """The pages know who is a chef-waardeerder from the query that loads the person, and no other."""
    client.force_login(city.chef)
    assert "Mijn team" in client.get(reverse("codeofconduct:policy_list")).text
    chef = signed_in_person(client)
    with django_assert_num_queries(0):
        assert chef.has_direct_reports
    # Once their last report has left, the next page no longer shows them a team.
    for report in city.chef.direct_reports.filter(is_active=True):
        report.deactivate()
    assert "Mijn team" not in client.get(reverse("codeofconduct:policy_list")).text
    former_chef = signed_in_person(client)
    with django_assert_num_queries(0):
        assert not former_chef.has_direct_reports


def test_the_signed_in_person_is_the_same_person_the_orm_would_load(city, client):
    """The person's query is compiled once per process: what it loads must not differ in any field."""
    from organisation.models import Person

    city.employee.last_login = timezone.now()
    city.employee.save(update_fields=["last_login"])
    client.force_login(city.chef)
    for who in (city.employee, city.chef):
        loaded = auth.get_user(request_with_session(client, who))
        expected = Person.objects.get(pk=who.pk)
        for field in Person._meta.concrete_fields:
            value, expected_value = getattr(loaded, field.attname), getattr(expected, field.attname)
            assert (value, type(value)) == (expected_value, type(expected_value)), field.name
        assert loaded.has_direct_reports is (who == city.chef)
        assert loaded._state.db == "default" and not loaded._state.adding


def request_with_session(client, person):
    client.force_login(person)
    request = HttpRequest()
    request.session = client.session
    return request


@override_settings(SSO_TRUSTED_HEADER="X-Remote-User")
def test_single_sign_on_also_loads_the_chef_role_with_the_person(city, django_assert_num_queries):
    client = Client(headers={"X-Remote-User": city.chef.email})
    assert "Mijn team" in client.get(reverse("codeofconduct:policy_list")).text
    chef = signed_in_person(client)
    with django_assert_num_queries(0):
        assert chef.has_direct_reports


@override_settings(SSO_TRUSTED_HEADER="X-Remote-User")
@pytest.mark.parametrize(
    "spelling",
    [
        "MEDEWERKER",
        "  medewerker  ",
        "Medewerker@Stad.Antwerpen.be",
        "ｍｅｄｅｗｅｒｋｅｒ",  # full-width letters: NFKC folds them, as the login form does
    ],
)
def test_the_proxy_may_spell_a_known_name_differently_and_it_is_still_that_person(city, spelling):
    response = Client(headers={"X-Remote-User": spelling}).get("/")
    assert response.status_code == 200
    assert response.context["user"] == city.employee


@override_settings(SSO_TRUSTED_HEADER="X-Remote-User")
@pytest.mark.parametrize(
    "hostile",
    [
        "medewerker" + "x" * 10_000,  # over-long
        "x" * 255,
        "medewerker\x00admin",  # NUL: PostgreSQL would refuse it in a query
        "medewerker\x00",
        "medewerker\u200b",  # an invisible character
        "mеdewerker",  # a Cyrillic "е": looks alike, is not the same name
        "medewerke_",  # LIKE wildcards
        "medew%rker",
        "%",
        "medewerker, admin",
        "nobody@stad.antwerpen.be",
    ],
)
def test_a_hostile_header_signs_in_nobody_and_creates_nobody(city, hostile):
    from organisation.models import Person

    people = list(Person.objects.values_list("pk", "username", "email"))
    response = Client(headers={"X-Remote-User": hostile}).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert list(Person.objects.values_list("pk", "username", "email")) == people


@override_settings(SSO_TRUSTED_HEADER="X-Remote-User")
def test_the_proxy_decides_who_is_signed_in(city):
    client = Client()
    assert client.get("/", headers={"X-Remote-User": "medewerker"}).context["user"] == city.employee
    # Later requests without the header keep the session (the proxy may send it on some pages only).
    assert client.get("/").context["user"] == city.employee
    # The same person under another spelling keeps the same session: no new sign-in on every page.
    key = client.cookies["sessionid"].value
    client.get("/", headers={"X-Remote-User": "MEDEWERKER@stad.antwerpen.be"})
    assert client.cookies["sessionid"].value == key
    # Another name: that person now; a name of nobody ends the session the header started.
    assert client.get("/", headers={"X-Remote-User": "chef"}).context["user"] == city.chef
    assert client.get("/", headers={"X-Remote-User": "nobody"}).status_code == 302
