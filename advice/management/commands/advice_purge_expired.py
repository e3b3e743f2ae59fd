"""Nightly (the shipped schedule): remove questions past the retention period, keep anonymous counts."""

from django.core.management.base import BaseCommand

from advice.management.commands.advice_escalate_overdue import parse_now
from advice.services import questions_purge_expired


class Command(BaseCommand):
    help = "Remove closed and withdrawn advice questions older than ADVICE_RETENTION_MONTHS, with attachments."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Act as if it were this moment (ISO 8601).")
        parser.add_argument("--months", type=int, help="Override ADVICE_RETENTION_MONTHS.")

    def handle(self, *args, now=None, months=None, **options):
        removed = questions_purge_expired(now=parse_now(now), months=months)
        self.stdout.write(f"Removed {removed} question(s).")
