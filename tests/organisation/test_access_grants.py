"""Four eyes on access to advice questions: the integrity-officer role and a plaatsvervanger period are
asked for by one beheerder and approved by another (never the one who asked, never the beneficiary),
recorded with who and when, shown to the Bureau, and no longer set directly in the admin."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from advice.access import can_view
from advice.models import Channel
from advice.services import question_ask
from organisation import services
from organisation.models import AccessGrant, Deputy, Person
from tests.conftest import client_for
from tests.factories import make_person

pytestmark = pytest.mark.django_db

ASKED_AT = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 15))  # a Monday
APPROVED_AT = timezone.make_aware(datetime.datetime(2026, 3, 3, 14, 40))
Kind, Status = AccessGrant.Kind, AccessGrant.Status


@pytest.fixture
def second_admin(city):
    return make_person(
        "beheer2", unit=city.city, is_staff=True, is_superuser=True, first_name="Jan", last_name="Tweede"
    )


@pytest.fixture
def candidate(city):
    return make_person("kandidaat", unit=city.city, first_name="Karel", last_name="Kandidaat")


def request_officer(city, person, at=ASKED_AT):
    return services.access_grant_request(
        kind=Kind.OFFICER, person=person, by=city.admin, reason="Nieuwe collega bij het Bureau", now=at
    )


# --- The service: the rule itself -------------------------------------------------------------------


def test_the_role_exists_only_after_a_second_beheerder_approves_and_the_record_says_who_and_when(
    city, second_admin, candidate
):
    grant = request_officer(city, candidate)
    candidate.refresh_from_db()
    assert not candidate.is_integrity_officer  # asked, not given

    services.access_grant_approve(grant=grant, by=second_admin, now=APPROVED_AT)
    candidate.refresh_from_db()
    assert candidate.is_integrity_officer
    grant.refresh_from_db()
    assert (grant.status, grant.requested_by, grant.requested_at) == (Status.APPROVED, city.admin, ASKED_AT)
    assert (grant.decided_by, grant.decided_at) == (second_admin, APPROVED_AT)


def test_the_beheerder_who_asked_cannot_approve(city, candidate):
    grant = request_officer(city, candidate)
    with pytest.raises(ValidationError, match="niet wie het vroeg"):
        services.access_grant_approve(grant=grant, by=city.admin, now=APPROVED_AT)
    candidate.refresh_from_db()
    grant.refresh_from_db()
    assert not candidate.is_integrity_officer
    assert (grant.status, grant.decided_by, grant.decided_at) == (Status.REQUESTED, None, None)


def test_a_beheerder_cannot_approve_access_for_themselves(city, second_admin):
    """The issue's case: a beheerder making themselves an integrity officer, even with a colleague asking."""
    grant = services.access_grant_request(
        kind=Kind.OFFICER, person=second_admin, by=city.admin, reason="Ik help even", now=ASKED_AT
    )
    with pytest.raises(ValidationError, match="niet zelf goed"):
        services.access_grant_approve(grant=grant, by=second_admin, now=APPROVED_AT)
    second_admin.refresh_from_db()
    assert not second_admin.is_integrity_officer


def test_only_beheerders_ask_and_approve(city, candidate):
    with pytest.raises(PermissionDenied):
        services.access_grant_request(kind=Kind.OFFICER, person=candidate, by=city.integrity, reason="x")
    grant = request_officer(city, candidate)
    with pytest.raises(PermissionDenied):
        services.access_grant_approve(grant=grant, by=city.integrity)
    candidate.refresh_from_db()
    assert not candidate.is_integrity_officer


def test_a_request_is_decided_once(city, second_admin, candidate):
    grant = request_officer(city, candidate)
    services.access_grant_refuse(grant=grant, by=second_admin, now=APPROVED_AT)
    third = make_person("beheer3", unit=city.city, is_staff=True, is_superuser=True)
    with pytest.raises(ValidationError, match="al beslist"):
        services.access_grant_approve(grant=grant, by=third, now=APPROVED_AT)
    candidate.refresh_from_db()
    assert not candidate.is_integrity_officer
    assert AccessGrant.objects.get().status == Status.REFUSED


