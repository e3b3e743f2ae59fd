"""A GET changes nothing but the documented first-opening record (docs/security.md, "GET changes nothing").

Every URL of the project, read from the URL configuration, is opened with real objects (tests/world.py:
the current and a superseded version, a draft, a version whose scheduled publication is due, an
escalated question with an attachment, a closed question, a FAQ entry, units and people) by a
visitor and by each role, with the query parameters the views read; the admin's pages are opened
with a real object of every registered model. The SQL of each request is captured and every
statement that is not a read is a failure, except the one documented write: the INSERT of a
`VersionOpening` (the first time a person opens a version) by the version page; whether there is
one comes with the person's own query, so the next look writes nothing. Statements are
inspected, not row counts: an UPDATE that changes a value and a DELETE followed by an INSERT both
show. No other exception for sessions, and none for last_login: the clients sign in before capturing
and the clock stands still, so no session is renewed during the walk.
"""

import contextlib
import datetime
import re

import pytest
import time_machine
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone

from codeofconduct.models import PolicyVersion, VersionOpening
from codeofconduct.services import publishing
from tests.test_access_table import EXPECTED_GET, PERSONAS, client_for, clock, people  # noqa: F401 (fixtures)
from tests.url_patterns import all_urls

pytestmark = pytest.mark.django_db

# Reads: a SELECT (also a parenthesised one of a UNION, or behind a server-side cursor that PostgreSQL
# opens for .iterator()), fetching from and closing that cursor, and transaction bookkeeping.
READS = re.compile(
    r"^\s*(?:\(\s*)*(?:SELECT|SAVEPOINT|RELEASE|ROLLBACK|SET|SHOW|FETCH|CLOSE)\b"
    r"|^\s*DECLARE\s+\S+\s+(?:NO\s+)?SCROLL\s+CURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+\(*\s*SELECT\b",
    re.IGNORECASE,
)
WRITE = re.compile(
    r"^\s*(?P<verb>INSERT|UPDATE|DELETE|REPLACE)\s+(?:OR\s+\w+\s+)?(?:INTO\s+|FROM\s+)?\"?(?P<table>\w+)\"?",
    re.IGNORECASE,
)
# The one write a GET may make, and the only view that may make it: the first opening of a version
# (no session write: later looks know it from the person's own query and write nothing).
DOCUMENTED = {
    ("INSERT", VersionOpening._meta.db_table): {"codeofconduct:version_detail"},
}

# The query parameters the views read (request.GET), with real values; {current} etc. are filled in.
QUERIES = {
    "codeofconduct:search": ["?q=loyaliteit", "?q=zzz-niets"],
    "codeofconduct:compare": ["?oud={superseded}&nieuw={current}", "?oud={current}&nieuw={superseded}"],
    "codeofconduct:team": ["?versie={current}", "?versie={current}&alles=1"],
    "codeofconduct:compliance": [
        "?versie={current}",
        "?versie={current}&eenheid={unit}",
        "?versie={current}&eenheid={unit}&status=open&pagina=2",
        "?versie={current}&status=gelezen",
    ],
    "codeofconduct:compliance_export": [
        "?eenheid={unit}",
        "?soort=eenheden",
        "?formaat=xlsx",
        "?soort=eenheden&formaat=xlsx",
    ],
    "advice:ask": ["?regel=loyaliteit"],
    "advice:bureau_queue": ["?state=open", "?age=old&pagina=2"],
}


def sql_writes(queries) -> list[tuple[str, str, str]]:
    """(verb, table, statement) of every statement that is not a read."""
    found = []
    for query in queries:
        sql = query["sql"]
        if READS.match(sql):
            continue
        match = WRITE.match(sql)
        if match:
            found.append((match["verb"].upper(), match["table"], sql))
        else:
            found.append(("?", "?", sql))  # anything else (DDL, a write in a WITH) counts as a write
    return found


def undocumented(queries, view_name) -> list[str]:
    return [
        f"{verb} {table}: {sql[:160]}"
        for verb, table, sql in sql_writes(queries)
        if view_name not in DOCUMENTED.get((verb, table), set())
    ]


def project_paths(world, values):
    """(view name, path) for every non-admin URL, with real objects and the parameters views read."""
    paths, missing = [], []
    for name, example in sorted(set(all_urls())):
        if name.startswith("admin:"):
            continue
        if name in world:
            path = reverse(name, args=world[name])
        else:
            match = resolve(example)
            if match.args or match.kwargs:
                missing.append(name)
                continue
            path = example
        paths.append((name, path))
        paths.extend((name, path + query.format(**values)) for query in QUERIES.get(name, []))
    assert not missing, f"give these URLs real objects in tests/world.py: {missing}"
    return paths


