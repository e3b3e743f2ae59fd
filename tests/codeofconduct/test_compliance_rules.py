"""The compliance selectors' own rules, below the page: the trail back to the city, the top units.

The small city of test_compliance.py: STAD > BZ > BZ-COM > BZ-COM-A / BZ-COM-B.
"""

import datetime

import pytest
from django.utils import timezone

from codeofconduct.selectors import compliance
from codeofconduct.services import acknowledging
from tests.codeofconduct import compliance_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_city(city, current):
    return compliance_fixture.build(city, current)


def names(figures):
    return [f.unit["code"] for f in figures]


def test_the_trail_of_a_team_goes_back_to_the_city_from_the_top_down(city, small_city, current):
    units, _total = compliance.unit_figures(current)
    assert names(compliance.breadcrumbs(units, units[city.team_a.pk])) == ["STAD", "BZ", "BZ-COM"]
    assert names(compliance.breadcrumbs(units, units[city.service.pk])) == ["STAD", "BZ"]
    assert names(compliance.breadcrumbs(units, units[city.city.pk])) == []


def test_a_unit_lists_its_sub_units_by_name_and_the_city_is_the_top(city, small_city, current):
    units, total = compliance.unit_figures(current)
    assert names(units[city.service.pk].children) == ["BZ-COM-A", "BZ-COM-B"]  # by name: Team Online, Team Pers
    assert names(compliance.top_units(units)) == ["STAD"]
    assert (total.audience, total.acknowledged) == (11, 3)


def test_the_overdue_people_are_those_past_the_due_date_of_the_day_asked_about(city, small_city, current):
    _units, total = compliance.unit_figures(current)
    overdue_now = compliance.people_page(current, total, "overdue", 1)
    assert {person.username for person in overdue_now.object_list} == {
        "integriteit",
        "admin",
        "directeur",
        "redactie",
        "chef",
        "a2",
        "chef2",
    }
    # On the due date itself nobody is overdue yet.
    on_the_due_date = compliance.people_page(current, total, "overdue", 1, today=current.acknowledgement_due_date)
    assert list(on_the_due_date.object_list) == []


def test_the_people_list_narrows_to_the_overdue_of_the_day_asked_about(city, small_city, current):
    overdue = compliance.people_in_unit(current, city.team_a.path, "overdue")
    assert {person.username for person in overdue} == {"chef", "a2"}
    assert (
        list(compliance.people_in_unit(current, city.team_a.path, "overdue", today=current.acknowledgement_due_date))
        == []
    )


def test_the_people_list_shows_the_first_opening_of_this_version_only(city, small_city, current, policy):
    older = policy.versions.exclude(pk=current.pk).first()
    acknowledging.opening_record(person=city.colleague, version=current)
    acknowledging.opening_record(person=small_city.a2, version=older)  # another version: not this one's
    opened = {person.username: person.opened_at for person in compliance.people_in_unit(current, None)}
    assert datetime.timedelta(0) <= timezone.now() - opened["medewerker2"] < datetime.timedelta(minutes=1)
    assert opened["a2"] is None
