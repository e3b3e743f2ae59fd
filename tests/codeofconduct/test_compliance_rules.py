"""The compliance selectors' own rules, below the page: the trail back to the city, the top units.

The small city of test_compliance.py: STAD > BZ > BZ-COM > BZ-COM-A / BZ-COM-B.
"""

import datetime

import pytest
from django.utils import timezone

from codeofconduct.models import Acknowledgement, TeamNotification
from codeofconduct.selectors import compliance
from codeofconduct.services import acknowledging
from organisation.models import OrgUnit, Person
from tests.codeofconduct import compliance_fixture
from tests.factories import make_person, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_city(city, current):
    return compliance_fixture.build(city, current)


def names(figures):
    return [f.unit.code for f in figures]


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


def test_the_figures_count_as_overdue_only_who_is_past_their_date_on_the_day_asked_about(city, small_city, current):
    due = current.acknowledgement_due_date
    _units, today = compliance.unit_figures(current)
    units, on_the_due_date = compliance.unit_figures(current, today=due)
    _units, the_day_after = compliance.unit_figures(current, today=due + datetime.timedelta(days=1))
    assert today.overdue == 7  # everyone asked long ago who has not acknowledged; not the newcomer
    assert (on_the_due_date.overdue, units[city.team_a.pk].overdue) == (0, 0)  # on the date itself: not yet
    assert the_day_after.overdue == 7


def test_the_city_lists_its_top_units_by_name_when_there_are_several(city, small_city, current):
    """A second organisation beside the city (its code sorts after STAD, its name before it)."""
    fire_brigade = make_unit("ZB", "Brandweer Zone Antwerpen", kind=OrgUnit.Kind.CITY)
    make_person("brandweer1", unit=fire_brigade, unit_since=compliance_fixture.LONG_AGO)
    units, _total = compliance.unit_figures(current)
    assert names(compliance.top_units(units)) == ["ZB", "STAD"]


def test_the_chart_counts_this_versions_acknowledgements_per_day_and_adds_them_up(city, current, policy, suite_clock):
    """Two on Monday, none on Tuesday, one on Wednesday; an acknowledgement of the older version is not this one's."""
    monday = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)
    suite_clock.move_to(monday)
    acknowledging.acknowledgement_record(person=city.employee, version=current)
    acknowledging.acknowledgement_record(person=city.colleague, version=current)
    older = policy.versions.exclude(pk=current.pk).first()
    Acknowledgement.objects.create(person=city.chef, version=older, content_hash=older.content_hash)
    suite_clock.move_to(monday + datetime.timedelta(days=2))
    acknowledging.acknowledgement_record(person=city.other_chef, version=current)
    assert compliance.acknowledgements_per_day(current) == [
        (datetime.date(2026, 11, 16), 2, 2),
        (datetime.date(2026, 11, 18), 1, 3),
    ]
    # Below a unit: team A's one acknowledgement (the employee's).
    assert compliance.acknowledgements_per_day(current, city.team_a.path) == [(datetime.date(2026, 11, 16), 1, 1)]


def test_a_unit_counts_the_chefs_below_it_and_who_of_them_notified_their_team(city, small_city, current):
    """Tom Peeters (team A) confirmed notifying his team (the fixture), and so does the director of
    Bedrijfsvoering; Sofie Maes (team B) did not."""
    acknowledging.team_notification_confirm(
        chef=city.director, version=current, notified_on=timezone.localdate(), method="email"
    )
    units, total = compliance.unit_figures(current)
    service, department = units[city.service.pk], units[city.department.pk]
    assert (service.chefs, service.chefs_confirmed) == (2, 1)  # the chefs of team A and team B
    assert (department.chefs, department.chefs_confirmed) == (3, 2)  # and the director, in the department itself
    assert (total.chefs, total.chefs_confirmed) == (3, 2)


def test_a_chef_whose_reports_all_left_is_no_chef_and_a_confirmation_for_another_version_does_not_count(
    city, small_city, current, policy
):
    older = policy.versions.exclude(pk=current.pk).first()
    TeamNotification.objects.create(
        chef=city.other_chef, version=older, notified_on=datetime.date(2019, 1, 7), method="email"
    )
    units, _total = compliance.unit_figures(current)
    assert (units[city.team_b.pk].chefs, units[city.team_b.pk].chefs_confirmed) == (1, 0)
    Person.objects.get(pk=city.colleague.pk).deactivate()  # Sofie Maes's only report leaves
    units, _total = compliance.unit_figures(current)
    assert units[city.team_b.pk].chefs == 0
