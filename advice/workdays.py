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
