from django.core.management.base import BaseCommand

from jobs import outbox


class Command(BaseCommand):
    help = (
        "Nightly: remove sent mail after MAIL_KEEP_SENT_DAYS, failed mail nobody resent after "
        "MAIL_KEEP_FAILED_DAYS, and the heartbeats of workers gone for a day."
    )

    def handle(self, *args, **options):
        removed = outbox.clear_finished()
        self.stdout.write(
            "Removed: {sent} sent, {failed} failed, {messages} message(s), {heartbeats} heartbeat(s).".format(**removed)
        )