def admin_paths(city, values):
    """The admin's pages with a real object of every registered model."""
    paths = [reverse("admin:index"), reverse("admin:password_change"), reverse("admin:password_change_done")]
    paths.append(reverse("admin:jsi18n"))
    paths.append(reverse("admin:login"))
    version_type = ContentType.objects.get_for_model(PolicyVersion)
    paths.append(reverse("admin:view_on_site", args=[version_type.pk, values["current"]]))
    paths.append(
        reverse("admin:autocomplete") + "?app_label=organisation&model_name=person&field_name=manager&term=Peeters"
    )
    for label in sorted({model._meta.app_label for model in admin.site._registry}):
        paths.append(reverse("admin:app_list", args=[label]))
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{info}_changelist"))
        paths.append(reverse(f"{info}_changelist") + "?q=a")
        with contextlib.suppress(NoReverseMatch):
            paths.append(reverse(f"{info}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is None:
            continue
        for page in ("change", "history", "delete", "password_change"):
            with contextlib.suppress(NoReverseMatch):
                paths.append(reverse(f"{info}_{page}", args=[first.pk]))
    paths.append(reverse("admin:auth_user_password_change", args=[city.employee.pk]))
    paths.append(reverse("admin:index") + "bestaat-niet/")  # the admin's catch-all
    # What is left (the catch-all, the logout, a resend without a form, the pages of a kind of record the
    # world holds none of): opened at its example path, which names no object.
    covered = {resolve(path.split("?")[0]).view_name for path in paths}
    paths += [example for name, example in all_urls() if name.startswith("admin:") and name not in covered]
    return paths


@pytest.fixture
def more_records(world, city):
    """Records the world does not hold yet, so that their admin pages open a real one too."""
    from django.contrib.auth.models import Group

    from codeofconduct.services import acknowledging
    from organisation.models import Deputy

    current = world["objects"]["current"]
    acknowledging.acknowledgement_record(person=city.colleague, version=current)
    acknowledging.team_notification_confirm(
        chef=city.chef, version=current, notified_on=timezone.localdate(), method="teamvergadering"
    )
    Deputy.objects.create(
        manager=city.chef, deputy=city.other_chef, starts_on=timezone.localdate(), ends_on=timezone.localdate()
    )
    Group.objects.create(name="Redactieraad")


@pytest.fixture
def due_schedule(world, city):
    """A version whose scheduled publication time has passed: only the scheduler publishes it."""
    current = world["objects"]["current"]
    scheduled = publishing.draft_create(policy=current.policy, by=city.editor, copy_from=current)
    scheduled.nummer = "D2026.077"
    scheduled.save()
    return publishing.version_publish(
        version=scheduled, by=city.editor, publish_at=timezone.now() + datetime.timedelta(hours=1)
    )


def test_no_get_changes_anything_but_the_first_opening_of_a_version(city, world, people, more_records, due_schedule):  # noqa: F811 (pytest fixture)
    current = world["objects"]["current"]
    superseded = PolicyVersion.objects.filter(status=PolicyVersion.Status.SUPERSEDED).first()
    values = {"current": current.pk, "superseded": superseded.pk, "unit": city.team_a.code}
    paths = project_paths(world, values)
    admin_pages = admin_paths(city, values)
    # Two hours on: the scheduled version is due; a page view that published it would show here.
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2), tick=False):
        clients = {persona: client_for(city, people, persona) for persona in PERSONAS}
        wrong, opened = [], set()
        for persona, client in clients.items():
            # Every URL by a visitor and by the medewerker; each page also by every other role that
            # may see it (tests/test_access_table.py; a URL without a row there yet, by everyone).
            walk = [
                (name, path)
                for name, path in paths
                if persona in ("anon", "emp") or EXPECTED_GET.get(name, {}).get(persona, "200") == "200"
            ]
            if persona == "admin":
                walk += [(resolve(path.split("?")[0]).view_name, path) for path in admin_pages]
            for name, path in walk:
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(path)
                assert response.status_code < 500, (persona, path)
                opened.add(resolve(path.split("?")[0]).view_name)
                wrong += [f"{persona:6} GET {path}: {write}" for write in undocumented(queries, name)]
        assert not wrong, "\n" + "\n".join(wrong)
    # Every URL of the project was opened, the admin's included.
    assert {resolve(example).view_name for _name, example in all_urls()} - opened == set()
    due_schedule.refresh_from_db()
    assert due_schedule.status == PolicyVersion.Status.SCHEDULED
    # The documented write did happen (this walk is not blind to it): one opening per person who read it.
    assert VersionOpening.objects.filter(version=current).count() == len(PERSONAS) - 1


def test_the_statement_check_sees_writes_that_keep_row_counts_equal():
    """The inspection itself: an UPDATE, a DELETE + INSERT pair and a SQLite upsert are writes."""
    queries = [
        {"sql": 'SELECT "x" FROM "organisation_person"'},
        {"sql": 'UPDATE "organisation_person" SET "first_name" = %s WHERE "id" = %s'},
        {"sql": 'DELETE FROM "advice_faqentry" WHERE "id" = 1'},
        {"sql": 'INSERT INTO "advice_faqentry" ("id") VALUES (1)'},
        {"sql": 'INSERT OR IGNORE INTO "codeofconduct_versionopening" ("person_id") VALUES (1)'},
        {"sql": "SAVEPOINT s1"},
        {"sql": 'WITH gone AS (DELETE FROM "jobs_task" RETURNING 1) SELECT 1'},
        {"sql": '(SELECT "a" FROM "organisation_person") UNION (SELECT "b" FROM "organisation_person")'},
        {"sql": 'DECLARE "_django_curs_1_sync_1" NO SCROLL CURSOR WITH HOLD FOR SELECT "id" FROM "x"'},
        {"sql": 'DECLARE "c" NO SCROLL CURSOR FOR UPDATE "x" SET "a" = 1'},
    ]
    assert [line.split(":")[0] for line in undocumented(queries, "codeofconduct:policy_list")] == [
        "UPDATE organisation_person",
        "DELETE advice_faqentry",
        "INSERT advice_faqentry",
        "INSERT codeofconduct_versionopening",
        "? ?",
        "? ?",
    ]
    assert len(undocumented(queries, "codeofconduct:version_detail")) == 5
