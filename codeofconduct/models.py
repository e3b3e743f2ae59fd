"""Policies and their versions: each version is one dienstnota with the paper note's full header."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from codeofconduct import rendering
from config.fields import kept_reference, person_reference
from organisation.models import Generation

NUMMER_VALIDATOR = RegexValidator(
    r"^D\d{4}\.(\d{1,4}|xxx)$",
    _("Een nummer heeft de vorm D + jaar + '.' + volgnummer, bijvoorbeeld D2018.123 (of D2018.xxx)."),
)
ACKNOWLEDGEMENT_DAYS = 14


class Policy(models.Model):
    """A policy that lives through versions, e.g. "Gedragscode sociale media voor medewerkers"."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("beleidstekst")
        verbose_name_plural = _("beleidsteksten")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("codeofconduct:policy_history", args=[self.slug])


class PolicyVersionQuerySet(models.QuerySet):
    """The lifecycle's two questions, answered once for every page and job."""

    def public(self):
        """Visible to every employee: published once, also when superseded, withdrawn or expired since.

        A draft, a scheduled version and a schedule cancelled before publication are public nowhere:
        not in the archive, search, history, comparison, lists or on a version page.
        """
        return self.filter(status__in=PolicyVersion.PUBLIC_STATUSES, published_at__isnull=False)

    def in_force(self, today: datetime.date | None = None):
        """The versions people must read and acknowledge today: current, and not past their Vervaldatum.

        The note applies up to and including its Vervaldatum (the paper note's last day).
        """
        today = today or timezone.localdate()
        return self.filter(status=PolicyVersion.Status.PUBLISHED).filter(
            Q(vervaldatum__isnull=True) | Q(vervaldatum__gte=today)
        )


