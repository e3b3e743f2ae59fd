from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import render
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
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
from codeofconduct.templatetags.codeofconduct_tags import nl
from config.readonly_admin import ReadOnlyAdminMixin
from organisation.admin import DeleteRefusedMixin


class DutchContentAdmin(admin.ModelAdmin):
    """The content is Dutch in every interface language: its fields and columns say so (lang="nl"),
    so that an English admin is read correctly by screen readers (docs/design.md, Language)."""

    dutch_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.dutch_fields:
            formfield.widget.attrs["lang"] = "nl"
        return formfield

    def history_view(self, request, object_id, extra_context=None):
        """Django's heading "Change history: <name>" with the Dutch name marked (the page's <title>
        keeps Django's plain `title`: it can hold no markup)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            before, _placeholder, after = gettext("Change history: %s").partition("%s")
            extra_context = {
                **(extra_context or {}),
                "title_marked": format_html("{}{}{}", before, nl(str(obj)), after),
            }
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        """Django's sentences on the delete page ("Deleting the version “<name>” would ...") name the
        object through `escaped_object`: the Dutch name, marked."""
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = {**(extra_context or {}), "escaped_object": nl(str(obj))}
        return super().delete_view(request, object_id, extra_context)


@admin.register(Policy)
class PolicyAdmin(DeleteRefusedMixin, DutchContentAdmin):
    list_display = ["title_nl", "slug"]
    dutch_fields = ("title",)

    @admin.display(description=_("titel"), ordering="title")
    def title_nl(self, policy):
        return nl(policy.title)

    prepopulated_fields = {"slug": ["title"]}
    delete_refused_message = _("Een beleidstekst met versies wordt niet verwijderd: trek de geldende versie in.")

    def has_delete_permission(self, request, obj=None):
        return False  # versions are evidence (PROTECT)


@admin.display(description=_("toelichting"))
def event_note(event):
    """The application's note in the reader's language, and what a person typed, marked as Dutch."""
    parts = [part for part in (event.note_text, nl(event.note)) if part]
    return format_html_join(" – ", "{}", ((part,) for part in parts)) if parts else "-"


class PublicationEventInline(admin.TabularInline):
    model = PublicationEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "by", "note_shown", "due_date_before", "due_date_after"]
    readonly_fields = fields

    note_shown = staticmethod(event_note)

    def has_add_permission(self, request, obj=None):
        return False


def _dutch_readonly(name):
    """A read-only field of a published version, shown as Dutch (lang="nl"): Django's own read-only
    rendering carries no language, so an English admin would read the note's words as English."""

    @admin.display(description=PolicyVersion._meta.get_field(name).verbose_name)
    def show(self, version):
        value = getattr(version, name)
        if value in (None, ""):
            return self.get_empty_value_display()
        if name == "body":
            return format_html('<div lang="nl">{}</div>', linebreaksbr(value))
        return nl(str(value))

    return show


