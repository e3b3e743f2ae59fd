"""Load test on PostgreSQL: many employees acknowledge and ask at once, and nothing is lost or doubled.

    .venv/bin/python scripts/load_test.py [--duration 60] [--users 300] [--clients 24]

It makes a fresh database, an organisation of `--users` employees in teams with their chefs, and a
signed-in session for each; starts the app as in production (gunicorn, DEBUG off) on loopback; and
lets `--clients` concurrent clients, for `--duration` seconds, open the dienstnota and click
"Gelezen en begrepen", and open "Vraag advies" and send a question, a third of the time with a
double click (the same POST twice at the same moment). Afterwards it checks, in the database:

- no request failed (no 5xx, no connection error);
- everyone whose acknowledgement was answered has exactly one acknowledgement record;
- every question whose sending was answered exists exactly once, with its timeline (the "asked"
  event), its route (with the leidinggevende) and its anonymous statistics row.

Exit code 0 when all holds, 1 otherwise. Loopback only; the database is dropped at the end.
"""

import argparse
import http.client
import os
import random
import secrets
import sys
import threading
import time
import uuid
from collections import Counter
from urllib.parse import urlencode

from harness import CSRF_INPUT, ROOT, Server, manage, measuring_command, question_form


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--users", type=int, default=300, help="employees with a session (default 300)")
    parser.add_argument("--clients", type=int, default=24, help="concurrent clients (default 24)")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--database", default="gedragscode_loadtest")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, one per core)")
    return parser.parse_args()


def production_environment(args) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_HOST": "127.0.0.1",  # mail waits in the task queue: no worker runs during the test
        "SITE_URL": f"https://127.0.0.1:{args.port}",
        "LOG_LEVEL": "WARNING",
    }


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build_organisation(users: int):
    """Teams of 15 with their chef, and a signed-in session for every employee. Returns (sessions, version)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from codeofconduct.models import PolicyVersion
    from organisation.models import OrgUnit, Person

    def member(role: str, number: int, personeelsnummer: str, unit, **extra) -> Person:
        name = f"{role}{number}"
        return Person(
            username=name,
            personeelsnummer=personeelsnummer,
            first_name=role.capitalize(),
            last_name=str(number),
            email=f"{name}@example.invalid",
            unit=unit,
            **extra,
        )

    city = OrgUnit.objects.create(code="STAD", name="Stad Antwerpen", kind=OrgUnit.Kind.CITY)
    people = []
    for team_number in range((users + 14) // 15):
        team = OrgUnit.objects.create(
            code=f"T{team_number:03d}", name=f"Team {team_number}", kind=OrgUnit.Kind.TEAM, parent=city
        )
        chef = member("chef", team_number, f"C{team_number:05d}", team)
        chef.save()
        for _ in range(min(15, users - len(people))):
            number = len(people)
            # password "!": unusable, these people only have the sessions below
            people.append(member("medewerker", number, f"L{number:06d}", team, manager=chef, password="!"))
    Person.objects.bulk_create(people)
    sessions = {}
    for person in Person.objects.filter(username__startswith="medewerker"):
        store = SessionStore()
        store[SESSION_KEY] = str(person.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[1]
        store[HASH_SESSION_KEY] = person.get_session_auth_hash()
        store.create()
        sessions[person.pk] = store.session_key
    version = PolicyVersion.objects.get(status=PolicyVersion.Status.PUBLISHED)
    return sessions, version.pk


class Client:
    """One employee's browser: a keep-alive connection, their cookies, HTTPS as the proxy reports it."""

    def __init__(self, port: int, session_key: str):
        self.port = port
        self.cookies = {"sessionid": session_key}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method, path, body=None):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Origin": f"https://127.0.0.1:{self.port}",
            "Referer": f"https://127.0.0.1:{self.port}{path}",
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }
        if body is not None:
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), text


class Run:
    def __init__(self):
        self.lock = threading.Lock()
        self.failures = []
        self.requests = Counter()
        self.acknowledged = set()  # person ids whose acknowledgement was answered
        self.asked = Counter()  # subject -> answered sends (2 for a double click)

    def failed(self, what):
        with self.lock:
            self.failures.append(what)

    def count(self, kind, n=1):
        with self.lock:
            self.requests[kind] += n


