from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from codeofconduct.models import (
    Acknowledgement,
    Briefing,
    Policy,
    PolicyVersion,
    PublicationEvent,
    Reminder,
    TeamNotification,
)
from codeofconduct.services import publishing
from config.readonly_admin import ReadOnlyAdminMixin
from organisation.admin import DeleteRefusedMixin


@admin.register(Policy)
class PolicyAdmin(DeleteRefusedMixin, admin.ModelAdmin):
    list_display = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    delete_refused_message = _("Een beleidstekst met versies wordt niet verwijderd: trek de geldende versie in.")

    def has_delete_permission(self, request, obj=None):
        return False  # versions are evidence (PROTECT)


class PublicationEventInline(admin.TabularInline):
    model = PublicationEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "by", "note", "due_date_before", "due_date_after"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(DeleteRefusedMixin, admin.ModelAdmin):
    """Beheerders get the same rules as Redactie: only drafts can be changed; publish in the app."""

    delete_refused_message = _(
        "Enkel een ontwerp kan verwijderd worden. Een gepubliceerde versie is bewijs van wat medewerkers "
        "lazen en bevestigden: trek ze in om ze buiten werking te stellen."
    )

    list_display = ["nummer", "titel", "policy", "datum", "status", "published_at"]
    list_filter = ["status", "policy"]
    search_fields = ["nummer", "titel", "body"]
    filter_horizontal = ["audience_units"]
    # What publishing sets: shown in the admin, changed only by the app's publishing service.
    readonly_fields = [
        "status",
        "publish_at",
        "published_at",
        "ended_at",
        "is_editorial_change",
        "content_hash",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [PublicationEventInline]
    fieldsets = [
        (
            _("Kop van de nota"),
            {"fields": ["policy", *PolicyVersion.HEADER_FIELDS]},
        ),
        (_("Tekst"), {"fields": ["body", "is_stand_in"]}),
        (_("Doelgroep"), {"fields": ["audience_all_staff", "audience_units", "acknowledgement_due_date"]}),
        (_("Publicatie"), {"fields": readonly_fields}),
    ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False  # published, scheduled, superseded, withdrawn: view only
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.is_editable and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.status = PolicyVersion.Status.DRAFT
            obj.save()
            PublicationEvent.objects.create(
                version=obj, action=PublicationEvent.Action.CREATED, by=request.user, note=_("Aangemaakt in het beheer")
            )
        else:
            publishing.draft_save(version=obj, by=request.user)


@admin.register(PublicationEvent)
class PublicationEventAdmin(ReadOnlyAdminMixin, DeleteRefusedMixin, admin.ModelAdmin):
    """Append-only: shown, never changed."""

    delete_refused_message = _("Publicatiegebeurtenissen zijn bewijs: ze worden nooit gewijzigd of verwijderd.")

    list_display = ["at", "action", "version", "by"]
    list_filter = ["action"]


class EvidenceAdmin(ReadOnlyAdminMixin, DeleteRefusedMixin, admin.ModelAdmin):
    """Acknowledgements and what chefs recorded are evidence: beheerders read them, nobody edits or deletes."""

    delete_refused_message = _("Dit is een bewijsstuk: het kan niet gewijzigd of verwijderd worden.")


@admin.register(Acknowledgement)
class AcknowledgementAdmin(EvidenceAdmin):
    list_display = ["person", "version", "acknowledged_at", "source", "recorded_by"]
    list_filter = ["source", "version"]
    search_fields = ["person__last_name", "person__personeelsnummer", "version__nummer"]
    list_select_related = ["person", "version", "recorded_by"]


@admin.register(TeamNotification)
class TeamNotificationAdmin(EvidenceAdmin):
    list_display = ["chef", "version", "notified_on", "method", "recorded_at"]
    list_filter = ["method", "version"]
    list_select_related = ["chef", "version"]


@admin.register(Briefing)
class BriefingAdmin(EvidenceAdmin):
    list_display = ["chef", "version", "held_on", "form", "recorded_at"]
    list_select_related = ["chef", "version"]


@admin.register(Reminder)
class ReminderAdmin(EvidenceAdmin):
    list_display = ["recipient", "version", "kind", "period", "sent_at"]
    list_filter = ["kind", "version"]
    list_select_related = ["recipient", "version"]
