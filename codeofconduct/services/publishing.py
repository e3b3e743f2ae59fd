"""Publishing workflow: drafts, publication (now or scheduled), supersession and withdrawal.

Every state change locks the policy row first (select_for_update), so two editors publishing at
the same moment are serialised; the partial unique index on the current version is the last line.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from codeofconduct import figures, rendering
from codeofconduct.models import Policy, PolicyVersion, PublicationEvent
from codeofconduct.services import acknowledging

Status = PolicyVersion.Status
Action = PublicationEvent.Action
NoteKind = PublicationEvent.NoteKind

COPIED_FIELDS = [*PolicyVersion.HEADER_FIELDS, "body", "audience_all_staff"]


def _record(*, version, action, by, note="", note_kind="", note_nummer="", at=None, **dates):
    """One event. `note` is what a person typed; the application's own note is a kind (and the other
    version's nummer), put into words in the reader's language (PublicationEvent.note_text)."""
    event = PublicationEvent(
        version=version,
        action=action,
        by=by,
        note=note,
        note_kind=note_kind,
        note_nummer=note_nummer,
        at=at or timezone.now(),
        **dates,
    )
    event.full_clean()
    event.save()
    return event


# What an event of a version's lifecycle does to it: its new status (its time in force ends, but
# for a reinstatement).
STATUS_AFTER = {
    Action.SUPERSEDED: Status.SUPERSEDED,
    Action.CANCELLED: Status.CANCELLED,
    Action.WITHDRAWN: Status.WITHDRAWN,
    Action.REINSTATED: Status.PUBLISHED,
}


def _change_status(version, action, *, by, now, **note):
    """A version leaves or regains force: its status and end saved, and the event that says so."""
    version.status = STATUS_AFTER[action]
    version.ended_at = None if action == Action.REINSTATED else now
    version.save(update_fields=["status", "ended_at", "updated_at"])
    _record(version=version, action=action, by=by, at=now, **note)


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
        note_kind=NoteKind.COPY_OF if copy_from else "",
        note_nummer=copy_from.nummer if copy_from else "",
    )
    return draft


def _lock(version: PolicyVersion) -> PolicyVersion:
    """Lock the policy row, then re-read the version: decisions are taken on fresh data.

    A draft discarded by another editor meanwhile is gone: said as a refusal, never half done.
    """
    Policy.objects.select_for_update().get(pk=version.policy_id)
    try:
        return PolicyVersion.objects.select_for_update().get(pk=version.pk)
    except PolicyVersion.DoesNotExist:
        raise ValidationError(_("Dit ontwerp bestaat niet meer: het werd intussen verwijderd.")) from None


# A draft's own events: what a discarded draft takes with it (nothing else ever names a draft only).
DRAFT_ONLY_ACTIONS = (Action.CREATED,)


def why_not_discardable(version: PolicyVersion) -> str:
    """Why `version` cannot be deleted ("" when it can).

    Only a draft that never left Redactie's desk can go: never published or scheduled (its events
    are its creation only), and nothing refers to it but those events. Every other record that names
    a version (acknowledgements, readings, reminders, questions to people, team notifications,
    briefings, carried-over acknowledgements, any relation added later) keeps it, and so does another
    version's history that names its number.
    """
    if version.status != Status.DRAFT or version.published_at is not None or version.publish_at is not None:
        return _("Enkel een ontwerp dat nooit gepubliceerd of gepland werd, kan verwijderd worden.")
    for relation in PolicyVersion._meta.related_objects:
        rows = relation.related_model._base_manager.filter(**{relation.field.name: version})
        if relation.related_model is PublicationEvent:
            rows = rows.exclude(action__in=DRAFT_ONLY_ACTIONS)
        if rows.exists():
            return _("%(nummer)s heeft al een geschiedenis (%(what)s): het blijft bewaard.") % {
                "nummer": version.nummer,
                "what": relation.related_model._meta.verbose_name_plural,
            }
    if PublicationEvent.objects.filter(note_nummer=version.nummer).exclude(version=version).exists():
        return _("De geschiedenis van een andere versie noemt %(nummer)s: het blijft bewaard.") % {
            "nummer": version.nummer
        }
    return ""


@transaction.atomic
def version_discard_draft(*, version: PolicyVersion, by) -> None:
    """Delete a draft that was never published, with its own events (its creation, "copy of").

    The row locks are the publishing service's (`_lock`): a draft being published while another
    editor discards it is either published (and then refused here) or gone (and then publishing
    says so), never half of each. The deletion itself is written to Django's log (LogEntry:
    who, when, the version's number and title, and what its events were), which outlives the draft
    and which the audit export reads (codeofconduct.audit, "discarded").
    """
    from django.contrib.admin.models import DELETION, LogEntry

    version = _lock(version)
    problem = why_not_discardable(version)
    if problem:
        raise PermissionDenied(problem)
    events = list(version.events.select_related("by").order_by("at", "pk"))
    with translation.override("nl-be"):
        history = "; ".join(
            f"{event.get_action_display()} op {timezone.localtime(event.at):%d-%m-%Y %H:%M}"
            + (f" door {event.by.get_full_name()}" if event.by else "")
            + (f" ({event.note_text})" if event.note_kind else "")
            for event in events
        )
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[version],
        action_flag=DELETION,
        change_message=f"Ontwerp verwijderd, nooit gepubliceerd. {history}".strip(),
    )
    version.events.all().delete()
    version.audience_units.clear()
    version.delete()


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
    _refuse_stand_in(version)
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


def _refuse_stand_in(version):
    if version.is_stand_in:
        raise ValidationError(
            _(
                "%(nummer)s is een plaatsvervangende tekst: die wordt nooit de geldende versie en wordt nooit "
                "gemaild. Publiceer de echte tekst als nieuwe versie."
            )
            % {"nummer": version.nummer}
        )


def _make_current(*, version, by, now, note="", note_kind=""):
    _refuse_stand_in(version)
    previous = list(
        PolicyVersion.objects.select_for_update().filter(policy_id=version.policy_id, status=Status.PUBLISHED)
    )
    for current in previous:
        _change_status(
            current, Action.SUPERSEDED, by=by, now=now, note_kind=NoteKind.SUPERSEDED_BY, note_nummer=version.nummer
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
    _record(version=version, action=Action.PUBLISHED, by=by, note=note, note_kind=note_kind, at=now)
    if version.is_editorial_change:
        for earlier in previous:
            acknowledging.acknowledgements_carry_over(previous=earlier, new=version)
    # Counted once the version is public, so that no one opening the compliance page waits for it. A
    # failure is logged, not raised: the publication stands, and the first page view counts instead.
    transaction.on_commit(lambda: figures.count_after_publication(version), robust=True)
    return version


def previous_version(version: PolicyVersion) -> PolicyVersion | None:
    """The version the current `version` superseded (the latest one), whether or not it can come back."""
    if version.status != Status.PUBLISHED:
        return None
    return (
        PolicyVersion.objects.filter(policy_id=version.policy_id, status=Status.SUPERSEDED)
        .exclude(pk=version.pk)
        .order_by("-published_at", "-pk")
        .first()
    )


def why_not_reinstatable(previous: PolicyVersion | None) -> str:
    """Why `previous` cannot be in force again ("" when it can)."""
    if previous is None:
        return _("Er is geen vorige versie.")
    if previous.is_stand_in:
        return _("%(nummer)s is een plaatsvervangende tekst: die kan nooit opnieuw van kracht worden.") % {
            "nummer": previous.nummer
        }
    if previous.is_expired:
        return _("%(nummer)s is vervallen op %(date)s: die kan niet opnieuw van kracht worden.") % {
            "nummer": previous.nummer,
            "date": previous.vervaldatum.strftime("%d-%m-%Y"),
        }
    return ""


def reinstatable_version(version: PolicyVersion) -> PolicyVersion | None:
    """The version that can be in force again when the current `version` is withdrawn: the one it
    superseded, unless that is a stand-in text or past its Vervaldatum."""
    previous = previous_version(version)
    return previous if previous is not None and not why_not_reinstatable(previous) else None


@transaction.atomic
def version_withdraw(*, version: PolicyVersion, by, note: str = "", reinstate_previous: bool = True) -> PolicyVersion:
    """Withdraw the current version, or cancel a scheduled one (then it is public nowhere).

    Withdrawing the current version asks what is in force afterwards: the version it superseded
    (`reinstate_previous`, the default: withdrawing an update normally means the earlier rules apply
    again, and most staff acknowledged those already), or nothing until a new version is published.
    The version that comes back is announced as back in force (codeofconduct.lifecycle), never as a
    new note; whoever had not acknowledged it gets a fresh due date from today (recorded as an
    extension), so nobody is late on the day it returns.
    """
    version = _lock(version)
    now = timezone.now()
    if version.status == Status.SCHEDULED:
        _change_status(version, Action.CANCELLED, by=by, now=now, note=note)
        return version
    if version.status != Status.PUBLISHED:
        raise ValidationError(_("Enkel een gepubliceerde of geplande versie kan ingetrokken worden."))
    predecessor = None
    if reinstate_previous:
        predecessor = previous_version(version)
        problem = why_not_reinstatable(predecessor)
        if problem:
            raise ValidationError(
                _("De vorige versie kan niet opnieuw van kracht worden: %(reason)s Kies 'geen geldende versie'.")
                % {"reason": problem}
            )
    _change_status(version, Action.WITHDRAWN, by=by, now=now, note=note)
    if predecessor is not None:
        _change_status(
            predecessor,
            Action.REINSTATED,
            by=by,
            now=now,
            note_kind=NoteKind.REINSTATED_AFTER_WITHDRAWAL,
            note_nummer=version.nummer,
        )
        fresh = predecessor.default_acknowledgement_due_date(timezone.localdate(now))
        if predecessor.acknowledgement_due_date is None or predecessor.acknowledgement_due_date < fresh:
            _extend(
                version=predecessor,
                by=by,
                due_date=fresh,
                reason_kind=NoteKind.NEW_PERIOD_AFTER_REINSTATEMENT,
                now=now,
            )
    return version


def _extend(*, version, by, due_date, now, reason="", reason_kind=""):
    before = version.acknowledgement_due_date
    version.acknowledgement_due_date = due_date
    version.save(update_fields=["acknowledgement_due_date", "updated_at"])
    _record(
        version=version,
        action=Action.DUE_DATE_EXTENDED,
        by=by,
        at=now,
        note=reason,
        note_kind=reason_kind,
        due_date_before=before,
        due_date_after=due_date,
    )


@transaction.atomic
def due_date_extend(*, version: PolicyVersion, by, due_date: datetime.date, reason: str) -> PolicyVersion:
    """Redactie extends the acknowledgement due date of the version in force, recorded (who, when, why).

    A due date only moves later: an extension never makes anyone's due date earlier. The stored
    facts are the version's acknowledgement_due_date (the latest) and the event's dates before and after.
    """
    version = _lock(version)
    if not version.is_in_force:
        raise ValidationError(_("Enkel de uiterste datum van een geldende versie kan verlengd worden."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Zeg waarom de uiterste datum verlengd wordt.")})
    current = version.acknowledgement_due_date
    if current is not None and due_date <= current:
        raise ValidationError(
            {
                "due_date": _("Kies een datum na de huidige uiterste datum (%(date)s): verlengen kan enkel naar later.")
                % {"date": current.strftime("%d-%m-%Y")}
            }
        )
    if due_date <= timezone.localdate():
        raise ValidationError({"due_date": _("Kies een datum in de toekomst.")})
    if version.vervaldatum is not None and due_date > version.vervaldatum:
        raise ValidationError(
            {
                "due_date": _("De uiterste datum kan niet na de vervaldatum van de nota (%(date)s) liggen.")
                % {"date": version.vervaldatum.strftime("%d-%m-%Y")}
            }
        )
    _extend(version=version, by=by, due_date=due_date, reason=reason, now=timezone.now())
    return version


def publish_due_versions(*, now: datetime.datetime | None = None) -> list[PolicyVersion]:
    """Publish every scheduled version whose time has come. Idempotent; run by the scheduler
    (jobs/schedule.py, "publish-due-versions"), never by a page view: a GET changes nothing."""
    now = now or timezone.now()
    published = []
    due = PolicyVersion.objects.filter(status=Status.SCHEDULED, publish_at__lte=now).order_by("publish_at", "pk")
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            version = _lock(PolicyVersion(pk=pk, policy_id=PolicyVersion.objects.get(pk=pk).policy_id))
            if version.status != Status.SCHEDULED:
                continue  # published meanwhile by another process
            published.append(_make_current(version=version, by=None, now=now, note_kind=NoteKind.SCHEDULED_PUBLICATION))
    return published
