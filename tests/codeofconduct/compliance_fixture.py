"""A small city with hand-computed compliance figures (see test_compliance.py for the arithmetic)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from codeofconduct.services import acknowledging
from organisation.models import Person
from tests.factories import make_asked, make_person

LONG_AGO = timezone.make_aware(datetime.datetime(2017, 1, 2, 9, 0))


@dataclass
class Fixture:
    a1: Person  # briefed by the chef
    a2: Person  # never acknowledged, overdue
    a3: Person  # acknowledged, then left: excluded from the counts
    a4: Person  # joined yesterday: own due date, not overdue


def build(city, version) -> Fixture:
    a1 = make_person("a1", unit=city.team_a, manager=city.chef, first_name="Jef", last_name="Aerts")
    a2 = make_person("a2", unit=city.team_a, manager=city.chef, first_name="Mieke", last_name="Bosmans")
    a3 = make_person("a3", unit=city.team_a, manager=city.chef, first_name="Dries", last_name="Cools")
    a4 = make_person("a4", unit=city.team_a, manager=city.chef, first_name="Nele", last_name="Dubois")
    # Everyone but the newcomer was asked long ago; the newcomer joined and was asked yesterday.
    Person.objects.exclude(pk=a4.pk).update(unit_since=LONG_AGO)
    Person.objects.filter(pk=a4.pk).update(unit_since=timezone.now() - datetime.timedelta(days=1))
    make_asked(version, *Person.objects.exclude(pk=a4.pk).filter(unit__isnull=False), at=LONG_AGO)
    make_asked(version, a4, at=timezone.now() - datetime.timedelta(days=1))
    for person in (city.employee, city.colleague, a3):
        person.refresh_from_db()
        acknowledging.acknowledgement_record(person=person, version=version)
    a1.refresh_from_db()
    acknowledging.briefing_record(
        chef=city.chef, version=version, held_on=timezone.localdate(), form="toolbox", attendees=[a1]
    )
    acknowledging.team_notification_confirm(
        chef=city.chef, version=version, notified_on=timezone.localdate(), method="teamvergadering"
    )
    a3.refresh_from_db()
    a3.deactivate()
    return Fixture(a1, a2, a3, a4)
