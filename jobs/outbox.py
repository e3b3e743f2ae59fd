"""How the apps send e-mail: `enqueue` in the transaction of what caused it; the worker does the rest.

Queuing instead of sending means a mail is never lost with the request or job that caused it (it
commits or rolls back with it), and never sent twice because a batch failed: the worker sends one
delivery at a time and marks it sent as soon as the mail server accepted it, so a fault repeats at
most the one mail in flight. See docs/jobs-and-mail.md.
"""

import datetime
import json
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from jobs.models import Delivery, Message, WorkerHeartbeat

Status = Delivery.Status

# What each kind of mail is called on the beheerder's overview; the apps describe their own kinds.
_KIND_LABELS: dict[str, str] = {}


def describe_kind(kind: str, label) -> None:
    _KIND_LABELS[kind] = label


def kind_label(kind: str):
    return _KIND_LABELS.get(kind, kind)


def concerning(model_label: str, pk) -> str:
    """The key that ties mail to the object it is about, e.g. concerning("advice.question", 17)."""
    return f"{model_label}:{pk}"


def concerns_of(delivery) -> str:
    """What a delivery that is not yet sent is about ("" when nothing, or when it was sent)."""
    return Message.objects.filter(pk=delivery.message_id).values_list("concerns", flat=True).first() or ""


# --- Queuing ----------------------------------------------------------------------------------------


def _content(message: EmailMessage) -> dict:
    if message.attachments:
        raise ValueError("The outbox carries no attachments: link to the app instead.")
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "reply_to": list(message.reply_to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "headers": dict(message.extra_headers),
        "content_subtype": message.content_subtype,
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
    }


def enqueue(
    kind: str,
    messages: Iterable[EmailMessage],
    *,
    recipients: Sequence | None = None,
    concerns: str = "",
) -> int:
    """Queue rendered messages, in the caller's transaction. Returns how many were queued.

    `kind` names the kind of mail on the beheerder's overview ("codeofconduct.manual");
    `recipients`, in the order of `messages`, the person each is for (or None); `concerns`, the
    object the mail is about (`concerning(...)`), so that it leaves with that object.
    Identical messages (the same notice to a whole team) are stored once.
    """
    messages = list(messages)
    if recipients is not None and len(recipients) != len(messages):
        raise ValueError("One recipient per message.")
    now = timezone.now()
    stored: dict[str, Message] = {}
    pending = []
    for index, message in enumerate(messages):
        if not message.recipients():
            continue
        content = _content(message)
        key = json.dumps(content, sort_keys=True)
        if key not in stored:
            stored[key] = Message(concerns=concerns, content=content, created_at=now)
        pending.append((stored[key], list(message.to), recipients[index] if recipients is not None else None))
    if not pending:
        return 0
    Message.objects.bulk_create(list(stored.values()))
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(message=stored_message, kind=kind, to=to, recipient=recipient, queued_at=now, next_attempt_at=now)
            for stored_message, to, recipient in pending
        ]
    )
    if settings.MAIL_SEND_IMMEDIATELY:
        from jobs import sending

        sending.send_now(deliveries)
    return len(deliveries)


# --- What the beheerder does ------------------------------------------------------------------------


@transaction.atomic
def resend_failed(*, kind: str | None = None) -> int:
    """Put failed mail back in the queue (of one kind, or all): the worker sends it as new."""
    failed = Delivery.objects.filter(status=Status.FAILED, message__isnull=False)
    if kind:
        failed = failed.filter(kind=kind)
    now = timezone.now()
    return failed.update(
        status=Status.QUEUED, queued_at=now, next_attempt_at=now, attempts=0, failed_at=None, claimed_by=""
    )


def overview(*, now: datetime.datetime | None = None) -> list[dict]:
    """Per kind of mail: how many wait, are being retried, failed, were sent in the last day; the
    oldest waiting and the last error. Counts and errors only: no address, no person, no content."""
    now = now or timezone.now()
    day_ago = now - datetime.timedelta(days=1)
    queued = Q(status=Status.QUEUED)
    rows = (
        Delivery.objects.values("kind")
        .annotate(
            waiting=Count("pk", filter=queued & Q(attempts=0)),
            retrying=Count("pk", filter=queued & Q(attempts__gt=0)),
            failed=Count("pk", filter=Q(status=Status.FAILED)),
            sent_last_day=Count("pk", filter=Q(status=Status.SENT, sent_at__gte=day_ago)),
            oldest_waiting=Min("queued_at", filter=queued),
            last_attempt=Max("last_attempt_at", filter=~Q(last_error="") & ~Q(status=Status.SENT)),
        )
        .order_by("kind")
    )
    result = []
    for row in rows:
        last_error = ""
        if row["last_attempt"] is not None:
            last_error = (
                Delivery.objects.filter(kind=row["kind"], last_attempt_at=row["last_attempt"])
                .exclude(status=Status.SENT)
                .exclude(last_error="")
                .values_list("last_error", flat=True)
                .first()
                or ""
            )
        result.append({**row, "label": kind_label(row["kind"]), "last_error": last_error})
    return result


# --- Removing what is no longer needed --------------------------------------------------------------


@transaction.atomic
def forget(concerns: str) -> int:
    """Remove every mail about an object that is being removed (queued or failed: sent mail keeps
    nothing to remove). Returns the number of deliveries removed."""
    removed, _ = Delivery.objects.filter(message__concerns=concerns).delete()
    Message.objects.filter(concerns=concerns).delete()
    return removed


def clear_finished(*, now: datetime.datetime | None = None) -> dict:
    """The nightly clearing job: sent mail after MAIL_KEEP_SENT_DAYS, failed mail nobody resent after
    MAIL_KEEP_FAILED_DAYS, messages nothing refers to, heartbeats of workers gone for a day."""
    now = now or timezone.now()
    sent, _ = Delivery.objects.filter(
        status=Status.SENT, sent_at__lt=now - datetime.timedelta(days=settings.MAIL_KEEP_SENT_DAYS)
    ).delete()
    failed, _ = Delivery.objects.filter(
        status=Status.FAILED, failed_at__lt=now - datetime.timedelta(days=settings.MAIL_KEEP_FAILED_DAYS)
    ).delete()
    messages = Message.objects.all().delete_unused()
    heartbeats, _ = WorkerHeartbeat.objects.filter(beat_at__lt=now - datetime.timedelta(days=1)).delete()
    return {"sent": sent, "failed": failed, "messages": messages, "heartbeats": heartbeats}
