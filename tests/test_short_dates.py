"""The lists' dates (config.dates.ShortDates) read as the `date` filter writes them.

The lists written in Python format each day themselves, without `dateformat` when the format is
only numbers (docs/performance.md). Whatever the format, a person must read the same date as on
every other page: here compared with Django's own `date` filter for every day of two years (leap
day, month ends, single digits), in both interface languages, for datetimes around midnight in
Antwerp, and for formats the shortcut must write alike or leave to `dateformat`.
"""

import datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import dateformat, timezone, translation

from config import dates
from config.dates import ShortDates

EVERY_DAY = [datetime.date(2027, 1, 1) + datetime.timedelta(days=offset) for offset in range(2 * 366)]
FAR_DAYS = [datetime.date(1, 1, 1), datetime.date(999, 9, 9), datetime.date(9999, 12, 31)]


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_every_day_reads_as_the_date_filter_writes_it(language):
    with translation.override(language):
        written = ShortDates()
        for day in EVERY_DAY + FAR_DAYS:
            assert written(day) == date_filter(day, "SHORT_DATE_FORMAT"), day


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_a_moment_is_written_as_its_day_in_antwerp(language):
    # 23:30 UTC on 31 December is already 1 January in Antwerp (UTC+1 in winter, +2 in summer).
    moments = [
        datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC),
        datetime.datetime(2027, 6, 30, 22, 30, tzinfo=datetime.UTC),
        datetime.datetime(2027, 6, 30, 21, 30, tzinfo=datetime.UTC),
    ]
    with translation.override(language), timezone.override("Europe/Brussels"):
        written = ShortDates()
        for moment in moments:
            # A template converts a moment to local time before its filters see it.
            assert written(moment) == date_filter(timezone.localtime(moment), "SHORT_DATE_FORMAT"), moment
        assert written(moments[0]) == written(datetime.date(2027, 1, 1))


@pytest.mark.parametrize(
    "format_string",
    ["d-m-Y", "m/d/Y", "j.n.y", "Y-m-d", "d M Y", "j F Y", "D d-m-Y", r"\d\e d-m-Y", r"\d\m d-m-Y", "d/m/Y l", "Ymd"],
)
def test_any_format_is_written_as_dateformat_writes_it(format_string, settings):
    # Names of days and months, and escapes, are left to dateformat (translated, and its own rules).
    settings.SHORT_DATE_FORMAT = format_string
    settings.FORMAT_MODULE_PATH = None
    with translation.override("nl-be"), translation.override(None):
        written = ShortDates()
        for day in EVERY_DAY[:400:7] + FAR_DAYS:
            assert written(day) == dateformat.format(day, written.format), (format_string, day)


def test_numbers_only_formats_skip_dateformat():
    # The shortcut is what the lists use for the city's own formats (the reason it exists).
    assert dates._numeric_writer("d-m-Y") is not None
    assert dates._numeric_writer("m/d/Y") is not None
    assert dates._numeric_writer("j F Y") is None
    assert dates._numeric_writer(r"\d d-m-Y") is None


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_a_moment_with_its_time_reads_as_the_date_filter_writes_it(language):
    """A timeline's moments and a queue's deadlines: the date and the time in Antwerp, as the `date`
    filter writes a moment in local time with SHORT_DATETIME_FORMAT (single-digit hours and minutes,
    midnight, the hour that the change to summer time skips and the one winter time repeats)."""
    start = datetime.datetime(2027, 3, 27, 22, 0, tzinfo=datetime.UTC)
    moments = [start + datetime.timedelta(minutes=7 * step) for step in range(24 * 60 // 7 * 2)]
    moments += [
        datetime.datetime(2027, 10, 31, 0, 30, tzinfo=datetime.UTC) + datetime.timedelta(minutes=m) for m in (0, 60, 90)
    ]
    with translation.override(language), timezone.override("Europe/Brussels"):
        written = ShortDates()
        for moment in moments:
            local = timezone.localtime(moment)
            assert written.moment(moment) == date_filter(local, "SHORT_DATETIME_FORMAT"), moment
            assert written.moment(moment) == written.moment(local)  # kept: the same text again


def test_a_moment_in_any_format_is_written_as_dateformat_writes_it(settings):
    settings.SHORT_DATETIME_FORMAT = "j F Y, G.i"  # a month's name: left to dateformat
    settings.FORMAT_MODULE_PATH = None
    moment = datetime.datetime(2027, 5, 4, 7, 5, tzinfo=datetime.UTC)
    with translation.override("nl-be"), translation.override(None), timezone.override("Europe/Brussels"):
        assert ShortDates().moment(moment) == dateformat.format(timezone.localtime(moment), "j F Y, G.i")
    assert dates._numeric_writer("d-m-Y H:i", dates._TIME_NUMBERS) is not None
    assert dates._numeric_writer("d-m-Y H:i") is None  # hours and minutes are a moment's, never a date's
