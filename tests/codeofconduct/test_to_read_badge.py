"""The navigation's "te lezen" badge on pages that show no reading list counts what home would list.

Home and the version page count the badge from the reading list they show; every other page (the team
page, compliance, the advice pages) asks only which versions in force the person acknowledged
(`to_read_count`), read with the signed-in person. Both must give the same number for everyone:
acknowledged or not, in a version's audience or not, without a unit, or gone.
"""

import re

import pytest
from django.urls import reverse

from codeofconduct import shared
from codeofconduct.models import Policy
from codeofconduct.selectors.reading import reading_list, to_read_count
from codeofconduct.services import acknowledging, publishing
from organisation.backends import signed_in_person
from organisation.models import Person
from tests.codeofconduct.conftest import make_draft
from tests.conftest import client_for
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def badge(html) -> int:
    found = re.search(r'app-badge"><span aria-hidden="true">(\d+)</span>', html)
    return int(found.group(1)) if found else 0


@pytest.fixture
def for_team_a(city, policy):
    """A second policy in force, for team A only."""
    local = Policy.objects.create(slug="ploeg-a", title="Afspraken van ploeg A")
    version = make_draft(local, city.editor, body="## 1. Context\n\nTekst.", nummer="D2026.501")
    version.audience_all_staff = False
    version.save(update_fields=["audience_all_staff"])
    version.audience_units.add(city.team_a)
    return publishing.version_publish(version=version, by=city.editor)


def test_the_badge_counts_what_the_reading_list_lists_for_everyone(
    city, current, for_team_a, django_assert_num_queries
):
    acknowledging.acknowledgement_record(person=city.chef, version=for_team_a)  # team A, one of two
    acknowledging.acknowledgement_record(person=city.other_chef, version=current)  # team B, its only one
    both = make_person("beide", unit=city.team_a, manager=city.chef)  # team A, acknowledged both
    acknowledging.acknowledgement_record(person=both, version=current)
    acknowledging.acknowledgement_record(person=both, version=for_team_a)
    Person.objects.filter(pk=city.colleague.pk).update(unit=None)  # team B, without a unit now
    counted = {}
    for person in Person.objects.all():
        listed = len(reading_list(Person.objects.get(pk=person.pk))[0])
        assert to_read_count(Person.objects.get(pk=person.pk)) == listed, person
        # As every page's navigation counts it: from what was read with the signed-in person, no query.
        signed_in = signed_in_person(person.pk)
        shared.for_person(signed_in)  # the content every employee shares, kept per process
        getattr(signed_in, "unit", None)  # looked up for a version for chosen units, as before
        with django_assert_num_queries(0):
            assert to_read_count(signed_in) == listed, person
        counted[person.username] = listed
    # Every situation the count must tell apart is among them.
    assert counted[city.employee.username] == 2  # team A: both versions
    assert counted[city.chef.username] == 1  # team A, acknowledged one
    assert counted[city.editor.username] == 1  # not in team A: only the version for all staff
    assert counted[city.other_chef.username] == 0  # acknowledged all that is theirs
    assert counted[both.username] == 0  # two acknowledgements read with them
    assert counted[city.colleague.username] == 0  # without a unit: in no audience


def test_a_page_without_a_reading_list_shows_the_same_badge_as_home(city, current, for_team_a):
    as_employee = client_for(city.employee)
    questions = reverse("advice:my_questions")
    assert badge(as_employee.get(questions).content.decode()) == 2
    assert badge(as_employee.get(reverse("home")).content.decode()) == 2
    acknowledging.acknowledgement_record(person=city.employee, version=for_team_a)
    assert badge(as_employee.get(questions).content.decode()) == 1
    acknowledging.acknowledgement_record(person=city.employee, version=current)
    assert badge(as_employee.get(questions).content.decode()) == 0
    assert badge(as_employee.get(reverse("home")).content.decode()) == 0


def test_the_team_page_counts_the_badge_from_the_chefs_rows_it_read_anyway(city, current, for_team_a):
    as_chef = client_for(city.chef)
    team = reverse("codeofconduct:team")
    assert badge(as_chef.get(team).content.decode()) == 2
    acknowledging.acknowledgement_record(person=city.chef, version=current)
    assert badge(as_chef.get(team).content.decode()) == 1 == badge(as_chef.get(reverse("home")).content.decode())
