"""Mutation testing of the rules modules with mutmut 3 (docs/testing.md, "Mutation testing").

    python scripts/mutation.py                      # every rules module, one at a time; writes the report
    python scripts/mutation.py advice.workdays      # one module (or several), report updated for those
    python scripts/mutation.py --check advice.workdays --min-score 90   # CI: fails below the score
    python scripts/mutation.py --report-only        # rewrite the report from the last results

Each module runs in its own folder var/mutation/<module>/ (links to the project, a pyproject.toml
with a [tool.mutmut] section for that module only), so that its mutants run only against the tests
that matter for it (MODULES below), and a later run only re-tests what changed. mutmut records
during one clean run which of those tests call which function, and runs each mutant only against
the tests that call the mutated function: the per-module list bounds that, the call record narrows it.

The report (docs/mutation-report.md) gives the score per module and every surviving mutant with its
diff and, from scripts/mutation_survivors.toml, why it cannot be caught or does not matter.
"""

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "mutation"
REPORT = ROOT / "docs" / "mutation-report.md"
SURVIVORS = ROOT / "scripts" / "mutation_survivors.toml"
MUTMUT = Path(sys.executable).with_name("mutmut")

# Module -> (the files whose mutants count, the tests that matter for them). Browser tests are left
# out: their rules are tested without the browser, and a browser per mutant would take hours.
MODULES = {
    "advice.access": (
        ["advice/access.py"],
        [
            "tests/advice/test_access.py",
            "tests/advice/test_route.py",
            "tests/advice/test_deputy_access.py",
            "tests/advice/test_note_readers.py",
            # viewers() and the page's gate against the rule, for everyone in a varied world (2 s).
            "tests/advice/test_written_out_rule.py",
        ],
    ),
    # Not test_access.py: its 123 tests take each step for their questions but check who sees what
    # (advice.access); run for each of the workflow's mutants they made a mutant cost 30 s.
    "advice.workflow": (
        ["advice/workflow.py", "advice/clock.py"],
        ["tests/advice/test_route.py", "tests/advice/test_note_readers.py", "tests/advice/test_knowledge.py"],
    ),
    "advice.workdays": (["advice/workdays.py"], ["tests/advice/test_workdays.py", "tests/advice/test_paused_clock.py"]),
    "codeofconduct.audience": (
        ["codeofconduct/audience.py"],
        [
            "tests/codeofconduct/test_acknowledging.py",
            "tests/codeofconduct/test_clocks.py",
            "tests/codeofconduct/test_team.py",
            "tests/codeofconduct/test_reminders.py",
        ],
    ),
    "codeofconduct.reminders": (
        ["codeofconduct/reminders.py"],
        [
            "tests/codeofconduct/test_reminders.py",
            "tests/codeofconduct/test_clocks.py",
            "tests/codeofconduct/test_team.py",
        ],
    ),
    "codeofconduct.compliance": (
        ["codeofconduct/selectors/compliance.py"],
        [
            "tests/codeofconduct/test_compliance.py",
            "tests/codeofconduct/test_compliance_figures.py",
            "tests/codeofconduct/test_compliance_rules.py",
        ],
    ),
    "organisation.roles": (
        ["organisation/roles.py"],
        ["tests/organisation/test_roles.py"],
    ),
    "organisation.importer": (
        ["organisation/importer.py"],
        [
            "tests/organisation/test_import_org.py",
            "tests/organisation/test_import_hostile.py",
            "tests/organisation/test_import_malformed.py",
            "tests/organisation/test_import_messages.py",
        ],
    ),
}

