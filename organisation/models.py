"""People, organisational units and reporting lines: the city as HR knows it."""

import unicodedata
import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from config.fields import kept_reference

UNIT_CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
    _("Een code bestaat uit letters, cijfers, '.', '_' of '-' (hoogstens 40 tekens)."),
)


class OrgUnit(models.Model):
    """A node of the organisation tree: stad > departement/bedrijfseenheid > dienst > team."""

    class Kind(models.TextChoices):
        CITY = "stad", _("Stad")
        DEPARTMENT = "departement", _("Departement / bedrijfseenheid")
        SERVICE = "dienst", _("Dienst")
        TEAM = "team", _("Team")

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[UNIT_CODE_VALIDATOR])
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.TEAM)
    parent = kept_reference("self", _("bovenliggende eenheid"), "children", optional=True)
    # Materialised path of codes ("/STAD/DEP/TEAM/"): a whole sub-tree is one indexed prefix query.
    path = models.CharField(max_length=1000, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("organisatie-eenheid")
        verbose_name_plural = _("organisatie-eenheden")
        ordering = ["path"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.derive_path()
        super().save(*args, **kwargs)

    def derive_path(self) -> None:
        """The path and depth are derived data, kept next to the parent they derive from (set before a
        save, and before a bulk insert, which does not call save)."""
        self.path = self.compute_path()
        self.depth = self.path.count("/") - 2

    def compute_path(self) -> str:
        return (self.parent.path if self.parent else "/") + self.code + "/"

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("Een eenheid kan niet onder zichzelf hangen.")})
            ancestor = ancestor.parent

    def subtree(self):
        return OrgUnit.objects.filter(path__startswith=self.path)

    def ancestors(self):
        codes = self.path.strip("/").split("/")[:-1]
        by_code = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=codes)}
        return [by_code[code] for code in codes if code in by_code]


def normalise_personeelsnummer(value: str) -> str:
    """The one way a personeelsnummer is stored and compared (docs/organisation-import.md).

    HR's key for a person, however a file or a form writes it: Unicode compatibility forms folded
    (NFKC: full-width digits, non-breaking spaces), every space removed ("100 035"), letters in
    capitals ("a123" is "A123") and, for a number of digits only, leading zeros dropped ("000123" is
    "123"), because a spreadsheet that opens and saves the export drops them. An empty result means
    the value names nobody.
    """
    text = "".join(unicodedata.normalize("NFKC", value or "").split()).upper()
    if text.isascii() and text.isdigit():
        text = text.lstrip("0") or "0"
    return text


class PersonManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class Person(AbstractUser):
    """A city employee. Leavers are deactivated (`is_active`), never deleted: their records stay."""

    personeelsnummer = models.CharField(_("personeelsnummer"), max_length=20, unique=True, null=True, blank=True)
    unit = kept_reference(OrgUnit, _("organisatie-eenheid"), "members", optional=True)
    manager = kept_reference("self", _("leidinggevende (chef-waardeerder)"), "direct_reports", optional=True)
    is_editor = models.BooleanField(
        _("Redactie"), default=False, help_text=_("Publiceert dienstnota's en ziet de naleving voor de hele stad.")
    )
    is_integrity_officer = models.BooleanField(
        _("Bureau voor Integriteit"), default=False, help_text=_("Behandelt geëscaleerde adviesvragen.")
    )
    deactivated_at = models.DateTimeField(_("gedeactiveerd op"), null=True, blank=True)
    # When the person joined their current unit: someone who joins an audience later gets their own due date.
    unit_since = models.DateTimeField(_("in deze eenheid sinds"), default=timezone.now)

    objects = PersonManager()

    class Meta:
        verbose_name = _("medewerker")
        verbose_name_plural = _("medewerkers")
        ordering = ["last_name", "first_name"]
        indexes = [
            # The Bureau voor Integriteit is a handful of people in a city of thousands: who sees a
            # question and who gets its e-mails must not read every person to find them.
            models.Index(
                fields=["last_name", "first_name"],
                condition=Q(is_integrity_officer=True),
                name="person_integrity_officers",
            ),
            # A unit's active people in the order every list of people shows them (the compliance page's
            # list of a department, its exports): read from the index alone, unit by unit, instead of
            # every row of a department of a thousand (docs/performance.md, "How each page stays flat").
            models.Index(
                fields=["unit", "last_name", "first_name", "id"],
                condition=Q(is_active=True),
                name="person_active_by_unit_name",
            ),
        ]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="person_email_unique_ci", condition=~Q(email="")),
            models.CheckConstraint(condition=~Q(manager=models.F("pk")), name="person_not_own_manager"),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def has_direct_reports(self) -> bool:
        return self.direct_reports.filter(is_active=True).exists()

    def clean(self):
        super().clean()
        # A form (the admin) stores the number as the import does, so that uniqueness holds for the person.
        if self.personeelsnummer:
            self.personeelsnummer = normalise_personeelsnummer(self.personeelsnummer) or None

    def deactivate(self):
        self.is_active = False
        self.deactivated_at = timezone.now()
        self.save(update_fields=["is_active", "deactivated_at"])


