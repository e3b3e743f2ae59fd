from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jobs import schedule


class Command(BaseCommand):
    help = (
        "Show the shipped schedule of periodic jobs (jobs/schedule.py) with their next runs, or write "
        "it as systemd units (--write-units deploy/systemd) or check the shipped units against it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--write-units", metavar="DIR", help="Write the systemd units of the schedule here.")
        parser.add_argument("--check-units", metavar="DIR", help="Fail unless the units here are the schedule's.")

    def handle(self, *args, write_units=None, check_units=None, **options):
        if write_units:
            folder = Path(write_units)
            folder.mkdir(parents=True, exist_ok=True)
            for name, text in schedule.units().items():
                (folder / name).write_text(text, encoding="utf-8")
                self.stdout.write(f"wrote {folder / name}")
            return
        if check_units:
            folder = Path(check_units)
            wrong = [
                name
                for name, text in schedule.units().items()
                if not (folder / name).exists() or (folder / name).read_text(encoding="utf-8") != text
            ]
            if wrong:
                raise CommandError(f"Not as jobs/schedule.py says: {', '.join(wrong)} (run --write-units {folder}).")
            self.stdout.write("The units are the schedule's.")
            return
        now = timezone.now()
        for job in schedule.JOBS:
            next_run = timezone.localtime(job.next_run(now))
            self.stdout.write(f"{job.command:<26} {job.when:<20} next {next_run:%d-%m-%Y %H:%M}  {job.description}")
