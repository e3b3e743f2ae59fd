"""A mail server that can fail (tests/smtp_sink.py) and real mail workers, as separate processes."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.codeofconduct.conftest import current, policy  # noqa: F401 (fixtures)
from tests.conftest import clock_environment
from tests.smtp_sink import SmtpSink

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL"))


def eventually(check, *, timeout: float = 90.0, every: float = 0.2, message: str = ""):
    """Wait until `check()` is true (and return its value); fail after `timeout` seconds."""
    end = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(message or f"not within {timeout} s: {check}")
        time.sleep(every)


@pytest.fixture
def sink():
    server = SmtpSink().up()
    yield server
    server.release()
    server.down()


@pytest.fixture
def smtp_to_sink(settings, sink):
    """This process's mail goes to the sink over SMTP, and is queued (sent by a worker), as in production."""
    settings.MAIL_SEND_IMMEDIATELY = False
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": sink.host, "port": sink.port, "use_tls": False, "timeout": 5},
        }
    }
    return sink


def database_url() -> str:
    """The test database, for a worker in another process."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{credentials}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"


def worker_environment(sink: SmtpSink, *, database: str | None = None, **settings) -> dict:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "development",
        "DEBUG": "1",
        "DATABASE_URL": database or database_url(),
        "EMAIL_HOST": sink.host,
        "EMAIL_PORT": str(sink.port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "5",
        "MAIL_LEASE_SECONDS": "4",
        "MAIL_RETRY_SECONDS": "1",
        "MAIL_RETRY_MAX_SECONDS": "1",
        "MAIL_WORKER_HEARTBEAT_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
        **clock_environment(),  # the workers keep the test's time (TEST_NOW), not the real one
    }
    environment.update({name: str(value) for name, value in settings.items()})
    return environment


class Workers:
    """`manage.py mail_worker` processes, started like systemd starts the service."""

    def __init__(self, sink):
        self.sink = sink
        self.processes: list[subprocess.Popen] = []

    def start(self, *, database: str | None = None, **settings) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "mail_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=worker_environment(self.sink, database=database, **settings),
            stdout=(log := tempfile.TemporaryFile(mode="w+")),  # noqa: SIM115 (read and closed in stop_all)
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.processes.append((process, log))
        return process

    def stop_all(self) -> str:
        output = []
        for process, log in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.seek(0)
            output.append(log.read())
            log.close()
        self.processes = []
        return "\n".join(output)


@pytest.fixture
def workers(sink):
    started = Workers(sink)
    yield started
    started.stop_all()
