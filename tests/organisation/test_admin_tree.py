"""The tree belongs to the HR import: the admin shows units and imported people's HR fields, and changes
neither (docs/organisation-import.md, "Who changes the tree")."""

import pytest

pytestmark = pytest.mark.django_db


def tree(city):
    from organisation.models import OrgUnit

    return list(OrgUnit.objects.order_by("code").values_list("code", "name", "kind", "parent__code", "path", "depth"))


def test_the_beheerder_sees_a_unit_but_cannot_change_move_or_add_one(city, as_admin):
    before = tree(city)
    page = as_admin.get(f"/beheer/organisation/orgunit/{city.service.pk}/change/")
    assert page.status_code == 200
    assert "BZ-COM" in page.text and 'name="_save"' not in page.text
    # Moving the service under the city, as a forged form would: refused, and every path below it unchanged.
    response = as_admin.post(
        f"/beheer/organisation/orgunit/{city.service.pk}/change/",
        {"code": "BZ-COM", "name": "Verhuisd", "kind": "dienst", "parent": city.city.pk, "is_active": "on"},
    )
    assert response.status_code == 403
    assert as_admin.get("/beheer/organisation/orgunit/add/").status_code == 403
    assert tree(city) == before
    assert city.team_a.subtree().count() == 1


def test_the_hr_fields_of_an_imported_person_are_read_only_in_the_admin(city, as_admin):
    page = as_admin.get(f"/beheer/organisation/person/{city.employee.pk}/change/")
    assert page.status_code == 200
    assert 'name="manager"' not in page.text and 'name="unit"' not in page.text
    assert 'name="is_editor"' in page.text  # roles are the app's, not HR's
    form = {
        "username": "iemand-anders",
        "personeelsnummer": "999",
        "first_name": "X",
        "last_name": "Y",
        "email": "x@stad.antwerpen.be",
        "unit": city.team_b.pk,
        "manager": city.other_chef.pk,
        "is_active": "on",
        "is_editor": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00",
    }
    response = as_admin.post(f"/beheer/organisation/person/{city.employee.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    city.employee.refresh_from_db()
    assert city.employee.is_editor  # the role was saved ...
    employee = city.employee
    assert (employee.username, employee.personeelsnummer, employee.unit, employee.manager) == (
        "medewerker",
        city.employee.personeelsnummer,
        city.team_a,
        city.chef,
    )  # ... the HR fields were not


def test_a_local_account_stays_editable_and_its_number_is_stored_in_normal_form(city, as_admin):
    from organisation.models import Person

    service = Person.objects.create(username="dienst", email="dienst@stad.antwerpen.be")
    page = as_admin.get(f"/beheer/organisation/person/{service.pk}/change/")
    assert 'name="manager"' in page.text
    form = {
        "username": "dienst",
        "personeelsnummer": " 000777 ",
        "first_name": "Dienst",
        "last_name": "Account",
        "email": "dienst@stad.antwerpen.be",
        "unit": city.team_b.pk,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00",
    }
    response = as_admin.post(f"/beheer/organisation/person/{service.pk}/change/", form)
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.personeelsnummer, service.unit) == ("777", city.team_b)
    # Another account written "0777" is the same number: the admin says so instead of saving a second one.
    other = Person.objects.create(username="dienst2", email="")
    response = as_admin.post(
        f"/beheer/organisation/person/{other.pk}/change/",
        {**form, "username": "dienst2", "email": "", "personeelsnummer": "0777"},
    )
    assert response.status_code == 200
    assert "Er bestaat al een Medewerker met eenzelfde Personeelsnummer." in response.text
    other.refresh_from_db()
    assert other.personeelsnummer is None
