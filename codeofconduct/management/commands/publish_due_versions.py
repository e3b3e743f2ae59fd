from django.core.management.base import BaseCommand

from codeofconduct.services.publishing import publish_due_versions


class Command(BaseCommand):
    help = "Publish scheduled versions whose time has come (idempotent; the shipped schedule runs it every 5 minutes)."

    def handle(self, *args, **options):
        for version in publish_due_versions():
            self.stdout.write(f"Published {version.nummer} ({version.policy.slug})")
