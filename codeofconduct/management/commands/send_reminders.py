from django.core.management.base import BaseCommand

from codeofconduct.reminders import run_reminders
from codeofconduct.services.publishing import publish_due_versions


class Command(BaseCommand):
    help = "Publish due versions and send the notices and reminders that are due. Idempotent: run it from cron."

    def handle(self, *args, **options):
        publish_due_versions()
        report = run_reminders()
        self.stdout.write(f"Reminders sent: {report}")
