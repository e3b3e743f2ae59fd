from django.apps import apps
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from codeofconduct.views import acknowledging
from config import health
from organisation import views as organisation_views

urlpatterns = [
    # The home page is the reading list: "Te lezen".
    path("", acknowledging.home, name="home"),
    # Sign-in, language and health: the only pages reachable without signing in.
    path("accounts/login/", organisation_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", organisation_views.LogoutView.as_view(), name="logout"),
    path("accounts/afgemeld/", organisation_views.signed_out, name="signed_out"),
    path("accounts/stadsaccount/", organisation_views.oidc_start, name="oidc_start"),
    path("accounts/stadsaccount/terug/", organisation_views.oidc_callback, name="oidc_callback"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # Answered by config.health.HealthCheckMiddleware before anything else; the pattern names it.
    path("healthz", health.healthz, name="healthz"),
    # The apps.
    path("gedragscode/", include("codeofconduct.urls")),
    path("beheer/", admin.site.urls),
]
# Advice builds on the code of conduct, which also runs without it (tests/test_layering.py).
if apps.is_installed("advice"):
    urlpatterns.append(path("advies/", include("advice.urls")))

# A database that went away gives the "tijdelijk niet beschikbaar" page (503), any other error the 500 page.
handler500 = "config.health.server_error"
# A session that could not be saved because the database went away: the same 503, not Django's 400.
handler400 = "config.health.bad_request"
