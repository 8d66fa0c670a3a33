"""Attack: change the shared policy without being an administrator (issue 11, point 4).

On the old code `--policy FILE` wrote the shared `team` table at every desk start with no permission
check and no audit row (a handler could change the safeguarding inbox), desks with different files
overwrote each other, a 60 MB file was accepted, a deeply nested TOML gave "unexpected error
(RecursionError)", a FIFO hung, and MANAGE_POLICY was never checked. Each test fails on that code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dutyline.cli import main
from dutyline.services.context import os_login
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Team
from dutyline.store.tables_policy import PolicyVersion
from tests.cli_runner import CliResult, run_cli
from tests.contexts import make_context, uow

POLICY = Path(__file__).resolve().parents[2] / "dutyline" / "policy" / "hertfordshire.toml"
SAFEGUARDING_INBOX = "attacker@example.com"


def hostile_policy(tmp_path: Path) -> Path:
    """The built-in policy with every team's inbox pointed at the attacker."""
    text = POLICY.read_text(encoding="utf-8")
    text = "\n".join(
        f'inbox = "{SAFEGUARDING_INBOX}"' if line.startswith("inbox = ") else line for line in text.splitlines()
    )
    path = tmp_path / "mine.toml"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def inboxes(db: Database) -> set[str]:
    with db.read() as s:
        return set(s.scalars(select(Team.inbox)))


def versions(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(PolicyVersion)) or 0)


def as_handler(db: Database) -> None:
    """This process's login becomes a call handler; someone else is the administrator."""
    from dutyline.domain.model import Role
    from dutyline.services import staff
    from dutyline.services.context import Actor

    root = make_context(db, actor=Actor(login="boss", roles=frozenset({Role.ADMIN})))
    staff.add_staff(root, "boss", "Boss", ["admin"])
    staff.add_staff(root, os_login(), "Me", ["call_handler"])


def with_teams(db: Database) -> Database:
    """The teams `dutyline init` gives a new database (the test templates are migrated, not init-ed)."""
    from dutyline.domain.policy import load_policy
    from dutyline.services.teams import sync_teams

    sync_teams(uow(db), load_policy(None))
    return db


def test_a_new_database_has_the_built_in_policy_as_version_1(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "--db", db.url, "policy", "show")
    assert code == 0 and "policy version 1" in err and "[teams.resolution]" in out
    assert versions(db) == 1
    new = f"sqlite:///{tmp_path / 'new.db'}"
    assert cli(capsys, "--db", new, "init")[0] == 0
    fresh = Database(new)
    try:
        assert versions(fresh) == 1 and "SENDResolutions@hertfordshire.gov.uk" in inboxes(fresh)
    finally:
        fresh.dispose()


def test_non_admin_apply_is_refused_audited_and_changes_nothing(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    as_handler(db)
    before = inboxes(db)
    code, _out, err = cli(capsys, "--db", db.url, "policy", "apply", str(hostile_policy(tmp_path)))
    assert code == 2 and "not allowed" in err
    assert inboxes(db) == before and versions(db) == 1
    with db.read() as s:
        refused = s.scalars(select(AuditEvent.outcome).where(AuditEvent.action == "manage_policy")).all()
    assert refused == ["refused"]


def test_admin_apply_is_stored_audited_with_hash_and_size(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashlib

    assert cli(capsys, "--db", db.url, "staff", "add", os_login(), "--name", "Me", "--role", "admin")[0] == 0
    path = hostile_policy(tmp_path)
    code, out, _err = cli(capsys, "--db", db.url, "policy", "apply", str(path))
    assert code == 0 and "policy version 2" in out
    assert inboxes(db) == {SAFEGUARDING_INBOX}
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with db.read() as s:
        details = s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "manage_policy")).all()
    assert details == [f"version=2 sha256={digest} bytes={path.stat().st_size}"]
    assert cli(capsys, "--db", db.url, "policy", "diff", str(path))[0] == 0
    assert cli(capsys, "--db", db.url, "policy", "diff", str(POLICY))[0] == 1


def test_a_desk_start_with_its_own_policy_never_writes_the_team_table(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_teams(db)
    before = inboxes(db)
    code, out, err = cli(
        capsys, "--db", db.url, "--policy", str(hostile_policy(tmp_path)), "route", "--reason", "complaint"
    )
    assert inboxes(db) == before and versions(db) == 1
    if db.is_postgres:  # a shared database: a desk's own file is refused outright
        assert code == 2 and "SQLite desk only" in err and "policy apply" in err
    else:  # one person's own file: used for this run, the shared table untouched
        assert code == 0 and SAFEGUARDING_INBOX in out


def test_a_desk_policy_naming_unknown_teams_is_refused_not_inserted(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "extra.toml"
    path.write_text(POLICY.read_text(encoding="utf-8") + '\n[teams.shadow]\nname = "Shadow"\ninbox = "x@example.com"\n')
    code, _out, err = cli(capsys, "--db", sqlite_db.url, "--policy", str(path), "route", "--reason", "complaint")
    assert code == 2 and "shadow" in err and "policy apply" in err
    with sqlite_db.read() as s:
        assert s.scalar(select(Team.id).where(Team.code == "shadow")) is None


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DUTYLINE_HOME=str(tmp_path / "home"))
    return subprocess.run(
        [sys.executable, "-m", "dutyline", *args], capture_output=True, text=True, env=env, timeout=60
    )


def _run_here(tmp_path: Path, *args: str) -> CliResult:
    return run_cli(*args, home=tmp_path / "home")


def test_fifo_device_huge_and_deep_files_are_refused_clearly(sqlite_db: Database, tmp_path: Path) -> None:
    fifo = tmp_path / "policy.fifo"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.toml"
    huge.write_text("# padding\n" * 200_000)  # 2 MB
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    dotted = tmp_path / "dotted.toml"
    dotted.write_text(".".join(f"k{i}" for i in range(3000)) + " = 1\n")
    cases = [(fifo, "not a regular file"), ("/dev/zero", "not a regular file"), (huge, "at most 1,000,000")]
    cases += [(deep, "more than 16 deep"), (dotted, "more than 16 deep")]
    for path, reason in cases:
        # The FIFO runs in a real process with a timeout, so a regression that hangs on it fails the test
        # instead of the worker; the other files are read in this process (a second saved per command).
        run = _run if path == fifo else _run_here
        out = run(tmp_path, "--db", sqlite_db.url, "--policy", str(path), "route", "--reason", "complaint")
        assert out.returncode == 2 and reason in out.stderr, (path, out.stderr)
        assert "unexpected error" not in out.stderr
        out = run(tmp_path, "--db", sqlite_db.url, "policy", "apply", str(path))
        assert out.returncode == 2 and reason in out.stderr, (path, out.stderr)
