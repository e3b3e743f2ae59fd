"""Publishing workflow: drafts, publication (now or scheduled), supersession and withdrawal.

Every state change locks the policy row first (select_for_update), so two editors publishing at
the same moment are serialised; the partial unique index on the current version is the last line.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from codeofconduct import rendering
from codeofconduct.models import Policy, PolicyVersion, PublicationEvent
from codeofconduct.services import acknowledging

Status = PolicyVersion.Status
Action = PublicationEvent.Action

COPIED_FIELDS = [*PolicyVersion.HEADER_FIELDS, "body", "audience_all_staff"]


def _record(*, version, action, by, note="", at=None):
    event = PublicationEvent(version=version, action=action, by=by, note=note, at=at or timezone.now())
    event.full_clean()
    event.save()
    return event


def policy_create(*, title: str) -> tuple[Policy, bool]:
    """A new policy (its versions follow as drafts). Returns (policy, created).

    The address comes from the title, so a second click with the same title finds the policy the
    first click made instead of making another.
    """
    title = " ".join(title.split())
    slug = slugify(title)[:80].strip("-")
    if not slug:
        raise ValidationError({"title": _("Geef een titel met letters of cijfers.")})
    existing = Policy.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return Policy.objects.create(slug=slug, title=title), True
    except IntegrityError:
        return Policy.objects.get(slug=slug), False


def _next_nummer(year: int) -> str:
    """A free, well-formed number for a new draft; Redactie replaces it with the real one."""
    taken = set(PolicyVersion.objects.filter(nummer__startswith=f"D{year}.").values_list("nummer", flat=True))
    sequence = 1
    while f"D{year}.{sequence:03d}" in taken:
        sequence += 1
    return f"D{year}.{sequence:03d}"


@transaction.atomic
def draft_create(*, policy: Policy, by, copy_from: PolicyVersion | None = None, token=None) -> PolicyVersion:
    """A new draft of `policy`: empty, or a copy of `copy_from` (usually the current version).

    `token` comes from the form: a double click or a resent form returns the draft already made.
    """
    Policy.objects.select_for_update().get(pk=policy.pk)  # serialise number allocation per policy
    if token is not None:
        existing = policy.versions.filter(creation_token=token).first()
        if existing is not None:
            return existing
    today = timezone.localdate()
    draft = PolicyVersion(
        policy=policy,
        status=Status.DRAFT,
        created_by=by,
        datum=today,
        nummer=_next_nummer(today.year),
        creation_token=token,
    )
    if copy_from is not None:
        for name in COPIED_FIELDS:
            setattr(draft, name, getattr(copy_from, name))
        draft.nummer = _next_nummer(today.year)
        draft.datum = today
        draft.vervaldatum = (
            None if (copy_from.vervaldatum and copy_from.vervaldatum <= today) else copy_from.vervaldatum
        )
        draft.vervangt = copy_from.nummer
    else:
        draft.titel = policy.title
        draft.body = "## 1. " + _("Context") + "\n\n…\n"
    draft.full_clean()
    draft.save()
    if copy_from is not None:
        draft.audience_units.set(copy_from.audience_units.all())
    _record(
        version=draft,
        action=Action.CREATED,
        by=by,
        note=_("Kopie van %(nummer)s") % {"nummer": copy_from.nummer} if copy_from else "",
    )
    return draft


def _lock(version: PolicyVersion) -> PolicyVersion:
    """Lock the policy row, then re-read the version: decisions are taken on fresh data."""
    Policy.objects.select_for_update().get(pk=version.policy_id)
    return PolicyVersion.objects.select_for_update().get(pk=version.pk)


@transaction.atomic
def draft_save(*, version: PolicyVersion, by) -> PolicyVersion:
    """Save an edited draft (fields already set on `version`, e.g. by a form)."""
    locked = _lock(version)
    if not locked.is_editable:
        raise PermissionDenied(_("Een gepubliceerde versie kan niet meer gewijzigd worden: maak een nieuwe versie."))
    version.status = Status.DRAFT
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def version_publish(
    *,
    version: PolicyVersion,
    by,
    publish_at: datetime.datetime | None = None,
    is_editorial_change: bool = False,
    note: str = "",
    acknowledgement_due_date: datetime.date | None = None,
) -> PolicyVersion:
    """Publish now, or schedule when `publish_at` lies in the future.

    Publishing supersedes the policy's current version. Raises ValidationError when the version is
    no longer a draft (someone else published it first) or its header is not valid for publication.
    """
    now = timezone.now()
    version = _lock(version)
    if version.status not in (Status.DRAFT, Status.SCHEDULED):
        raise ValidationError(_("Deze versie is al %(status)s.") % {"status": version.get_status_display().lower()})
    version.is_editorial_change = is_editorial_change
    if acknowledgement_due_date:
        version.acknowledgement_due_date = acknowledgement_due_date
    if publish_at is not None and publish_at > now:
        version.status = Status.SCHEDULED
        version.publish_at = publish_at
        version.full_clean()
        version.save()
        _record(version=version, action=Action.SCHEDULED, by=by, note=note, at=now)
        return version
    return _make_current(version=version, by=by, note=note, now=now)


def _make_current(*, version, by, note, now):
    previous = list(
        PolicyVersion.objects.select_for_update().filter(policy_id=version.policy_id, status=Status.PUBLISHED)
    )
    for current in previous:
        current.status = Status.SUPERSEDED
        current.ended_at = now
        current.save(update_fields=["status", "ended_at", "updated_at"])
        _record(
            version=current,
            action=Action.SUPERSEDED,
            by=by,
            at=now,
            note=_("Vervangen door %(nummer)s") % {"nummer": version.nummer},
        )
    version.status = Status.PUBLISHED
    version.published_at = now
    version.publish_at = version.publish_at or now
    if version.acknowledgement_due_date is None:
        version.acknowledgement_due_date = version.default_acknowledgement_due_date(timezone.localdate(now))
    version.full_clean()
    version.body_html = rendering.render_markdown(version.body)
    version.content_hash = version.compute_content_hash()
    version.save()
    _record(version=version, action=Action.PUBLISHED, by=by, note=note, at=now)
    if version.is_editorial_change:
        for earlier in previous:
            acknowledging.acknowledgements_carry_over(previous=earlier, new=version)
    return version


def reinstatable_version(version: PolicyVersion) -> PolicyVersion | None:
    """The version that applies again when the current `version` is withdrawn: the one it superseded."""
    if version.status != Status.PUBLISHED:
        return None
    return (
        PolicyVersion.objects.filter(policy_id=version.policy_id, status=Status.SUPERSEDED)
        .exclude(pk=version.pk)
        .order_by("-published_at", "-pk")
        .first()
    )


@transaction.atomic
def version_withdraw(*, version: PolicyVersion, by, note: str = "", reinstate_previous: bool = True) -> PolicyVersion:
    """Withdraw a published version, or cancel a scheduled one.

    Withdrawing the current version makes the version it superseded current again (unless
    `reinstate_previous` is off), so that the policy keeps exactly one current version: withdrawing
    an update means the earlier rules apply again. Their acknowledgements still count.
    """
    version = _lock(version)
    if version.status not in (Status.PUBLISHED, Status.SCHEDULED):
        raise ValidationError(_("Enkel een gepubliceerde of geplande versie kan ingetrokken worden."))
    now = timezone.now()
    predecessor = reinstatable_version(version) if reinstate_previous else None
    version.status = Status.WITHDRAWN
    version.ended_at = now
    version.save(update_fields=["status", "ended_at", "updated_at"])
    _record(version=version, action=Action.WITHDRAWN, by=by, note=note, at=now)
    if predecessor is not None:
        predecessor.status = Status.PUBLISHED
        predecessor.ended_at = None
        predecessor.save(update_fields=["status", "ended_at", "updated_at"])
        _record(
            version=predecessor,
            action=Action.REINSTATED,
            by=by,
            at=now,
            note=_("Opnieuw van kracht na intrekking van %(nummer)s") % {"nummer": version.nummer},
        )
    return version


def publish_due_versions(*, now: datetime.datetime | None = None) -> list[PolicyVersion]:
    """Publish every scheduled version whose time has come. Idempotent: safe from cron and from pages."""
    now = now or timezone.now()
    published = []
    due = PolicyVersion.objects.filter(status=Status.SCHEDULED, publish_at__lte=now).order_by("publish_at", "pk")
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            version = _lock(PolicyVersion(pk=pk, policy_id=PolicyVersion.objects.get(pk=pk).policy_id))
            if version.status != Status.SCHEDULED:
                continue  # published meanwhile by another process
            published.append(_make_current(version=version, by=None, now=now, note=_("Geplande publicatie")))
    return published
