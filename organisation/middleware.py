import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.middleware import LoginRequiredMiddleware, PersistentRemoteUserMiddleware
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from organisation import backends, identity


class CurrentRequestMiddleware:
    """Tells the authentication backend which request it loads the person for (`backends.current_request`):
    a page may have something read with the person in the same query (`backends.read_with_person`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = backends.current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            backends.current_request.reset(token)


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


class SignInAgainMiddleware(LoginRequiredMiddleware):
    """Everything needs a signed-in person; a click that arrives after the session ended loses nothing.

    A button (a POST) pressed on a page that stayed open past the inactivity limit cannot be
    replayed after signing in again: the browser would come back with a GET. So the person is sent
    to sign in with the page they were on (its same-origin Referer) as the way back, told why on the
    login page, and on that page again asked to press the button once more.
    """

    SESSION_KEY = "_press_again_on"

    def handle_no_permission(self, request, view_func):
        if request.method != "POST":
            return super().handle_no_permission(request, view_func)
        referer = request.headers.get("Referer", "")
        page = None
        if url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            page = urlsplit(referer).path
        page = page or resolve_url(settings.LOGIN_REDIRECT_URL)
        request.session[self.SESSION_KEY] = page
        messages.warning(request, _("Je sessie was verlopen. Meld je opnieuw aan; daarna kom je terug op de pagina."))
        return redirect_to_login(page, self.get_login_url(view_func), self.get_redirect_field_name(view_func))

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The first page after signing in again: the one they were on, unless they went elsewhere.
        if (
            request.method == "GET"
            and request.user.is_authenticated
            and self.SESSION_KEY in request.session
            and request.session.pop(self.SESSION_KEY) == request.path
        ):
            messages.info(
                request,
                _("Je klik kwam aan nadat je sessie verlopen was en werd niet bewaard. Druk nog eens op de knop."),
            )
        return super().process_view(request, view_func, view_args, view_kwargs)


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
