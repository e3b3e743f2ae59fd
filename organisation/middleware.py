import time

from django.conf import settings
from django.contrib import auth
from django.core.exceptions import ImproperlyConfigured

from organisation.backends import TrustedHeaderBackend


class TrustedHeaderMiddleware:
    """Sign people in from the city's single sign-on proxy, when `SSO_TRUSTED_HEADER` is set.

    Off by default: only behind a proxy that strips the header from incoming requests may the
    application trust it. The header names the person by username or e-mail.
    """

    backend_path = "organisation.backends.TrustedHeaderBackend"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = settings.SSO_TRUSTED_HEADER
        if header:
            self.process(request, "HTTP_" + header.upper().replace("-", "_"))
        return self.get_response(request)

    def process(self, request, meta_key):
        if not hasattr(request, "user"):
            raise ImproperlyConfigured("TrustedHeaderMiddleware needs AuthenticationMiddleware before it.")
        remote = request.META.get(meta_key, "").strip()
        if not remote:
            return
        user = request.user
        if user.is_authenticated and remote.lower() in {user.get_username().lower(), user.email.lower()}:
            return
        found = TrustedHeaderBackend().authenticate(request, remote_user=remote)
        if found is not None:
            found.backend = self.backend_path
            auth.login(request, found)
            request.user = found


class PrivatePagesMiddleware:
    """The dienstnota is for internal use only: no shared caches, no search engines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response.headers.setdefault("Cache-Control", "private, no-store")
            response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response


class SessionRenewalMiddleware:
    """Renew a signed-in session's inactivity timeout, at most once every `SESSION_RENEW_SECONDS`.

    Writing the session on every request (SESSION_SAVE_EVERY_REQUEST) would cost every page a
    database write. Renewing every few minutes keeps the timeout (8 hours by default) within that
    margin and leaves most requests with nothing to write.
    """

    KEY = "_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def signed_in(cls, sender, request, user, **kwargs):
        """Signing in writes the session anyway: count it as the first renewal."""
        if request is not None and hasattr(request, "session"):
            request.session[cls.KEY] = int(time.time())

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get(auth.SESSION_KEY):
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                session[self.KEY] = now  # modified: SessionMiddleware saves it with a fresh expiry
        return response
