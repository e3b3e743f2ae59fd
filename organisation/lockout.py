"""Slowing down password guessing without letting a stranger lock the real person out.

Failures are counted per PERSON (whatever spelling of their username or e-mail address was typed,
`organisation.identity`) and per client address, over a sliding window of LOGIN_COOLOFF_MINUTES:

- one person from one address: LOGIN_FAILURE_LIMIT (5) failures refuse that address for that person;
- one address, any names: LOGIN_ADDRESS_FAILURE_LIMIT (20) failures refuse that address for everyone;
- one person from all addresses together: LOGIN_PERSON_FAILURE_LIMIT (30) failures refuse that person
  everywhere.

The trade-off (docs/sign-in.md): a stranger can only lock the real person out of the address the
stranger tries from, unless they try from six or more addresses at once, and even then only while
they keep trying and for at most one window after. In exchange, distributed guessing gets at most
30 tries per person per window. Refused attempts are not counted, so a lock ends one window after the
failure that caused it. The clock is Django's (`timezone.now`), so tests set it explicitly.
"""

import ipaddress
import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from organisation import identity
from organisation.models import SignInFailure

logger = logging.getLogger("organisation.sign_in")


def person_key(typed) -> str:
    person = identity.find_person(typed)
    if person is not None:
        return f"person:{person.pk}"
    text = identity.normalise_identifier(typed)
    return "name:" + (text.casefold()[:290] if text else "?")


def client_address(request) -> str | None:
    """The browser's address: behind PROXY_COUNT proxies, the one the outermost proxy saw."""
    address = request.META.get("REMOTE_ADDR")
    if settings.PROXY_COUNT > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= settings.PROXY_COUNT:
            address = forwarded[-settings.PROXY_COUNT]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _recent():
    return SignInFailure.objects.filter(at__gte=timezone.now() - timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES))


def is_locked(request, typed) -> bool:
    key = person_key(typed)
    address = client_address(request)
    recent = _recent()
    if recent.filter(person_key=key, address=address).count() >= settings.LOGIN_FAILURE_LIMIT:
        return True
    if address is not None and recent.filter(address=address).count() >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return True
    return recent.filter(person_key=key).count() >= settings.LOGIN_PERSON_FAILURE_LIMIT


def record_failure(request, typed):
    now = timezone.now()
    SignInFailure.objects.filter(at__lt=now - timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)).delete()
    key = person_key(typed)
    address = client_address(request)
    SignInFailure.objects.create(at=now, person_key=key, address=address)
    logger.warning("Failed password sign-in for %s from %s", key, address)


def record_success(request, person):
    """The real person got in from here: their failures from this address no longer count."""
    SignInFailure.objects.filter(person_key=f"person:{person.pk}", address=client_address(request)).delete()
