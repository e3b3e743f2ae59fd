"""Working days for the advice response targets: no weekends, no Belgian public holidays.

The dates are fixed (2026-2027), so the answers do not depend on the day the suite runs.
"""

import datetime

import pytest

from advice.workdays import add_working_days, is_working_day, previous_working_day


def day(text):
    return datetime.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("date", "working"),
    [
        ("2026-11-16", True),  # Monday
        ("2026-11-20", True),  # Friday
        ("2026-11-21", False),  # Saturday
        ("2026-11-22", False),  # Sunday
        ("2026-11-11", False),  # Wapenstilstand, a Wednesday
        ("2026-07-21", False),  # Nationale feestdag, a Tuesday
        ("2027-01-01", False),  # Nieuwjaar, a Friday: the holidays of the day's own year
        ("2026-12-24", True),  # Christmas Eve is a working day
    ],
)
def test_a_working_day_is_a_weekday_that_is_no_public_holiday(date, working):
    assert is_working_day(day(date)) is working


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        ("2026-11-16", 1, "2026-11-17"),  # the day itself does not count
        ("2026-11-16", 3, "2026-11-19"),
        ("2026-11-20", 1, "2026-11-23"),  # Friday + 1 skips the weekend
        ("2026-11-21", 1, "2026-11-23"),  # asked on a Saturday
        ("2026-11-10", 1, "2026-11-12"),  # skips Wapenstilstand
        ("2026-12-24", 1, "2026-12-28"),  # Christmas on a Friday, then the weekend
        ("2026-12-31", 1, "2027-01-04"),  # into the next year: its New Year's Day counts
        ("2026-11-16", 10, "2026-11-30"),  # two weeks
        ("2026-11-18", 0, "2026-11-18"),  # nothing to add
        ("2026-11-18", -2, "2026-11-18"),  # never backwards
    ],
)
def test_adding_working_days(start, count, expected):
    assert add_working_days(day(start), count) == day(expected)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2026-11-17", "2026-11-16"),  # Tuesday -> Monday
        ("2026-11-16", "2026-11-13"),  # Monday -> Friday
        ("2026-11-22", "2026-11-20"),  # Sunday -> Friday
        ("2026-11-12", "2026-11-10"),  # over Wapenstilstand
        ("2027-01-04", "2026-12-31"),  # over New Year's Day and the weekend, into the year before
    ],
)
def test_the_previous_working_day(start, expected):
    assert previous_working_day(day(start)) == day(expected)
