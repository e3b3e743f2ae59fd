"""The roles of the application, in one place. Views, templates and tests ask these functions.

- medewerker: every active, signed-in person;
- chef-waardeerder: anyone with active direct reports;
- Redactie: publishes notes and sees city-wide compliance (`Person.is_editor`);
- Bureau voor Integriteit: handles escalated advice questions (`Person.is_integrity_officer`);
- beheerder: application administrator, the only role with the Django admin (`is_staff`).
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EMPLOYEE = "medewerker", _("Medewerker")
    CHEF = "chef", _("Chef-waardeerder")
    EDITOR = "redactie", _("Redactie")
    INTEGRITY = "integriteit", _("Bureau voor Integriteit")
    ADMIN = "beheerder", _("Beheerder")


def is_employee(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_chef(user) -> bool:
    return is_employee(user) and user.has_direct_reports


def is_editor(user) -> bool:
    return is_employee(user) and user.is_editor


def is_integrity_officer(user) -> bool:
    return is_employee(user) and user.is_integrity_officer


def is_admin(user) -> bool:
    return is_employee(user) and user.is_staff


_CHECKS = {
    Role.EMPLOYEE: is_employee,
    Role.CHEF: is_chef,
    Role.EDITOR: is_editor,
    Role.INTEGRITY: is_integrity_officer,
    Role.ADMIN: is_admin,
}


def roles_of(user) -> frozenset[Role]:
    return frozenset(role for role, check in _CHECKS.items() if check(user))


def has_role(user, role: Role) -> bool:
    return _CHECKS[role](user)


def require_role(role: Role):
    """View decorator: 403 for a signed-in person without the role."""

    def decorator(view):
        from functools import wraps

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin:
    """Class-based views: `required_role = Role.EDITOR`."""

    required_role: Role = Role.EMPLOYEE

    def dispatch(self, request, *args, **kwargs):
        if not has_role(request.user, self.required_role):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
