"""Advice questions, their append-only timeline, attachments, FAQ entries and anonymous statistics."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from advice.access import visibility_filter
from config.fields import person_reference
from organisation.models import Generation


class State(models.TextChoices):
    WITH_MANAGER = "bij_leidinggevende", _("Bij de leidinggevende")
    MANAGER_ANSWERED = "beantwoord_leidinggevende", _("Beantwoord door de leidinggevende")
    WITH_BUREAU = "bij_bureau", _("Bij het Bureau voor Integriteit")
    TAKEN_UP = "in_behandeling", _("In behandeling bij het Bureau voor Integriteit")
    BUREAU_ANSWERED = "beantwoord_bureau", _("Beantwoord door het Bureau voor Integriteit")
    INFO_REQUESTED = "meer_info_gevraagd", _("Meer informatie gevraagd")
    CLOSED = "afgesloten", _("Afgesloten")
    WITHDRAWN = "ingetrokken", _("Ingetrokken")


OPEN_STATES = [State.WITH_MANAGER, State.WITH_BUREAU, State.TAKEN_UP, State.INFO_REQUESTED]
FINAL_STATES = [State.CLOSED, State.WITHDRAWN]
# The Bureau's queue: what still needs the Bureau, or waits for the asker after its answer.
BUREAU_QUEUE_STATES = [State.WITH_BUREAU, State.TAKEN_UP, State.INFO_REQUESTED, State.BUREAU_ANSWERED]


class Level(models.TextChoices):
    MANAGER = "leidinggevende", _("Leidinggevende")
    BUREAU = "bureau", _("Bureau voor Integriteit")


class Channel(models.TextChoices):
    FACEBOOK = "facebook", _("Facebook")
    X = "x", _("X/Twitter")
    LINKEDIN = "linkedin", _("LinkedIn")
    INSTAGRAM = "instagram", _("Instagram")
    BLOG = "blog", _("Blog")
    NEWS_SITE = "nieuwssite", _("Reactie op een nieuwssite of forum")
    ANTWERPEN_BE = "antwerpen_be", _("Reactie op antwerpen.be")
    OTHER = "ander", _("Ander kanaal")


class DirectReason(models.TextChoices):
    NONE = "", _("Niet rechtstreeks")
    NO_MANAGER = "geen_leidinggevende", _("De vraagsteller heeft geen leidinggevende")
    CONCERNS_MANAGER = "over_leidinggevende", _("De vraag gaat over de leidinggevende")


class QuestionQuerySet(models.QuerySet):
    def visible_to(self, user, *, today=None):
        """The questions `user` may see: built on the same rule as `advice.access.capacities`."""
        return self.filter(visibility_filter(user, today=today, events=QuestionEvent.objects))

    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Question(models.Model):
    """An employee's doubt, routed to their leidinggevende and, if needed, the Bureau voor Integriteit."""

    asker = person_reference(_("vraagsteller"), "advice_questions")
    subject = models.CharField(_("onderwerp"), max_length=120)
    body = models.TextField(_("vraag"), max_length=5000)
    channel = models.CharField(_("kanaal"), max_length=20, choices=Channel.choices)
    link = models.URLField(_("link"), max_length=500, blank=True)
    rule_anchor = models.CharField(_("regel (anker)"), max_length=100, blank=True)
    rule_label = models.CharField(_("regel"), max_length=200, blank=True)
    needed_by = models.DateField(_("antwoord nodig tegen"), null=True, blank=True)

    state = models.CharField(_("status"), max_length=30, choices=State.choices, default=State.WITH_MANAGER)
    level = models.CharField(_("niveau"), max_length=20, choices=Level.choices, default=Level.MANAGER)
    # The leidinggevende the question is routed to; empty when it went straight to the Bureau.
    manager = person_reference(_("leidinggevende"), "advice_questions_routed", optional=True)
    direct_reason = models.CharField(
        _("reden rechtstreeks naar het Bureau"),
        max_length=30,
        choices=DirectReason.choices,
        blank=True,
        default=DirectReason.NONE,
    )
    # When the question is about the leidinggevende, that person never sees it, not even as a
    # member of the Bureau. Never shown anywhere; only used by the access rule.
    concerns_person = person_reference(optional=True, editable=False)
    officer = person_reference(_("behandelaar Bureau"), "advice_questions_handled", optional=True)
    faq_consent = models.BooleanField(_("toestemming voor anonieme FAQ"), default=False)

    created_at = models.DateTimeField(_("gesteld op"))
    # The form's one-time token: a double click or a resubmitted form finds the question it made.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    manager_deadline = models.DateTimeField(_("leidinggevende antwoordt voor"), null=True, blank=True)
    bureau_at = models.DateTimeField(_("bij het Bureau sinds"), null=True, blank=True)
    bureau_deadline = models.DateTimeField(_("Bureau antwoordt voor"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    # The response clock of the current level stands still while the question waits for the asker's
    # extra information (since this moment); at their reply the deadline moves on by the pause,
    # counted in working time (advice.services, "The paused clock"). The totals are per level.
    clock_stopped_at = models.DateTimeField(_("termijn staat stil sinds"), null=True, blank=True)
    manager_paused_seconds = models.PositiveIntegerField(_("termijn leidinggevende stilgezet (s)"), default=0)
    bureau_paused_seconds = models.PositiveIntegerField(_("termijn Bureau stilgezet (s)"), default=0)
    # The question points to its anonymous statistics row, never the other way round: the row holds
    # nothing that leads back to a question, and the link goes when the question goes.
    statistic = models.OneToOneField(
        "QuestionStatistic",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="question",
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("adviesvraag")
        verbose_name_plural = _("adviesvragen")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "manager_deadline"], name="advice_q_state_deadline"),
            models.Index(fields=["bureau_at"], name="advice_q_bureau_at"),
            # The Bureau's queue, oldest first, without the history of closed questions: its first page
            # is read in index order, and its counts from the index alone (state and the columns the
            # access rule looks at are in it), however many questions the city has asked over the years.
            models.Index(
                fields=["bureau_at", "id", "state", "asker", "manager", "concerns_person"],
                condition=Q(bureau_at__isnull=False, state__in=BUREAU_QUEUE_STATES),
                name="advice_q_bureau_queue",
            ),
        ]
        constraints = [
            # Routed to a leidinggevende xor straight to the Bureau with a recorded reason.
            models.CheckConstraint(
                condition=(Q(manager__isnull=False, direct_reason="") | Q(manager__isnull=True) & ~Q(direct_reason="")),
                name="advice_question_routed_or_direct_reason",
            ),
            # Only a question that reached the Bureau can be at the Bureau's level.
            models.CheckConstraint(
                condition=Q(level="leidinggevende") | Q(bureau_at__isnull=False),
                name="advice_question_bureau_level_has_bureau_at",
            ),
            models.CheckConstraint(condition=~Q(subject=""), name="advice_question_subject_not_empty"),
        ]

    def __str__(self):
        return _("Adviesvraag %(number)s") % {"number": self.pk}

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def reached_bureau(self) -> bool:
        return self.bureau_at is not None


