"""The mutation runs' test database (scripts/mutation.py): migrated once, copied for each mutant.

mutmut runs each mutant's tests in a new pytest session, and migrating a new SQLite test database
took about 3 of the 4 seconds a mutant cost. So scripts/mutation.py migrates one database at the
start of a module's run (`python scripts/mutation_db.py <file>`), and each session starts from its
own copy of that file (`-p scripts.mutation_db`, MUTATION_DB_TEMPLATE names the file): still a new
database for each mutant (a kept one would lose the rows of data migrations to the flush after a
transactional test), without migrating it again.

It also makes mutmut's time estimate of a test the test's whole time (set-up, call, tear-down):
mutmut times only the call, and sets each mutant's time limit from that estimate. A test whose
fixtures (a city, questions, an import file) cost more than its body got a limit too short for it,
so a mutant that ran all its tests and survived could be stopped and counted as killed.

And it stops a mutant on the CPU time it used, not on the clock. mutmut stops a mutant after
(estimate + constant) x multiplier seconds of wall time; on a busy machine (two mutants at a time,
other work) a mutant that survives its tests can take that long while waiting for a core, and was
then counted as killed. Here a mutant is stopped (and counted as a timeout) only once it has used
(estimate + constant) x multiplier / 2 seconds of CPU time, which the tests of a surviving mutant
never use: their estimate is wall time measured alone, the CPU time they use is less. mutmut's
clock signal is ignored while that budget is not spent, except for a mutant that is blocked (uses no
CPU at all for three of mutmut's wall limits) is stopped.
"""

import os
import resource
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

_copy: Path | None = None


def _files(path: Path) -> list[Path]:
    return [path, *(path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm"))]


def build_template(template: Path):
    """Migrate a new test database into `template`, as the test run itself would."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    django.setup()
    from django.db import connections

    for path in _files(template):
        path.unlink(missing_ok=True)
    connection = connections["default"]
    if connection.vendor != "sqlite":
        raise SystemExit("The mutation runs use SQLite: unset DATABASE_URL.")
    connection.settings_dict.setdefault("TEST", {})["NAME"] = str(template)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    connection.close()


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    global _copy
    template = os.environ.get("MUTATION_DB_TEMPLATE")
    if not template:
        return
    from django.db import connections

    template = Path(template)
    _copy = template.with_name(f"mutant-{os.getpid()}.sqlite3")
    shutil.copyfile(template, _copy)
    connections["default"].settings_dict.setdefault("TEST", {})["NAME"] = str(_copy)
    # Keep (not create) the copied database: migrate then finds nothing left to do.
    session.config.option.reuse_db = True
    session.config.option.create_db = False


_recording = False
_budget = None


def _note_cpu_time():
    """Append this mutant's CPU time to cpu-times.txt next to the template (scripts/mutation.py sums
    them: the cost of a run on a machine of its own, whatever else the machine was doing)."""
    template = Path(os.environ["MUTATION_DB_TEMPLATE"])
    with open(template.with_name("cpu-times.txt"), "a") as notes:
        notes.write(f"{os.environ.get('MUTANT_UNDER_TEST', '')} {time.process_time():.3f}\n")


def _stop_as_timeout(signum=None, frame=None):
    """The mutant used its CPU budget: exit as mutmut's timeout (152), without the test database copy."""
    _remove_copy()
    _note_cpu_time()
    os._exit(152)


_checked_cpu = 0.0


def _still_working(signum, frame):
    """Every 6 x budget seconds after mutmut's wall limit: a mutant that used no CPU in that time is
    blocked (stopped, a timeout); one that used some is waiting for a core on a busy machine and
    goes on (its CPU budget still holds). Stopping it for the clock counted starved survivors as
    killed (codeofconduct.reminders, load 13: 15 s of CPU in 495 s)."""
    global _checked_cpu
    used = time.process_time()
    if used - _checked_cpu < 0.05:
        _stop_as_timeout()
    _checked_cpu = used
    signal.alarm(max(1, round(6 * _budget)))


def _clock_limit(signum, frame):
    """mutmut's wall-time signal (or the kernel's CPU limit): a timeout only once the CPU budget is spent."""
    global _checked_cpu
    if time.process_time() >= _budget:
        _stop_as_timeout()
    _checked_cpu = time.process_time()
    signal.signal(signal.SIGALRM, _still_working)
    signal.alarm(max(1, round(6 * _budget)))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """In a mutant's process (mutmut set a CPU limit on it): stop it on CPU time used, not on the clock."""
    global _budget
    soft, _hard = resource.getrlimit(resource.RLIMIT_CPU)
    if soft == resource.RLIM_INFINITY or not os.environ.get("MUTATION_DB_TEMPLATE"):
        return
    # mutmut's CPU limit is 2 x its wall limit; the budget is half the wall limit, in CPU seconds.
    _budget = soft / 4
    signal.signal(signal.SIGPROF, _stop_as_timeout)
    signal.setitimer(signal.ITIMER_PROF, max(0.1, _budget - time.process_time()))
    signal.signal(signal.SIGXCPU, _clock_limit)


def _is_recording_run(session):
    """Whether this session is mutmut's recording run (its StatsCollector plugin is registered)."""
    return any(type(plugin).__name__ == "StatsCollector" for plugin in session.config.pluginmanager.get_plugins())


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session):
    global _recording
    _recording = _is_recording_run(session)


def pytest_runtest_makereport(item, call):
    """In mutmut's recording run: add the set-up and tear-down times to the test's estimate (the call
    is added by mutmut itself)."""
    if not _recording or call.when == "call":
        return
    from mutmut.state import state

    durations = state().duration_by_test
    if item.nodeid in durations:
        durations[item.nodeid] += call.duration


def _remove_copy():
    if _copy is not None:
        for path in _files(_copy):
            path.unlink(missing_ok=True)


def pytest_unconfigure(config):
    _remove_copy()
    if _budget is not None:
        _note_cpu_time()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    build_template(Path(sys.argv[1]).resolve())
