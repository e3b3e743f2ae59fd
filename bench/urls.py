from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def floor(request):
    """The cheapest signed-in page: the same middleware (session, user, CSRF, CSP), no query of its own."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *app_urlpatterns]
