"""Sending one queued delivery: take it (with a lease), hand it to the mail server, record what happened.

Used by the worker (jobs/worker.py) and, in tests, by `enqueue` itself (MAIL_SEND_IMMEDIATELY).

What a failure means depends on who is at fault:
- the mail server or our connection to it (unreachable, disconnected, timed out, "421 service not
  available", our sender refused, sign-in refused): the mail is retried with a growing pause, and the
  worker itself pauses before trying the server again;
- this one message, for now (a 4xx answer to its address or content): retried with a growing pause;
- this one message, for good (a 5xx answer to its address or content, or a message we cannot even
  build): failed at once.
Any mail not accepted within MAIL_GIVE_UP_HOURS of being queued is failed. Failed mail stays for the
beheerder to see and resend; `mail_failed` tells the app that queued it.
"""

import contextlib
import datetime
import enum
import random
import re
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from jobs.models import Delivery, Message

Status = Delivery.Status

# Sent (in the transaction that marks it failed) for each delivery that failed for good.
mail_failed = Signal()


class Fault(enum.Enum):
    SERVER = "server"  # nothing wrong with the mail: the server or our configuration
    MAIL_FOR_NOW = "mail_for_now"
    MAIL_FOR_GOOD = "mail_for_good"


class ServerUnavailable(Exception):
    """The mail server could not be reached or would not let us in (connect, TLS, sign-in)."""


def retry_delay(attempts: int) -> datetime.timedelta:
    """MAIL_RETRY_SECONDS after the first attempt, doubling up to MAIL_RETRY_MAX_SECONDS, with up to
    a fifth more at random so that mail held back by one outage does not all return in one second."""
    base = min(settings.MAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0), settings.MAIL_RETRY_MAX_SECONDS)
    return datetime.timedelta(seconds=base * random.uniform(1, 1.2))  # noqa: S311  # nosec B311: spreads retries only


def classify(error: BaseException) -> Fault:
    if isinstance(error, ServerUnavailable | smtplib.SMTPSenderRefused):
        return Fault.SERVER
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return Fault.MAIL_FOR_GOOD if codes and all(code >= 500 for code in codes) else Fault.MAIL_FOR_NOW
    if isinstance(error, smtplib.SMTPResponseException):
        if error.smtp_code == 421:  # "service not available, closing channel"
            return Fault.SERVER
        return Fault.MAIL_FOR_GOOD if error.smtp_code >= 500 else Fault.MAIL_FOR_NOW
    if isinstance(error, OSError):  # disconnected, reset, timed out (smtplib's errors are OSErrors too)
        return Fault.SERVER
    return Fault.MAIL_FOR_GOOD  # a message we cannot build or encode: trying again will not help


_ADDRESS = re.compile(r"[^\s<>\"'(),;:\[\]]+@[^\s<>\"'(),;:\[\]]+")


def describe(error: BaseException) -> str:
    """The error as the beheerder sees it: its kind and the server's words, without any e-mail address."""
    cause = error.__cause__ if isinstance(error, ServerUnavailable) and error.__cause__ else error
    text = f"{type(cause).__name__}: {cause}"
    return _ADDRESS.sub("<adres>", text)[:500]


# --- The mail server --------------------------------------------------------------------------------


class Connection:
    """One connection to the mail server (Django's default mailer), opened when needed and kept open
    while there is mail to send."""

    def __init__(self):
        self.backend = None

    def send(self, message) -> None:
        """Hand `message` to the server; returns once it accepted it, raises otherwise."""
        if self.backend is None:
            self.backend = mailers.default
        try:
            self.backend.open()
        except Exception as error:
            self.close()
            raise ServerUnavailable(str(error)) from error
        if self.backend.send_messages([message]) != 1:
            raise ServerUnavailable("the mail backend did not take the message")

    def close(self) -> None:
        if self.backend is not None:
            # A connection that is already broken has nothing left to close.
            with contextlib.suppress(Exception):
                self.backend.close()
            self.backend = None


def build(content: dict, to: list[str]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=content["subject"],
        body=content["body"],
        from_email=content["from_email"],
        to=to,
        cc=content["cc"],
        bcc=content["bcc"],
        reply_to=content["reply_to"],
        headers=content["headers"],
    )
    message.content_subtype = content["content_subtype"]
    for alternative, mimetype in content["alternatives"]:
        message.attach_alternative(alternative, mimetype)
    return message