class _EditRefused(Exception):
    """The draft being saved left the drafts (published or discarded by another editor) meanwhile."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@admin.register(PolicyVersion)
class PolicyVersionAdmin(DeleteRefusedMixin, DutchContentAdmin):
    """Beheerders get the same rules as Redactie: only drafts can be changed; publish in the app."""

    delete_refused_message = _(
        "Enkel een ontwerp kan verwijderd worden. Een gepubliceerde versie is bewijs van wat medewerkers "
        "lazen en bevestigden: trek ze in om ze buiten werking te stellen."
    )

    list_display = ["nummer", "titel_nl", "policy_nl", "datum", "status", "published_at"]
    list_select_related = ["policy"]
    # The policy's select holds its Dutch titles; numbers, dates and the link are no language.
    dutch_fields = (
        "policy",
        *(
            name
            for name in PolicyVersion.HEADER_FIELDS
            if name not in {"nummer", "datum", "vervaldatum", "reference_url"}
        ),
        "body",
    )
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

    @admin.display(description=_("titel"), ordering="titel")
    def titel_nl(self, version):
        return nl(version.titel)

    def get_fieldsets(self, request, obj=None):
        """A published version is view only: its Dutch fields are shown through `<name>_shown_nl`."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.is_editable:
            return fieldsets  # a form: the widgets carry lang="nl" (formfield_for_dbfield)
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        f"{field}_shown_nl" if field in self.dutch_fields else field for field in options["fields"]
                    ],
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description=_("beleidstekst"), ordering="policy__title")
    def policy_nl(self, version):
        return nl(version.policy.title)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False  # published, scheduled, superseded, withdrawn: view only
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        """Only a draft that never left Redactie's desk (publishing.why_not_discardable); never in bulk
        (obj None: no "delete selected" action, each draft is judged on its own page)."""
        return (
            obj is not None and super().has_delete_permission(request, obj) and not publishing.why_not_discardable(obj)
        )

    def delete_refused_reason(self, version):
        """A draft that is kept says why (it has a history); any other version gets the general rule."""
        if version.is_editable:
            return publishing.why_not_discardable(version) or self.delete_refused_message
        return self.delete_refused_message

    def get_deleted_objects(self, objs, request):
        """What deleting a draft removes: the draft and its own events (its creation, "copy of").

        Django's collector would call those events protected (they PROTECT the version everywhere
        else) and ask for a delete permission on events nobody has; the service removes them with
        the draft, so the page lists them as going with it.
        """
        to_delete, events_count = [], 0
        for version in objs:
            events = [str(event) for event in version.events.order_by("at", "pk")]
            to_delete += [format_html("{}: {}", capfirst(PolicyVersion._meta.verbose_name), nl(str(version))), events]
            events_count += len(events)
        model_count = {PolicyVersion._meta.verbose_name_plural: len(objs)}
        if events_count:
            model_count[PublicationEvent._meta.verbose_name_plural] = events_count
        return to_delete, model_count, set(), []

    def log_deletions(self, request, queryset):
        """The service writes the deletion to the log itself (so does every other way in)."""

    def delete_model(self, request, obj):
        publishing.version_discard_draft(version=obj, by=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A draft that another editor published or discarded while this one was editing it is not
        saved, but the edits are not lost either: the page says why and gives the text back to copy
        into a new draft (instead of Django's bare 403, or a server error in the race with a discard)."""
        if request.method == "POST" and object_id is not None and super().has_change_permission(request):
            version = self.get_object(request, unquote(object_id))
            if version is not None and not version.is_editable:
                reason = gettext("Een gepubliceerde versie kan niet meer gewijzigd worden: maak een nieuwe versie.")
                return self._edit_refused(request, version, reason)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _EditRefused as refused:  # in the save itself: the change was rolled back
            version = PolicyVersion.objects.select_related("policy").filter(pk=unquote(object_id)).first()
            return self._edit_refused(request, version, refused.reason)

    def _edit_refused(self, request, version, reason):
        """The page that refuses the save: the texts sent that differ from what is stored (all of them
        when the draft is gone), to copy; dates and choices are quickly set again."""

        def normalised(text):
            return "\n".join(line.rstrip() for line in str(text or "").replace("\r\n", "\n").split("\n")).strip()

        posted = []
        for name in [*PolicyVersion.HEADER_FIELDS, "body"]:
            field = PolicyVersion._meta.get_field(name)
            sent = request.POST.get(name, "")
            if not isinstance(field, models.CharField | models.TextField) or not sent.strip():
                continue
            if version is None or normalised(sent) != normalised(getattr(version, name)):
                posted.append((capfirst(field.verbose_name), sent, 16 if name == "body" else 3))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Je wijzigingen zijn niet bewaard"),
            "version": version,
            "reason": reason,
            "posted": posted,
        }
        return render(request, "admin/codeofconduct/policyversion/edit_refused.html", context, status=409)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.status = PolicyVersion.Status.DRAFT
            obj.save()
            PublicationEvent.objects.create(
                version=obj,
                action=PublicationEvent.Action.CREATED,
                by=request.user,
                note_kind=PublicationEvent.NoteKind.CREATED_IN_ADMIN,
            )
        else:
            try:
                publishing.draft_save(version=obj, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                raise _EditRefused(
                    " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                ) from error


for _field in PolicyVersionAdmin.dutch_fields:
    setattr(PolicyVersionAdmin, f"{_field}_shown_nl", _dutch_readonly(_field))


@admin.register(PublicationEvent)
class PublicationEventAdmin(ReadOnlyAdminMixin, DeleteRefusedMixin, admin.ModelAdmin):
    """Append-only: shown, never changed."""

    delete_refused_message = _("Publicatiegebeurtenissen zijn bewijs: ze worden nooit gewijzigd of verwijderd.")

    list_display = ["at", "action", "version", "by", "note_shown"]
    list_filter = ["action"]
    fields = ["version", "action", "by", "at", "note_shown", "due_date_before", "due_date_after"]
    readonly_fields = fields

    note_shown = staticmethod(event_note)


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
