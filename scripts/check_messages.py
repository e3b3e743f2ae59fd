"""Check that the English catalogue holds every translatable string of the code and templates, all translated.

Runs makemessages into a scratch copy of the catalogue, so that the working tree is left alone,
and fails on any missing, untranslated or fuzzy entry.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
# A developer's tool: makemessages runs under the development settings.
os.environ.setdefault("DJANGO_ENV", "development")


def entries(po_file: Path, flag: str) -> str:
    result = subprocess.run(["msgattrib", flag, "--no-wrap", str(po_file)], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        backup = Path(scratch) / "django.po"
        shutil.copy(CATALOGUE, backup)
        try:
            subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "makemessages",
                    "-l",
                    "en",
                    "--no-location",
                    "--no-obsolete",
                    "--no-wrap",
                    "--ignore=.venv",
                    "--ignore=node_modules",
                    "--ignore=static/vendor",
                    "--ignore=var",  # scratch space: the mutation runs keep mutated copies of the code there
                    "-v",
                    "0",
                ],
                cwd=ROOT,
                check=True,
            )
            fresh = CATALOGUE.read_text(encoding="utf-8")
            untranslated = entries(CATALOGUE, "--untranslated")
            fuzzy = entries(CATALOGUE, "--only-fuzzy")
        finally:
            shutil.copy(backup, CATALOGUE)
        committed = backup.read_text(encoding="utf-8")
    problems = []
    if untranslated:
        problems.append(f"Strings without an English translation:\n{untranslated}")
    if fuzzy:
        problems.append(f"Fuzzy (unchecked) translations:\n{fuzzy}")
    strip = lambda text: [line for line in text.splitlines() if not line.startswith('"POT-Creation-Date')]  # noqa: E731
    if not problems and strip(fresh) != strip(committed):
        problems.append(
            "locale/en/LC_MESSAGES/django.po is not up to date: run makemessages (see docs/development.md)."
        )
    for problem in problems:
        print(problem, file=sys.stderr)
    print("English catalogue: complete." if not problems else "English catalogue: incomplete.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
