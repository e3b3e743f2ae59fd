import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend, RemoteUserBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef

from organisation import content, identity, lockout

logger = logging.getLogger("organisation.sign_in")


class SignedInPersonMixin:
    """The person behind a signed-in request, read with whether they have active direct reports and
    with the content generation.

    Every page's navigation asks whether the person is a chef-waardeerder; answering it in the query
    that loads the person saves every page a query of its own (`Person.has_direct_reports`). The
    content generation (organisation.content) is read in the same query, at the start of the request,
    before any shared content is looked up under it.
    """

    def get_user(self, user_id):
        model = get_user_model()
        reports = model._default_manager.filter(manager=OuterRef("pk"), is_active=True)
        user = (
            model._default_manager.annotate(has_direct_reports=Exists(reports), **content.generation_annotations())
            .filter(pk=user_id)
            .first()
        )
        if user is not None:
            user.content_read_at = time.monotonic()
        return user if user is not None and self.user_can_authenticate(user) else None


class EmailOrUsernameBackend(SignedInPersonMixin, ModelBackend):
    """Staff sign in with their username or their e-mail address (see `organisation.identity`).

    `LOCAL_SIGN_IN` decides who may use a password at all: everyone (`on`), only beheerders'
    break-glass accounts (`break-glass`), or nobody (`off`; sign-in through OpenID Connect or the
    sign-on proxy only). The lock-out (`organisation.lockout`) is asked first.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        if request is not None and lockout.is_locked(request, username):
            # Refused before the password is looked at; Django reports the failure, uncounted.
            request.sign_in_locked = True
            raise PermissionDenied
        user = identity.find_person(username)
        if user is None or not local_sign_in_allowed(user):
            # Spend the same time as a real check, so that timing does not reveal accounts.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if settings.LOCAL_SIGN_IN == "break-glass":
                logger.warning("Break-glass sign-in with a password by beheerder %s (%s)", user.pk, user.username)
            return user
        return None


def local_sign_in_allowed(person) -> bool:
    mode = settings.LOCAL_SIGN_IN
    if mode == "on":
        return True
    if mode == "break-glass":
        return person.is_staff
    return False


class TrustedHeaderBackend(SignedInPersonMixin, RemoteUserBackend):
    """Single sign-on through the proxy: the header names a known, active person; nobody is created."""

    create_unknown_user = False

    def authenticate(self, request, remote_user):
        person = identity.find_person(remote_user)
        return person if person is not None and self.user_can_authenticate(person) else None


class OpenIDConnectBackend(SignedInPersonMixin, BaseBackend):
    """The person signed in through OpenID Connect (`organisation.oidc`), loaded on later requests.

    It authenticates nothing itself: the callback has checked the provider's ID token and found the
    person from the HR import. Permissions come from the other backends, as for everyone.
    """

    def user_can_authenticate(self, user):
        return user.is_active
