"""Reading and acknowledging a version, and what chef-waardeerders record for their team."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from codeofconduct import audience, emails, figures
from codeofconduct.models import (
    Acknowledgement,
    Briefing,
    PolicyVersion,
    Reminder,
    TeamNotification,
    VersionOpening,
)

Status = PolicyVersion.Status
Source = Acknowledgement.Source


def _refuse_unless_current(version: PolicyVersion):
    messages = {
        Status.DRAFT: _("Dit is een ontwerp: het kan nog niet bevestigd worden."),
        Status.SCHEDULED: _("Deze versie is nog niet gepubliceerd: ze kan nog niet bevestigd worden."),
        Status.SUPERSEDED: _("Deze versie is vervangen door een nieuwere: bevestig de huidige versie."),
        Status.WITHDRAWN: _("Deze versie is ingetrokken: ze hoeft niet meer bevestigd te worden."),
        Status.CANCELLED: _("De publicatie van deze versie werd geannuleerd: ze kan niet bevestigd worden."),
    }
    if version.status != Status.PUBLISHED:
        raise ValidationError(messages[version.status])
    if version.is_expired:
        raise ValidationError(
            _("Deze nota is vervallen op %(date)s: ze hoeft niet meer bevestigd te worden.")
            % {"date": version.vervaldatum.strftime("%d-%m-%Y")}
        )


def opening_record(*, person, version: PolicyVersion) -> None:
    """Remember the first time `person` opened `version` (later openings change nothing)."""
    VersionOpening.objects.bulk_create([VersionOpening(person=person, version=version)], ignore_conflicts=True)


def acknowledgement_record(*, person, version: PolicyVersion) -> tuple[Acknowledgement, bool]:
    """ "Gelezen en begrepen". Idempotent: a double click or concurrent requests leave one record.

    Returns the acknowledgement and whether this call created it.
    """
    _refuse_unless_current(version)
    if not audience.is_in_audience(version, person):
        raise ValidationError(_("Deze versie is niet aan jou gericht: je hoeft ze niet te bevestigen."))
    # Written straight away: nearly every press is the person's first (a publication morning brings
    # thousands), and the one record per person and version is the database's unique constraint.
    try:
        with transaction.atomic():
            acknowledgement = Acknowledgement(
                person=person, version=version, content_hash=version.content_hash, source=Source.SELF
            )
            acknowledgement.save()
    except IntegrityError:
        # Acknowledged before, or by a double click or another tab at the same moment: theirs is the record.
        return Acknowledgement.objects.get(person=person, version=version), False
    return acknowledgement, True


def acknowledgements_carry_over(*, previous: PolicyVersion, new: PolicyVersion) -> int:
    """An editorial change (typos, layout) keeps earlier acknowledgements valid for the new version.

    Each carried-over record points to the one it comes from and keeps its fingerprint: it proves
    which text the person actually read.
    """
    carried = [
        Acknowledgement(
            person_id=earlier.person_id,
            version=new,
            acknowledged_at=earlier.acknowledged_at,
            content_hash=earlier.content_hash,
            source=Source.CARRIED_OVER,
            carried_over_from=earlier,
        )
        for earlier in Acknowledgement.objects.filter(version=previous).only(
            "pk", "person_id", "acknowledged_at", "content_hash"
        )
    ]
    Acknowledgement.objects.bulk_create(carried, batch_size=2000, ignore_conflicts=True)
    figures.changed()
    return len(carried)


def _team_in_audience(chef, version, people):
    allowed = set(
        audience.audience(version)
        .filter(manager=chef, pk__in=[person.pk for person in people])
        .values_list("pk", flat=True)
    )
    strangers = [person for person in people if person.pk not in allowed]
    if strangers:
        raise ValidationError(
            _("Je kan enkel iets registreren voor je eigen medewerkers in het publiek van deze versie.")
        )


@transaction.atomic
def team_notification_confirm(
    *, chef, version: PolicyVersion, notified_on: datetime.date, method: str, remark: str = ""
) -> tuple[TeamNotification, bool]:
    """ "Team op de hoogte gebracht". Once per chef and version; a second confirmation changes nothing."""
    _refuse_unless_current(version)
    existing = TeamNotification.objects.filter(chef=chef, version=version).first()
    if existing is not None:
        return existing, False
    if notified_on > timezone.localdate():
        raise ValidationError({"notified_on": _("Deze datum ligt in de toekomst.")})
    if version.published_at and notified_on < timezone.localdate(version.published_at):
        raise ValidationError({"notified_on": _("Deze datum ligt voor de publicatie van de versie.")})
    notification = TeamNotification(
        chef=chef, version=version, notified_on=notified_on, method=method, remark=remark.strip()
    )
    notification.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return TeamNotification.objects.get(chef=chef, version=version), False
    return notification, True


@transaction.atomic
def briefing_record(
    *, chef, version: PolicyVersion, held_on: datetime.date, form: str, attendees: list, remark: str = ""
) -> Briefing:
    """A briefing for team members without a computer: it counts as their acknowledgement, by proxy."""
    _refuse_unless_current(version)
    if not attendees:
        raise ValidationError({"attendees": _("Duid aan wie aanwezig was.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Deze datum ligt in de toekomst.")})
    if version.published_at and held_on < timezone.localdate(version.published_at):
        raise ValidationError({"held_on": _("Deze datum ligt voor de publicatie van de versie.")})
    _team_in_audience(chef, version, attendees)
    briefing = Briefing(chef=chef, version=version, held_on=held_on, form=form, remark=remark.strip())
    briefing.full_clean()
    briefing.save()
    briefing.attendees.set(attendees)
    Acknowledgement.objects.bulk_create(
        [
            Acknowledgement(
                person=person,
                version=version,
                content_hash=version.content_hash,
                source=Source.BRIEFING,
                recorded_by=chef,
                briefing=briefing,
                acknowledged_at=timezone.make_aware(datetime.datetime.combine(held_on, datetime.time(12))),
            )
            for person in attendees
        ],
        ignore_conflicts=True,  # who acknowledged themselves already keeps their own record
    )
    figures.changed()
    return briefing


@transaction.atomic
def reminders_send_manual(*, chef, version: PolicyVersion, members: list) -> tuple[list, list]:
    """ "Herinnering sturen": e-mail the members who have not acknowledged, at most once a day each.

    The claims and the queued mails commit together; the mail worker sends. A reminder whose mail
    failed for good no longer counts (`manual_reminder_failed`), so the next click sends it again.
    Nobody without a mailbox is claimed or mailed (their chef reaches them with a briefing).
    Returns (who received one now, who already had one today).
    """
    _refuse_unless_current(version)
    _team_in_audience(chef, version, members)
    acknowledged = set(
        Acknowledgement.objects.filter(version=version, person__in=members).values_list("person_id", flat=True)
    )
    open_members = [person for person in members if person.pk not in acknowledged and person.email]
    today = timezone.localdate().isoformat()
    run = uuid.uuid4()
    Reminder.objects.bulk_create(
        [
            Reminder(recipient=person, version=version, kind=Reminder.Kind.MANUAL, period=today, sent_by=chef, run=run)
            for person in open_members
        ],
        ignore_conflicts=True,
    )
    claimed = set(Reminder.objects.filter(run=run).values_list("recipient_id", flat=True))
    sent = [person for person in open_members if person.pk in claimed]
    if sent:
        # Queued with the claims, in one transaction: the worker sends, the chef does not wait.
        emails.send_version_mail(kind=Reminder.Kind.MANUAL, version=version, recipients=sent, context={"chef": chef})
    return sent, [person for person in open_members if person.pk not in claimed]


def manual_reminder_failed(sender, delivery, **kwargs):
    """The outbox gave up on a chef's reminder (jobs.sending.mail_failed): it no longer counts as sent
    that day, so the team page stops saying "vandaag herinnerd" and the next click sends it again."""
    if delivery.kind != emails.mail_kind(Reminder.Kind.MANUAL) or delivery.recipient_id is None:
        return
    queued_on = timezone.localdate(delivery.queued_at)
    Reminder.objects.filter(
        kind=Reminder.Kind.MANUAL,
        recipient_id=delivery.recipient_id,
        period=queued_on.isoformat(),
        sent_at__lte=delivery.queued_at,
        version_id__in=emails.versions_concerned(delivery),
    ).delete()
