"""What the operations drills share: private servers, the production environment, the app as its units run it.

Used by scripts/restore_drill.py and scripts/faults.py (the checklist by scripts/production_probe.py too), and for starting gunicorn and filling in the
question form by scripts/load_test.py and bench/run.py. Every server here is the drill's own: a
PostgreSQL cluster and a Redis in a temporary folder on other ports (never the machine's shared
5432 or 6379), gunicorn started with the ExecStart line of deploy/systemd/gedragscode-web.service.
Loopback only.
"""

import http.client
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION_INPUT = re.compile(r'name="submission" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivatePostgres:
    """A cluster of its own (scripts/private_postgres.sh): the drills stop, kill and restore it."""

    def __init__(self, folder: Path, port: int | None = None):
        self.folder = folder
        self.port = port or free_port()

    def _ctl(self, action: str) -> None:
        subprocess.run(
            [str(ROOT / "scripts/private_postgres.sh"), action, str(self.folder), str(self.port)], check=True
        )

    def start(self):
        self._ctl("start")

    def stop(self):
        self._ctl("stop")

    def kill(self):
        """As a crash or a power cut: no clean shutdown."""
        self._ctl("kill")

    def url(self, role="postgres", database="postgres") -> str:
        return f"postgres://{role}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database="postgres", role="postgres") -> str:
        result = subprocess.run(
            ["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", self.url(role, database), "-c", sql],
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()

    def create_app_database(self, role="gedragscode", database="gedragscode") -> None:
        """The app's own role and database, as docs/operations.md ("Database") sets them up."""
        self.psql(f"CREATE ROLE {role} LOGIN")
        self.psql(f"CREATE DATABASE {database} OWNER {role}")


class PrivateRedis:
    def __init__(self, folder: Path, port: int | None = None):
        self.folder = folder
        self.port = port or free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        binary = shutil.which("redis-server")
        if not binary:
            raise SystemExit("redis-server is missing (apt-get install redis-server)")
        self.process = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).returncode == 0:
                return
            time.sleep(0.1)
        raise SystemExit(f"private redis-server did not start on {self.port}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def production_environment(database_url: str, **extra) -> dict:
    """The environment file's variables, as deploy/gedragscode.env.example has them, for this drill."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(free_port()),  # nothing listens: no mail leaves a drill unless it says so
        "EMAIL_USE_TLS": "0",
        "SITE_URL": "https://127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env: dict, *command: str, capture=False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    return result.stdout if capture else ""


def unit_command(unit: str, port: int, workers: int | None = None) -> list[str]:
    """The ExecStart line of a shipped unit, with this checkout's paths and the drill's port."""
    text = (ROOT / "deploy" / "systemd" / unit).read_text()
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    words = shlex.split(
        line.removeprefix("ExecStart=").replace("/srv/gedragscode/.venv/bin/", str(Path(PYTHON).parent) + "/")
    )
    words = [word.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for word in words]
    if workers is not None and "--workers" in words:
        words[words.index("--workers") + 1] = str(workers)
    return words


def measuring_command(port: int, workers: int, threads: int = 4) -> list[str]:
    """gunicorn for measuring (load test, benchmark): the unit's worker model, but only warnings logged and
    no --max-requests, so that neither a log line per request nor a worker restart weighs on the figures."""
    return [
        str(Path(PYTHON).with_name("gunicorn")),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--log-level",
        "warning",
    ]


class Server:
    """gunicorn as deploy/systemd/gedragscode-web.service starts it (or as `command` says)."""

    def __init__(
        self,
        env: dict,
        port: int | None = None,
        workers: int | None = None,
        log: Path | None = None,
        command: list[str] | None = None,
    ):
        self.env, self.port = env, port or free_port()
        self.command = command or unit_command("gedragscode-web.service", self.port, workers)
        self.log = log
        self.process = None

    def start(self, wait=60, ready=(200, 503)):
        """Starts gunicorn and waits until /healthz answers with a status in `ready`. Without a log file,
        gunicorn writes to this process's output."""
        output = open(self.log, "ab") if self.log else None  # noqa: SIM115 (lives as long as the server)
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=output, stderr=output)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped while starting (exit {self.process.returncode}); see {self.log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
                if connection.getresponse().status in ready:
                    return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer on {self.port} within {wait} s")

    def workers(self) -> list[int]:
        """The PIDs of the master's worker processes."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


class Checklist:
    """A drill's or probe's checks: each verdict printed as it is made, the failures kept for the summary."""

    def __init__(self):
        self.failures: list[str] = []
        self.passed = 0

    def check(self, condition: bool, what: str, detail: str = "") -> None:
        if condition:
            self.passed += 1
            print(f"  ok    {what}")
        else:
            self.failures.append(what)
            print(f"  FAIL  {what}{': ' + detail if detail else ''}")


class Browser:
    """One person's browser against the app on loopback, as behind nginx (HTTPS reported by the proxy)."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method, path, form=None, files=None, headers=None):
        sent = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "Origin": "https://127.0.0.1",
            "Referer": f"https://127.0.0.1{path}",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files:
            boundary = secrets.token_hex(16)
            body = _multipart(boundary, form or {}, files)
            sent["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), text

    def sign_in(self, username: str, password: str) -> None:
        _, _, page = self.request("GET", "/accounts/login/")
        form = {"csrfmiddlewaretoken": CSRF_INPUT.search(page).group(1), "username": username, "password": password}
        status, _, _ = self.request("POST", "/accounts/login/", form)
        if status != 302:
            raise SystemExit(f"{username} could not sign in ({status})")

    def csrf_of(self, path: str) -> tuple[int, str]:
        status, _, page = self.request("GET", path)
        token = CSRF_INPUT.search(page)
        return status, token.group(1) if token else ""

    def acknowledge(self, version_pk: int) -> int:
        status, token = self.csrf_of(f"/gedragscode/versies/{version_pk}/")
        if status != 200:
            return status
        status, _, _ = self.request(
            "POST", f"/gedragscode/versies/{version_pk}/gelezen-en-begrepen/", {"csrfmiddlewaretoken": token}
        )
        return status

    def ask(self, subject: str, attachment: bytes | None = None) -> tuple[int, str]:
        status, _, page = self.request("GET", "/advies/vraag/")
        if status != 200:
            return status, ""
        form = question_form(page, subject, "Mag ik deze afbeelding van ons project delen op LinkedIn?", "linkedin")
        files = {"attachment": ("ontwerp.png", "image/png", attachment)} if attachment is not None else None
        status, location, _ = self.request("POST", "/advies/vraag/", form, files=files)
        return status, location


def question_form(page: str, subject: str, body: str, channel: str) -> dict:
    """The question form as a person fills it in on the ask page `page` (its CSRF token and submission id)."""
    return {
        "csrfmiddlewaretoken": CSRF_INPUT.search(page).group(1),
        "submission": SUBMISSION_INPUT.search(page).group(1),
        "subject": subject,
        "body": body,
        "channel": channel,
    }


def _multipart(boundary: str, fields: dict, files: dict) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content_type, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def png_bytes(seed: int, size: int = 20_000) -> bytes:
    """A real PNG of random pixels (the upload check decodes every image), different for every seed,
    of about `size` bytes (noise does not compress)."""
    import io
    import random

    from PIL import Image

    rng = random.Random(seed)
    side = max(1, int((size / 3) ** 0.5))
    image = Image.frombytes("RGB", (side, side), bytes(rng.getrandbits(8) for _ in range(side * side * 3)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


FIGURE = re.compile(r'data-figure="(audience|acknowledged)">([^<]+)<')


def figures_on_page(page: str) -> dict[str, str]:
    return dict(FIGURE.findall(page))


class MailSink:
    """A local SMTP server that counts what is delivered to it; `up`/`down` to play an outage.

    Only what the app's SMTP client needs (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), no TLS,
    loopback. A message counts as delivered when the sink answered 250 to its DATA.
    """

    def __init__(self, port: int | None = None):
        import socketserver
        import threading

        self.port = port or free_port()
        self.lock = threading.Lock()
        self.delivered: list[dict] = []
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                write = self.wfile.write
                write(b"220 sink ESMTP\r\n")
                recipients = []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        write(b"250-sink\r\n250 8BITMIME\r\n" if verb == b"EHLO" else b"250 sink\r\n")
                    elif verb == b"MAIL":
                        recipients = []
                        write(b"250 OK\r\n")
                    elif verb == b"RCPT":
                        recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                        write(b"250 OK\r\n")
                    elif verb == b"DATA":
                        write(b"354 go ahead\r\n")
                        body = []
                        for data in iter(self.rfile.readline, b""):
                            if data in (b".\r\n", b".\n"):
                                break
                            body.append(data)
                        with sink.lock:
                            sink.delivered.append(
                                {"to": tuple(recipients), "data": b"".join(body), "at": time.monotonic()}
                            )
                        write(b"250 OK queued\r\n")
                    elif verb == b"QUIT":
                        write(b"221 bye\r\n")
                        return
                    else:  # RSET, NOOP and anything else
                        write(b"250 OK\r\n")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server_class, self._handler = Server, Handler
        self.server = None

    def up(self):
        import threading

        self.server = self._server_class(("127.0.0.1", self.port), self._handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self):
        """The mail server goes away: new connections are refused."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def messages(self) -> list[dict]:
        with self.lock:
            return list(self.delivered)
