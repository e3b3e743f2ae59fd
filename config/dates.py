"""Dates in the lists that tags write in Python (docs/performance.md, "Lists written in Python")."""

import datetime

from django.utils import dateformat, formats, timezone


class ShortDates:
    """Dates as the `date` filter writes them (SHORT_DATE_FORMAT, datetimes in local time), each
    distinct day formatted once per list: a team acknowledged on a few days, not on forty; a queue's
    questions reached the Bureau on a few days. Make one per list (the format is the active language's)."""

    def __init__(self):
        self.format = formats.get_format("SHORT_DATE_FORMAT")
        self.zone = timezone.get_current_timezone()
        self.done = {}

    def __call__(self, value) -> str:
        if isinstance(value, datetime.datetime):
            value = (value.astimezone(self.zone) if timezone.is_aware(value) else value).date()
        text = self.done.get(value)
        if text is None:
            text = self.done[value] = dateformat.format(value, self.format)
        return text
