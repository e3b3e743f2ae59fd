from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from config.readonly_admin import ReadOnlyAdminMixin
from organisation import services
from organisation.models import AccessGrant, Deputy, OrgUnit, Person
from organisation.roles import is_admin


class DeleteRefusedMixin:
    """Where the admin may not delete (records are evidence), say why and what to do instead.

    Django's own answer to a forged or bookmarked delete URL is a bare 403; a beheerder deserves the
    reason. The ORM refuses too: foreign keys to these rows are PROTECT.
    """

    delete_refused_message = _("Dit kan niet verwijderd worden.")

    def delete_refused_reason(self, obj) -> str:
        """Why `obj` is not deleted (the same sentence for every object, unless an admin says more)."""
        return self.delete_refused_message

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, admin.utils.unquote(object_id))
        if obj is not None and self.has_view_permission(request, obj) and not self.has_delete_permission(request, obj):
            self.message_user(request, self.delete_refused_reason(obj), messages.ERROR)
            info = (self.opts.app_label, self.opts.model_name)
            return redirect(
                reverse("admin:{}_{}_change".format(*info), args=[obj.pk], current_app=self.admin_site.name)
            )
        return super().delete_view(request, object_id, extra_context)


@admin.register(OrgUnit)
class OrgUnitAdmin(DeleteRefusedMixin, admin.ModelAdmin):
    """The tree is the HR import's (docs/organisation-import.md): the admin shows it and changes nothing.

    Every import makes the tree equal to the HR file again (a unit the file does not name is
    deactivated, a name or parent is set back), so an edit here would only last until the next
    night, and a moved unit would have to carry its whole sub-tree's paths with it. One writer keeps
    the tree whole: the import, through one transaction that refreshes every path below a moved unit.
    """

    list_display = ["code", "name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "kind", "parent", "place", "is_active"]
    readonly_fields = fields

    @admin.display(description=_("plaats in de boom"))
    def place(self, unit):
        return unit.path

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only: the change page shows the unit, without a save button. The autocomplete of
        # the people's unit field still works through the view permission.
        return False

    delete_refused_message = _(
        "Organisatie-eenheden worden niet verwijderd: ze dragen de geschiedenis van wie wat las en vroeg. "
        "Een eenheid die uit het HR-bestand verdwijnt, wordt bij de volgende import gedeactiveerd."
    )

    def has_delete_permission(self, request, obj=None):
        # Units carry history (acknowledgements, questions): deactivate instead.
        return False


# The person's fields the HR import writes (organisation.importer.IMPORTED_FIELDS, as form fields);
# is_active stays editable: the "Deactiveer" action is the beheerder's way to act at once.
HR_FIELDS = ["personeelsnummer", "first_name", "last_name", "email", "username", "unit", "manager"]


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) < 19


@admin.register(Person)
class PersonAdmin(DeleteRefusedMixin, UserAdmin):
    list_display = ["personeelsnummer", "username", "last_name", "first_name", "email", "unit", "manager", "is_active"]
    list_filter = ["is_active", "is_editor", "is_integrity_officer", "is_staff"]
    search_fields = ["personeelsnummer", "username", "first_name", "last_name", "email"]
    autocomplete_fields = ["unit", "manager"]
    actions = ["deactivate"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Persoon"), {"fields": ["personeelsnummer", "first_name", "last_name", "email"]}),
        (_("Organisatie"), {"fields": ["unit", "manager", "is_active", "deactivated_at"]}),
        (_("Rollen"), {"fields": ["is_editor", "is_integrity_officer", "is_staff", "is_superuser"]}),
        (_("Data"), {"fields": ["last_login", "date_joined"]}),
    ]
    # The integrity-officer role opens advice questions: given or taken only with four eyes
    # (AccessGrantAdmin below), never by ticking a box.
    readonly_fields = ["deactivated_at", "last_login", "date_joined", "is_integrity_officer"]
    delete_refused_message = _(
        "Medewerkers worden nooit verwijderd: hun bevestigingen en vragen zijn bewijs en blijven bewaard. "
        "Gebruik de actie 'Deactiveer' in de lijst van medewerkers."
    )

    def has_delete_permission(self, request, obj=None):
        # Leavers are deactivated, never deleted: their acknowledgements and questions stay.
        return False

    def get_readonly_fields(self, request, obj=None):
        # What the HR import writes is the import's for an imported person: an edit here would
        # be undone by the next import, and a reporting line set by hand could contradict the file.
        # Local accounts (no personeelsnummer) stay editable.
        readonly = list(super().get_readonly_fields(request, obj))
        # Asked of the stored row: a form that fails validation has already set the typed number on obj.
        if obj is not None and Person.objects.filter(pk=obj.pk, personeelsnummer__isnull=False).exists():
            readonly += [name for name in HR_FIELDS if name not in readonly]
        return readonly

    def response_action(self, request, queryset, **kwargs):
        # Django filters on the posted ids as they come: a forged id that is no number ("abc") would
        # be a server error. Such ids name nobody, so they are dropped before the action runs.
        if ACTION_CHECKBOX_NAME in request.POST:
            request.POST = request.POST.copy()
            ids = request.POST.getlist(ACTION_CHECKBOX_NAME)
            request.POST.setlist(ACTION_CHECKBOX_NAME, [value for value in ids if _is_id(value)])
        return super().response_action(request, queryset, **kwargs)

    @admin.action(description=_("Deactiveer de gekozen medewerkers"))
    def deactivate(self, request, queryset):
        count = 0
        for person in queryset.filter(is_active=True):
            person.deactivate()
            count += 1
        self.message_user(request, _("%(count)d medewerker(s) gedeactiveerd.") % {"count": count}, messages.SUCCESS)


