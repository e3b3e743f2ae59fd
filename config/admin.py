from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from organisation.roles import is_admin


class BeheerAdminSite(admin.AdminSite):
    """The Django admin, for beheerders only, signing in through the app's own login page."""

    site_header = _("Gedragscode sociale media – beheer")
    site_title = _("Gedragscode sociale media – beheer")
    index_title = _("Beheer")

    def has_permission(self, request):
        return is_admin(request.user)

    def login(self, request, extra_context=None):
        if self.has_permission(request):
            return redirect("admin:index")
        if request.user.is_authenticated:
            # Signed in but not a beheerder: no admin, and no second login form either.
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", request.get_full_path()), settings.LOGIN_URL)