class Deputy(models.Model):
    """A plaatsvervanger who acts for a manager during an absence (inclusive dates)."""

    manager = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="deputy_periods", verbose_name=_("leidinggevende")
    )
    deputy = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="deputising_for", verbose_name=_("plaatsvervanger")
    )
    starts_on = models.DateField(_("van"))
    ends_on = models.DateField(_("tot en met"))

    class Meta:
        verbose_name = _("plaatsvervanger")
        verbose_name_plural = _("plaatsvervangers")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="deputy_dates_in_order"),
            models.CheckConstraint(condition=~Q(manager=models.F("deputy")), name="deputy_not_self"),
        ]

    def __str__(self):
        return f"{self.deputy} voor {self.manager} ({self.starts_on} – {self.ends_on})"


class SignInFailure(models.Model):
    """One failed password sign-in, kept for the lock-out's window only (`organisation.lockout`).

    `person_key` is the person the typed name means (`person:<id>`), whatever spelling was typed, or
    the normalised name itself when it means nobody, so that unknown names are counted alike and the
    lock-out never tells whether an account exists.
    """

    at = models.DateTimeField(_("tijdstip"), db_index=True)
    person_key = models.CharField(_("persoon"), max_length=300)
    address = models.GenericIPAddressField(_("adres"), null=True, blank=True)

    class Meta:
        verbose_name = _("mislukte aanmelding")
        verbose_name_plural = _("mislukte aanmeldingen")
        indexes = [
            models.Index(fields=["person_key", "at"], name="signin_failure_person"),
            models.Index(fields=["address", "at"], name="signin_failure_address"),
        ]

    def __str__(self):
        return f"{self.person_key} {self.address} {self.at:%Y-%m-%d %H:%M}"