# Tests of a module's files left out of its mutation runs (pytest --deselect), each with its reason:
# a test that costs many seconds for every mutant that survives, where quicker tests in the list pin
# down the same rules. They still run in the suite.
LEAVE_OUT = {
    "organisation.importer": [
        # Property tests (Hypothesis, 60 and 80 random files each, 15 s and 2 s): whatever a file
        # holds, the import applies it whole or refuses it with line numbers. The messages and the
        # checks line by line are pinned down by the example files of the other tests.
        "tests/organisation/test_import_hostile.py::test_import_applies_all_or_nothing",
        "tests/organisation/test_import_malformed.py::test_whatever_the_bytes_the_import_applies_or_refuses_with_line_numbers",
        # The demo data (organisation/demo.py, 4 to 6 s each): the loader, its file and its guards.
        "tests/organisation/test_import_org.py::test_demo_file_in_the_repository_imports_cleanly",
        "tests/organisation/test_import_org.py::test_demo_loader_runs_once_only",
        "tests/organisation/test_import_org.py::test_demo_loader_refuses_to_run_without_debug_unless_forced",
    ],
}

# What the tests need besides the mutated files (mutmut copies these into var/mutation/<module>/mutants/).
PROJECT = [
    "advice",
    "codeofconduct",
    "organisation",
    "jobs",
    "config",
    "templates",
    "locale",
    "static",
    "tests",
    "scripts",
]
PROJECT_FILES = ["manage.py"]

STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped"}
STATUS.update(dict.fromkeys((36, 24, -24, 152, 255), "timeout"))


def status_of(code):
    return "not checked" if code is None else STATUS.get(code, "suspicious")


def folder_for(module):
    return WORK / module


