from django.core.management.base import BaseCommand

from jobs.runner import ScheduleRunner


class Command(BaseCommand):
    help = (
        "Run the shipped schedule of periodic jobs (jobs/schedule.py) in the foreground, each job at its "
        "times as its own `manage.py` process, as the systemd timers do in production. For `make run`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-catch-up", action="store_true", help="Do not run every job once at start; wait for their times."
        )

    def handle(self, *args, no_catch_up=False, **options):
        ScheduleRunner(catch_up=not no_catch_up, stdout=self.stdout).run()
