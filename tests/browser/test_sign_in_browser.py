import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_employee_signs_in_and_sees_the_city_look(city, login, live_server):
    page = login("medewerker")
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welkom, Lotte")
    assert page.get_by_text("Enkel voor intern gebruik").first.is_visible()
