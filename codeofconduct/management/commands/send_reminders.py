from django.core.management.base import BaseCommand

from codeofconduct.reminders import run_reminders
from codeofconduct.services.publishing import publish_due_versions


class Command(BaseCommand):
    help = (
        "Publish due versions and queue the notices and reminders that are due (the mail worker sends them). "
        "Idempotent: the shipped schedule runs it every 15 minutes."
    )

    def handle(self, *args, **options):
        publish_due_versions()
        report = run_reminders()
        self.stdout.write(f"Reminders queued: {report}")
