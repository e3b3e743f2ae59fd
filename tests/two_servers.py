"""Two app servers on one PostgreSQL database, as production runs them: `Server` (a `manage.py runserver`
process on the test database and the test's clock), the `servers` fixture (two of them, started and
stopped around a test) and `Visitor` (one signed-in person's browser opening pages on either).

Tests that use them need committed data the servers can see, on PostgreSQL: `TWO_SERVERS` marks them
so (the SQLite file is locked by separate writers; CI's PostgreSQL pass runs them).
"""

import http.client
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import clock_environment
from tests.jobs.conftest import database_url
from tests.operations.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]

TWO_SERVERS = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two server processes must share the test database through a database server: PostgreSQL "
        "only (the SQLite file is locked by separate writers); runs in CI's PostgreSQL pass",
    ),
    pytest.mark.django_db(transaction=True),
]

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Server:
    """`manage.py runserver` in a process of its own, on the test database and the test's clock."""

    def __init__(self):
        self.port = free_port()
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in stop)
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ENV": "development",
            "DEBUG": "1",
            "DATABASE_URL": database_url(),
            "LOG_LEVEL": "WARNING",
            **clock_environment(),
        }
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload", "--skip-checks"],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_up(self, timeout=60.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                break
            try:
                connection_ = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection_.request("GET", "/healthz")
                connection_.getresponse().read()
                connection_.close()
                return
            except OSError:
                time.sleep(0.2)
        self.log.seek(0)
        pytest.fail(f"runserver on {self.port} did not start:\n{self.log.read()[-3000:]}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture
def servers():
    pair = [Server(), Server()]
    try:
        for server in pair:
            server.wait_until_up()
        yield pair
    finally:
        for server in pair:
            server.stop()


class Visitor:
    """One person's browser, signed in once, opening pages on either server (one session, one database)."""

    def __init__(self, person):
        client = Client()
        client.force_login(person)
        self.cookies = {"sessionid": client.cookies["sessionid"].value}

    def request(self, server, method, path, form=None):
        headers = {"Host": f"127.0.0.1:{server.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = "&".join(f"{name}={value}" for name, value in form.items())
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{server.port}"
            headers["Referer"] = f"http://127.0.0.1:{server.port}{path}"
        connection_ = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            connection_.request(method, path, body=body, headers=headers)
            response = connection_.getresponse()
            text = response.read().decode()
        finally:
            connection_.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def page(self, server, path) -> str:
        status, text = self.request(server, "GET", path)
        assert status == 200, (server.port, path, status)
        return text

    def home(self, server) -> str:
        return self.page(server, "/")

    def acknowledge(self, server, version) -> None:
        token = CSRF_INPUT.search(self.page(server, version.get_absolute_url())).group(1)
        status, _ = self.request(
            server, "POST", reverse("codeofconduct:acknowledge", args=[version.pk]), {"csrfmiddlewaretoken": token}
        )
        assert status == 302
