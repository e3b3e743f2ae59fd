"""The lifecycle's own mail, sent by the "lifecycle-mails" job (jobs/schedule.py), each mail once:

- a version back in force after a withdrawal is announced to its whole audience as back in force
  (its own wording, never as a new note): who acknowledged it already is told there is nothing to do,
  the others get their due date;
- Redactie hears EXPIRY_WARNING_DAYS before a version in force reaches its Vervaldatum.

Claims work as in the reminder job: a `Reminder` row per recipient, version, kind and period
(unique), inserted with the queued mail in one transaction per page, so a second run, or two at
once, send nothing twice.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from codeofconduct import audience, emails
from codeofconduct.models import Acknowledgement, PublicationEvent, Reminder
from codeofconduct.selectors.reading import in_force_versions

Kind = Reminder.Kind
PAGE_SIZE = 1000
# A reinstatement older than this is not announced any more (a job that was down for weeks does not
# wake thousands with old news); people who join the audience later get the normal notice.
ANNOUNCE_WITHIN = datetime.timedelta(days=7)


@dataclass
class LifecycleReport:
    sent: dict = field(default_factory=dict)

    def __str__(self):
        return ", ".join(f"{kind}: {count}" for kind, count in sorted(self.sent.items())) or "nothing to send"


def run_lifecycle_mails(*, now: datetime.datetime | None = None) -> LifecycleReport:
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = LifecycleReport()
    for version in in_force_versions(today):
        if version.is_stand_in:
            continue  # never mailed (and never in force: the database refuses it)
        report.sent[Kind.REINSTATED] = report.sent.get(Kind.REINSTATED, 0) + _announce_reinstatement(version, now)
        report.sent[Kind.EXPIRY_WARNING] = report.sent.get(Kind.EXPIRY_WARNING, 0) + _warn_expiry(version, today)
    return report


def _claim(version, people, *, kind, period) -> list:
    """Insert a claim per person; return those whose claim this run inserted."""
    run = uuid.uuid4()
    Reminder.objects.bulk_create(
        [Reminder(recipient_id=person.pk, version=version, kind=kind, period=period, run=run) for person in people],
        ignore_conflicts=True,
    )
    claimed = set(
        Reminder.objects.filter(version=version, kind=kind, period=period, run=run).values_list(
            "recipient_id", flat=True
        )
    )
    return [person for person in people if person.pk in claimed]


def _announce_reinstatement(version, now) -> int:
    latest = (
        version.events.filter(action__in=[PublicationEvent.Action.PUBLISHED, PublicationEvent.Action.REINSTATED])
        .order_by("-at", "-pk")
        .first()
    )
    if latest is None or latest.action != PublicationEvent.Action.REINSTATED or latest.at < now - ANNOUNCE_WITHIN:
        return 0
    period = f"R{latest.pk}"  # once per reinstatement
    sent = 0
    people = audience.audience(version).filter(email__gt="")
    last = 0
    while True:
        page = list(people.filter(pk__gt=last).order_by("pk").only("pk", "email", "unit_since")[:PAGE_SIZE])
        if not page:
            return sent
        last = page[-1].pk
        with transaction.atomic():
            claimed = _claim(version, page, kind=Kind.REINSTATED, period=period)
            if not claimed:
                continue
            # The back-in-force mail is their notice: the reminder job sends no "new note" on top.
            Reminder.objects.bulk_create(
                [Reminder(recipient_id=p.pk, version=version, kind=Kind.NEW_VERSION, period="once") for p in claimed],
                ignore_conflicts=True,
            )
            acknowledged = set(
                Acknowledgement.objects.filter(version=version, person__in=claimed).values_list("person_id", flat=True)
            )
            groups = {}
            for person in claimed:
                done = person.pk in acknowledged
                groups.setdefault((done, None if done else audience.due_date_for(version, person)), []).append(person)
            for (done, due_date), recipients in groups.items():
                sent += emails.send_version_mail(
                    kind=Kind.REINSTATED,
                    version=version,
                    recipients=recipients,
                    context={"acknowledged": done, "due_date": due_date},
                )


def _warn_expiry(version, today) -> int:
    if version.vervaldatum is None:
        return 0
    if today < version.vervaldatum - datetime.timedelta(days=settings.EXPIRY_WARNING_DAYS):
        return 0
    editors = list(get_user_model().objects.filter(is_active=True, is_editor=True).exclude(email="").order_by("pk"))
    if not editors:
        return 0
    sent = 0
    with transaction.atomic():
        for editor in _claim(version, editors, kind=Kind.EXPIRY_WARNING, period=version.vervaldatum.isoformat()):
            sent += emails.send_personal_mail(kind=Kind.EXPIRY_WARNING, version=version, recipient=editor, context={})
    return sent
