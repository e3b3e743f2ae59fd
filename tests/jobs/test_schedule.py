"""The shipped schedule: one declaration (jobs/schedule.py) that the systemd units are written from and
the development runner reads; systemd accepts the units and computes the runner's times; every
periodic job is in it; and `make run`'s runner escalates an overdue advice question on its own."""

import datetime
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.utils import timezone

from advice.models import Question, State
from jobs import schedule
from jobs.runner import due_jobs
from tests.jobs.conftest import ROOT, worker_environment

UNITS = ROOT / "deploy" / "systemd"
# Every periodic job of the product (issue 12 and 18): publishing due versions, the reminders, the
# advice escalation and retention, clearing finished mail, and the lifecycle's mail (versions back in
# force, Redactie's warning before an expiry).
PERIODIC_COMMANDS = {
    "publish_due_versions",
    "send_reminders",
    "send_lifecycle_mails",
    "advice_escalate_overdue",
    "advice_purge_expired",
    "clear_finished_mail",
}


def systemd_analyze(*args) -> subprocess.CompletedProcess:
    tool = shutil.which("systemd-analyze")
    assert tool, "systemd-analyze is missing: apt-get install systemd (.ci/run does)"
    return subprocess.run([tool, *args], capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}, check=False)


def test_the_schedule_names_every_periodic_job_and_each_is_a_command():
    assert {job.command for job in schedule.JOBS} == PERIODIC_COMMANDS
    assert set(get_commands()) >= PERIODIC_COMMANDS


def test_the_shipped_units_are_written_from_the_schedule():
    call_command("schedule", check_units=str(UNITS))
    timers = {path.name for path in UNITS.glob("*.timer")}
    assert timers == {f"gedragscode-{job.name}.timer" for job in schedule.JOBS}, "a timer outside the schedule"


def test_the_check_fails_when_a_unit_was_edited_by_hand(tmp_path):
    call_command("schedule", write_units=str(tmp_path))
    timer = tmp_path / "gedragscode-send-reminders.timer"
    timer.write_text(timer.read_text().replace("*:00/15:00", "*:00/30:00"))
    with pytest.raises(CommandError, match=r"gedragscode-send-reminders\.timer"):
        call_command("schedule", check_units=str(tmp_path))


def test_systemd_accepts_every_unit_without_a_warning(tmp_path):
    # `verify` checks that ExecStart's program exists: point it at this checkout's Python.
    for name, text in schedule.units().items():
        (tmp_path / name).write_text(text.replace(f"{schedule.INSTALL_DIR}/.venv/bin/python", sys.executable))
    result = systemd_analyze("verify", *sorted(str(path) for path in tmp_path.iterdir()))
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr


def test_every_unit_runs_with_the_production_environment_file_only():
    for name, text in schedule.units().items():
        service = name.endswith(".service")
        lines = text.splitlines()
        if not service:
            continue
        # No "-" before the path: a missing file fails the unit instead of running on defaults.
        assert f"EnvironmentFile={schedule.ENVIRONMENT_FILE}" in lines, name
        assert f"User={schedule.SERVICE_USER}" in lines and f"WorkingDirectory={schedule.INSTALL_DIR}" in lines
        assert any(line.startswith(f"ExecStart={schedule.INSTALL_DIR}/.venv/bin/python manage.py ") for line in lines)
    worker = schedule.units()["gedragscode-worker.service"].splitlines()
    assert "Restart=always" in worker and "ExecStart=/srv/gedragscode/.venv/bin/python manage.py mail_worker" in worker


BASE_TIMES = [
    datetime.datetime(2026, 3, 28, 23, 0, tzinfo=datetime.UTC),  # the night summer time starts
    datetime.datetime(2026, 10, 24, 22, 50, tzinfo=datetime.UTC),  # the night it ends (02:00-03:00 twice)
    datetime.datetime(2026, 12, 31, 22, 58, 30, tzinfo=datetime.UTC),  # the year turns in Brussels
    datetime.datetime(2026, 6, 15, 9, 15, tzinfo=datetime.UTC),  # exactly on a quarter hour
]
ELAPSE = re.compile(r"(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC")


@pytest.mark.parametrize("job", schedule.JOBS, ids=lambda job: job.name)
def test_the_development_runner_runs_each_job_when_systemd_would(job):
    for base in BASE_TIMES:
        result = systemd_analyze(
            "calendar", "--iterations=30", f"--base-time=@{int(base.timestamp())}", job.on_calendar
        )
        assert result.returncode == 0 and "Original form" not in result.stdout, result.stdout + result.stderr
        systemd_times = [
            datetime.datetime.fromisoformat(found).replace(tzinfo=datetime.UTC)
            for found in ELAPSE.findall(result.stdout)
        ]
        ours, moment = [], base
        for _ in systemd_times:
            moment = job.next_run(moment)
            ours.append(moment)
        assert len(systemd_times) == 30 and ours == systemd_times, (job.name, base)


def test_the_runner_runs_a_job_once_per_time_it_passed():
    every_15 = next(job for job in schedule.JOBS if job.command == "send_reminders")
    nightly = next(job for job in schedule.JOBS if job.command == "advice_purge_expired")
    base = datetime.datetime(2026, 6, 15, 1, 20, tzinfo=datetime.UTC)  # 03:20 in Brussels
    assert due_jobs([every_15, nightly], base, base + datetime.timedelta(minutes=5)) == []
    assert due_jobs([every_15, nightly], base, base + datetime.timedelta(minutes=10)) == [every_15, nightly]


@pytest.mark.django_db(transaction=True)
def test_make_runs_schedule_escalates_the_demos_overdue_question_on_its_own(sink, settings):
    """`make run` loads the demo, then starts `manage.py run_schedule` beside the server: the demo
    behaves like production, and its question that nobody answered in time reaches the Bureau."""
    settings.DEBUG = True  # load_demo refuses to run on a production configuration
    call_command("load_demo", verbosity=0)
    overdue = Question.objects.get(subject="Vacature van mijn dienst delen")
    assert overdue.state == State.WITH_MANAGER and overdue.manager_deadline < timezone.now()
    # As systemd starts it: no PYTHONUNBUFFERED (a developer's shell may have it), so each line of the
    # schedule must reach its log at once on its own.
    environment = {name: value for name, value in worker_environment(sink).items() if name != "PYTHONUNBUFFERED"}
    runner = subprocess.Popen(
        [sys.executable, "manage.py", "run_schedule"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    escalated = False
    try:
        # Each job is a new Django process: on a busy machine the third one can take a while.
        deadline = time.monotonic() + 180
        while not escalated and time.monotonic() < deadline and runner.poll() is None:
            escalated = Question.objects.get(pk=overdue.pk).state == State.WITH_BUREAU
            time.sleep(0.2)
    finally:
        runner.send_signal(signal.SIGTERM)
        output, _ = runner.communicate(timeout=60)
    assert escalated, f"the overdue question was not escalated:\n{output}"
    # The jobs before it ran as they do in production (the one running at SIGTERM is stopped).
    reported = re.search(r"Escalated: [1-9]\d*;", output)
    before = output[: reported.start()] if reported else ""
    assert reported and "[schedule] send_reminders: ok" in before and "FAILED" not in before, output


def test_the_makefile_runs_the_worker_and_the_schedule_beside_the_server():
    run = Path(ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "mail_worker" in run and "run_schedule" in run and "runserver" in run
