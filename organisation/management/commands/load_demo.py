import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from organisation.importer import import_organisation
from organisation.models import Person
from organisation.signals import organisation_bulk_changed

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo_data" / "organisatie.csv"
DEMO_PASSWORD = "demo"  # noqa: S105  # nosec B105
# Roles that the HR export does not carry.
DEMO_ROLES = {
    "redactie": {"is_editor": True},
    "integriteit": {"is_integrity_officer": True},
    "admin": {"is_staff": True, "is_superuser": True},
}
DEMO_ACCOUNTS = ["medewerker", "medewerker2", "chef", "chef2", "integriteit", "redactie", "admin"]
DEMO_JOINED_DAYS_AGO = 12


class Command(BaseCommand):
    help = "Load the demo organisation and accounts (password 'demo'). Development only."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when people exist already.")
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, if_empty: bool, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to load demo accounts with DEBUG off (use --force on a test system).")
        if Person.objects.exists():
            if if_empty:
                self.stdout.write("Demo data: the database already has people, nothing loaded.")
                return
            raise CommandError("The database already has people; demo data goes into an empty database only.")
        with transaction.atomic():
            report = import_organisation(DEMO_FILE.read_text(encoding="utf-8"))
            # The demo organisation was imported 12 days ago, so its reading deadlines are near.
            Person.objects.update(unit_since=timezone.now() - datetime.timedelta(days=DEMO_JOINED_DAYS_AGO))
            organisation_bulk_changed.send(sender=self.__class__)
            people = {person.username: person for person in Person.objects.all()}
            for username in DEMO_ACCOUNTS:
                person = people[username]
                person.set_password(DEMO_PASSWORD)
                for field, value in DEMO_ROLES.get(username, {}).items():
                    setattr(person, field, value)
                person.save()
            # Apps further down the chain add their own demo content, in INSTALLED_APPS order.
            for app_config in apps.get_app_configs():
                if hasattr(app_config, "load_demo"):
                    app_config.load_demo(people=people, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {report.summary()}."))
        self.stdout.write("Accounts (password 'demo'): " + ", ".join(DEMO_ACCOUNTS))
