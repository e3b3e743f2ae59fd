from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisation.importer import DEFAULT_MAX_DEACTIVATE_SHARE, ImportRefused, decode, import_organisation


class Command(BaseCommand):
    help = "Synchronise units, people and reporting lines from the HR export (CSV, see docs/organisation-import.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")
        parser.add_argument(
            "--max-deactivate",
            type=float,
            default=DEFAULT_MAX_DEACTIVATE_SHARE * 100,
            metavar="PERCENT",
            help="Safety stop: refuse a file that deactivates more than this share of active people (default 10).",
        )

    def handle(self, *args, file: Path, dry_run: bool, max_deactivate: float, verbosity: int, **options):
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"File not found: {file}") from None
        except OSError as error:
            raise CommandError(f"{file} cannot be read: {error.strerror}.") from None
        progress = (lambda message: self.stderr.write(message)) if verbosity >= 1 else None
        try:
            report = import_organisation(
                decode(data), dry_run=dry_run, max_deactivate_share=max_deactivate / 100, progress=progress
            )
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(refused.problems)} problem(s) found; nothing was written.") from None
        prefix = "Dry run, nothing written: " if dry_run else ""
        self.stdout.write(prefix + report.summary())
        if verbosity >= 2 or dry_run:
            for name in report.__dataclass_fields__:
                for key in getattr(report, name):
                    self.stdout.write(f"  {name}: {key}")