def test_a_plaatsvervanger_period_needs_four_eyes_and_opens_the_managers_questions_only_then(
    city, second_admin, candidate
):
    question = question_ask(
        asker=city.employee, subject="Foto", body="Mag dit?", channel=Channel.INSTAGRAM, now=ASKED_AT
    )
    grant = services.access_grant_request(
        kind=Kind.DEPUTY,
        person=candidate,
        manager=city.chef,
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 13),
        reason="Tom met verlof",
        by=city.admin,
        now=ASKED_AT,
    )
    assert not Deputy.objects.exists()
    assert not can_view(candidate, question, today=datetime.date(2026, 3, 3))

    services.access_grant_approve(grant=grant, by=second_admin, now=APPROVED_AT)
    period = Deputy.objects.get()
    assert (period.manager, period.deputy, period.starts_on, period.ends_on) == (
        city.chef,
        candidate,
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 13),
    )
    grant.refresh_from_db()
    assert grant.deputy_period == period
    candidate = Person.objects.get(pk=candidate.pk)  # a fresh request: who acts for whom is read anew
    assert can_view(candidate, question, today=datetime.date(2026, 3, 3))


def test_a_deputy_request_without_a_period_is_refused_with_the_field_named(city, candidate):
    with pytest.raises(ValidationError) as refused:
        services.access_grant_request(
            kind=Kind.DEPUTY, person=candidate, manager=city.chef, reason="Verlof", by=city.admin, now=ASKED_AT
        )
    assert set(refused.value.message_dict) == {"starts_on", "ends_on"}
    assert not AccessGrant.objects.exists()


def test_taking_the_role_away_needs_four_eyes_too(city, second_admin):
    grant = services.access_grant_request(
        kind=Kind.OFFICER_END, person=city.integrity, by=city.admin, reason="Vertrekt", now=ASKED_AT
    )
    city.integrity.refresh_from_db()
    assert city.integrity.is_integrity_officer
    services.access_grant_approve(grant=grant, by=second_admin, now=APPROVED_AT)
    city.integrity.refresh_from_db()
    assert not city.integrity.is_integrity_officer


# --- The admin: no direct way, the request and the approval ----------------------------------------


def test_the_person_page_can_no_longer_tick_the_role(city, candidate):
    admin = client_for(city.admin)
    page = admin.get(reverse("admin:organisation_person_change", args=[candidate.pk])).content.decode()
    assert 'name="is_integrity_officer"' not in page
    data = {
        "username": candidate.username,
        "personeelsnummer": candidate.personeelsnummer,
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "email": candidate.email,
        "unit": candidate.unit_id,
        "is_active": "on",
        "is_integrity_officer": "on",  # forged: the field is not on the form
    }
    response = admin.post(reverse("admin:organisation_person_change", args=[candidate.pk]), data, follow=True)
    assert response.status_code == 200
    candidate.refresh_from_db()
    assert not candidate.is_integrity_officer


def test_the_admin_cannot_make_change_or_remove_a_plaatsvervanger_period_directly(city, candidate):
    admin = client_for(city.admin)
    response = admin.post(
        reverse("admin:organisation_deputy_add"),
        {"manager": city.chef.pk, "deputy": candidate.pk, "starts_on": "2026-03-02", "ends_on": "2026-03-13"},
    )
    assert response.status_code == 403
    assert not Deputy.objects.exists()
    period = Deputy.objects.create(
        manager=city.chef, deputy=candidate, starts_on=datetime.date(2026, 3, 2), ends_on=datetime.date(2026, 3, 13)
    )
    response = admin.post(
        reverse("admin:organisation_deputy_change", args=[period.pk]),
        {"manager": city.chef.pk, "deputy": candidate.pk, "starts_on": "2020-01-01", "ends_on": "2030-12-31"},
    )
    assert response.status_code == 403
    period.refresh_from_db()
    assert (period.starts_on, period.ends_on) == (datetime.date(2026, 3, 2), datetime.date(2026, 3, 13))