# --- Taking and recording ---------------------------------------------------------------------------


def due(now=None):
    return Delivery.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now or timezone.now())


def claim_next(worker_id: str, *, due_by=None) -> Delivery | None:
    """Take the next delivery due (by now, or by `due_by`) for this worker, holding it for
    MAIL_LEASE_SECONDS.

    Several workers at once each get a different delivery (PostgreSQL: a row lock that the others skip;
    SQLite: one writer at a time). A delivery queued longer than MAIL_GIVE_UP_HOURS is failed instead.
    """
    now = timezone.now()
    due_by = min(due_by or now, now)
    if not due(due_by).exists():  # the common, idle case costs one read and no transaction
        return None
    give_up_before = now - datetime.timedelta(hours=settings.MAIL_GIVE_UP_HOURS)
    with transaction.atomic():
        while True:
            delivery = due(due_by).select_for_update(skip_locked=True).order_by("next_attempt_at", "pk").first()
            if delivery is None:
                return None
            if delivery.queued_at >= give_up_before:
                break
            _fail(delivery, delivery.last_error or "Niet verstuurd binnen de termijn.", now)
        delivery.attempts += 1
        delivery.claimed_by = worker_id
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + datetime.timedelta(seconds=settings.MAIL_LEASE_SECONDS)
        delivery.save(update_fields=["attempts", "claimed_by", "last_attempt_at", "next_attempt_at"])
    return delivery


def message_for(delivery: Delivery) -> EmailMultiAlternatives:
    content = Message.objects.values_list("content", flat=True).get(pk=delivery.message_id)
    return build(content, delivery.to)


@transaction.atomic
def record_sent(delivery_ids: list[int]) -> None:
    """The server accepted these: keep nothing of them but their kind and times."""
    if not delivery_ids:
        return
    message_ids = set(
        Delivery.objects.filter(pk__in=delivery_ids, message__isnull=False).values_list("message_id", flat=True)
    )
    Delivery.objects.filter(pk__in=delivery_ids).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        message=None,
        to=[],
        recipient=None,
        claimed_by="",
        last_error="",
    )
    Message.objects.filter(pk__in=message_ids).delete_unused()


@transaction.atomic
def record_failure(delivery: Delivery, error: BaseException, *, worker_id: str) -> Fault:
    """Retry later or fail for good, as `classify` says. Changes nothing if another worker has taken
    the delivery since (this worker's lease ran out)."""
    fault = classify(error)
    now = timezone.now()
    mine = Delivery.objects.select_for_update().filter(pk=delivery.pk, status=Status.QUEUED, claimed_by=worker_id)
    current = mine.first()
    if current is None:
        return fault
    give_up_at = current.queued_at + datetime.timedelta(hours=settings.MAIL_GIVE_UP_HOURS)
    retry_at = now + retry_delay(current.attempts)
    if fault is Fault.MAIL_FOR_GOOD or retry_at > give_up_at:
        _fail(current, describe(error), now)
    else:
        mine.update(next_attempt_at=retry_at, last_error=describe(error), claimed_by="")
    return fault


def _fail(delivery: Delivery, reason: str, now) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Status.FAILED, failed_at=now, last_error=reason, claimed_by="", next_attempt_at=now
    )
    delivery.status = Status.FAILED
    mail_failed.send(sender=Delivery, delivery=delivery)


def send_now(deliveries: list[Delivery]) -> None:
    """MAIL_SEND_IMMEDIATELY (tests): send just-queued deliveries in this process, through the same
    connection, classification and records as the worker; with a constant number of queries."""
    connection = Connection()
    sent = []
    try:
        for delivery in deliveries:
            try:
                connection.send(build(delivery.message.content, delivery.to))
            except Exception as error:
                connection.close()
                delivery.attempts = 1
                Delivery.objects.filter(pk=delivery.pk).update(attempts=1, last_attempt_at=timezone.now())
                record_failure(delivery, error, worker_id="")
            else:
                sent.append(delivery.pk)
    finally:
        connection.close()
    record_sent(sent)
