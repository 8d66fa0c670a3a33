"""Canary leak test (docs/PRIVACY.md, C4) and file modes (C9), through the real CLI, on both backends.

One distinctive child record runs through the main flows as `dutyline` commands (run by `Runner` through the
CLI's entry point in this process, with stderr as a process would have it: warnings and unhandled log records
included; tests/test_cli.py runs every command once as a real process): a good import,
a FAILED import with the canary in its bad row, search (single and batch), case, route, the callbacks
list, retention, the audit export, and forced failures (a corrupt CSV, an unreachable database). Then
every stderr, every file under the data folder except the database itself, the audit export and the
audit table are searched for the canary's name, date of birth, phone and postcode: zero hits. (Standard
output of search and case is where the handler is meant to see the child, so it is not searched.)
"""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from dutyline.domain.import_row import COLUMNS
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Draft
from tests.cli_runner import CliResult, run_cli
from tests.store.test_import import base_row

FIRST, LAST = "Zzcanary", "Qxolotl"
DOB, PHONE, POSTCODE = "2013-02-17", "07700 900417", "SG1 4QX"
#: Every way the canary could appear in text.
NEEDLES = (
    FIRST,
    LAST,
    FIRST.lower(),
    LAST.lower(),
    FIRST.upper(),
    DOB,
    "17/02/2013",
    "17 Feb 2013",
    PHONE,
    "07700900417",
    "900417",
    POSTCODE,
    "SG14QX",
    "Sam Qxolotl",
)


def canary_row(n: int = 1) -> dict[str, str]:
    row = base_row(n)
    row.update(
        case_ref="EHC-CANARY",
        first_name=FIRST,
        last_name=LAST,
        date_of_birth=DOB,
        postcode=POSTCODE,
        district="Stevenage",
        contact1_name="Sam Qxolotl",
        contact1_phone=PHONE,
    )
    return row


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


class Runner:
    """Runs `dutyline` as the user would, under the usual umask, collecting every stderr.

    In this process by default (tests/cli_runner.py: the same stdin, stdout, stderr, home and umask a
    process would have); `real_process=True` starts `python -m dutyline` instead.
    """

    def __init__(self, home: Path, url: str | None, *, real_process: bool = False) -> None:
        self.home, self.url, self.real_process = home, url, real_process
        self.stderr: list[tuple[str, str]] = []

    def __call__(
        self, *args: str, stdin: str | None = None, url: str | None = None, ok: bool | None = True
    ) -> CliResult | subprocess.CompletedProcess[str]:
        db = url or self.url
        argv = ["--db", db, *args] if db else list(args)
        out: CliResult | subprocess.CompletedProcess[str]
        if self.real_process:
            env = dict(os.environ, DUTYLINE_HOME=str(self.home))
            env.pop("DUTYLINE_DB", None)
            out = subprocess.run(
                [sys.executable, "-m", "dutyline", *argv],
                capture_output=True,
                text=True,
                env=env,
                input=stdin,
                timeout=300,
                preexec_fn=lambda: os.umask(0o022),
            )
        else:
            out = run_cli(*argv, home=self.home, stdin=stdin)
        self.stderr.append((" ".join(args), out.stderr))
        if ok is True:
            assert out.returncode == 0, (args, out.stderr)
        elif ok is False:
            assert out.returncode != 0, args
        assert "Traceback" not in out.stderr, (args, out.stderr)
        return out


def run_flows(run: Runner, tmp: Path) -> Path:
    """The scripted scenario. Returns the audit export's path."""
    run("import", str(write_rows(tmp / "good.csv", [base_row(1), canary_row(2), base_row(3)])))
    bad = canary_row(4) | {
        "case_ref": "EHC-CANARY2",
        "date_of_birth": "17/02/2013",
        "contact1_phone": "SG1 4QX",
        "postcode": "07700 900417",
        "stage": f"{FIRST} {LAST}",
    }
    refused = run("import", str(write_rows(tmp / "bad.csv", [base_row(5), bad])), ok=False)
    assert "row 2" in refused.stderr and "nothing was imported" in refused.stderr
    corrupt = tmp / "corrupt.csv"
    corrupt.write_bytes(b"case_ref,first_name\r\nEHC-9," + f"{FIRST}\xe9".encode("cp1252") + b"\x00\xff\r\n")
    run("import", str(corrupt), ok=False)
    found = run("search", f"{FIRST} {LAST}")
    assert LAST in found.stdout, "the canary must be findable, or the flows prove nothing"
    run("search", "-", stdin=f"{FIRST}\n{PHONE}\n{DOB}\n{POSTCODE}\nnobody at all\n")
    run("search", "--json", LAST)
    run("case", "EHC-CANARY")
    run("case", "--json", "EHC-CANARY")
    run("case", "EHC-NOSUCH", ok=False)
    run("route", "--case", "EHC-CANARY", "--reason", "assessment_progress")
    run("callbacks", "list", "--status", "all")
    run("retention", "--dry-run")
    run("search", f"{FIRST} {LAST}", url="postgresql://nobody@127.0.0.1:1/nowhere", ok=False)
    run("search", f"{FIRST} {LAST}", url=f"sqlite:///{tmp}/good.csv/x.db", ok=False)  # folder is a file
    export = tmp / "audit.csv"
    head = run("audit", "export", "--since", "2000-01-01", "--out", str(export)).stdout.strip()
    assert len(head) == 64
    run("audit", "verify", "--head", head)
    return export


