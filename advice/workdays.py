"""Working days in Belgium: no weekends, no public holidays (the `holidays` package, BE)."""

import datetime
from functools import cache

import holidays


@cache
def _belgian_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("BE", years=[year]).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _belgian_holidays(day.year)


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `day` (the day itself does not count)."""
    current = day
    remaining = count
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def previous_working_day(day: datetime.date) -> datetime.date:
    current = day - datetime.timedelta(days=1)
    while not is_working_day(current):
        current -= datetime.timedelta(days=1)
    return current


# --- Working time: the seconds of working days (00:00 to 24:00 local time), for the paused clock ----
def _midnight(day: datetime.date) -> datetime.datetime:
    """The first moment of `day` in the city's time zone, as UTC (so that arithmetic is absolute)."""
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)).astimezone(datetime.UTC)


def _local_day(moment: datetime.datetime) -> datetime.date:
    from django.utils import timezone

    return timezone.localdate(moment)


def working_seconds_between(start: datetime.datetime, end: datetime.datetime) -> int:
    """How many seconds of working days lie between two moments (0 if `end` is not after `start`)."""
    start, end = start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)
    total = 0.0
    day = _local_day(start)
    while _midnight(day) < end:
        if is_working_day(day):
            low = max(start, _midnight(day))
            high = min(end, _midnight(day + datetime.timedelta(days=1)))
            if high > low:
                total += (high - low).total_seconds()
        day += datetime.timedelta(days=1)
    return int(total)


def add_working_seconds(start: datetime.datetime, seconds: int) -> datetime.datetime:
    """The moment `seconds` of working time after `start` (weekends and public holidays do not count)."""
    moment = start.astimezone(datetime.UTC)
    day = _local_day(moment)
    remaining = max(int(seconds), 0)
    while True:
        if is_working_day(day):
            day_end = _midnight(day + datetime.timedelta(days=1))
            available = (day_end - moment).total_seconds()
            if remaining <= available:
                return moment + datetime.timedelta(seconds=remaining)
            remaining -= available
        day += datetime.timedelta(days=1)
        moment = _midnight(day)
