"""The mail worker outlives a database that goes away: on a private PostgreSQL server of its own (never
the shared one) that is stopped under it and started again, the worker keeps running, says so again,
and sends the mail queued afterwards. Its own process, as systemd runs it."""

import contextlib
import datetime
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.utils import timezone

from tests.conftest import clock_environment
from tests.jobs.conftest import ROOT, eventually

# Runs in the PostgreSQL suite (CI runs both): it needs PostgreSQL's server programs, and migrating a
# new database costs half a minute. The worker uses that database, not the test database.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivatePostgres:
    """A throw-away PostgreSQL server in a temporary folder, on a loopback port of its own."""

    def __init__(self, folder: Path):
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        assert binaries or shutil.which("pg_ctl"), (
            "PostgreSQL's server programs are missing (apt-get install postgresql)"
        )
        self.bin = Path(binaries[-1]) if binaries else Path(shutil.which("pg_ctl")).parent
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/outage"

    def _run(self, *command):
        # PostgreSQL refuses to run as root: as root, run it as the postgres user.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, text=True)

    def create(self):
        self.folder.chmod(0o777)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "outage")

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"
        )

    def stop(self):
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def query(self, sql, *params):
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=outage") as connection:
            return connection.execute(sql, params).fetchall()


@pytest.fixture
def private_postgres():
    # Directly under /tmp: the postgres user must reach it, and pytest's own folders are root's only.
    folder = Path(tempfile.mkdtemp(prefix="gedragscode-outage-"))
    server = PrivatePostgres(folder)
    try:
        server.create()
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def manage(database: str, *args, **env):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "development",
        "DEBUG": "1",
        **clock_environment(),  # queued at the test's time (TEST_NOW), as the worker sees it
    }
    environment.update(DATABASE_URL=database, **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, check=True, capture_output=True, text=True
    )


QUEUE = (
    "from django.core.mail import EmailMessage; from jobs import outbox; "
    "outbox.enqueue('codeofconduct.manual', [EmailMessage('Herinnering', 'Lees de dienstnota.', to=['{to}'])])"
)


def test_the_worker_survives_a_database_outage_and_sends_what_was_queued_after_it(private_postgres, sink, workers):
    database = private_postgres.url
    manage(database, "migrate", "--noinput", "-v", "0")
    manage(database, "shell", "-c", QUEUE.format(to="voor@stad.antwerpen.be"))
    worker = workers.start(database=database, MAIL_WORKER_HEARTBEAT_SECONDS=1)
    eventually(lambda: sink.received_by().get("voor@stad.antwerpen.be"), message="nothing sent")

    private_postgres.stop()
    time.sleep(4)  # a few rounds of the worker's loop against a database that is not there
    assert worker.poll() is None, "the worker exited when the database went away"

    private_postgres.start()
    manage(database, "shell", "-c", QUEUE.format(to="na@stad.antwerpen.be"))
    eventually(lambda: sink.received_by().get("na@stad.antwerpen.be"), message="not sent after the outage")
    assert worker.poll() is None
    assert sink.received_by() == {"voor@stad.antwerpen.be": 1, "na@stad.antwerpen.be": 1}
    # It says it is alive again: the heartbeat is fresh (by the test's clock, not the database server's).
    eventually(
        lambda: (
            private_postgres.query(
                "SELECT count(*) FROM jobs_workerheartbeat WHERE beat_at > %s",
                timezone.now() - datetime.timedelta(seconds=3),
            )[0][0]
            == 1
        ),
        timeout=10,
    )
    log = workers.stop_all()
    assert "Database unavailable" in log or "waits for the database" in log
