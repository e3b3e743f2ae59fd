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
