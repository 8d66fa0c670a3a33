"""Hostile text (markup, terminal escapes, bidi overrides, 100k characters) through the paths this module
owns: the sanitiser, CSV exports, the staff CLI output, and import -> audit export / retention output.
Nothing may crash, and nothing may be interpreted: no ESC, C1 or bidi control reaches a terminal, and no
exported cell starts a spreadsheet formula (docs/PRIVACY.md, C1 to C3). The UI's half is tested with it.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dutyline.cli import cmd_retention, cmd_staff
from dutyline.domain.import_row import COLUMNS
from dutyline.domain.model import Role
from dutyline.domain.text import one_line, sanitize
from dutyline.services import audit_trail, retention, staff
from dutyline.services.context import Actor
from dutyline.services.export import FORMULA_TRIGGERS, safe_cell, unguard_cell, write_csv
from dutyline.services.importer import ImportRejected, import_cases
from dutyline.store.engine import Database
from tests.contexts import make_context
from tests.store.test_import import base_row

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
NASTY = [
    "[@click=app.quit]Amy[/]",
    "[/]",
    "[b]bold[/b]",
    "[link=https://evil.example]x[/link]",
    "\\[escaped]",
    "\x1b]0;pwned title\x07",
    "\x1b[2J\x1b[H",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x9b2J",
    "\x1b]8;;http://x\x1b\\",
    "\u202eevil\u202c",
    "\u2066iso\u2069",
    "\u200bzero\u200d",
    "\x00\x01\x7f\x85",
    '=HYPERLINK("x")',
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\r\n",
    "O'Brien-Smith",
    "Zoë",
    "👩‍👧",
]
hostile = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=20)), max_size=8).map("".join)
#: What must never reach a terminal: C0 except TAB/LF, DEL, C1, bidi embeddings/overrides/isolates.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BIG = ("[@click=app.quit]\x1b[2J\u202e" + "A" * 997) * 100  # 100,000 characters


@given(hostile)
@example(BIG)
def test_sanitize_is_idempotent_and_removes_every_control(text: str) -> None:
    for multiline in (False, True):
        once = sanitize(text, multiline=multiline)
        assert sanitize(once, multiline=multiline) == once
        assert not FORBIDDEN.search(once)
        assert "\x1b" not in once and "\r" not in once
        if not multiline:
            assert "\n" not in once and "\t" not in once
    assert one_line(one_line(text)) == one_line(text)


@given(st.lists(st.lists(st.one_of(hostile, st.integers(), st.none()), min_size=1, max_size=4), max_size=6))
@example([[BIG, "=1"]])
@example([["'=", "''+1", "'quoted"]])  # a value's own leading quote must survive the guard's removal
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_csv_export_guards_every_cell_and_round_trips(tmp_path: Path, rows: list[list[object]]) -> None:
    path = tmp_path / "out.csv"
    assert write_csv(path, ["a", "b", "c", "d"], rows) == len(rows)
    old_limit = csv.field_size_limit(10 * len(BIG))  # the importer lowers this process-wide limit
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            back = list(csv.reader(fh))
    finally:
        csv.field_size_limit(old_limit)
    assert len(back) == len(rows) + 1
    for written, read in zip(rows, back[1:], strict=True):
        for value, cell in zip(written, read, strict=True):
            assert not cell.startswith(FORMULA_TRIGGERS), repr(cell)
            original = "" if value is None else str(value)
            assert unguard_cell(cell) == original.replace("\0", "")
    raw = path.read_bytes()
    assert raw.startswith(b'"a","b","c","d"\r\n') and raw.endswith(b'"\r\n')


def test_safe_cell_examples() -> None:
    assert [safe_cell(v) for v in ("=1+1", "+44 7700", "-2", "@x", "\tx", "\rx", "\0=1", "ok", None, 7)] == [
        "'=1+1",
        "'+44 7700",
        "'-2",
        "'@x",
        "'\tx",
        "'\rx",
        "'=1",
        "ok",
        "",
        "7",
    ]
    assert unguard_cell("'=1") == "=1" and unguard_cell("'quoted") == "'quoted"


def test_every_field_is_quoted(tmp_path: Path) -> None:
    write_csv(tmp_path / "x.csv", ["n", "note"], [[1, None], [-2, "a,b\r\nc"]])
    assert (tmp_path / "x.csv").read_bytes() == b'"n","note"\r\n"1",""\r\n"\'-2","a,b\r\nc"\r\n'


_logins = itertools.count()


@given(name=hostile.filter(lambda s: one_line(s) != ""))
@example(name=BIG)
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_staff_names_reach_the_cli_as_plain_text(sqlite_only_db: Database, name: str) -> None:
    ctx = make_context(sqlite_only_db, actor=Actor(login="root", roles=frozenset({Role.ADMIN})), clock=lambda: NOW)
    login = f"u{next(_logins)}"
    info = staff.add_staff(ctx, login, name, ["call_handler"])
    assert info.display_name == one_line(name)[:200]
    people = staff.list_staff(ctx)
    for as_json in (False, True):
        text = cmd_staff.format_staff(people, as_json=as_json)
        assert not FORBIDDEN.search(text) and login in text


@given(first=hostile, last=hostile)
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_hostile_import_then_export_and_retention_output(
    sqlite_only_db: Database, tmp_path: Path, first: str, last: str
) -> None:
    ctx = make_context(sqlite_only_db, actor=Actor(login="root", roles=frozenset({Role.ADMIN})), clock=lambda: NOW)
    n = next(_logins)
    path = tmp_path / f"in{n}.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerow(base_row(n) | {"first_name": first, "last_name": last, "contact1_name": first + last})
    try:
        import_cases(ctx, path)
    except ImportRejected as exc:
        assert all(not FORBIDDEN.search(str(p)) for p in exc.report.problems)
    export = tmp_path / f"audit{n}.csv"
    audit_trail.export(ctx, NOW - dt.timedelta(days=1), export)
    exported = export.read_text(encoding="utf-8")
    assert not FORBIDDEN.search(exported.replace("\r\n", "\n"))
    for part in (one_line(first), one_line(last)):
        if len(part) >= 4 and not part.isdigit():
            assert part not in exported, "the audit export holds ids and counts, never names"
    lines = cmd_retention.report_lines(retention.plan(ctx), applied=False)
    assert not FORBIDDEN.search("\n".join(lines))


@pytest.fixture
def sqlite_only_db(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Database:
    """One SQLite database for all examples of a test (Hypothesis reruns the body, not the fixture)."""
    import shutil

    target = tmp_path_factory.mktemp("hostile") / "dutyline.db"
    shutil.copyfile(sqlite_template, target)
    database = Database(f"sqlite:///{target}")
    root = make_context(database, actor=Actor(login="root", roles=frozenset({Role.ADMIN})))
    staff.add_staff(root, "root", "Root", ["admin"])  # the admin the examples' staff are added beside
    return database
