"""Nothing lost: people, versions and units with records cannot be deleted, in the admin or in code.

Leavers are deactivated; a version that is no longer valid is withdrawn. The records that prove who
read what, who notified their team and who asked what stay.
"""

import pytest
from django.db.models import ProtectedError

from advice import services as advice_services
from advice.models import Channel, Question
from codeofconduct.content import install_initial_content
from codeofconduct.models import Acknowledgement, Policy, PolicyVersion, PublicationEvent, TeamNotification
from codeofconduct.services import acknowledging

pytestmark = pytest.mark.django_db


@pytest.fixture
def current(db):
    policy = install_initial_content(Policy, PolicyVersion, PublicationEvent)
    return policy.versions.get(status=PolicyVersion.Status.PUBLISHED)


@pytest.fixture
def records(city, current):
    acknowledging.acknowledgement_record(person=city.employee, version=current)
    acknowledging.team_notification_confirm(
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


# Relations to people, versions or questions that do not PROTECT, each with why nothing is lost.
MAY_CASCADE = {
    # Configuration, not a record; a person with records cannot be deleted in the first place.
    ("organisation.Deputy", "manager"),
    ("organisation.Deputy", "deputy"),
    # Each attendee has an acknowledgement of the version (PROTECT), so no attendee can be deleted.
    ("codeofconduct.Briefing", "attendees"),
    # Django's own permission tables.
    ("organisation.Person", "groups"),
    ("organisation.Person", "user_permissions"),
    # A question is removed only by the retention job, with its timeline and files on purpose.
    ("advice.QuestionEvent", "question"),
    ("advice.Attachment", "question"),
    # Anonymous by design: they outlive the question they came from.
    ("advice.FaqEntry", "source"),
    ("advice.QuestionStatistic", "question"),
}


@pytest.mark.parametrize("target", ["organisation.Person", "codeofconduct.PolicyVersion", "advice.Question"])
def test_a_new_relation_that_does_not_protect_the_record_fails_here(target):
    from django.apps import apps
    from django.db import models

    target_model = apps.get_model(target)
    unprotected = []
    for app in ("organisation", "codeofconduct", "advice"):
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if not (field.is_relation and field.concrete and field.related_model is target_model):
                    continue
                if (model._meta.label, field.name) in MAY_CASCADE:
                    continue
                if isinstance(field, models.ManyToManyField) or field.remote_field.on_delete is not models.PROTECT:
                    unprotected.append(f"{model._meta.label}.{field.name}")
    assert not unprotected, f"protect these records or list them in MAY_CASCADE with a reason: {unprotected}"
