"""Fault injection under load: servers fail while employees acknowledge and ask, and nothing is lost.

    make faults        (or: .venv/bin/python scripts/faults.py [--clients 12] [--users 150] [--keep])

Everything on loopback and the drill's own: a PRIVATE PostgreSQL cluster and a PRIVATE Redis in a
temporary folder on other ports (never the machine's shared 5432 or 6379), the app as its units
start it (gunicorn from deploy/systemd/gedragscode-web.service, the task worker from
gedragscode-worker.service, restarted when it stops as systemd's Restart=always does), a local mail
sink. The load is scripts/load_test.py's: concurrent employees open the note and acknowledge it, or
ask a question, a third of the time as a double click. While it runs, on a fixed schedule:

  PostgreSQL restarted (fast shutdown, started again at once)
  a gunicorn web worker killed (SIGKILL; the master starts another)
  Redis stopped for 20 s, then started again (empty)
  PostgreSQL stopped for 20 s, then started again
  the task worker killed (SIGKILL; started again 5 s later, as its unit says)
  the mail server down for 20 s, then back

and /healthz is asked twice a second throughout. Then, in the database and the health log:

- every answered acknowledgement is there exactly once, every answered question exactly once with
  its timeline, route and statistics row; questions without an answer only as many as sends were
  cut off by a fault (load_test.check);
- no request failed other than "temporarily unavailable" (503) or a cut connection, and those only
  while the database was down or a worker was killed; with Redis stopped everything was served;
- the health check told the truth: 503 "unavailable" while PostgreSQL was stopped, 200 "degraded"
  while Redis was stopped, 200 "ok" otherwise;
- every mail the app queued was delivered (counted at the local mail sink): none failed, none left
  waiting, and none delivered twice but the few in flight at a fault (at most one per fault that
  can cut a mail between the server's "250 OK" and its record);
- the mail worker is running at the end and its heartbeat says so.

Exit code 0 when all of that holds. About three and a half minutes.
"""

import argparse
import email
import email.policy
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_test
from harness import (
    ROOT,
    MailSink,
    PrivatePostgres,
    PrivateRedis,
    Server,
    manage,
    production_environment,
    unit_command,
)

# How a request may fail while the database is down or its worker is killed; anything else is a defect.
REFUSED = re.compile(
    r"\b503\b|ConnectionResetError|ConnectionRefusedError|RemoteDisconnected|BrokenPipeError|"
    r"IncompleteRead|TimeoutError|timed out|Remote end closed connection|Connection reset"
)
GRACE = 3.0  # seconds after a fault ends in which its effects may still be seen


class FaultRun(load_test.Run):
    """load_test's record of the load, with the time of every refused request."""

    def __init__(self, started):
        super().__init__()
        self.started = started
        self.refused: list[tuple[float, str]] = []
        self.request_times: list[float] = []

    def count(self, kind, n=1):
        super().count(kind, n)
        with self.lock:
            self.request_times.extend([time.monotonic() - self.started] * n)

    def failed(self, what):
        with self.lock:
            at = time.monotonic() - self.started
            if REFUSED.search(what):
                self.refused.append((at, what))
            else:
                self.failures.append(f"{at:.1f} s: {what}")


class Worker:
    """The task worker under a supervisor that restarts it like its systemd unit (Restart=always)."""

    def __init__(self, env, log: Path, restart_seconds=5.0):
        self.env, self.log, self.restart_seconds = env, log, restart_seconds
        self.command = unit_command("gedragscode-worker.service", 0)
        self.process = None
        self.starts = 0
        self.running = True
        self.thread = threading.Thread(target=self._supervise, daemon=True)

    def start(self):
        self.thread.start()

    def _supervise(self):
        with open(self.log, "ab") as output:
            while self.running:
                self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=output, stderr=output)
                self.starts += 1
                while self.process.poll() is None and self.running:
                    time.sleep(0.2)
                if self.running:
                    time.sleep(self.restart_seconds)

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)

    def stop(self):
        self.running = False
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


class HealthLog:
    """What the load balancer was told, twice a second."""

    def __init__(self, port, started):
        self.port, self.started = port, started
        self.samples: list[tuple[float, float, int, str, str]] = []  # (asked, answered, status, "ok"/..., worker)
        self.running = True
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def start(self):
        self.thread.start()

    def _poll(self):
        while self.running:
            at = time.monotonic() - self.started
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                body = json.loads(response.read())
                answered = time.monotonic() - self.started
                self.samples.append((at, answered, response.status, body["status"], body.get("worker", "")))
                connection.close()
            except (OSError, http.client.HTTPException, ValueError) as error:
                self.samples.append((at, time.monotonic() - self.started, 0, type(error).__name__, ""))
            time.sleep(0.5)

    def stop(self):
        self.running = False
        self.thread.join(15)


