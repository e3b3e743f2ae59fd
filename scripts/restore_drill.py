"""Restore drill: back up, lose the database, restore it as the app's role, and prove nothing changed.

    make restore-drill        (or: .venv/bin/python scripts/restore_drill.py [--keep])

On a PRIVATE PostgreSQL cluster (scripts/private_postgres.sh, a temporary folder, another port; the
machine's shared server is never touched) with the app's own role `gedragscode` owning its
database, and the app running as in production (gunicorn from deploy/systemd/gedragscode-web.service):

1. a city (the demo organisation), acknowledgements and advice questions with attachments, all
   made through the app's pages;
2. the backup of docs/operations.md, "Backup": pg_dump as the app's role and the attachments,
   each encrypted with gpg to the backup key (public-key encryption: the machine that makes backups
   cannot read them), no plaintext left on disk;
3. more work after the backup (which the restore must undo: acknowledgements, a question, a
   leaver), seen by the running server;
4. the restore of docs/operations.md, "Restore": the database dropped, created again for the app's
   role, the dump restored AS that role (every table, sequence and view owned by it), the
   attachments put back, migrate, after_restore;
5. the checks: the audit export (`manage.py export_audit`) byte for byte as at the backup, every
   attachment's bytes as at the backup, the tables' owner, and the compliance page of the server
   that was NOT restarted showing the figures of the restored data, also after new work counts the
   figures' counter up through the value it had before the restore.

The drill leaves the server running through the restore on purpose: the documented procedure
stops it, but a forgotten server, or a failover to a replica that missed the last commits, is
what a counter that rewinds would betray. Exit code 0 when every check holds.
"""

import argparse
import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    Browser,
    Checklist,
    PrivatePostgres,
    Server,
    figures_on_page,
    manage,
    png_bytes,
    production_environment,
)

PASSWORD = "drill-wachtwoord-2026"  # noqa: S105 (throw-away accounts of a throw-away database)
ORACLE = """
from codeofconduct import figures
from codeofconduct.models import FiguresGeneration, PolicyVersion
version = PolicyVersion.objects.get(status=PolicyVersion.Status.PUBLISHED)
total = figures.city_figures(version).total
generation = FiguresGeneration.objects.get(pk=1)
print(version.pk, total.audience, total.acknowledged, generation.value)
"""
SET_PASSWORDS = f"""
from django.contrib.auth.hashers import make_password
from organisation.models import Person
Person.objects.update(password=make_password({PASSWORD!r}))
print(*Person.objects.filter(is_active=True, unit__isnull=False).order_by("pk").values_list("username", flat=True))
"""


class Drill(Checklist):
    def __init__(self, work: Path):
        super().__init__()
        self.work = work


def step(text: str) -> None:
    print(f"\n--> {text}", flush=True)


def run(command, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, **kwargs)


def shell(env, code: str) -> str:
    """What a Python snippet prints, run by `manage.py shell` in a new process (its last line)."""
    return manage(env, "shell", "--no-imports", "-v", "0", "-c", code, capture=True).strip().splitlines()[-1]


def truth(env) -> dict:
    """The figures as a new process counts them from the database (no copy of anyone's)."""
    version, audience, acknowledged, counter = shell(env, ORACLE).split()
    return {
        "version": int(version),
        "audience": int(audience),
        "acknowledged": int(acknowledged),
        "counter": int(counter),
    }


def shown(editor: Browser) -> dict:
    status, _, page = editor.request("GET", "/gedragscode/naleving/")
    if status != 200:
        raise SystemExit(f"the compliance page answered {status}")
    figures = figures_on_page(page)
    return {"audience": int(figures["audience"]), "acknowledged": int(figures["acknowledged"].split()[0])}


