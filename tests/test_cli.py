"""The CLI as a user and a script see it: help for every command, import through the real entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dutyline.cli import COMMANDS, build_parser
from dutyline.demo.generator import write_csv
from dutyline.store.engine import Database


def dutyline(*args: str, env_home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DUTYLINE_HOME=str(env_home))
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
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    first = dutyline("--db", url, "demo", "--cases", "300", "--no-open", env_home=tmp_path / "h")
    assert first.returncode == 0, first.stderr
    assert "Demo ready: 300 cases" in first.stderr
    again = dutyline("--db", url, "demo", "--cases", "300", "--no-open", env_home=tmp_path / "h")
    assert again.returncode == 0 and "Reusing the demo database (300 cases)" in again.stderr