def at_once(*calls):
    """Send the same request from two connections at the same moment: a double click."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def go(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # recorded as a failure by the caller
            results[index] = error

    threads = [threading.Thread(target=go, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def acknowledge(run, port, person_id, session_key, version_pk):
    browser = Client(port, session_key)
    path = f"/gedragscode/versies/{version_pk}/"
    status, _, page = browser.request("GET", path)
    run.count("version page")
    if status != 200:
        return run.failed(f"version page: {status}")
    token = CSRF_INPUT.search(page)
    form = {"csrfmiddlewaretoken": token.group(1)} if token else {}
    target = f"/gedragscode/versies/{version_pk}/gelezen-en-begrepen/"
    if random.random() < 1 / 3:
        twin = Client(port, session_key)
        twin.cookies = dict(browser.cookies)
        results = at_once(lambda: browser.request("POST", target, form), lambda: twin.request("POST", target, form))
    else:
        results = [browser.request("POST", target, form)]
    run.count("acknowledge POST", len(results))
    for result in results:
        if isinstance(result, Exception) or result[0] not in (200, 302):
            return run.failed(f"acknowledge: {result if isinstance(result, Exception) else result[0]}")
    with run.lock:
        run.acknowledged.add(person_id)


def ask(run, port, session_key):
    browser = Client(port, session_key)
    status, _, page = browser.request("GET", "/advies/vraag/")
    run.count("ask page")
    if status != 200:
        return run.failed(f"ask page: {status}")
    subject = f"load-{uuid.uuid4().hex[:16]}"
    form = question_form(page, subject, "Mag ik deze foto van de opening op Instagram zetten?", "instagram")
    if random.random() < 1 / 3:
        twin = Client(port, session_key)
        twin.cookies = dict(browser.cookies)
        results = at_once(
            lambda: browser.request("POST", "/advies/vraag/", form),
            lambda: twin.request("POST", "/advies/vraag/", form),
        )
    else:
        results = [browser.request("POST", "/advies/vraag/", form)]
    run.count("ask POST", len(results))
    for result in results:
        if isinstance(result, Exception) or result[0] != 302 or "/advies/vragen/" not in result[1]:
            detail = result if isinstance(result, Exception) else (result[0], result[1])
            return run.failed(f"ask: {detail}")
    with run.lock:
        run.asked[subject] += len(results)


def client_loop(run, port, sessions, version_pk, deadline):
    people = list(sessions.items())
    while time.monotonic() < deadline:
        person_id, session_key = random.choice(people)
        try:
            if random.random() < 0.5:
                acknowledge(run, port, person_id, session_key, version_pk)
            else:
                ask(run, port, session_key)
        except Exception as error:
            run.failed(f"{type(error).__name__}: {error}")


def check(run, in_flight: int = 0) -> list[str]:
    """The invariants, read from the database after the load.

    `in_flight`: how many questions may exist that no answered request made: the sends that were
    cut off after their commit by an injected fault (scripts/faults.py); none in a plain load test.
    """
    from django.db.models import Count

    from advice.models import EventKind, Question, QuestionStatistic, State
    from codeofconduct.models import Acknowledgement

    problems = list(run.failures[:20])
    if len(run.failures) > 20:
        problems.append(f"... and {len(run.failures) - 20} more failed requests")
    per_person = dict(
        Acknowledgement.objects.filter(person_id__in=run.acknowledged)
        .values_list("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )
    for person_id in run.acknowledged:
        if per_person.get(person_id) != 1:
            problems.append(f"person {person_id}: {per_person.get(person_id, 0)} acknowledgement records, not 1")
    questions = Question.objects.filter(subject__startswith="load-")
    by_subject = Counter(questions.values_list("subject", flat=True))
    for subject in run.asked:
        if by_subject[subject] != 1:
            problems.append(f"question {subject}: {by_subject[subject]} rows, not 1")
    for question in questions.prefetch_related("events"):
        kinds = [event.kind for event in question.events.all()]
        if kinds != [EventKind.ASKED] or question.state != State.WITH_MANAGER or question.manager_id is None:
            problems.append(f"question {question.subject}: timeline {kinds}, state {question.state}")
    stats = QuestionStatistic.objects.filter(question__subject__startswith="load-").count()
    if stats != questions.count():
        problems.append(f"{questions.count()} questions but {stats} statistics rows")
    unexpected = set(by_subject) - set(run.asked)
    if len(unexpected) > in_flight:
        problems.append(f"{len(unexpected)} questions exist that no answered request made ({in_flight} in flight)")
    return problems


def main() -> int:
    args = parse_args()
    env = production_environment(args)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))

    print(f"Fresh database {args.database}, migrations, static files ...", flush=True)
    recreate_database(args.database)
    server = None
    try:
        # Collected first: migrate runs the install checks, which want the static files in place.
        manage(env, "collectstatic", "--noinput", "-v", "0")
        manage(env, "migrate", "--noinput", "-v", "0")
        import django

        django.setup()
        sessions, version_pk = build_organisation(args.users)
        print(f"{len(sessions)} employees signed in; gunicorn with {args.workers} workers on :{args.port}", flush=True)
        server = Server(env, args.port, command=measuring_command(args.port, args.workers))
        server.start(wait=30, ready=(200,))

        run = Run()
        started = time.monotonic()
        deadline = started + args.duration
        clients = [
            threading.Thread(target=client_loop, args=(run, args.port, sessions, version_pk, deadline))
            for _ in range(args.clients)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        elapsed = time.monotonic() - started

        from django.db import connection

        connection.close()
        problems = check(run)
        total = sum(run.requests.values())
        print(f"\n{total} requests in {elapsed:.0f} s ({total / elapsed:.0f}/s) by {args.clients} clients:")
        for kind, n in sorted(run.requests.items()):
            print(f"  {kind:18} {n}")
        print(f"  acknowledged by {len(run.acknowledged)} people; {len(run.asked)} questions asked")
        if problems:
            print("\nFAILED:")
            for problem in problems:
                print(f"  - {problem}")
            return 1
        print("\nOK: no request failed, one acknowledgement per person, every question once with its timeline.")
        return 0
    finally:
        if server is not None:
            server.stop()
        from django.db import connections

        connections.close_all()
        drop_database(args.database)


if __name__ == "__main__":
    sys.exit(main())
