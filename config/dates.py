"""Dates in the lists that tags write in Python (docs/performance.md, "Lists written in Python")."""

import datetime
import functools

from django.utils import dateformat, formats, timezone

# What `django.utils.dateformat` writes for the format characters that are plain numbers of a date.
# A format made of these and other non-format characters (the city's "d-m-Y", English's "m/d/Y") is
# written with them directly: `dateformat.format` builds a formatter and runs a regular expression
# per date, the larger part of a team page's dates. Any other format goes through `dateformat`.
_NUMBERS = {
    "d": lambda day: f"{day.day:02d}",
    "j": lambda day: str(day.day),
    "m": lambda day: f"{day.month:02d}",
    "n": lambda day: str(day.month),
    "y": lambda day: f"{day.year % 100:02d}",
    "Y": lambda day: f"{day.year:04d}",
}
# And those of a time of day, for datetimes (the city's "d-m-Y H:i").
_TIME_NUMBERS = {
    **_NUMBERS,
    "G": lambda moment: str(moment.hour),
    "H": lambda moment: f"{moment.hour:02d}",
    "i": lambda moment: f"{moment.minute:02d}",
    "s": lambda moment: f"{moment.second:02d}",
}
# Every character `dateformat` treats as a format character (django.utils.dateformat.re_formatchars).
_FORMAT_CHARACTERS = frozenset("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ")


def _numeric_writer(format_string, numbers=_NUMBERS):
    """A function writing a date in `format_string` as `dateformat.format` does, or None when the format
    needs more than numbers (names of days or months, which are translated) or has escapes. With
    `_TIME_NUMBERS`, for datetimes: hours, minutes and seconds too."""
    if "\\" in format_string:
        return None
    parts = []
    for character in format_string:
        if character in numbers:
            parts.append(numbers[character])
        elif character in _FORMAT_CHARACTERS:
            return None
        else:
            parts.append(character)
    return lambda day: "".join(part if isinstance(part, str) else part(day) for part in parts)


class ShortDates:
    """Dates as the `date` filter writes them (SHORT_DATE_FORMAT, datetimes in local time), each
    distinct day formatted once per list: a team acknowledged on a few days, not on forty; a queue's
    questions reached the Bureau on a few days. Make one per list (the format is the active language's)."""

    def __init__(self):
        self.format = formats.get_format("SHORT_DATE_FORMAT")
        self.write = _numeric_writer(self.format) or (lambda day: dateformat.format(day, self.format))
        self.zone = timezone.get_current_timezone()
        self.done = {}
        self.moments = {}

    def moment(self, value: datetime.datetime) -> str:
        """A datetime in local time as the `date` filter writes it with SHORT_DATETIME_FORMAT (a timeline's
        moments, a queue's deadlines), each distinct moment formatted once."""
        text = self.moments.get(value)
        if text is None:
            local = value.astimezone(self.zone) if timezone.is_aware(value) else value
            text = self.moments[value] = self._write_moment(local)
        return text

    @functools.cached_property
    def _write_moment(self):
        moment_format = formats.get_format("SHORT_DATETIME_FORMAT")
        return _numeric_writer(moment_format, _TIME_NUMBERS) or (
            lambda moment: dateformat.format(moment, moment_format)
        )

    def __call__(self, value) -> str:
        if isinstance(value, datetime.datetime):
            value = (value.astimezone(self.zone) if timezone.is_aware(value) else value).date()
        text = self.done.get(value)
        if text is None:
            text = self.done[value] = self.write(value)
        return text


def short_date(value) -> str:
    """One date (a datetime: its day in local time) as the `date` filter writes it with SHORT_DATE_FORMAT:
    for a page's single date, what `ShortDates` is for a list's."""
    return ShortDates()(value)
