from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisatie")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from organisation import content
        from organisation.middleware import SessionRenewalMiddleware

        content.connect()
        user_logged_in.connect(SessionRenewalMiddleware.signed_in, dispatch_uid="organisation_session_renewal")
        user_logged_in.connect(_password_sign_in_succeeded, dispatch_uid="organisation_lockout_success")
        user_login_failed.connect(_password_sign_in_failed, dispatch_uid="organisation_lockout_failure")


def _password_sign_in_failed(sender, credentials, request=None, **kwargs):
    from organisation import lockout

    typed = credentials.get("username")
    if request is not None and typed is not None and not getattr(request, "sign_in_locked", False):
        lockout.record_failure(request, typed)


def _password_sign_in_succeeded(sender, request, user, **kwargs):
    from organisation import lockout

    if request is not None and getattr(user, "backend", "") == "organisation.backends.EmailOrUsernameBackend":
        lockout.record_success(request, user)
