"""The outbox: every e-mail the app sends is a row here first, written in the transaction of what
caused it, and sent by the worker one at a time (docs/jobs-and-mail.md).

A `Message` holds what is said (rendered once, shared by everyone who gets the same text); a
`Delivery` is that message on its way to one addressee. Once the mail server accepted a delivery,
the row keeps only its kind and times: no address, no person, no content.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageQuerySet(models.QuerySet):
    def delete_unused(self) -> int:
        """Delete those of these messages that no delivery needs any more (all sent, or removed)."""
        removed, _ = self.filter(~Exists(Delivery.objects.filter(message=OuterRef("pk")))).delete()
        return removed


class Message(models.Model):
    """The rendered e-mail (subject, text, HTML, headers), as many deliveries send it."""

    # What the mail is about, as "<app>.<model>:<id>" ("advice.question:17"): whoever removes that
    # object removes its mail too (jobs.outbox.forget). Never shown to anyone.
    concerns = models.CharField(max_length=100, blank=True, db_index=True)
    # subject, body, from_email, reply_to, cc, bcc, headers, alternatives: what EmailMessage needs.
    content = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mailbericht")
        verbose_name_plural = _("e-mailberichten")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class Delivery(models.Model):
    """One e-mail to one addressee: queued until the mail server accepts it (sent) or we give up (failed).

    `next_attempt_at` is both the retry time and the lease: a worker that takes a delivery moves it
    MAIL_LEASE_SECONDS ahead, so if that worker dies the delivery is due again when the lease ends.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("In de wachtrij")
        SENT = "sent", _("Verstuurd")
        FAILED = "failed", _("Mislukt")

    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries")
    kind = models.CharField(_("soort"), max_length=60)
    to = models.JSONField(default=list, blank=True)  # the addresses; emptied once sent
    # Who the mail is for, when it is a person of the app (emptied once sent).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField(_("in de wachtrij sinds"), default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    claimed_by = models.CharField(max_length=64, blank=True)  # the worker sending it now, if any
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # Why the last attempt failed, with every e-mail address taken out.
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uitgaande e-mail")
        verbose_name_plural = _("uitgaande e-mail")
        indexes = [
            # The worker's question, many times a second: the next queued delivery that is due.
            models.Index(fields=["next_attempt_at", "id"], name="jobs_delivery_due", condition=Q(status="queued")),
            models.Index(fields=["status", "kind"], name="jobs_delivery_status_kind"),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class WorkerHeartbeat(models.Model):
    """Each running worker says here, every few seconds, that it is alive and what it is doing."""

    class State(models.TextChoices):
        STARTING = "starting", _("start")
        IDLE = "idle", _("wacht op e-mail")
        SENDING = "sending", _("verstuurt")
        MAIL_SERVER_DOWN = "mail_server_down", _("wacht op de mailserver")
        DATABASE_DOWN = "database_down", _("wacht op de database")

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.STARTING)
    sent = models.PositiveIntegerField(default=0)  # deliveries this worker sent since it started

    class Meta:
        verbose_name = _("hartslag van een worker")
        verbose_name_plural = _("hartslagen van workers")

    def __str__(self):
        return self.worker_id