class PolicyVersion(models.Model):
    """One dienstnota. Published versions are immutable: a change is a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Ontwerp")
        SCHEDULED = "scheduled", _("Gepland")
        PUBLISHED = "published", _("Gepubliceerd")
        SUPERSEDED = "superseded", _("Vervangen")
        WITHDRAWN = "withdrawn", _("Ingetrokken")
        CANCELLED = "cancelled", _("Planning geannuleerd")

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.SUPERSEDED, Status.WITHDRAWN)

    # Fields that make up the note as issued: hashed at publication, never changed afterwards.
    HEADER_FIELDS = [
        "nummer",
        "datum",
        "van",
        "rubriek",
        "titel",
        "vervangt",
        "bijlagen",
        "verwijzingen",
        "inlichtingen",
        "afschrift",
        "vervaldatum",
        "gebruik",
        "verantwoordelijk",
        "signatory_name",
        "signatory_title",
        "reference_url",
    ]

    policy = kept_reference(Policy, _("beleidstekst"), "versions")
    # --- The paper note's header ---
    nummer = models.CharField(
        _("nummer"), max_length=20, unique=True, validators=[NUMMER_VALIDATOR], help_text=_("Bijvoorbeeld D2018.123.")
    )
    datum = models.DateField(_("datum"))
    van = models.CharField(_("van"), max_length=200, default="Stadssecretaris")
    rubriek = models.CharField(_("rubriek"), max_length=200, blank=True)
    titel = models.CharField(_("titel"), max_length=300)
    vervangt = models.CharField(_("vervangt"), max_length=300, blank=True)
    bijlagen = models.TextField(_("bijlagen"), blank=True)
    verwijzingen = models.TextField(_("verwijzingen"), blank=True)
    inlichtingen = models.CharField(
        _("inlichtingen"), max_length=300, blank=True, help_text=_("Contactpersoon: naam, dienst, telefoon, e-mail.")
    )
    afschrift = models.CharField(
        _("afschrift"), max_length=300, blank=True, help_text=_("Wie een afschrift krijgt, zoals op de papieren nota.")
    )
    vervaldatum = models.DateField(_("vervaldatum"), null=True, blank=True)
    gebruik = models.TextField(_("gebruik"), blank=True)
    verantwoordelijk = models.TextField(_("verantwoordelijk voor de uitvoering"), blank=True)
    signatory_name = models.CharField(_("ondertekenaar"), max_length=200, blank=True)
    signatory_title = models.CharField(_("functie ondertekenaar"), max_length=200, blank=True)
    reference_url = models.URLField(_("link naar de dienstnota"), blank=True)
    body = models.TextField(
        _("tekst"),
        help_text=_(
            "Markdown: '## 1. Titel' voor een hoofdstuk, '### 1. Titel' voor een onderdeel, '#### Titel' voor een "
            "regel, '- ' voor een opsomming."
        ),
    )
    # --- Audience (the Afschrift as data) ---
    audience_all_staff = models.BooleanField(_("alle medewerkers"), default=True)
    audience_units = models.ManyToManyField(
        "organisation.OrgUnit", verbose_name=_("organisatie-eenheden"), blank=True, related_name="+"
    )
    acknowledgement_due_date = models.DateField(
        _("gelezen en begrepen uiterlijk op"), null=True, blank=True, help_text=_("Standaard 14 dagen na publicatie.")
    )
    # --- Lifecycle ---
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(_("publiceren op"), null=True, blank=True)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    ended_at = models.DateTimeField(_("vervangen of ingetrokken op"), null=True, blank=True)
    is_stand_in = models.BooleanField(
        _("plaatsvervangende tekst"),
        default=False,
        help_text=_(
            "Een tekst die enkel in de plaats van een ontbrekend origineel staat (zoals de code van 2013): "
            "hij wordt nooit de geldende versie en nooit gemaild."
        ),
    )
    is_editorial_change = models.BooleanField(
        _("redactionele wijziging"),
        default=False,
        help_text=_("Enkel tikfouten of opmaak: eerdere bevestigingen blijven gelden."),
    )
    content_hash = models.CharField(_("inhoudshash"), max_length=64, blank=True, editable=False)
    body_html = models.TextField(editable=False, blank=True)
    # The text itself, tens of kilobytes a version: lists and the navigation leave it in the database.
    TEXT_FIELDS = ("body", "body_html")
    # Idempotency key of the "new version" form: one draft per submitted form, however often it is sent.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = person_reference(_("aangemaakt door"), optional=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("versie")
        verbose_name_plural = _("versies")
        ordering = ["policy", "-datum", "-pk"]
        constraints = [
            # Exactly one current version per policy, even when two editors publish at once.
            models.UniqueConstraint(
                fields=["policy"], condition=Q(status="published"), name="codeofconduct_one_current_version_per_policy"
            ),
            models.CheckConstraint(
                condition=Q(vervaldatum__isnull=True) | Q(vervaldatum__gt=F("datum")),
                name="codeofconduct_expiry_after_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "superseded"]) | Q(published_at__isnull=False),
                name="codeofconduct_published_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(publish_at__isnull=False), name="codeofconduct_scheduled_has_time"
            ),
            # A stand-in text (the 2013 placeholder) is history only: it can never be the current version.
            models.CheckConstraint(
                condition=~Q(status="published", is_stand_in=True), name="codeofconduct_stand_in_never_current"
            ),
        ]
        indexes = [models.Index(fields=["policy", "status"])]

    def __str__(self):
        return f"{self.nummer} - {self.titel}"

    def get_absolute_url(self):
        return reverse("codeofconduct:version_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.vervaldatum and self.datum and self.vervaldatum <= self.datum:
            errors["vervaldatum"] = _("De vervaldatum moet na de datum van de nota liggen.")
        if not (self.body or "").strip():
            errors["body"] = _("De tekst van de nota mag niet leeg zijn.")
        if (
            self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.datum
            and self.datum > timezone.localdate()
        ):
            errors["datum"] = _("Een gepubliceerde nota kan niet gedateerd zijn in de toekomst.")
        if errors:
            raise ValidationError(errors)

    # --- State ---
    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_public(self) -> bool:
        """The Python twin of PolicyVersionQuerySet.public(): published once, also when no longer current."""
        return self.published_at is not None and self.status in self.PUBLIC_STATUSES

    @property
    def is_expired(self) -> bool:
        """Past its Vervaldatum (the note applies up to and including that day)."""
        return self.vervaldatum is not None and self.vervaldatum < timezone.localdate()

    @property
    def is_in_force(self) -> bool:
        """The Python twin of PolicyVersionQuerySet.in_force(): to be read and acknowledged today."""
        return self.status == self.Status.PUBLISHED and not self.is_expired

    # --- Content ---
    def header_values(self) -> dict:
        return {name: "" if getattr(self, name) is None else str(getattr(self, name)) for name in self.HEADER_FIELDS}

    def compute_content_hash(self) -> str:
        return rendering.content_hash(self.header_values(), self.body)

    def rendered_body(self) -> str:
        """Published text is rendered once at publication; drafts are rendered on every look."""
        if self.body_html and self.status != self.Status.DRAFT:
            return self.body_html
        return rendering.render_markdown(self.body)

    @cached_property
    def chunks(self):
        return rendering.split_sections(self.rendered_body())

    def sections(self) -> list[rendering.Section]:
        """(anchor, number, title) of every section heading, in order; anchors are stable."""
        return rendering.parse_sections(self.rendered_body())

    def default_acknowledgement_due_date(self, published_on: datetime.date) -> datetime.date:
        return published_on + datetime.timedelta(days=ACKNOWLEDGEMENT_DAYS)


def version_reference(related_name: str, **options) -> models.ForeignKey:
    """The version a record is about: kept as long as the record (see config.fields.kept_reference)."""
    return kept_reference(PolicyVersion, _("versie"), related_name, **options)


# The tables a publication morning writes by the thousand (openings, acknowledgements, the notice's
# obligations) carry no index of their own on a reference that one of their composite indexes already
# begins with (the person: the one-per-person-and-version constraint; the version: the index that
# counts it): every such index was one more B-tree written on every insert, and never the better
# one to read. References that are empty on nearly every row (who recorded a briefing, the briefing,
# the acknowledgement carried over) are indexed only where they are filled.
COVERED = {"db_index": False}


class PublicationEvent(models.Model):
    """Append-only record of every publishing action: who, when, what."""

    class Action(models.TextChoices):
        CREATED = "created", _("Ontwerp aangemaakt")
        SCHEDULED = "scheduled", _("Publicatie gepland")
        PUBLISHED = "published", _("Gepubliceerd")
        SUPERSEDED = "superseded", _("Vervangen")
        WITHDRAWN = "withdrawn", _("Ingetrokken")
        REINSTATED = "reinstated", _("Opnieuw van kracht")
        CANCELLED = "cancelled", _("Planning geannuleerd")
        DUE_DATE_EXTENDED = "due_extended", _("Uiterste datum verlengd")

    class NoteKind(models.TextChoices):
        """What the application itself says about an event: stored as a kind (and the other version's
        nummer), put into words when shown, so each reader gets it in their own language."""

        INITIAL_CONTENT = "initial_content", _("Initiële inhoud")
        CREATED_IN_ADMIN = "created_in_admin", _("Aangemaakt in het beheer")
        COPY_OF = "copy_of", _("Kopie van een versie")
        SUPERSEDED_BY = "superseded_by", _("Vervangen door een versie")
        SCHEDULED_PUBLICATION = "scheduled_publication", _("Geplande publicatie")
        REINSTATED_AFTER_WITHDRAWAL = "reinstated_after", _("Opnieuw van kracht na intrekking")
        NEW_PERIOD_AFTER_REINSTATEMENT = "reinstated_period", _("Nieuwe termijn na opnieuw van kracht")

    # The sentence of each kind; %(nummer)s is the other version (note_nummer).
    NOTE_SENTENCES = {
        NoteKind.INITIAL_CONTENT: _("Initiële inhoud, geladen bij installatie"),
        NoteKind.CREATED_IN_ADMIN: _("Aangemaakt in het beheer"),
        NoteKind.COPY_OF: _("Kopie van %(nummer)s"),
        NoteKind.SUPERSEDED_BY: _("Vervangen door %(nummer)s"),
        NoteKind.SCHEDULED_PUBLICATION: _("Geplande publicatie"),
        NoteKind.REINSTATED_AFTER_WITHDRAWAL: _("Opnieuw van kracht na intrekking van %(nummer)s"),
        NoteKind.NEW_PERIOD_AFTER_REINSTATEMENT: _("Opnieuw van kracht: nieuwe termijn om te bevestigen"),
    }
    KINDS_WITH_NUMMER = (NoteKind.COPY_OF, NoteKind.SUPERSEDED_BY, NoteKind.REINSTATED_AFTER_WITHDRAWAL)

    version = version_reference("events")
    action = models.CharField(_("actie"), max_length=20, choices=Action.choices)
    by = person_reference(
        _("door"), optional=True, help_text=_("Leeg voor het systeem (geplande publicatie, initiële inhoud).")
    )
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    # db_default: the previous release, which knows neither column, can still record events while an
    # upgrade rolls out (docs/operations.md, "Migrations that do not lock large tables").
    note_kind = models.CharField(
        _("toelichting van het systeem"), max_length=30, choices=NoteKind.choices, blank=True, db_default=""
    )
    note_nummer = models.CharField(
        _("andere versie"),
        max_length=20,
        blank=True,
        db_default="",
        help_text=_("Het nummer dat de toelichting van het systeem noemt."),
    )
    note = models.TextField(
        _("toelichting"), blank=True, help_text=_("Wat een persoon typte (bijvoorbeeld de reden van een intrekking).")
    )
    # An extension of the acknowledgement due date: the dates before and after, as data the reminder
    # clocks can read (the version's acknowledgement_due_date holds the latest).
    due_date_before = models.DateField(_("uiterste datum voordien"), null=True, blank=True)
    due_date_after = models.DateField(_("uiterste datum nadien"), null=True, blank=True)

    class Meta:
        verbose_name = _("publicatiegebeurtenis")
        verbose_name_plural = _("publicatiegebeurtenissen")
        ordering = ["-at", "-pk"]
        constraints = [
            # A sentence that names another version has its nummer; the others have none
            # (the kinds of KINDS_WITH_NUMMER: the class body's names are out of Meta's reach).
            models.CheckConstraint(
                condition=Q(note_kind__in=["copy_of", "superseded_by", "reinstated_after"], note_nummer__gt="")
                | (~Q(note_kind__in=["copy_of", "superseded_by", "reinstated_after"]) & Q(note_nummer="")),
                name="codeofconduct_event_note_nummer",
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()} - {self.version.nummer}"

    @property
    def note_text(self) -> str:
        """The application's own note in the active language ("" when it made none). What a person
        typed is `note`, kept as typed (Dutch, see docs/code-of-conduct.md, "History notes")."""
        if not self.note_kind:
            return ""
        return self.NOTE_SENTENCES[self.note_kind] % {"nummer": self.note_nummer}


# --- Reading and acknowledging -------------------------------------------------------------------


class AppendOnlyModel(models.Model):
    """Evidence: rows are written once and never changed or deleted through the application."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Dit is een bewijsstuk: het kan niet gewijzigd worden."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Dit is een bewijsstuk: het kan niet verwijderd worden."))


