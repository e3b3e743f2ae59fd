from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from organisation.models import Deputy, OrgUnit, Person


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]

    def has_delete_permission(self, request, obj=None):
        # Units carry history (acknowledgements, questions): deactivate instead.
        return False


@admin.register(Person)
class PersonAdmin(UserAdmin):
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
    readonly_fields = ["deactivated_at", "last_login", "date_joined"]

    def has_delete_permission(self, request, obj=None):
        # Leavers are deactivated, never deleted: their acknowledgements and questions stay.
        return False

    @admin.action(description=_("Deactiveer de gekozen medewerkers"))
    def deactivate(self, request, queryset):
        count = 0
        for person in queryset.filter(is_active=True):
            person.deactivate()
            count += 1
        self.message_user(request, _("%(count)d medewerker(s) gedeactiveerd.") % {"count": count}, messages.SUCCESS)


@admin.register(Deputy)
class DeputyAdmin(admin.ModelAdmin):
    list_display = ["manager", "deputy", "starts_on", "ends_on"]
    autocomplete_fields = ["manager", "deputy"]
    search_fields = ["manager__last_name", "deputy__last_name"]
