"""The mutation runs' test database (scripts/mutation.py): migrated once, copied for each mutant.

mutmut runs each mutant's tests in a new pytest session, and migrating a new SQLite test database
took about 3 of the 4 seconds a mutant cost. So scripts/mutation.py migrates one database at the
start of a module's run (`python scripts/mutation_db.py <file>`), and each session starts from its
own copy of that file (`-p scripts.mutation_db`, MUTATION_DB_TEMPLATE names the file): still a new
database for each mutant (a kept one would lose the rows of data migrations to the flush after a
transactional test), without migrating it again.
"""

import os
import shutil
import sys
from pathlib import Path

import pytest

_copy: Path | None = None


def _files(path: Path) -> list[Path]:
    return [path, *(path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm"))]


def build_template(template: Path):
    """Migrate a new test database into `template`, as the test run itself would."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    django.setup()
    from django.db import connections

    for path in _files(template):
        path.unlink(missing_ok=True)
    connection = connections["default"]
    if connection.vendor != "sqlite":
        raise SystemExit("The mutation runs use SQLite: unset DATABASE_URL.")
    connection.settings_dict.setdefault("TEST", {})["NAME"] = str(template)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    connection.close()


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    global _copy
    template = os.environ.get("MUTATION_DB_TEMPLATE")
    if not template:
        return
    from django.db import connections

    template = Path(template)
    _copy = template.with_name(f"mutant-{os.getpid()}.sqlite3")
    shutil.copyfile(template, _copy)
    connections["default"].settings_dict.setdefault("TEST", {})["NAME"] = str(_copy)
    # Keep (not create) the copied database: migrate then finds nothing left to do.
    session.config.option.reuse_db = True
    session.config.option.create_db = False


def pytest_unconfigure(config):
    if _copy is not None:
        for path in _files(_copy):
            path.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    build_template(Path(sys.argv[1]).resolve())
