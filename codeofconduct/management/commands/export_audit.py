import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from codeofconduct import audit


class Command(BaseCommand):
    help = (
        "Export the audit trail of the code of conduct (acknowledgements, team notifications, "
        "publishing events) in time order, as CSV or JSON lines."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="Only records from this date on (YYYY-MM-DD, Brussels time).")
        parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, since=None, format="csv", output=None, **options):
        start = None
        if since:
            try:
                day = datetime.date.fromisoformat(since)
            except ValueError as error:
                raise CommandError(f"--since must be a date as YYYY-MM-DD, not {since!r}.") from error
            start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        write = audit.write_csv if format == "csv" else audit.write_jsonl
        rows = audit.audit_rows(since=start)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                count = write(rows, stream)
            self.stderr.write(f"{count} records written to {output}.")
        else:
            count = write(rows, self.stdout)
            self.stderr.write(f"{count} records.")
