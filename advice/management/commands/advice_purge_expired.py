"""Nightly (the shipped schedule): close questions left waiting for the asker, then remove every
question past its retention period, whatever its state, with all that names it (docs/advice.md)."""

from django.core.management.base import BaseCommand

from advice.management.commands.advice_escalate_overdue import parse_now
from advice.services import questions_purge_expired


class Command(BaseCommand):
    help = (
        "Close advice questions that waited ADVICE_AUTO_CLOSE_DAYS for the asker (telling them), then remove "
        "every question past ADVICE_RETENTION_MONTHS, whatever its state, with attachments and mail."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Act as if it were this moment (ISO 8601).")
        parser.add_argument("--months", type=int, help="Override ADVICE_RETENTION_MONTHS.")

    def handle(self, *args, now=None, months=None, **options):
        result = questions_purge_expired(now=parse_now(now), months=months)
        self.stdout.write(
            f"Closed {result['closed']} question(s) left waiting; removed {result['removed']} question(s)."
        )