@admin.register(Deputy)
class DeputyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a plaatsvervanger reads the manager's questions, so a period is made only by an
    approved request ("Toegang tot adviesvragen"), and kept as the record of who could read what."""

    list_display = ["manager", "deputy", "starts_on", "ends_on"]
    search_fields = ["manager__last_name", "deputy__last_name"]


class AccessGrantForm(forms.ModelForm):
    class Meta:
        model = AccessGrant
        fields = ["kind", "person", "manager", "starts_on", "ends_on", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "kind": _(
                "Geldt pas als een tweede beheerder het goedkeurt (in de lijst: actie 'Goedkeuren'). "
                "Het Bureau voor Integriteit ziet elke aanvraag."
            ),
            "manager": _("Enkel bij een plaatsvervanger: voor wie hij of zij optreedt, van en tot en met."),
        }


@admin.register(AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin):
    """One beheerder asks (the add page), another approves or refuses (the list's actions)."""

    form = AccessGrantForm
    list_display = ["kind", "person", "manager", "status", "requested_by", "decided_by"]
    list_filter = ["status", "kind"]
    autocomplete_fields = ["person", "manager"]
    actions = ["approve", "refuse"]
    readonly_fields = ["status", "requested_by", "requested_at", "decided_by", "decided_at", "deputy_period"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return AccessGrantForm._meta.fields
        return [*AccessGrantForm._meta.fields, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return False  # a request is evidence: decided with the actions, never edited

    def has_delete_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request):
        return is_admin(request.user)

    def save_model(self, request, obj, form, change):
        # The form checked the fields; the service records the request (and refuses what makes no sense).
        grant = services.access_grant_request(
            kind=obj.kind,
            person=obj.person,
            manager=obj.manager,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            reason=obj.reason,
            by=request.user,
        )
        obj.pk = grant.pk
        obj.requested_by, obj.requested_at = grant.requested_by, grant.requested_at

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(reverse("admin:organisation_accessgrant_add", current_app=self.admin_site.name))

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if level == messages.SUCCESS and request.resolver_match.url_name.endswith("_add"):
            message = _("Aangevraagd. Een tweede beheerder moet dit goedkeuren voor het geldt.")
        return super().message_user(request, message, level, *args, **kwargs)

    def _decide(self, request, queryset, decide, done_message):
        done = 0
        for grant in queryset.filter(status=AccessGrant.Status.REQUESTED).order_by("pk"):
            try:
                decide(grant=grant, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{grant}: {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        elif not queryset.filter(status=AccessGrant.Status.REQUESTED).exists():
            self.message_user(request, _("Over deze aanvragen is al beslist."), messages.WARNING)

    @admin.action(description=_("Goedkeuren (tweede beheerder)"), permissions=["decide"])
    def approve(self, request, queryset):
        self._decide(request, queryset, services.access_grant_approve, _("%(count)d aanvraag(en) goedgekeurd."))

    @admin.action(description=_("Weigeren"), permissions=["decide"])
    def refuse(self, request, queryset):
        self._decide(request, queryset, services.access_grant_refuse, _("%(count)d aanvraag(en) geweigerd."))
