"""What the load balancer asks (`GET /healthz`), and what a person sees when the database is gone.

The health check tells the truth about what a request would meet:

- database down: 503 "unavailable" (take this server out of rotation: no page can be served);
- the shared cache (Redis) down: 200 "degraded" (pages and sessions work from the database,
  slower; taking every server out of rotation for it would turn an accelerator's outage into one
  of the whole app);
- otherwise 200 "ok".

It also reports the mail worker's heartbeat ("up", "late", "none"; docs/jobs-and-mail.md), which never
takes a server out of rotation: a web server serves pages whatever the worker does.

It is answered by the first middleware, before the HTTPS redirect, the host check, sessions and
sign-in: a load balancer probes each server over plain HTTP, often by its address, and the
answer names nothing sensitive.
"""

import sys

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import bad_request as default_bad_request
from django.views.defaults import server_error as default_server_error

from jobs.health import worker_state

# Seconds a client (or the proxy) is asked to wait before trying again while the database is gone.
RETRY_AFTER_SECONDS = 30


def database_up() -> bool:
    """Whether the database answers now; a connection broken by an earlier outage is replaced once."""
    for _attempt in (1, 2):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            return True
        except DatabaseError:
            connection.close()  # the next attempt (and the next request) opens a new connection
    return False


def cache_state() -> str:
    """ "up" or "down" for the shared cache; "local" when each process has its own (no CACHE_URL)."""
    ping = getattr(cache, "ping", None)
    if ping is None:
        return "local"
    return "up" if ping() else "down"


@login_not_required
@require_safe
@never_cache
def healthz(request):
    database = "up" if database_up() else "down"
    shared_cache = cache_state()
    if database == "down":
        status, code = "unavailable", 503
    elif shared_cache == "down":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    worker = worker_state() if database == "up" else "unknown"
    body = {"status": status, "database": database, "cache": shared_cache, "worker": worker}
    response = JsonResponse(body, status=code)
    if code == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers `GET /healthz` before the HTTPS redirect, the host check and sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)


def unavailable_response(request=None):
    """The "tijdelijk niet beschikbaar" page: no database, no session, no context processors."""
    html = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


# SQLSTATE classes of a server that is going, gone or full: connection exception, insufficient
# resources (too many connections), operator intervention (shutdown, restart, still starting up).
OUTAGE_SQLSTATE_CLASSES = {"08", "53", "57"}


def database_unavailable(error: BaseException | None) -> bool:
    """Whether an error means the database could not be reached (an outage), not a fault of the request."""
    if isinstance(error, InterfaceError):  # the connection was closed under the request
        return True
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate is None or sqlstate[:2] in OUTAGE_SQLSTATE_CLASSES:
        # No SQLSTATE: the driver's own failure to connect or a connection that broke off.
        return True
    return not database_up()


def server_error(request, *args, **kwargs):
    """handler500: a database that went away is an outage (503, try again), not a bug (500).

    Also when it is back by the time this runs: a request that lost its connection in a restart
    is answered "try again", which is the truth, not "something went wrong".
    """
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return default_server_error(request, *args, **kwargs)


def bad_request(request, exception, *args, **kwargs):
    """handler400: a session that could not be saved because the database went away is an outage too.

    Django turns a failed session UPDATE into SessionInterrupted (400, "the session was deleted"):
    when what failed underneath was the database, the person is told to try again (503).
    """
    cause = exception
    while cause is not None:
        if database_unavailable(cause):
            return unavailable_response(request)
        cause = cause.__cause__ or cause.__context__
    return default_bad_request(request, exception, *args, **kwargs)