class EventKind(models.TextChoices):
    ASKED = "gesteld", _("Vraag gesteld")
    REROUTED = "doorgestuurd", _("Doorgestuurd naar de volgende leidinggevende")
    MANAGER_ANSWERED = "antwoord_leidinggevende", _("Antwoord van de leidinggevende")
    INFO_REQUESTED = "info_gevraagd", _("Meer informatie gevraagd")
    INFO_GIVEN = "info_gegeven", _("Extra informatie gegeven")
    ESCALATED = "geescaleerd", _("Geëscaleerd naar het Bureau voor Integriteit")
    TAKEN_UP = "opgenomen", _("Opgenomen door het Bureau voor Integriteit")
    TAKEN_OVER = "overgenomen", _("Overgenomen door een andere medewerker van het Bureau")
    BUREAU_ANSWERED = "antwoord_bureau", _("Antwoord van het Bureau voor Integriteit")
    NOTE = "notitie", _("Interne notitie")
    CLOSED = "afgesloten", _("Afgesloten")
    WITHDRAWN = "ingetrokken", _("Ingetrokken")


class Audience(models.TextChoices):
    """Who reads an event on the timeline (the asker reads everything except internal notes)."""

    ROUTE = "route", _("Vraagsteller, leidinggevende en Bureau")
    ASKER_AND_BUREAU = "vraagsteller_bureau", _("Vraagsteller en Bureau")
    BUREAU = "bureau", _("Enkel het Bureau")


