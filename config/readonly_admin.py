"""The admin's read-only pages, shared by every app (config imports no app, so jobs may use it too)."""


class ReadOnlyAdminMixin:
    """Shown to beheerders, never added, changed or deleted in the admin: records the app itself keeps."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
