from django.core.management.base import BaseCommand

from jobs.worker import Worker


class Command(BaseCommand):
    help = (
        "Send queued e-mail, one at a time, until stopped (SIGTERM finishes the mail in hand). "
        "Run one or more, on any machine that reaches the database: the systemd unit gedragscode-worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks when idle (1).")
        parser.add_argument("--once", action="store_true", help="Send what is due now, then stop.")
        parser.add_argument("--worker-id", help="A name for this worker (default: host, process id, random).")

    def handle(self, *args, interval, once, worker_id, **options):
        Worker(worker_id=worker_id, interval=interval, once=once).run()