def prepare(module):
    """var/mutation/<module>/: the project's folders as links, and a pyproject.toml for this module only."""
    sources, tests = MODULES[module]
    folder = folder_for(module)
    folder.mkdir(parents=True, exist_ok=True)
    for name in PROJECT + PROJECT_FILES:
        link = folder / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pytest_options = project["tool"]["pytest"]["ini_options"]
    lines = ["[tool.pytest.ini_options]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in pytest_options.items()]
    mutmut = {
        "source_paths": sources,
        "also_copy": PROJECT + PROJECT_FILES,
        # A new test database for each mutant (a kept one loses the rows of data migrations to the
        # flush after a transactional test): a copy of one migrated at the start (scripts/mutation_db.py).
        # --assert=plain: a failing assertion on a page's text explained by difflib took longer than the
        # mutant's time limit, so mutants the tests caught were counted as timeouts, slowly.
        "pytest_add_cli_args": [
            "-p",
            "no:xdist",
            "-p",
            "scripts.mutation_db",
            "-W",
            "ignore::DeprecationWarning",
            "--assert=plain",
            *(argument for test in LEAVE_OUT.get(module, []) for argument in ("--deselect", test)),
        ],
        "pytest_add_cli_args_test_selection": tests,
        # A mutant that loops forever is stopped, and counted as a timeout, once it has used
        # (its tests' usual time + 10 s) x 1.5 of CPU time (scripts/mutation_db.py: half of mutmut's
        # wall limit of (time + 10 s) x 3, counted in CPU seconds, so that a mutant waiting for a core
        # on a busy machine is not stopped). The usual time is the tests' whole time measured in the
        # recording run, fixtures included (mutmut alone times a test's call only, and a mutant that
        # ran all its tests and survived was then stopped and counted as killed); the 10 s cover the
        # pytest session a mutant starts.
        "timeout_multiplier": 3.0,
        "timeout_constant": 10.0,
        "use_git_change_detection": False,
    }
    lines += ["", "[tool.mutmut]"] + [f"{key} = {json.dumps(value)}" for key, value in mutmut.items()]
    (folder / "pyproject.toml").write_text("\n".join(lines) + "\n")
    missing = [path for path in sources + tests if not (ROOT / path).exists()]
    missing += [test for test in LEAVE_OUT.get(module, []) if not _defines(test)]
    if missing:
        raise SystemExit(f"{module}: missing {missing}")
    return folder


def _defines(test):
    """Whether the test file of node id `test` still defines that test function."""
    path, _, name = test.partition("::")
    return (ROOT / path).exists() and re.search(rf"^def {re.escape(name)}\(", (ROOT / path).read_text(), re.M)


def run(module, jobs=2):
    folder = prepare(module)
    template = folder / "template.sqlite3"
    env = {**os.environ, "DJANGO_ENV": "development", "PYTHONDONTWRITEBYTECODE": "1"}
    env["MUTATION_DB_TEMPLATE"] = str(template)
    env.pop("DATABASE_URL", None)  # SQLite: the mutants are about rules, not the database
    started = time.monotonic()
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = used.ru_utime + used.ru_stime
    cpu_notes = folder / "cpu-times.txt"  # each mutant's CPU time (scripts/mutation_db.py)
    cpu_notes.unlink(missing_ok=True)
    for left in folder.glob("mutant-*.sqlite3*"):  # copies left by a run that was stopped
        left.unlink()
    print(f"==> {module}", flush=True)
    # Migrated anew for each run, so that today's migrations are in it.
    subprocess.run(
        ["nice", "-n", "10", sys.executable, str(ROOT / "scripts" / "mutation_db.py"), str(template)],
        cwd=ROOT,
        env={key: value for key, value in env.items() if key != "MUTATION_DB_TEMPLATE"},
        check=True,
    )
    # mutmut keeps a result once it has one: earlier survivors are tried again against today's tests.
    earlier = results(module) or {}
    # "not checked": mutants a stopped run never reached; the first mutmut run below tries them anyway.
    again = sorted(
        name for name, status in earlier.items() if status not in {"killed", "timeout", "skipped", "not checked"}
    )
    command = ["nice", "-n", "10", str(MUTMUT), "run"]

    def mutmut(names, children):
        result = subprocess.run([*command, "--max-children", str(children), *names], cwd=folder, env=env, check=False)
        if result.returncode != 0:
            raise SystemExit(f"mutmut failed for {module} (exit {result.returncode}); see the output above")

    mutmut([], jobs)
    if again:
        mutmut(again, jobs)
    seconds = time.monotonic() - started
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = used.ru_utime + used.ru_stime - cpu_before
    notes = [line.split() for line in cpu_notes.read_text().splitlines()] if cpu_notes.exists() else []
    in_mutants = sum(float(note[-1]) for note in notes)
    # What the run would take on two cores of its own: the mutants two at a time, the rest (the test
    # database, mutmut's recording run and clean run) one after the other, whatever --jobs this run
    # had. The wall time measured depends on what else the machine was doing; CPU time does not.
    alone = (cpu - in_mutants) + in_mutants / 2
    # A first run tries every mutant; a later one only what changed and the earlier survivors.
    kind = "incremental" if earlier else "full"
    path = folder / "wall-time.json"
    times = json.loads(path.read_text()) if path.exists() else {}
    times[kind] = round(seconds)
    times[f"{kind} cpu"] = {
        "mutants": len(notes),
        "cpu in mutants": round(in_mutants),
        "cpu": round(cpu),
        "on 2 free cores": round(alone),
        "load": round(os.getloadavg()[1], 1),
        "jobs": jobs,
    }
    path.write_text(json.dumps(times))
    print(
        f"    {module}: {seconds:.0f} s ({kind}); {len(notes)} mutants, {in_mutants:.0f} CPU s in them"
        f" ({in_mutants / max(len(notes), 1):.2f} s each), {cpu:.0f} CPU s in all: about {alone:.0f} s"
        f" on 2 free cores ({jobs} at a time here; load over the last 5 minutes: {os.getloadavg()[1]:.1f})",
        flush=True,
    )


def wall_time(module):
    """{"full": seconds of the last run that tried every mutant, "incremental": of the last later run}."""
    path = folder_for(module) / "wall-time.json"
    return json.loads(path.read_text()) if path.exists() else None


def results(module):
    """{mutant name: status} from mutmut's .meta files of this module's last run."""
    sources, _tests = MODULES[module]
    found = {}
    for source in sources:
        meta = folder_for(module) / "mutants" / (source + ".meta")
        if not meta.exists():
            return None
        data = json.loads(meta.read_text())
        for name, code in data.get("exit_code_by_key", {}).items():
            found[name] = status_of(code)
    return found


def diff(module, name):
    """The mutant's diff (`mutmut show`, a new process each: kept per module until its sources change)."""
    sources, _tests = MODULES[module]
    version = hashlib.sha256(b"".join((ROOT / source).read_bytes() for source in sources)).hexdigest()
    cache_file = folder_for(module) / "diffs.json"
    cache = json.loads(cache_file.read_text()) if cache_file.exists() else {}
    if cache.get(name, [None])[0] == version:
        return cache[name][1]
    env = {**os.environ, "DJANGO_ENV": "development"}
    shown = subprocess.run(
        [str(MUTMUT), "show", name], cwd=folder_for(module), env=env, capture_output=True, text=True, check=False
    )
    lines = shown.stdout.splitlines()
    text = "\n".join(line for line in lines if not line.startswith("# ")).strip() or shown.stderr.strip()
    if shown.returncode == 0:
        cache[name] = [version, text]
        cache_file.write_text(json.dumps(cache))
    return text


def score(found):
    counted = [status for status in found.values() if status not in {"skipped", "not checked"}]
    killed = sum(status in {"killed", "timeout"} for status in counted)
    return (100.0 * killed / len(counted)) if counted else 0.0, killed, len(counted)


def earlier_report():
    """The rows and survivor sections of the committed report, per module."""
    text = REPORT.read_text() if REPORT.exists() else ""
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0] in MODULES:
            rows[cells[0]] = cells
    sections = {}
    for part in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        module = part.split("\n", 1)[0].strip()
        if module in MODULES:
            sections[module] = "\n## " + part.rstrip() + "\n"
    return rows, sections