class AccessGrant(models.Model):
    """Four eyes on the two ways into advice questions: the integrity-officer role and a plaatsvervanger
    period. One beheerder asks, another approves (never the one who asked, never the person who gets
    the access); only then does the role or the period exist. Kept as the record the Bureau reads."""

    class Kind(models.TextChoices):
        OFFICER = "integriteit", _("Rol Bureau voor Integriteit geven")
        OFFICER_END = "integriteit_einde", _("Rol Bureau voor Integriteit afnemen")
        DEPUTY = "plaatsvervanger", _("Plaatsvervanger aanduiden")

    class Status(models.TextChoices):
        REQUESTED = "aangevraagd", _("Wacht op een tweede beheerder")
        APPROVED = "goedgekeurd", _("Goedgekeurd")
        REFUSED = "geweigerd", _("Geweigerd")

    kind = models.CharField(_("wat"), max_length=20, choices=Kind.choices)
    person = kept_reference(Person, _("voor wie"), "access_grants")
    # For a plaatsvervanger: for whom, and when (inclusive dates).
    manager = kept_reference(Person, _("leidinggevende (bij een plaatsvervanger)"), optional=True)
    starts_on = models.DateField(_("van"), null=True, blank=True)
    ends_on = models.DateField(_("tot en met"), null=True, blank=True)
    reason = models.CharField(_("waarom"), max_length=500)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = kept_reference(Person, _("gevraagd door"))
    requested_at = models.DateTimeField(_("gevraagd op"))
    decided_by = kept_reference(Person, _("beslist door"), optional=True)
    decided_at = models.DateTimeField(_("beslist op"), null=True, blank=True)
    # The period the approval made (kept when the period is over: the record says who could read what).
    deputy_period = models.OneToOneField(
        Deputy, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="grant"
    )

    class Meta:
        verbose_name = _("toegang tot adviesvragen")
        verbose_name_plural = _("toegang tot adviesvragen")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # Four eyes, held by the database too: the approver is neither the asker nor the beneficiary.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | (~Q(decided_by=models.F("requested_by")) & ~Q(decided_by=models.F("person"))),
                name="access_grant_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(status="aangevraagd", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status="aangevraagd") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="access_grant_decided_by_someone",
            ),
            models.CheckConstraint(
                condition=~Q(kind="plaatsvervanger")
                | Q(manager__isnull=False, starts_on__isnull=False, ends_on__gte=models.F("starts_on")),
                name="access_grant_deputy_period",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.person}"

    def clean(self):
        errors = {}
        if self.kind == self.Kind.DEPUTY:
            if self.manager_id is None:
                errors["manager"] = _("Kies de leidinggevende voor wie de plaatsvervanger optreedt.")
            elif self.manager_id == self.person_id:
                errors["manager"] = _("Iemand kan niet zijn eigen plaatsvervanger zijn.")
            if self.starts_on is None:
                errors["starts_on"] = _("Geef de eerste dag van de periode.")
            if self.ends_on is None:
                errors["ends_on"] = _("Geef de laatste dag van de periode.")
            elif self.starts_on and self.ends_on < self.starts_on:
                errors["ends_on"] = _("De laatste dag ligt voor de eerste.")
        elif self.manager_id or self.starts_on or self.ends_on:
            errors["manager"] = _("Een leidinggevende en een periode horen enkel bij een plaatsvervanger.")
        if self._state.adding and self.person_id is not None:
            has_role = self.person.is_integrity_officer
            if self.kind == self.Kind.OFFICER and has_role:
                errors["person"] = _("Deze persoon heeft de rol Bureau voor Integriteit al.")
            elif self.kind == self.Kind.OFFICER_END and not has_role:
                errors["person"] = _("Deze persoon heeft de rol Bureau voor Integriteit niet.")
        if errors:
            raise ValidationError(errors)


class Generation(models.Model):
    """A counter, in row 1, that every change of what it guards moves on (`move_on`).

    Each change also draws a new random `epoch`: (epoch, value) names one state of the data, so a
    restored backup, a failed-over replica or an emptied test database, whose counter starts again
    from an older value, never matches what server processes kept from other data.
    """

    value = models.BigIntegerField(default=0)
    epoch = models.UUIDField(default=uuid.uuid4)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.epoch}:{self.value}"

    @classmethod
    def move_on(cls, using=None) -> None:
        """Call inside the transaction of the change: the counter moves with it, or not at all."""
        updated = cls.objects.using(using).filter(pk=1).update(value=F("value") + 1, epoch=uuid.uuid4())
        if not updated:  # an emptied database: start a counter again
            cls.objects.using(using).get_or_create(pk=1)


class ContentGeneration(Generation):
    """The generation of what all employees see alike (see organisation.content).

    The shared parts of the most opened pages (versions, their text, the FAQ next to each rule) are
    kept in each server process's memory under this counter; it is read with the signed-in person,
    so a page never shows shared content older than a change its request can see. It lives here, in
    the lowest app a page reads, so that the query that loads the person can read it; the apps above
    move it through `organisation.content.changed()`.
    """

    class Meta:
        verbose_name = _("generatie van de gedeelde inhoud")
        verbose_name_plural = _("generaties van de gedeelde inhoud")
