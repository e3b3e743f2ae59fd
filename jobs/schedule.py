"""The shipped schedule: which periodic jobs run, and when. The one place that says it.

Production runs it as systemd timers (deploy/systemd/, written from this declaration by
`manage.py schedule --write-units deploy/systemd`; a test fails when the files and this declaration
differ). `make run` runs it beside the development server with `manage.py run_schedule`, which
reads this declaration and computes the same times (a test compares them with systemd's own
`systemd-analyze calendar`). Times are Brussels time, as the city works.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")

# Where the production install lives (docs/jobs-and-mail.md and the install guide say the same).
INSTALL_DIR = "/srv/gedragscode"
ENVIRONMENT_FILE = "/etc/gedragscode/gedragscode.env"
SERVICE_USER = "gedragscode"
UNIT_PREFIX = "gedragscode-"


@dataclass(frozen=True)
class Job:
    name: str  # the systemd units are gedragscode-<name>.service and .timer
    command: str  # a management command: `manage.py <command>`
    description: str
    every_minutes: int | None = None  # at minute 0 and every so many minutes of every hour
    daily_at: datetime.time | None = None  # once a day, Brussels time

    def __post_init__(self):
        if (self.every_minutes is None) == (self.daily_at is None):
            raise ValueError(f"{self.name}: either every_minutes or daily_at")
        if self.every_minutes is not None and 60 % self.every_minutes:
            raise ValueError(f"{self.name}: every_minutes must divide the hour")

    @property
    def on_calendar(self) -> str:
        """The systemd calendar expression (OnCalendar=) of these times."""
        if self.every_minutes is not None:
            # In UTC: with a zone that changes its clocks, systemd would skip the repeated hour of the
            # night summer time ends (it computes the next wall-clock time: 02:55, then 03:00).
            return f"*-*-* *:00/{self.every_minutes}:00 UTC"
        return f"*-*-* {self.daily_at:%H:%M}:00 Europe/Brussels"

    @property
    def when(self) -> str:
        if self.every_minutes is not None:
            return f"every {self.every_minutes} minutes"
        return f"daily at {self.daily_at:%H:%M}"

    def next_run(self, after: datetime.datetime) -> datetime.datetime:
        """The first time of this job strictly after `after` (aware), as systemd's timer computes it."""
        if self.every_minutes is not None:
            # Brussels is a whole number of hours from UTC: the minutes of the hour are the same.
            hour = after.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)
            minute = (after.astimezone(datetime.UTC).minute // self.every_minutes + 1) * self.every_minutes
            return hour + datetime.timedelta(minutes=minute)
        local = after.astimezone(BRUSSELS)
        day = local.date()
        while True:
            candidate = datetime.datetime.combine(day, self.daily_at, tzinfo=BRUSSELS)
            # A wall-clock time the night of a DST change skips or repeats is taken as systemd does:
            # its first occurrence, or the next day if it does not exist.
            if candidate.astimezone(datetime.UTC).astimezone(BRUSSELS).time() == self.daily_at and candidate > local:
                return candidate.astimezone(datetime.UTC)
            day += datetime.timedelta(days=1)

    @property
    def timeout(self) -> str:
        """A run that hangs is stopped before the next one is due (or after an hour for daily jobs)."""
        return f"{self.every_minutes - 1}min" if self.every_minutes is not None else "1h"


JOBS = (
    Job(
        "publish-due-versions",
        "publish_due_versions",
        "publish the scheduled versions of the code of conduct whose time has come",
        every_minutes=5,
    ),
    Job(
        "send-reminders",
        "send_reminders",
        "queue the notices and reminders of the code of conduct that are due",
        every_minutes=15,
    ),
    Job(
        "lifecycle-mails",
        "send_lifecycle_mails",
        "announce versions back in force and warn Redactie before an expiry date",
        every_minutes=15,
    ),
    Job(
        "advice-escalate-overdue",
        "advice_escalate_overdue",
        "escalate advice questions the leidinggevende did not answer in time",
        every_minutes=15,
    ),
    # The nightly jobs stay clear of 02:00-03:00, which the DST changes skip or repeat.
    Job(
        "advice-purge-expired",
        "advice_purge_expired",
        "remove advice questions past their retention period, with everything that names them",
        daily_at=datetime.time(3, 30),
    ),
    Job(
        "clear-finished-mail",
        "clear_finished_mail",
        "clear sent and long-failed mail and the heartbeats of workers gone",
        daily_at=datetime.time(4, 0),
    ),
)


# --- systemd units ------------------------------------------------------------------------------

HEADER = (
    "# Written from jobs/schedule.py by `manage.py schedule --write-units deploy/systemd`:\n"
    "# change the schedule there, not here (a test compares them). docs/jobs-and-mail.md\n"
)

_SERVICE_COMMON = f"""User={SERVICE_USER}
Group={SERVICE_USER}
WorkingDirectory={INSTALL_DIR}
# The production configuration. Without this file the unit fails to start: it never runs on
# development defaults (debug mode, a new SQLite file) and never reports success for that.
EnvironmentFile={ENVIRONMENT_FILE}
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=full
ProtectHome=yes
"""


def _python(command: str) -> str:
    return f"{INSTALL_DIR}/.venv/bin/python manage.py {command}"


def job_service(job: Job) -> str:
    restart = ""
    if job.daily_at is not None:
        # A nightly run that failed (the database was restarting) is tried again, a few times, rather
        # than a day later. Frequent jobs need not: their next run is minutes away.
        restart = "Restart=on-failure\nRestartSec=10min\n"
    limits = "StartLimitIntervalSec=6h\nStartLimitBurst=4\n" if job.daily_at is not None else ""
    return f"""{HEADER}
[Unit]
Description=Gedragscode: {job.description}
After=network-online.target
Wants=network-online.target
{limits}
[Service]
Type=oneshot
{_SERVICE_COMMON}ExecStart={_python(job.command)}
TimeoutStartSec={job.timeout}
{restart}Nice=5
"""


def job_timer(job: Job) -> str:
    return f"""{HEADER}
[Unit]
Description=Gedragscode: {job.command}, {job.when}

[Timer]
OnCalendar={job.on_calendar}
# After a shutdown, a run that was missed is made up at start.
Persistent=true
AccuracySec=1s
Unit={UNIT_PREFIX}{job.name}.service

[Install]
WantedBy=timers.target
"""


def worker_service() -> str:
    return f"""{HEADER}
[Unit]
Description=Gedragscode: mail worker (sends queued e-mail, one at a time)
After=network-online.target
Wants=network-online.target
# Never give up restarting: mail waits in the database until a worker sends it.
StartLimitIntervalSec=0

[Service]
Type=simple
{_SERVICE_COMMON}ExecStart={_python("mail_worker")}
Restart=always
RestartSec=5s
# SIGTERM: the worker finishes the mail in hand (at most EMAIL_TIMEOUT seconds), then stops.
KillSignal=SIGTERM
TimeoutStopSec=90s

[Install]
WantedBy=multi-user.target
"""


def units() -> dict[str, str]:
    """File name -> content of every unit this module ships."""
    files = {f"{UNIT_PREFIX}worker.service": worker_service()}
    for job in JOBS:
        files[f"{UNIT_PREFIX}{job.name}.service"] = job_service(job)
        files[f"{UNIT_PREFIX}{job.name}.timer"] = job_timer(job)
    return files
