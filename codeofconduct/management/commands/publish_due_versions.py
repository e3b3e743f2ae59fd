from django.core.management.base import BaseCommand

from codeofconduct.services.publishing import publish_due_versions


class Command(BaseCommand):
    help = "Publish scheduled versions whose time has come (idempotent; run every few minutes from cron)."

    def handle(self, *args, **options):
        for version in publish_due_versions():
            self.stdout.write(f"Published {version.nummer} ({version.policy.slug})")
