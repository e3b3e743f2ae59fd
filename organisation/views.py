from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jobs.health import worker_state
from organisation.forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@login_not_required
@require_GET
@never_cache
def healthz(request):
    """For the load balancer: 200 when the database answers, 503 otherwise. Nothing sensitive."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    # The mail worker's heartbeat is reported, never a reason to take this server out of rotation.
    return JsonResponse({"status": "ok", "database": "up", "worker": worker_state()})
