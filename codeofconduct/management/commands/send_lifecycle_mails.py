from django.core.management.base import BaseCommand

from codeofconduct.lifecycle import run_lifecycle_mails


class Command(BaseCommand):
    help = (
        "Queue the lifecycle's mail: versions back in force after a withdrawal, and Redactie's warning before an "
        "expiry date (idempotent; the shipped schedule runs it every 15 minutes)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Queued: {run_lifecycle_mails()}")
