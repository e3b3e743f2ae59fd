"""Workflows on people that need more than one object or more than one person.

Access to advice questions (the integrity-officer role, a plaatsvervanger period) is granted with four
eyes: `access_grant_request` by one beheerder, `access_grant_approve` (or `access_grant_refuse`) by
another, never the one who asked and never the person who gets the access. The record stays, and the
Bureau voor Integriteit reads it (advice: "Toegang tot adviesvragen").
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation.models import AccessGrant, Deputy, Person
from organisation.roles import is_admin

Kind, Status = AccessGrant.Kind, AccessGrant.Status


@transaction.atomic
def access_grant_request(
    *, kind, person, by, reason, manager=None, starts_on=None, ends_on=None, now=None
) -> AccessGrant:
    """Record a beheerder's request; nothing changes for `person` until a second beheerder approves."""
    if not is_admin(by):
        raise PermissionDenied
    grant = AccessGrant(
        kind=kind,
        person=person,
        manager=manager,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=(reason or "").strip(),
        requested_by=by,
        requested_at=now or timezone.now(),
    )
    grant.full_clean()
    grant.save()
    return grant


def _decide(*, grant, by, now, status) -> AccessGrant:
    if not is_admin(by):
        raise PermissionDenied
    # A row lock: two beheerders clicking at once make one decision, one period.
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.status != Status.REQUESTED:
        raise ValidationError(_("Over deze aanvraag is al beslist."))
    if by.pk == grant.requested_by_id:
        raise ValidationError(_("Een tweede beheerder moet dit goedkeuren: niet wie het vroeg."))
    if by.pk == grant.person_id:
        raise ValidationError(_("Wie de toegang krijgt, keurt ze niet zelf goed."))
    grant.status, grant.decided_by, grant.decided_at = status, by, now or timezone.now()
    return grant


@transaction.atomic
def access_grant_approve(*, grant, by, now=None) -> AccessGrant:
    """A second beheerder approves: the role is given or taken, or the period made."""
    grant = _decide(grant=grant, by=by, now=now, status=Status.APPROVED)
    person = Person.objects.select_for_update().get(pk=grant.person_id)
    if grant.kind in (Kind.OFFICER, Kind.OFFICER_END):
        person.is_integrity_officer = grant.kind == Kind.OFFICER
        person.save(update_fields=["is_integrity_officer"])
    else:
        period = Deputy(manager_id=grant.manager_id, deputy=person, starts_on=grant.starts_on, ends_on=grant.ends_on)
        period.full_clean()
        period.save()
        grant.deputy_period = period
    grant.full_clean()
    grant.save()
    return grant


@transaction.atomic
def access_grant_refuse(*, grant, by, now=None) -> AccessGrant:
    """A second beheerder refuses: nothing changes, the request stays on record."""
    grant = _decide(grant=grant, by=by, now=now, status=Status.REFUSED)
    grant.full_clean()
    grant.save()
    return grant
