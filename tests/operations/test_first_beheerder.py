"""The first beheerder, created as docs/operations.md says (`gedragscode-manage createsuperuser`).

Such a local account has no place in the organisation (no unit, no personeelsnummer): it must never
count in a version's audience or the compliance figures, and never get reminder mail.
"""

import pytest
from django.core import mail
from django.core.management import call_command

from codeofconduct import figures
from codeofconduct.audience import audience
from codeofconduct.reminders import run_reminders
from organisation.models import Person
from organisation.roles import is_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def first_beheerder(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "een-lang-en-sterk-wachtwoord-2026")
    call_command("createsuperuser", "--noinput", username="beheerder", email="beheerder@stad.antwerpen.be", verbosity=0)
    return Person.objects.get(username="beheerder")


def test_the_documented_command_makes_a_beheerder_without_a_place_in_the_organisation(first_beheerder):
    assert is_admin(first_beheerder)
    assert first_beheerder.unit is None and first_beheerder.personeelsnummer is None


def test_a_fresh_beheerder_is_not_in_the_audience_figures_or_reminders(city, current, first_beheerder):
    assert first_beheerder not in audience(current)
    staff = Person.objects.filter(is_active=True, unit__isnull=False).count()
    assert figures.city_figures(current).total.audience == staff
    run_reminders()
    assert not [message for message in mail.outbox if first_beheerder.email in message.to]
