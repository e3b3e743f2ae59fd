"""The Django admin is for beheerders only; everyone else is refused, anonymous visitors sign in first."""

import pytest

pytestmark = pytest.mark.django_db


def test_beheerder_reaches_the_admin(as_admin):
    assert as_admin.get("/beheer/").status_code == 200
    assert as_admin.get("/beheer/organisation/person/").status_code == 200


@pytest.mark.parametrize("persona", ["as_employee", "as_chef", "as_editor", "as_integrity"])
def test_other_roles_get_403_not_a_second_login_form(request, persona):
    client = request.getfixturevalue(persona)
    response = client.get("/beheer/", follow=True)
    assert response.status_code == 403
    assert "Geen toegang" in response.text


def test_people_cannot_be_deleted_in_the_admin_only_deactivated(city, as_admin):
    response = as_admin.post(f"/beheer/organisation/person/{city.employee.pk}/delete/", {"post": "yes"}, follow=True)
    assert "Medewerkers worden nooit verwijderd" in response.text
    city.employee.refresh_from_db()
    response = as_admin.post(
        "/beheer/organisation/person/",
        {"action": "deactivate", "_selected_action": [city.employee.pk]},
        follow=True,
    )
    city.employee.refresh_from_db()
    assert not city.employee.is_active
    assert "1 medewerker(s) gedeactiveerd" in response.text


def test_unknown_page_gives_the_city_404(as_employee):
    response = as_employee.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text
