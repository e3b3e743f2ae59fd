"""Escalate questions the leidinggevende did not answer in time (the shipped schedule: every 15 minutes).

Idempotent: running it twice changes nothing the second time.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from advice.services import questions_escalate_overdue


def parse_now(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError as error:
            raise CommandError(f"--now must be an ISO date and time, not {value!r}.") from error
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Escalate advice questions past the leidinggevende's deadline; pass on those of managers who left."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Act as if it were this moment (ISO 8601), for tests and replays.")

    def handle(self, *args, now=None, **options):
        result = questions_escalate_overdue(now=parse_now(now))
        self.stdout.write(f"Escalated: {result['escalated']}; passed to the next manager: {result['rerouted']}.")