def write_report():
    reasons = tomllib.loads(SURVIVORS.read_text()) if SURVIVORS.exists() else {}
    rows, sections, total, alone_total = [], [], 0, 0
    at_a_time = set()  # how many mutants each module's full run tested at a time
    unmeasured = []  # modules whose full run has no CPU record: not counted as 0 s in the total
    kept_rows, kept_sections = earlier_report()
    for module, (sources, _tests) in MODULES.items():
        found = results(module)
        timed = wall_time(module)
        timed = timed or {}
        took = ", ".join(f"{timed[kind]} s ({kind})" for kind in ("full", "incremental", "stopped") if kind in timed)
        total += timed.get("full", 0)
        cost = timed.get("full cpu")
        if cost:
            alone_total += cost["on 2 free cores"]
            at_a_time.add(cost.get("jobs"))
        elif found is not None:
            unmeasured.append(module)
        cost = (
            f"{cost['cpu in mutants'] / max(cost['mutants'], 1):.1f} s a mutant, {cost['on 2 free cores']} s"
            f" (load {cost['load']})"
            if cost
            else "not measured"
        )
        if found is None:
            # Not run in this checkout: the committed report's row and survivors stay.
            cells = kept_rows.get(module, [module, ", ".join(sources), "not run", "", ""])
            cells = (cells + [""] * 7)[:7]
            if cells[2] != "not run" and not cells[5]:
                cells[5] = "not timed (an earlier run, kept from the last report)"
            # Its CPU time on two free cores, as the last report gave it, or "not measured".
            kept_cost = re.search(r", (\d+) s \(load", cells[6])
            if kept_cost:
                alone_total += int(kept_cost.group(1))
            else:
                cells[6] = cells[6] or "not measured"
                unmeasured.append(module)
            # Its full run (timed in another checkout) still counts in the total below.
            full = re.search(r"(\d+) s \(full\)", cells[5])
            total += int(full.group(1)) if full else 0
            rows.append("| " + " | ".join(cells) + " |")
            if module in kept_sections:
                sections.append(kept_sections[module])
            continue
        value, killed, counted = score(found)
        survivors = sorted(
            name for name, status in found.items() if status not in {"killed", "timeout", "skipped", "not checked"}
        )
        unchecked = sum(status == "not checked" for status in found.values())
        note = f" (run stopped: {unchecked} of {len(found)} mutants not tried yet)" if unchecked else ""
        rows.append(
            f"| {module} | {', '.join(sources)} | {value:.1f}%{note} | {killed}/{counted} | {len(survivors)} | {took} | {cost} |"
        )
        if survivors:
            sections.append(f"\n## {module}\n")
            for name in survivors:
                why = reasons.get(module, {}).get(name, "NOT EXPLAINED: a test is missing or the reason is")
                sections.append(f"### `{name}` ({found[name]})\n\n{why}\n\n```diff\n{diff(module, name)}\n```\n")
    text = [
        "# Mutation report",
        "",
        "Written by `make mutation` (scripts/mutation.py, mutmut 3; docs/testing.md says how to read it).",
        "Score: killed (or timed out) mutants out of all mutants tried; a mutant that no test of the",
        'module\'s list calls ("no tests") counts as a survivor.',
        "",
        "| module | files | score | killed | survivors | wall time (last full run, last incremental run)"
        " | last full run in CPU time: per mutant, on 2 free cores |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"The full runs in this table together: {total} s ({total / 60:.0f} min) of wall time, {_at_a_time(at_a_time)},",
        "`nice`d (the load is the machine's over 5 minutes at the end of each module's run: above 2, the",
        "run shared the machine's two cores with other work)"
        + (
            f"; from the CPU time they used, about {alone_total} s ({alone_total / 60:.0f} min) on two cores of their own"
            + (f" for the modules measured (not measured: {', '.join(unmeasured)})." if unmeasured else ".")
            if alone_total
            else "; on two cores of their own: not measured (no module's full run has a CPU record)."
        ),
        "A module without a full time was not run in full here (an incremental run re-tests",
        "only what changed and the earlier survivors). docs/testing.md says what is measured and what not.",
        "",
        "# Surviving mutants",
        "",
        "Each with why it cannot be caught (an equivalent mutant) or why it does not matter.",
        *sections,
    ]
    REPORT.write_text("\n".join(text).rstrip() + "\n")
    print(f"Report: {REPORT.relative_to(ROOT)}")