class QuestionEvent(models.Model):
    """One step in a question's life. Append-only: never changed; removed only with the question."""

    # CASCADE on purpose: the retention job removes a question with its whole history.
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("soort"), max_length=30, choices=EventKind.choices)
    actor = person_reference(_("door"), optional=True, help_text=_("Leeg: automatisch door het systeem."))
    from_state = models.CharField(_("van status"), max_length=30, choices=State.choices, blank=True)
    to_state = models.CharField(_("naar status"), max_length=30, choices=State.choices)
    text = models.TextField(_("tekst"), blank=True)
    audience = models.CharField(_("zichtbaar voor"), max_length=30, choices=Audience.choices, default=Audience.ROUTE)
    created_at = models.DateTimeField(_("op"))

    class Meta:
        verbose_name = _("stap")
        verbose_name_plural = _("stappen")
        ordering = ["created_at", "pk"]
        constraints = [
            # A question is escalated and taken up at most once: two clicks never make two.
            models.UniqueConstraint(
                fields=["question"], condition=Q(kind="geescaleerd"), name="advice_event_one_escalation"
            ),
            models.UniqueConstraint(
                fields=["question"], condition=Q(kind="opgenomen"), name="advice_event_one_take_up"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%d-%m-%Y %H:%M})"

    def save(self, *args, **kwargs):
        # The timeline is evidence: a step, once written, is never rewritten.
        if not self._state.adding:
            raise ValidationError(_("Een stap in de tijdlijn kan niet gewijzigd worden."))
        super().save(*args, **kwargs)


def _attachment_path(instance, filename):
    # A random name: the original file name is only shown, never used on disk.
    return f"advice/{secrets.token_hex(16)}{instance.extension}"


class Attachment(models.Model):
    """A screenshot or draft (PNG, JPEG or PDF) in the private media folder, served only by a view."""

    KINDS = {"image/png": ".png", "image/jpeg": ".jpg", "application/pdf": ".pdf"}

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("bestand"), upload_to=_attachment_path)
    original_name = models.CharField(_("oorspronkelijke naam"), max_length=150)
    content_type = models.CharField(_("type"), max_length=50, choices=[(k, k) for k in KINDS])
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    created_at = models.DateTimeField(_("opgeladen op"))

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")

    def __str__(self):
        return self.original_name

    @property
    def extension(self) -> str:
        return self.KINDS.get(self.content_type, "")


class FaqEntry(models.Model):
    """An anonymised question and answer, written by the Bureau from a question whose asker consented."""

    source = models.OneToOneField(
        Question,
        verbose_name=_("bronvraag"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="faq_entry",
    )
    title = models.CharField(_("titel"), max_length=150)
    question_text = models.TextField(_("vraag (geanonimiseerd)"))
    answer_text = models.TextField(_("antwoord"))
    rule_anchor = models.CharField(_("regel (anker)"), max_length=100)
    rule_label = models.CharField(_("regel"), max_length=200)
    is_published = models.BooleanField(_("gepubliceerd"), default=False)
    edited_by = person_reference(_("bewerkt door"))
    created_at = models.DateTimeField(_("gemaakt op"))
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("FAQ-item")
        verbose_name_plural = _("FAQ-items")
        ordering = ["rule_anchor", "-published_at"]
        indexes = [models.Index(fields=["is_published", "rule_anchor"], name="advice_faq_published_rule")]
        constraints = [
            models.CheckConstraint(condition=~Q(rule_anchor=""), name="advice_faq_linked_to_rule"),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False), name="advice_faq_published_has_date"
            ),
        ]

    def __str__(self):
        return self.title


class QuestionStatistic(models.Model):
    """Anonymous figures about one question, without anything that leads to it: no question id, no
    person, no date finer than the month. While the question exists, `Question.statistic` points
    here (to keep the figures up to date and to count people, not questions); when it is removed,
    nothing does. Not in the admin: only the aggregated page, with its small-group rule, shows them."""

    month = models.DateField(_("maand"))
    channel = models.CharField(_("kanaal"), max_length=20, choices=Channel.choices)
    rule_anchor = models.CharField(_("regel (anker)"), max_length=100, blank=True)
    direct = models.BooleanField(_("rechtstreeks naar het Bureau"), default=False)
    escalated = models.BooleanField(_("geëscaleerd"), default=False)
    manager_answer_seconds = models.PositiveIntegerField(_("antwoordtijd leidinggevende (s)"), null=True, blank=True)
    bureau_answer_seconds = models.PositiveIntegerField(_("antwoordtijd Bureau (s)"), null=True, blank=True)
    outcome = models.CharField(_("afloop"), max_length=30, choices=State.choices, blank=True)

    class Meta:
        verbose_name = _("anonieme statistiek")
        verbose_name_plural = _("anonieme statistieken")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%m-%Y} · {self.get_channel_display()}"


class QueueGeneration(Generation):
    """The generation of the questions at the Bureau (see advice.queue).

    How many questions of each state the Bureau's queue holds is kept in memory per server process
    under this counter; every save or delete of a question moves it on in its transaction, so a page
    that reads it never shows counts from before a change it can see.
    """

    class Meta:
        verbose_name = _("generatie van de wachtrij van het Bureau")
        verbose_name_plural = _("generaties van de wachtrij van het Bureau")
