import time

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import PersistentRemoteUserMiddleware

from organisation import identity


class TrustedHeaderMiddleware(PersistentRemoteUserMiddleware):
    """Sign people in from the city's sign-on proxy, when `SSO_TRUSTED_HEADER` is set.

    Django's own remote-user sign-in, with the header taken from the settings and off by default:
    only behind a proxy that strips the header from incoming requests may the application trust it.
    The header names the person by username or e-mail address (`TrustedHeaderBackend`); the session
    stays when a later request comes without the header (the proxy may send it on some pages only).
    """

    async_capable = False

    @property
    def header(self):
        return "HTTP_" + settings.SSO_TRUSTED_HEADER.upper().replace("-", "_")

    def process_request(self, request):
        if settings.SSO_TRUSTED_HEADER:
            super().process_request(request)

    def clean_username(self, username, request):
        # The header may name the signed-in person by e-mail address or in another case: that is
        # still them, and signing them in again would write a new session on every request.
        if identity.names(request.user, username):
            return request.user.get_username()
        return super().clean_username(username, request)


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