def _at_a_time(jobs):
    """How many mutants the full runs tested at a time, as the report says it."""
    if jobs == {2}:
        return "two mutants at a time"
    if jobs == {1}:
        return "one mutant at a time"
    if None in jobs or not jobs:
        return "mutants tested one or two at a time (not recorded for every module)"
    return "mutants tested " + " or ".join(str(count) for count in sorted(jobs)) + " at a time"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help=f"default: all of {', '.join(MODULES)}")
    parser.add_argument("--check", action="store_true", help="fail when a module scores below --min-score")
    parser.add_argument("--min-score", type=float, default=90.0)
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results (var/mutation/<module>)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at a time (default 2, for 2 cores)")
    args = parser.parse_args()
    unknown = [module for module in args.modules if module not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {unknown}; known: {', '.join(MODULES)}")
    modules = args.modules or list(MODULES)
    if not args.report_only:
        for module in modules:
            if args.fresh:
                shutil.rmtree(folder_for(module), ignore_errors=True)
            run(module, args.jobs)
    failed = []
    for module in modules:
        found = results(module)
        if found is None:
            continue
        value, killed, counted = score(found)
        print(f"{module}: {value:.1f}% ({killed}/{counted} killed)")
        if value < args.min_score:
            failed.append(module)
    if not args.check:
        write_report()
    if args.check and failed:
        raise SystemExit(f"Below {args.min_score:.0f}% killed: {', '.join(failed)} (docs/mutation-report.md)")


if __name__ == "__main__":
    main()