def is_data_store(path: Path) -> bool:
    """Files that ARE personal data by design: the SQLite database. (The search index snapshot is sealed
    with the database's key, so it is searched like everything else: no canary may show in its bytes.)"""
    return path.name.startswith("dutyline.db")


def hits(text: str) -> list[str]:
    return [n for n in NEEDLES if n in text]


def test_canary_never_leaks(db: Database, tmp_path: Path) -> None:
    home = tmp_path / "home"
    run = Runner(home, db.url)
    export = run_flows(run, tmp_path)
    for command, err in run.stderr:
        assert not hits(err), f"stderr of `dutyline {command}` leaks {hits(err)}: {err[:300]}"
    for path in home.rglob("*"):
        if path.is_file() and is_data_store(path):
            assert mode(path) == 0o600, f"{path.relative_to(home)} holds personal data but is not 0600"
        elif path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            assert not hits(text), f"{path.relative_to(home)} leaks {hits(text)}"
    exported = export.read_text(encoding="utf-8")
    assert not hits(exported)
    with open(export, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["action"] for r in rows} >= {"import", "search", "view_case", "retention"}
    for r in rows:  # ids, codes and counts only
        assert r["case_id"] == "" or r["case_id"].isdigit()
        assert all(ch.isalnum() or ch in " =_:.-+'" for ch in r["detail"]), r["detail"]
    with db.read() as s:
        for event in s.scalars(select(AuditEvent)):
            text = " ".join(
                str(v)
                for v in (event.login, event.role, event.desk, event.action, event.case_id, event.outcome, event.detail)
            )
            assert not hits(text), f"audit row {event.id} leaks {hits(text)}"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_file_modes_on_the_default_sqlite_database(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run = Runner(home, None)  # the default database in the data folder, created under umask 022
    run("import", "--create", str(write_rows(tmp_path / "good.csv", [base_row(1), canary_row(2)])))
    out = run("audit", "export", "--since", "2000-01-01")
    exports = list((home / "exports").glob("*.csv"))
    assert len(exports) == 1 and out.stdout.strip()
    db_file = home / "dutyline.db"
    database = Database(f"sqlite:///{db_file}")  # while a connection is open, -wal and -shm exist
    with database.write() as s:
        s.add(Draft(login="x", desk="probe", payload="{}"))  # any write (audit rows must follow the chain)
    companions = [db_file.with_name(db_file.name + sfx) for sfx in ("-wal", "-shm")]
    assert all(p.exists() for p in companions)
    assert {p.name: mode(p) for p in [db_file, *companions, *exports]} == {
        p.name: 0o600 for p in [db_file, *companions, *exports]
    }
    database.dispose()
    assert mode(home) == 0o700 and mode(home / "exports") == 0o700
    assert not [p for p in home.rglob("*") if p.is_file() and mode(p) & 0o077], "a file readable by others"


def test_export_file_modes_on_both_backends(db: Database, tmp_path: Path) -> None:
    run = Runner(tmp_path / "home", db.url)
    run("audit", "export", "--since", "2000-01-01")
    out = tmp_path / "mine.csv"
    out.write_text("stale, world-readable\n")
    os.chmod(out, 0o644)
    run("audit", "export", "--since", "2000-01-01", "--out", str(out))  # replaces it, private
    files = list((tmp_path / "home" / "exports").glob("*.csv")) + [out]
    assert [mode(p) for p in files] == [0o600, 0o600]
    assert mode(tmp_path / "home" / "exports") == 0o700
    assert not list(tmp_path.glob(".export-*")), "no temporary file left behind"


@pytest.mark.parametrize(
    "args",
    [
        ["audit", "export", "--since", "17/02/2013"],
        ["audit", "verify", "--head", "xyz"],
        ["retention"],
        ["staff", "add", "bad login", "--name", FIRST, "--role", "admin"],
    ],
)
def test_bad_arguments_are_one_line_without_values(tmp_path: Path, args: list[str]) -> None:
    run = Runner(tmp_path / "home", None)
    out = run(*args, ok=False)
    assert "Traceback" not in out.stderr and not hits(out.stderr)
