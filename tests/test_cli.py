"""The CLI as a user and a script see it: help for every command, import, errors, and one real process per
command.

Most tests call the CLI in this process (tests/cli_runner.py, a second each saved); the real-process tests at
the end run `python -m dutyline` once per command, for what only a process shows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dutyline.cli import COMMANDS, build_parser
from dutyline.demo.generator import write_csv
from dutyline.services.context import os_login
from dutyline.store.engine import Database
from tests.cli_runner import CliResult, run_cli


def dutyline(*args: str, env_home: Path, stdin: str | None = None) -> CliResult:
    return run_cli(*args, home=env_home, stdin=stdin)


def real_dutyline(*args: str, env_home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m dutyline ARGS` in its own process, as a user's shell would run it."""
    env = dict(os.environ, DUTYLINE_HOME=str(env_home))
    env.pop("DUTYLINE_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "dutyline", *args], capture_output=True, text=True, env=env, input=stdin, timeout=300
    )


def test_every_command_has_help(tmp_path: Path) -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices is not None
    names = sorted(sub.choices)
    assert len(names) == len(COMMANDS)  # every command module registered (cmd_run adds "run")
    top = dutyline("--help", env_home=tmp_path)
    assert top.returncode == 0 and "--db URL" in top.stdout
    for name in names:
        out = dutyline(name, "--help", env_home=tmp_path)
        assert out.returncode == 0, name
        assert "usage: dutyline" in out.stdout and len(out.stdout) > 200, name


def test_import_and_reimport_through_the_cli(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    write_csv(path, 2000)
    first = dutyline("--db", db.url, "import", str(path), env_home=tmp_path / "home")
    assert first.returncode == 0, first.stderr
    assert "Imported 2000 rows: 2000 added, 0 updated, 0 unchanged." in first.stdout
    second = dutyline("--db", db.url, "import", str(path), env_home=tmp_path / "home")
    assert second.returncode == 0, second.stderr
    assert "Imported 2000 rows: 0 added, 0 updated, 2000 unchanged." in second.stdout
    assert "[" not in second.stderr  # no progress bar on a pipe


def test_refused_import_exits_nonzero_without_values(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    write_csv(path, 30)
    lines = path.read_text().splitlines()
    fields = lines[5].split(",")
    fields[4] = "2099-01-01"  # date_of_birth in the future
    lines[5] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")
    out = dutyline("--db", db.url, "import", str(path), env_home=tmp_path / "home")
    assert out.returncode == 1
    assert "row 5 (line 6): date_of_birth: is in the future" in out.stderr
    assert "2099-01-01" not in out.stderr and "nothing was imported" in out.stderr


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    out = dutyline("--db", "postgresql://nobody@127.0.0.1:1/none", "import", "x.csv", env_home=tmp_path)
    assert out.returncode == 2
    assert out.stderr.startswith("dutyline: cannot open the database") and "Traceback" not in out.stderr


@pytest.mark.parametrize("cases", ["0"])
def test_demo_rejects_nonsense_size(tmp_path: Path, cases: str) -> None:
    out = dutyline("demo", "--cases", cases, "--no-open", env_home=tmp_path)
    assert out.returncode == 2 and "--cases" in out.stderr


def test_demo_builds_once_then_reuses(tmp_path: Path) -> None:
    """Also `demo`'s real-process smoke test (the other commands' is the next test)."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    first = real_dutyline("--db", url, "demo", "--cases", "300", "--no-open", env_home=tmp_path / "h")
    assert first.returncode == 0, first.stderr
    assert "Demo ready: 300 cases" in first.stderr
    again = dutyline("--db", url, "demo", "--cases", "300", "--no-open", env_home=tmp_path / "h")
    assert again.returncode == 0 and "Reusing the demo database (300 cases)" in again.stderr


def test_every_command_runs_as_a_real_process(tmp_path: Path) -> None:
    """One real `python -m dutyline` process per command (`demo` has its own above): the entry point, exit
    codes as the shell sees them, and nothing the interpreter prints at exit (a traceback, a warning)."""
    home, data = tmp_path / "home", tmp_path / "cases.csv"
    write_csv(data, 40)
    ref = data.read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    db = ["--db", f"sqlite:///{tmp_path / 'smoke.db'}"]
    me = os_login()
    roles = [arg for role in ("admin", "team_manager", "duty_officer", "quality_reviewer") for arg in ("--role", role)]
    steps = [
        ("init", [*db, "init"], "dutyline database"),
        ("run", [*db, "run"], "no cases"),  # an empty database: instructions, not the app
        ("staff", [*db, "staff", "add", me, "--name", "Smoke Test", *roles, "--team", "front_door"], me),
        ("import", [*db, "import", str(data)], "Imported 40 rows"),
        ("search", [*db, "search", "smith", "--json"], "["),
        ("case", [*db, "case", ref], ref),
        ("call", [*db, "call", "list", ref], "No calls logged on this case in sqlite:///"),
        ("route", [*db, "route", "--reason", "new_request"], "front_door"),
        ("callbacks", [*db, "callbacks", "list"], ""),
        ("report", [*db, "report", "promises", "--all", "--json"], "{"),
        ("quality", [*db, "quality", "mine"], ""),
        ("audit", [*db, "audit", "verify"], ""),
        ("retention", [*db, "retention", "--dry-run"], ""),
        ("security", [*db, "security", "sql"], "GRANT SELECT"),
        ("policy", [*db, "policy", "show"], "[teams.front_door]"),
    ]
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices is not None
    assert {name for name, _args, _out in steps} | {"demo"} == set(sub.choices), "one step per command"
    for name, args, expected in steps:
        out = real_dutyline(*args, env_home=home)
        assert out.returncode == 0, (name, out.stderr)
        assert "Traceback" not in out.stderr and "Warning" not in out.stderr, (name, out.stderr)
        assert expected in out.stdout + out.stderr, (name, out.stdout, out.stderr)


def test_commands_that_find_nothing_say_which_database_they_looked_in(tmp_path: Path) -> None:
    """A wrong --db must not pass for "nothing there": like search, staff list, audit export and retention
    name the database on stderr when they find nothing."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert run_cli("--db", url, "init").returncode == 0
    staff = run_cli("--db", url, "staff", "list")
    assert staff.returncode == 0 and f"No staff in {url}" in staff.stderr
    retention = run_cli("--db", url, "retention", "--dry-run")
    assert retention.returncode == 0 and f"Nothing due in {url}" in retention.stderr
    export = run_cli("--db", url, "audit", "export", "--since", "2999-01-01", "--out", str(tmp_path / "a.csv"))
    assert export.returncode == 0 and f"No audit rows since 2999-01-01 in {url}" in export.stderr
