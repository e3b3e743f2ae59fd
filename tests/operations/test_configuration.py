"""A server or command started without its configuration stops loudly instead of guessing development.

Followed literally, the old crontab lines ran without the production environment: debug mode, a new
SQLite file, and cron reporting success. Development is now recognised only when declared
(`DJANGO_ENV=development`, which `make` and the test settings set).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-production-key-for-this-test-only-0123456789abcdefghijklmnop",
    "ALLOWED_HOSTS": "gedragscode.antwerpen.be",
    "DATABASE_URL": "postgres://gedragscode@127.0.0.1:5432/gedragscode",
    "EMAIL_HOST": "smtp.stad.antwerpen.be",
}


def bare_environment(**variables) -> dict:
    """The environment of a process started by cron or systemd without the environment file."""
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), **variables}


def settings_of(env: dict, *names: str) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(*[getattr(settings, name) for name in {list(names)!r}])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def without_configuration(*command: str) -> subprocess.CompletedProcess:
    """`command` run from the checkout with no DJANGO_ENV and no environment file."""
    return subprocess.run(command, cwd=ROOT, env=bare_environment(), capture_output=True, text=True, timeout=60)


def test_a_management_command_without_configuration_refuses_to_run():
    result = without_configuration(sys.executable, "manage.py", "send_reminders")
    assert result.returncode != 0
    assert "No configuration: DJANGO_ENV is not set" in result.stderr
    assert "gedragscode.env" in result.stderr


def test_the_app_server_without_configuration_does_not_start():
    result = without_configuration(
        str(GUNICORN), "config.wsgi", "--bind", "127.0.0.1:0", "--workers", "1", "--timeout", "20"
    )
    assert result.returncode != 0
    assert "No configuration: DJANGO_ENV is not set" in result.stderr


def test_development_is_the_declared_default_of_make_and_the_tests():
    result = settings_of(bare_environment(DJANGO_ENV="development"), "DEBUG", "DATABASES")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True ") and "sqlite3" in result.stdout


def test_production_runs_with_its_environment_file():
    result = settings_of(bare_environment(**PRODUCTION), "DEBUG", "SECURE_SSL_REDIRECT")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"DEBUG": "1"}, "DEBUG=1 is refused with DJANGO_ENV=production"),
        ({"DATABASE_URL": None}, "DATABASE_URL must be set"),
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"EMAIL_HOST": None}, "EMAIL_HOST must be set"),
        ({"DJANGO_ENV": "prod"}, "DJANGO_ENV must be 'development' or 'production'"),
    ],
)
def test_production_refuses_an_incomplete_or_contradictory_configuration(change, message):
    env = {**PRODUCTION, **change}
    result = settings_of(bare_environment(**{k: v for k, v in env.items() if v is not None}), "DEBUG")
    assert result.returncode != 0
    assert message in result.stderr


def test_an_explicit_debug_off_without_django_env_is_production_too():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_ENV"}
    result = settings_of(bare_environment(DEBUG="0", **env), "DEBUG", "DJANGO_ENV")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "production"]


def test_postgresql_binds_parameters_on_the_server_unless_told_not_to():
    """Bound on the server, a query run a few times on a connection is prepared: PostgreSQL plans a page's
    fixed queries once per connection (docs/performance.md). Behind a pooler that cannot keep prepared
    statements, DB_SERVER_SIDE_BINDING=off binds them in the client as before."""
    production = {**bare_environment(), **PRODUCTION}
    shown = settings_of(production, "DATABASES")
    assert shown.returncode == 0, shown.stderr
    assert "'server_side_binding': True, 'prepare_threshold': 5" in shown.stdout
    shown = settings_of({**production, "DB_SERVER_SIDE_BINDING": "off"}, "DATABASES")
    assert shown.returncode == 0, shown.stderr
    assert "server_side_binding" not in shown.stdout and "prepare_threshold" not in shown.stdout


@pytest.mark.django_db
def test_a_page_read_again_runs_prepared_statements(client):
    """The home page's queries, read six times on one connection, are prepared: PostgreSQL keeps their
    plans (pg_prepared_statements) instead of planning them on each request."""
    from django.db import connection

    from tests.factories import make_person

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    client.force_login(make_person("lezer"))
    for _ in range(6):
        assert client.get("/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any('FROM "organisation_person"' in statement for statement in prepared), prepared
