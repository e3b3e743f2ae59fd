from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend, RemoteUserBackend
from django.db.models import Exists, OuterRef


class SignedInPersonMixin:
    """The person behind a signed-in request, read with whether they have active direct reports.

    Every page's navigation asks whether the person is a chef-waardeerder; answering it in the query
    that loads the person saves every page a query of its own (`Person.has_direct_reports`).
    """

    def get_user(self, user_id):
        model = get_user_model()
        reports = model._default_manager.filter(manager=OuterRef("pk"), is_active=True)
        user = model._default_manager.annotate(has_direct_reports=Exists(reports)).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class EmailOrUsernameBackend(SignedInPersonMixin, ModelBackend):
    """Staff sign in with their username or their e-mail address, case-insensitively."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        model = get_user_model()
        field = "email__iexact" if "@" in username else "username__iexact"
        try:
            user = model.objects.get(**{field: username.strip()})
        except (model.DoesNotExist, model.MultipleObjectsReturned):
            # Spend the same time as a real check, so that timing does not reveal accounts.
            model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class TrustedHeaderBackend(SignedInPersonMixin, RemoteUserBackend):
    """Single sign-on: the proxy has authenticated the person; only known, active people get in."""

    create_unknown_user = False

    def clean_username(self, username):
        return username.strip()

    def authenticate(self, request, remote_user):
        if not remote_user:
            return None
        model = get_user_model()
        field = "email__iexact" if "@" in remote_user else "username__iexact"
        user = model.objects.filter(**{field: self.clean_username(remote_user)}).first()
        return user if user and self.user_can_authenticate(user) else None
