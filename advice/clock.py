"""Time for the advice workflow: one place, so that tests and commands can pass a frozen `now`."""

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    return timezone.now()


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The first moment of `day` in the city's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