def attachments(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def pipeline(command: str, env=None) -> None:
    """A documented shell pipeline (fixed paths, no input from outside), failing if any part fails."""
    subprocess.run(["bash", "-o", "pipefail", "-c", command], check=True, env=env)


def gpg(home: Path, *args, **kwargs):
    return run(["gpg", "--homedir", str(home), "--batch", "--yes", "--quiet", *args], **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, backup files)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gedragscode-drill."))
    os.chmod(work, 0o755)  # noqa: S103 (the cluster's own user must reach its folder)
    drill = Drill(work)
    pg = PrivatePostgres(work / "pg")
    server = other = None
    media = work / "private"
    media.mkdir()
    try:
        step(f"A private PostgreSQL cluster on 127.0.0.1:{pg.port}, the app's role owning its database")
        pg.start()
        pg.create_app_database()
        env = production_environment(pg.url("gedragscode", "gedragscode"), PRIVATE_MEDIA_ROOT=media)
        manage(env, "collectstatic", "--noinput", "-v", "0")
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo", "--force", "-v", "0")
        people = shell(env, SET_PASSWORDS).split()
        # Two app servers on the database, one worker each: each one's copy of the figures is the one checked.
        server = Server(env, workers=1, log=work / "gunicorn.log")
        server.start()
        other = Server(env, workers=1, log=work / "gunicorn-other.log")
        other.start()
        print(f"gunicorn as deploy/systemd/gedragscode-web.service starts it, on :{server.port} and :{other.port}")

        step("Work through the pages: acknowledgements and questions with attachments")
        before = truth(env)
        version = before["version"]
        editor = Browser(server.port)
        editor.sign_in("redactie", PASSWORD)
        colleagues = [name for name in people if name not in {"redactie", "admin", "integriteit"}]
        first, later, replay = colleagues[:10], colleagues[10:18], colleagues[18:40]
        for index, username in enumerate(first):
            browser = Browser(server.port)
            browser.sign_in(username, PASSWORD)
            assert browser.acknowledge(version) == 302
            if index < 3:
                status, location = browser.ask(f"drill-voor-{index}", png_bytes(index))
                assert status == 302 and "/advies/vragen/" in location, (status, location)
        drill.check(
            shown(editor) == {k: truth(env)[k] for k in ("audience", "acknowledged")},
            "the page shows the database's figures",
        )

        step("Backup, encrypted to the backup key (docs/operations.md, Backup)")
        backups = work / "backups"
        backups.mkdir()
        keys = work / "gnupg"
        keys.mkdir(mode=0o700)
        gpg(
            keys,
            "--passphrase",
            "",
            "--quick-generate-key",
            "backup@gedragscode.invalid",
            "default",
            "default",
            "never",
        )
        database_url = env["DATABASE_URL"]
        stamp = time.strftime("%Y-%m-%d")
        dump = backups / f"gedragscode-{stamp}.dump.gpg"
        archive = backups / f"attachments-{stamp}.tar.gz.gpg"
        # The documented commands: nothing unencrypted ever touches the disk.
        pipeline(
            f'pg_dump --format=custom --no-owner --no-privileges "$DATABASE_URL" '
            f"| gpg --homedir {keys} --batch --quiet --encrypt --recipient backup@gedragscode.invalid --output {dump}",
            env={**env, "DATABASE_URL": database_url},
        )
        pipeline(
            f"tar -C {media} -czf - . "
            f"| gpg --homedir {keys} --batch --quiet --encrypt --recipient backup@gedragscode.invalid --output {archive}",
        )
        at_backup = truth(env)
        audit_at_backup = manage(env, "export_audit", "--format", "jsonl", capture=True)
        files_at_backup = attachments(media)
        drill.check(len(files_at_backup) == 3, "three attachments stored", str(len(files_at_backup)))
        drill.check(b"Janssens" not in dump.read_bytes(), "the dump on disk is encrypted (no name readable)")
        drill.check(not list(backups.glob("*.dump")) and not list(backups.glob("*.tar.gz")), "no plaintext backup left")

        step("More work after the backup, seen by the running server (the restore undoes it)")
        for index, username in enumerate(later):
            browser = Browser(server.port)
            browser.sign_in(username, PASSWORD)
            assert browser.acknowledge(version) == 302
            if index == 0:
                browser.ask("drill-na-backup", png_bytes(99))
        # And one of them leaves. People's own acknowledgements reach the figures within
        # COMPLIANCE_FIGURES_MAX_AGE_SECONDS (docs/performance.md); a leaver moves the counter at once,
        # so the server's next page counts all of this work, and the restore has a counter to rewind.
        leaver = f"""
from organisation.models import Person
Person.objects.get(username={later[-1]!r}).deactivate()
print("left")
"""
        shell(env, leaver)
        after_work = truth(env)
        drill.check(shown(editor) == {k: after_work[k] for k in ("audience", "acknowledged")}, "the server shows it")
        other_editor = Browser(other.port)
        other_editor.sign_in("redactie", PASSWORD)
        drill.check(
            shown(other_editor) == {k: after_work[k] for k in ("audience", "acknowledged")}, "the other server too"
        )
        print(f"figures' counter: {at_backup['counter']} at the backup, {after_work['counter']} before the restore")

        step("Restore as the app's role (docs/operations.md, Restore); the server keeps running")
        pg.psql("DROP DATABASE gedragscode WITH (FORCE)")
        pg.psql("CREATE DATABASE gedragscode OWNER gedragscode")
        pipeline(
            f"gpg --homedir {keys} --batch --quiet --decrypt {dump} "
            '| pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL"',
            env={**env, "DATABASE_URL": database_url},
        )
        shutil.rmtree(media)
        media.mkdir()
        pipeline(f"gpg --homedir {keys} --batch --quiet --decrypt {archive} | tar -C {media} -xzf -")
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "after_restore")

        step("Checks after the restore")
        owners = pg.psql(
            "SELECT string_agg(DISTINCT pg_get_userbyid(c.relowner), ',') FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r','S','v','i')",
            database="gedragscode",
        )
        drill.check(owners == "gedragscode", "every table, sequence and index is owned by the app's role", owners)
        drill.check(
            manage(env, "export_audit", "--format", "jsonl", capture=True) == audit_at_backup,
            "the audit export is byte for byte the one at the backup",
        )
        drill.check(attachments(media) == files_at_backup, "every attachment's bytes are those at the backup")
        restored = truth(env)
        drill.check(
            {k: restored[k] for k in ("audience", "acknowledged")}
            == {k: at_backup[k] for k in ("audience", "acknowledged")},
            "the restored figures are those at the backup",
        )
        editor = Browser(server.port)  # after_restore ended every session
        editor.sign_in("redactie", PASSWORD)
        drill.check(
            shown(editor) == {k: restored[k] for k in ("audience", "acknowledged")},
            "the server, not restarted, shows the restored figures",
            f"{shown(editor)} vs {restored}",
        )
        # Work goes on, other work than before the restore: leavers are deactivated (the audience shrinks,
        # one change each) until the counter is back at the value the servers' copies of the figures were
        # filed under. The other server's page is not opened in between.
        now = truth(env)
        leave = f"""
from codeofconduct.models import FiguresGeneration
from organisation.models import Person
leavers = Person.objects.filter(is_active=True, unit__isnull=False, username__in={replay!r}).order_by("pk")
for person in leavers[: {after_work["counter"] - now["counter"]}]:
    person.deactivate()
print(FiguresGeneration.objects.get(pk=1).value)
"""
        shell(env, leave)
        now = truth(env)
        drill.check(
            now["counter"] == after_work["counter"],
            f"new work brought the counter back to {after_work['counter']}, the value of the servers' copies",
            str(now["counter"]),
        )
        other_editor = Browser(other.port)
        other_editor.sign_in("redactie", PASSWORD)
        expected = {k: now[k] for k in ("audience", "acknowledged")}
        drill.check(
            shown(other_editor) == expected,
            "the other server, not restarted, shows the database's figures",
            f"page {shown(other_editor)}, database {expected}",
        )
        drill.check(shown(editor) == expected, "and so does the first", f"page {shown(editor)}, database {expected}")
        print(f"\nrestore drill: {drill.passed} checks passed, {len(drill.failures)} failed")
        return 1 if drill.failures else 0
    finally:
        for running in (server, other):
            if running is not None:
                running.stop()
        with contextlib.suppress(subprocess.CalledProcessError):
            pg.stop()
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
