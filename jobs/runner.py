"""The development runner of the shipped schedule (`manage.py run_schedule`, started by `make run`).

It reads the same declaration as the systemd timers (jobs/schedule.py) and runs each job at the
same times, as its own `manage.py <command>` process with this environment, one after another. At
start it runs every job once, as a timer with Persistent=true makes up a run missed while the
machine was off: the demo's overdue advice question escalates as soon as `make run` starts.
"""

import datetime
import signal
import subprocess  # nosec B404: starts our own manage.py (see README, Security linter)
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from jobs.schedule import JOBS, Job


def due_jobs(jobs, last_checked: datetime.datetime, now: datetime.datetime) -> list[Job]:
    """The jobs with a run time in (last_checked, now]."""
    return [job for job in jobs if job.next_run(last_checked) <= now]


class ScheduleRunner:
    def __init__(self, *, catch_up=True, stdout=sys.stdout, jobs=JOBS):
        self.catch_up = catch_up
        self.stdout = stdout
        self.jobs = jobs
        self._stop = threading.Event()
        self._child = None

    def stop(self, signum=None, frame=None):
        self._stop.set()
        if self._child is not None and self._child.poll() is None:
            self._child.terminate()

    def run(self):
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        last = timezone.now()
        if self.catch_up:
            for job in self.jobs:
                if self._stop.is_set():
                    return
                self.run_job(job)
        while not self._stop.is_set():
            upcoming = min(job.next_run(last) for job in self.jobs)
            self._stop.wait(max((upcoming - timezone.now()).total_seconds(), 0) + 0.5)
            now = timezone.now()
            for job in due_jobs(self.jobs, last, now):
                if self._stop.is_set():
                    break
                self.run_job(job)
            last = now

    def run_job(self, job: Job) -> int:
        started = time.monotonic()
        self._child = subprocess.Popen(  # noqa: S603  # nosec B603: our own manage.py, a fixed command name
            [sys.executable, "manage.py", job.command], cwd=Path(settings.BASE_DIR)
        )
        code = self._child.wait()
        self._child = None
        outcome = "ok" if code == 0 else f"FAILED (exit {code})"
        self.stdout.write(f"[schedule] {job.command}: {outcome} in {time.monotonic() - started:.1f} s")
        # At once, in order with what the job itself wrote: to a pipe or the journal Python would keep
        # the line in its buffer until it fills (without PYTHONUNBUFFERED), hours late in the log.
        self.stdout.flush()
        return code
