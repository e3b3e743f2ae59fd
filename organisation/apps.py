from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisatie")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from organisation.middleware import SessionRenewalMiddleware

        user_logged_in.connect(SessionRenewalMiddleware.signed_in, dispatch_uid="organisation_session_renewal")
