"""Nothing lost: people, versions and units with records cannot be deleted, in the admin or in code.

Leavers are deactivated; a version that is no longer valid is withdrawn. The records that prove who
read what, who notified their team and who asked what stay.
"""

import pytest
from django.db.models import ProtectedError

from advice import services as advice_services
from advice.models import Channel, Question
from codeofconduct import acknowledgements
from codeofconduct.content import install_initial_content
from codeofconduct.models import Acknowledgement, Policy, PolicyVersion, PublicationEvent, TeamNotification

pytestmark = pytest.mark.django_db


@pytest.fixture
def current(db):
    policy = install_initial_content(Policy, PolicyVersion, PublicationEvent)
    return policy.versions.get(status=PolicyVersion.Status.PUBLISHED)


@pytest.fixture
def records(city, current):
    acknowledgements.acknowledgement_record(person=city.employee, version=current)
    acknowledgements.team_notification_confirm(
        chef=city.chef, version=current, notified_on=current.published_at.date(), method="email"
    )
    advice_services.question_ask(asker=city.employee, subject="Foto", body="Mag dit?", channel=Channel.INSTAGRAM)
    return current


def test_code_cannot_delete_a_person_or_version_with_records(city, records):
    for obj in (city.employee, city.chef, records):
        with pytest.raises(ProtectedError):
            obj.delete()
    assert Acknowledgement.objects.filter(person=city.employee, version=records).exists()
    assert TeamNotification.objects.filter(chef=city.chef).exists()
    assert Question.objects.filter(asker=city.employee).exists()


def test_admin_explains_that_people_are_deactivated_not_deleted(city, records, as_admin):
    response = as_admin.post(f"/beheer/organisation/person/{city.employee.pk}/delete/", {"post": "yes"}, follow=True)
    assert "Medewerkers worden nooit verwijderd" in response.text
    assert "Deactiveer" in response.text
    city.employee.refresh_from_db()
    assert city.employee.is_active
    assert Acknowledgement.objects.filter(person=city.employee).count() == 1


def test_admin_explains_that_a_published_version_is_withdrawn_not_deleted(records, as_admin):
    response = as_admin.post(f"/beheer/codeofconduct/policyversion/{records.pk}/delete/", {"post": "yes"}, follow=True)
    assert "Enkel een ontwerp kan verwijderd worden" in response.text
    assert PolicyVersion.objects.filter(pk=records.pk, status=PolicyVersion.Status.PUBLISHED).exists()


@pytest.mark.parametrize("model", ["acknowledgement", "teamnotification"])
def test_admin_refuses_to_delete_evidence_with_the_reason(records, as_admin, model):
    evidence = {"acknowledgement": Acknowledgement, "teamnotification": TeamNotification}[model].objects.get()
    response = as_admin.post(f"/beheer/codeofconduct/{model}/{evidence.pk}/delete/", {"post": "yes"}, follow=True)
    assert "Dit is een bewijsstuk" in response.text
    assert type(evidence).objects.filter(pk=evidence.pk).exists()


def test_admin_has_no_bulk_delete_for_people_or_evidence(as_admin, records):
    for changelist in ("organisation/person", "codeofconduct/acknowledgement", "codeofconduct/policyversion"):
        assert 'value="delete_selected"' not in as_admin.get(f"/beheer/{changelist}/").text, changelist


def test_deactivation_keeps_the_leavers_records(city, records):
    city.employee.deactivate()
    assert Acknowledgement.objects.filter(person=city.employee).count() == 1
    assert Question.objects.filter(asker=city.employee).count() == 1