class VersionOpening(models.Model):
    """The first time a person opened a version."""

    person = person_reference(_("medewerker"), "version_openings", **COVERED)
    version = version_reference("openings")
    first_opened_at = models.DateTimeField(_("eerst geopend op"), default=timezone.now)

    class Meta:
        verbose_name = _("eerste opening")
        verbose_name_plural = _("eerste openingen")
        constraints = [models.UniqueConstraint(fields=["person", "version"], name="codeofconduct_one_opening")]

    def __str__(self):
        return f"{self.person} – {self.version.nummer}"


class Briefing(AppendOnlyModel):
    """A chef-waardeerder briefed team members without a computer; it counts as their acknowledgement."""

    class Form(models.TextChoices):
        TEAM_MEETING = "teamvergadering", _("Teamvergadering")
        TOOLBOX = "toolbox", _("Toolboxmeeting of werfbriefing")
        ONE_TO_ONE = "individueel", _("Individueel gesprek")
        OTHER = "anders", _("Anders")

    chef = person_reference(_("chef-waardeerder"), "briefings_given")
    version = version_reference("briefings")
    held_on = models.DateField(_("datum van de briefing"))
    form = models.CharField(_("vorm"), max_length=20, choices=Form.choices)
    remark = models.CharField(_("opmerking"), max_length=500, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("aanwezigen"), related_name="briefings_attended"
    )
    recorded_at = models.DateTimeField(_("geregistreerd op"), default=timezone.now)

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")

    def __str__(self):
        return f"{self.chef} – {self.version.nummer} ({self.held_on})"