class Schedule:
    """The faults, each with the window in which its effects are allowed.

    A window runs from the fault to the moment the repair began (`repaired`: only then can the truth
    change back) and its effects may be seen until the repair was done (`settled`) plus GRACE.
    """

    def __init__(self, started):
        self.started = started
        self.windows: list[tuple[str, float, float, float]] = []  # (name, begin, repaired, settled)

    def now(self):
        return time.monotonic() - self.started

    def wait_until(self, second):
        time.sleep(max(0.0, second - self.now()))

    def record(self, name, begin, repaired, settled=None):
        settled = repaired if settled is None else settled
        self.windows.append((name, begin, repaired, settled))
        print(f"  {begin:6.1f}-{settled:6.1f} s  {name}", flush=True)

    def outage(self, name, begin_at, end_at, stop, start):
        """`stop` at second `begin_at`, `start` again at `end_at`: one fault, recorded as `name`."""
        self.wait_until(begin_at)
        begin = self.now()
        stop()
        self.wait_until(end_at)
        repaired = self.now()
        start()
        self.record(name, begin, repaired, self.now())

    def touched(self, begin, end, names=None) -> bool:
        """Whether [begin, end] overlaps the effects of a fault (of `names`, or any)."""
        return any(
            (names is None or name in names) and begin <= settled + GRACE and end >= fault
            for name, fault, _, settled in self.windows
        )

    def certainly(self, name, begin, end) -> bool:
        """Whether the fault `name` was in full force during all of [begin, end] (2 s after it began)."""
        return any(
            window == name and begin >= fault + 2 and end <= repaired for window, fault, repaired, _ in self.windows
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=150)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="gedragscode-faults."))
    os.chmod(work, 0o755)  # noqa: S103 (the cluster's own user must reach its folder)
    pg = PrivatePostgres(work / "pg")
    redis = PrivateRedis(work / "redis")
    sink = MailSink()
    server = worker = health = None
    try:
        print(f"Private PostgreSQL :{pg.port}, Redis :{redis.port}, mail sink :{sink.port} ({work})", flush=True)
        pg.start()
        pg.create_app_database()
        redis.start()
        sink.up()
        env = production_environment(
            pg.url("gedragscode", "gedragscode"),
            CACHE_URL=redis.url,
            EMAIL_PORT=sink.port,
            PRIVATE_MEDIA_ROOT=work / "private",
            DB_CONNECT_TIMEOUT=3,
            # The outbox's clocks, shortened so that a run of minutes shows retries and an expired lease
            # (docs/jobs-and-mail.md): the lease stays well above the mail server's timeout.
            EMAIL_TIMEOUT=5,
            MAIL_LEASE_SECONDS=20,
            MAIL_RETRY_SECONDS=2,
            MAIL_RETRY_MAX_SECONDS=8,
            MAIL_WORKER_HEARTBEAT_SECONDS=2,
            MAIL_WORKER_LATE_SECONDS=15,
        )
        manage(env, "collectstatic", "--noinput", "-v", "0")
        manage(env, "migrate", "--noinput", "-v", "0")
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        sessions, version_pk = load_test.build_organisation(args.users)
        from django.db import connections

        connections.close_all()

        server = Server(env, log=work / "gunicorn.log")
        server.start()
        worker = Worker(env, work / "worker.log")
        worker.start()
        started = time.monotonic()
        schedule = Schedule(started)
        health = HealthLog(server.port, started)
        health.start()
        run = FaultRun(started)
        print(f"{len(sessions)} employees, {args.clients} clients, gunicorn :{server.port}; faults:", flush=True)

        stop_load = threading.Event()

        def client(_):
            people = list(sessions.items())
            import random

            while not stop_load.is_set():
                person_id, session_key = random.choice(people)
                try:
                    if random.random() < 0.5:
                        load_test.acknowledge(run, server.port, person_id, session_key, version_pk)
                    else:
                        load_test.ask(run, server.port, session_key)
                except Exception as error:
                    run.failed(f"{type(error).__name__}: {error}")

        clients = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for thread in clients:
            thread.start()

        schedule.wait_until(10)
        begin = schedule.now()
        subprocess.run([str(ROOT / "scripts/private_postgres.sh"), "stop", str(pg.folder), str(pg.port)], check=True)
        repaired = schedule.now()
        pg.start()
        schedule.record("postgres restart", begin, repaired, schedule.now())

        schedule.wait_until(22)
        begin = schedule.now()
        victim = server.workers()[0]
        os.kill(victim, signal.SIGKILL)
        schedule.record("web worker killed", begin, begin + 2)

        schedule.outage("redis stopped", 32, 52, redis.stop, redis.start)

        schedule.outage("postgres stopped", 62, 82, pg.stop, pg.start)

        schedule.wait_until(92)
        begin = schedule.now()
        worker.kill()
        schedule.record("task worker killed", begin, begin + worker.restart_seconds + 2)
        print(f"  (web worker {victim} was the one killed)")

        schedule.outage("mail server down", 102, 122, sink.down, sink.up)

        schedule.wait_until(130)
        stop_load.set()
        for thread in clients:
            thread.join(60)
        drained = drain_outbox(seconds=120)
        schedule.wait_until(schedule.now() + 3)
        health.stop()

        return report(run, schedule, health, worker, sink, drained)
    finally:
        stop_all(server, worker, health, redis, sink, pg)
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def drain_outbox(seconds: float) -> bool:
    """Wait until the mail worker has sent everything the app queued (retries included)."""
    from django.db import connections

    from jobs.models import Delivery

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        waiting = Delivery.objects.filter(status=Delivery.Status.QUEUED).count()
        connections.close_all()
        if waiting == 0:
            return True
        time.sleep(1)
    return False


