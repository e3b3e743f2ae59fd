from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class BeheerAdminConfig(AdminConfig):
    default_site = "config.admin.BeheerAdminSite"


class OperationsConfig(AppConfig):
    """The project's own operation: system checks of the install (config/checks.py)."""

    name = "config"
    label = "operations"
    verbose_name = _("Werking")

    def ready(self):
        from config import checks  # noqa: F401 (registers the checks)