class Acknowledgement(AppendOnlyModel):
    """ "Gelezen en begrepen": one per person and version, with the fingerprint of the text read."""

    class Source(models.TextChoices):
        SELF = "self", _("Zelf bevestigd")
        BRIEFING = "briefing", _("Briefing door de chef-waardeerder")
        CARRIED_OVER = "carried_over", _("Overgenomen na een redactionele wijziging")

    person = person_reference(_("medewerker"), "acknowledgements", **COVERED)
    version = version_reference("acknowledgements", **COVERED)
    acknowledged_at = models.DateTimeField(_("gelezen en begrepen op"), default=timezone.now)
    content_hash = models.CharField(_("vingerafdruk van de tekst"), max_length=64)
    source = models.CharField(_("bron"), max_length=20, choices=Source.choices, default=Source.SELF)
    recorded_by = person_reference(_("geregistreerd door"), optional=True, db_index=False)
    briefing = kept_reference(Briefing, _("briefing"), "acknowledgements", optional=True, db_index=False)
    carried_over_from = kept_reference("self", _("overgenomen van"), optional=True, db_index=False)

    class Meta:
        verbose_name = _("bevestiging")
        verbose_name_plural = _("bevestigingen")
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="codeofconduct_one_acknowledgement"),
            models.CheckConstraint(
                condition=~Q(source="briefing") | Q(briefing__isnull=False, recorded_by__isnull=False),
                name="codeofconduct_briefing_names_chef",
            ),
        ]
        indexes = [
            models.Index(fields=["version", "acknowledged_at"]),
            *(
                models.Index(fields=[name], condition=Q(**{f"{name}__isnull": False}), name=f"ack_{name}_filled")
                for name in ("recorded_by", "briefing", "carried_over_from")
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.version.nummer}"

    @property
    def by_proxy(self) -> bool:
        return self.source == self.Source.BRIEFING


class TeamNotification(AppendOnlyModel):
    """A chef-waardeerder confirms that they notified their team ("Team op de hoogte gebracht")."""

    class Method(models.TextChoices):
        EMAIL = "email", _("E-mail")
        TEAM_MEETING = "teamvergadering", _("Teamvergadering")
        OTHER = "anders", _("Anders")

    chef = person_reference(_("chef-waardeerder"), "team_notifications")
    version = version_reference("team_notifications")
    notified_on = models.DateField(_("op de hoogte gebracht op"))
    method = models.CharField(_("manier"), max_length=20, choices=Method.choices)
    remark = models.CharField(_("toelichting"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("geregistreerd op"), default=timezone.now)

    class Meta:
        verbose_name = _("kennisgeving aan het team")
        verbose_name_plural = _("kennisgevingen aan het team")
        constraints = [
            models.UniqueConstraint(fields=["chef", "version"], name="codeofconduct_one_notification_per_chef"),
            models.CheckConstraint(
                condition=~Q(method="anders") | ~Q(remark=""), name="codeofconduct_other_method_explained"
            ),
        ]

    def __str__(self):
        return f"{self.chef} – {self.version.nummer}"


class Obligation(AppendOnlyModel):
    """The moment a person was first asked to do something about a version: the start of their clock.

    A member is asked to acknowledge when the reminder job first finds them in the audience (and
    queues their notice, when they have a mailbox); a chef-waardeerder is asked to notify their team
    when the job first finds them managing someone in the audience. Due dates, the request to notify
    and the escalation to the chef's manager all count from `asked_at`, never from the version's
    publication: a note published years before the installation asks everyone on its first run.
    One row per person, version and kind (the database refuses a second, so concurrent runs agree).
    """

    class Kind(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("Lezen en bevestigen")
        NOTIFY_TEAM = "notify_team", _("Team op de hoogte brengen")

    person = person_reference(_("medewerker"), **COVERED)
    version = version_reference("obligations", **COVERED)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    asked_at = models.DateTimeField(_("gevraagd op"))
    # The due date the member was told when asked; a later extension of the version moves it on,
    # nothing moves it back (audience.due_date_for).
    due_on = models.DateField(_("uiterlijk op"), null=True, blank=True)

    class Meta:
        verbose_name = _("vraag aan een medewerker")
        verbose_name_plural = _("vragen aan medewerkers")
        constraints = [
            models.UniqueConstraint(fields=["person", "version", "kind"], name="codeofconduct_asked_once"),
            models.CheckConstraint(
                condition=~Q(kind="acknowledge") | Q(due_on__isnull=False), name="codeofconduct_member_has_due_date"
            ),
        ]
        indexes = [models.Index(fields=["version", "kind", "due_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.person} – {self.version.nummer}"


class Reminder(models.Model):
    """Each e-mail the app sent about a version, so that a job run twice sends nothing twice.

    `period` says how often a kind may go to the same person: "once", a day ("2026-11-25") or an
    ISO week ("2026-W48").
    """

    class Kind(models.TextChoices):
        NEW_VERSION = "new_version", _("Nieuwe versie")
        BEFORE_DUE = "before_due", _("Herinnering voor de uiterste datum")
        AFTER_DUE = "after_due", _("Herinnering na de uiterste datum")
        MANUAL = "manual", _("Herinnering van de chef-waardeerder")
        CHEF_WEEKLY = "chef_weekly", _("Wekelijks overzicht voor de chef-waardeerder")
        CHEF_NOTIFY = "chef_notify", _("Vraag om het team op de hoogte te brengen")
        CHEF_ESCALATION = "chef_escalation", _("Overzicht voor de hogere leidinggevende")
        REINSTATED = "reinstated", _("Opnieuw van kracht")
        EXPIRY_WARNING = "expiry_warning", _("Vervaldatum nadert (Redactie)")

    recipient = person_reference(_("ontvanger"))
    version = version_reference("reminders")
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    period = models.CharField(_("periode"), max_length=10)
    sent_at = models.DateTimeField(_("verstuurd op"), default=timezone.now)
    sent_by = person_reference(_("verstuurd door"), optional=True)
    # Which job run claimed the row: that run, and only that run, sends the e-mail.
    run = models.UUIDField(editable=False, null=True)

    class Meta:
        verbose_name = _("verstuurde e-mail")
        verbose_name_plural = _("verstuurde e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "version", "kind", "period"], name="codeofconduct_reminder_once_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.recipient} – {self.version.nummer}"


class FiguresGeneration(Generation):
    """The generation of what compliance figures count (see codeofconduct.figures).

    Figures at city scale are kept in memory per server process under this counter: a page that
    reads the counter (one primary-key lookup) never shows figures from before a change it can see.
    """

    class Meta:
        verbose_name = _("generatie van de nalevingscijfers")
        verbose_name_plural = _("generaties van de nalevingscijfers")