def mail_identity(data: bytes) -> tuple:
    """What a delivered mail says (subject and every part), without what differs between two sends of it."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    return str(message["Subject"]), tuple(part.get_content() for part in message.walk() if not part.is_multipart())


def report(run, schedule, health, worker, sink, drained) -> int:
    from django.db import connections
    from django.db.models import Count

    connections.close_all()
    problems = load_test.check(run, in_flight=sum(1 for _, what in run.refused if what.startswith("ask")))
    # A refused request (503, cut connection) only where the database was down or a worker was killed.
    allowed = {"postgres restart", "postgres stopped", "web worker killed", "task worker killed"}
    for at, what in run.refused:
        # A refusal is seen when it arrives: within the database's connect timeout (3 s) of its cause.
        if not schedule.touched(at - 5, at, allowed):
            problems.append(f"{at:.1f} s: refused outside any fault: {what}")
    redis_window = next((fault, repaired) for name, fault, repaired, _ in schedule.windows if name == "redis stopped")
    served_without_redis = sum(1 for at in run.request_times if redis_window[0] + 1 <= at <= redis_window[1] - 1)
    if served_without_redis == 0:
        problems.append("no request was made while Redis was stopped")

    # The health check, sample by sample, against what was down while it was asked.
    told = {"ok": 0, "degraded": 0, "unavailable": 0}
    for asked, answered, status, state, _ in health.samples:
        if state in told:
            told[state] += 1
        if schedule.certainly("postgres stopped", asked, answered):
            expected = (503, "unavailable")
        elif schedule.certainly("redis stopped", asked, answered):
            expected = (200, "degraded")
        elif schedule.touched(asked, answered):
            continue  # a fault beginning or ending (or a killed worker): either answer can be the truth
        else:
            expected = (200, "ok")
        if (status, state) != expected:
            problems.append(f"{asked:.1f}-{answered:.1f} s: /healthz said {status} {state}, expected {expected}")
    if not worker.alive():
        problems.append("the task worker is not running at the end")

    # Every mail the app queued reached the mail sink; none twice but those in flight at a fault.
    from jobs.models import Delivery

    by_status = dict(Delivery.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    sent = by_status.get(Delivery.Status.SENT, 0)
    delivered = Counter((message["to"], mail_identity(message["data"])) for message in sink.messages())
    twice = sum(n - 1 for n in delivered.values() if n > 1)
    mail_faults = [name for name, *_ in schedule.windows if name != "redis stopped"]
    if not drained or by_status.get(Delivery.Status.QUEUED):
        problems.append(f"mail still waiting after the load: {by_status}")
    if by_status.get(Delivery.Status.FAILED):
        problems.append(f"{by_status[Delivery.Status.FAILED]} mails failed: {by_status}")
    if len(delivered) != sent:
        problems.append(f"{sent} mails recorded as sent, {len(delivered)} different mails reached the sink")
    if twice > len(mail_faults):
        problems.append(f"{twice} mails delivered twice: more than one per fault ({len(mail_faults)})")
    if sent == 0:
        problems.append("no mail was sent")
    final = [state for _, _, _, _, state in health.samples[-3:]]
    if "up" not in final:
        problems.append(f"the mail worker's heartbeat at the end: {final}")

    total = sum(run.requests.values())
    print(f"\n{total} requests; {len(run.refused)} refused during faults (503 or cut connections):")
    for kind, n in sorted(run.requests.items()):
        print(f"  {kind:18} {n}")
    print(f"  acknowledged by {len(run.acknowledged)} people; {len(run.asked)} questions asked")
    print(f"  {served_without_redis} of them while Redis was stopped (none refused: Redis is an accelerator)")
    print(f"/healthz: {len(health.samples)} samples: {told}")
    print(
        f"mail worker started {worker.starts} times; {sent} mails queued and sent, {sum(delivered.values())} "
        f"deliveries at the sink ({len(delivered)} different, {twice} twice)"
    )
    if problems:
        print("\nFAILED:")
        for problem in problems[:40]:
            print(f"  - {problem}")
        if len(problems) > 40:
            print(f"  ... and {len(problems) - 40} more")
        return 1
    print(
        "\nOK: every answered request is in the database once, refusals only during faults, the health check told the truth."
    )
    return 0


def stop_all(server, worker, health, redis, sink, pg):
    for action in (
        lambda: health and health.stop(),
        lambda: worker and worker.stop(),
        lambda: server and server.stop(),
        redis.stop,
        sink.down,
        pg.stop,
    ):
        try:
            action()
        except Exception as error:  # cleaning up: go on with the rest
            print(f"cleanup: {type(error).__name__}: {error}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
