import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from organisation import oidc
from organisation.forms import LoginForm

logger = logging.getLogger("organisation.sign_in")


class LoginView(auth_views.LoginView):
    """The login page: the city account first when OpenID Connect is on, the password as configured."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        if getattr(self.request, "sign_in_locked", False):
            return render(self.request, "registration/locked_out.html", status=429)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            oidc_enabled=settings.OIDC_ENABLED, local_sign_in=settings.LOCAL_SIGN_IN, **kwargs
        )


class LogoutView(auth_views.LogoutView):
    """Sign out here, and at the provider too when the person came through OpenID Connect."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get(oidc.ID_HINT_SESSION_KEY)
        response = super().post(request, *args, **kwargs)
        if id_token and settings.OIDC_ENABLED:
            at_provider = oidc.provider_logout(request, id_token)
            if at_provider is not None:
                return at_provider
            messages.warning(
                request,
                _("Je bent afgemeld in deze toepassing. Je stadsaccount kon niet worden afgemeld: sluit je browser."),
            )
        return response


@login_not_required
@require_POST
def oidc_start(request):
    if not settings.OIDC_ENABLED:
        raise Http404
    try:
        return oidc.start(request, request.POST.get("next", ""))
    except oidc.SignInRefused as refused:
        return _refused(request, refused)


@login_not_required
@require_GET
@never_cache
def oidc_callback(request):
    if not settings.OIDC_ENABLED:
        raise Http404
    try:
        return HttpResponseRedirect(oidc.complete(request))
    except oidc.SignInRefused as refused:
        return _refused(request, refused)


def _refused(request, refused):
    logger.warning("OpenID Connect sign-in refused (%s): %s", refused.refusal.code, refused.detail)
    return render(
        request,
        "registration/oidc_refused.html",
        {"refusal": refused.refusal, "oidc_enabled": True},
        status=refused.refusal.status,
    )


@login_not_required
def csrf_failure(request, reason=""):
    """A form that no longer matches the session (left open across a sign-in or sign-out)."""
    logger.warning("CSRF check failed on %s: %s", request.path, reason)
    referer = request.headers.get("Referer", "")
    back = referer if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}) else ""
    return render(request, "403_csrf.html", {"back": back}, status=403)


@login_not_required
@require_GET
def signed_out(request):
    """Where the provider sends the browser back after signing out there too."""
    return render(request, "registration/signed_out.html")
