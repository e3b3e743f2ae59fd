"""Test-only control of the provider: users, the app's client registration, faults and its clock."""

import datetime
import hmac
import json
import os

import time_machine
from django.contrib.auth.models import User
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.models import get_access_token_model, get_application_model, get_grant_model, get_id_token_model

from tests.oidc_provider import validator

_CLOCK = []  # the provider's running time-machine traveller, if any


def _set_clock(now):
    """Run the provider's clock from `now` (ISO 8601), as the test's own clock runs (tests/conftest.py)."""
    while _CLOCK:
        _CLOCK.pop().stop()
    if now:
        traveller = time_machine.travel(datetime.datetime.fromisoformat(now), tick=True)
        traveller.start()
        datetime.datetime.now()  # time-machine's clock starts ticking when first read: now
        _CLOCK.append(traveller)


def _allowed(request):
    return hmac.compare_digest(request.headers.get("X-Test-Token", ""), os.environ["TEST_PROVIDER_TOKEN"])


@csrf_exempt
@require_POST
def reset(request):
    """Forget everything; install these users and this client registration; no fault; the app's clock.

    The app's tests run at TEST_NOW, not the real time: the provider's tokens are issued at the same
    instant ("now"), or the app would find them issued in the future.
    """
    if not _allowed(request):
        return HttpResponseForbidden()
    data = json.loads(request.body)
    _set_clock(data.get("now"))
    for model in (get_access_token_model(), get_id_token_model(), get_grant_model(), get_application_model()):
        model.objects.all().delete()
    User.objects.all().delete()
    validator.EXTRA_CLAIMS.clear()
    validator.FAULT.clear()
    for user in data["users"]:
        User.objects.create_user(user["username"], user.get("email", ""), user["password"])
        validator.EXTRA_CLAIMS[user["username"]] = user.get("claims", {})
    client = data["client"]
    get_application_model().objects.create(
        name="Gedragscode sociale media",
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris=" ".join(client["redirect_uris"]),
        post_logout_redirect_uris=" ".join(client["post_logout_redirect_uris"]),
        algorithm="RS256",
        skip_authorization=client.get("skip_authorization", True),
    )
    return JsonResponse({"ok": True})


@csrf_exempt
@require_POST
def fault(request):
    """Make the next ID tokens misbehave: {"fault": "wrong_audience", ...} or {} for none."""
    if not _allowed(request):
        return HttpResponseForbidden()
    validator.FAULT.clear()
    validator.FAULT.update(json.loads(request.body))
    return JsonResponse({"ok": True})