def test_in_the_admin_one_beheerder_asks_and_another_approves(city, second_admin, candidate):
    first, second = client_for(city.admin), client_for(second_admin)
    with time_machine.travel(ASKED_AT, tick=False):
        response = first.post(
            reverse("admin:organisation_accessgrant_add"),
            {"kind": Kind.OFFICER, "person": candidate.pk, "reason": "Nieuwe collega"},
            follow=True,
        )
    assert "Een tweede beheerder moet dit goedkeuren" in response.content.decode()
    grant = AccessGrant.objects.get()
    assert (grant.requested_by, grant.requested_at, grant.status) == (city.admin, ASKED_AT, Status.REQUESTED)

    changelist = reverse("admin:organisation_accessgrant_changelist")
    response = first.post(changelist, {"action": "approve", "_selected_action": [grant.pk]}, follow=True)
    assert "niet wie het vroeg" in response.content.decode()
    candidate.refresh_from_db()
    assert not candidate.is_integrity_officer

    with time_machine.travel(APPROVED_AT, tick=False):
        response = second.post(changelist, {"action": "approve", "_selected_action": [grant.pk]}, follow=True)
    assert "1 aanvraag(en) goedgekeurd" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.is_integrity_officer
    grant.refresh_from_db()
    assert (grant.decided_by, grant.decided_at) == (second_admin, APPROVED_AT)


def test_a_request_cannot_be_edited_or_deleted_in_the_admin(city, candidate):
    grant = request_officer(city, candidate)
    admin = client_for(city.admin)
    response = admin.post(
        reverse("admin:organisation_accessgrant_change", args=[grant.pk]),
        {"kind": Kind.OFFICER, "person": city.admin.pk, "reason": "x"},
    )
    assert response.status_code == 403
    response = admin.post(reverse("admin:organisation_accessgrant_delete", args=[grant.pk]), {"post": "yes"})
    assert response.status_code == 403
    grant.refresh_from_db()
    assert (grant.person, grant.reason) == (candidate, "Nieuwe collega bij het Bureau")


# --- The Bureau sees it ------------------------------------------------------------------------------


def test_the_bureau_sees_every_request_and_decision_with_who_and_when(city, second_admin, candidate):
    approved = request_officer(city, candidate)
    services.access_grant_approve(grant=approved, by=second_admin, now=APPROVED_AT)
    services.access_grant_request(
        kind=Kind.DEPUTY,
        person=city.other_chef,
        manager=city.chef,
        starts_on=datetime.date(2026, 3, 9),
        ends_on=datetime.date(2026, 3, 20),
        reason="Verlof van Tom",
        by=second_admin,
        now=APPROVED_AT,
    )
    with time_machine.travel(APPROVED_AT, tick=False):
        page = client_for(city.integrity).get(reverse("advice:access_grants")).content.decode()
    waiting, decided = page.split("Wacht op een tweede beheerder", 1)[1].split("Beslissingen", 1)
    assert "Sofie Maes" in waiting and "Verlof van Tom" in waiting and "Jan Tweede" in waiting
    assert "Karel Kandidaat" in decided
    assert "An Beheer, 02-03-2026 09:15" in decided  # who asked, when
    assert "door Jan Tweede, 03-03-2026 14:40" in decided  # who approved, when


@pytest.mark.parametrize("persona", ["employee", "chef", "editor", "admin"])
def test_only_the_bureau_reads_the_access_record(city, persona):
    assert client_for(getattr(city, persona)).get(reverse("advice:access_grants")).status_code == 403
