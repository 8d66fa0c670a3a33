"""Issue 11, point 3 on SQLite: every tampering path the issue reproduced is caught by `audit verify`."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import syslog
from pathlib import Path

import pytest
from sqlalchemy import text

from dutyline.domain.model import Role
from dutyline.domain.permissions import Action
from dutyline.services import audit_anchor, audit_trail
from dutyline.services.context import Actor, Context
from dutyline.store.engine import Database
from dutyline.store.tables import Staff
from dutyline.store.uow import SqlWork
from tests.contexts import db_of, make_context


@pytest.fixture
def ctx(sqlite_db: Database) -> Context:
    context = make_context(sqlite_db, actor=Actor(login="ada", roles=frozenset({Role.ADMIN}), desk="d1"))
    with sqlite_db.write() as s:
        s.add(Staff(login="ada", display_name="Ada", roles="admin"))
        for i in range(6):
            context.audit(SqlWork(s), Action.VIEW_CASE, case_id=i + 1)
    return context


def raw(db: Database, *sql: str) -> None:
    with db.engine.begin() as conn:
        for statement in sql:
            conn.exec_driver_sql(statement)


DROP_GUARDS = ("DROP TRIGGER audit_event_no_delete", "DROP TRIGGER audit_event_no_update")


def test_deleting_every_row_is_not_intact(ctx: Context) -> None:
    raw(db_of(ctx), *DROP_GUARDS, "DELETE FROM audit_event")
    report = audit_trail.verify(ctx)
    assert not report.ok and "rows were removed" in report.summary()


def test_deleting_every_row_and_the_head_is_still_caught(ctx: Context) -> None:
    raw(
        db_of(ctx),
        *DROP_GUARDS,
        "DROP TRIGGER audit_head_no_delete",
        "DELETE FROM audit_event",
        "UPDATE audit_head SET seq = 0, hash = '" + "0" * 64 + "'",
    )
    summary = audit_trail.verify(ctx).summary()
    assert "BROKEN" in summary and "the trail is empty but the database has been used" in summary


def test_rows_after_the_last_export_are_covered_by_the_next_anchor(ctx: Context, tmp_path: Path) -> None:
    anchors = tmp_path / "anchors.log"
    audit_anchor.record_anchor(ctx, str(anchors))
    with db_of(ctx).write() as s:
        for i in range(3):
            ctx.audit(SqlWork(s), Action.VIEW_CASE, case_id=100 + i)
    second = audit_anchor.record_anchor(ctx, str(anchors))
    assert audit_trail.verify(ctx, anchors=audit_anchor.read_anchors(anchors)).ok
    # cut everything after the first anchor and make the head record agree: only the anchors notice
    first = audit_anchor.read_anchors(anchors)[0]
    raw(db_of(ctx), *DROP_GUARDS, f"DELETE FROM audit_event WHERE seq > {first.seq}")
    raw(db_of(ctx), f"UPDATE audit_head SET seq = {first.seq}, hash = '{first.hash}'")
    report = audit_trail.verify(ctx, anchors=audit_anchor.read_anchors(anchors))
    assert not report.ok and f"(seq {second.seq}) is beyond the trail's end" in report.summary()


def test_the_syslog_anchor_target_logs_to_authpriv_and_its_copied_lines_verify(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DUTYLINE_AUDIT_ANCHOR=syslog: the anchor goes to syslog (AUTHPRIV, NOTICE, tag dutyline-audit), and
    a copy of those lines as syslog writes them (with its prefix) is what `verify --anchors` reads."""
    sent: list[tuple[str, int, int, str]] = []
    opened: list[tuple[str, int]] = []
    monkeypatch.setattr(syslog, "openlog", lambda ident, opt, facility: opened.append((ident, facility)))
    monkeypatch.setattr(syslog, "syslog", lambda prio, msg: sent.append(("", 0, prio, msg)))
    anchor = audit_anchor.record_anchor(ctx, audit_anchor.SYSLOG)
    assert opened == [("dutyline-audit", syslog.LOG_AUTHPRIV)]
    assert [(prio, msg.count("\n")) for _, _, prio, msg in sent] == [(syslog.LOG_NOTICE, 0)]
    assert f'"seq": {anchor.seq}' in sent[0][3] and anchor.hash in sent[0][3]
    assert not list(tmp_path.glob("syslog*")), "no file named 'syslog' is written instead"
    copy = tmp_path / "authpriv.log"
    copy.write_text(f"Dec  6 18:00:01 deskhost dutyline-audit[4242]: {sent[0][3]}\n", encoding="utf-8")
    assert audit_anchor.read_anchors(copy) == [anchor]
    assert audit_trail.verify(ctx, anchors=audit_anchor.read_anchors(copy)).ok
    raw(db_of(ctx), *DROP_GUARDS, f"DELETE FROM audit_event WHERE seq >= {anchor.seq}")
    raw(
        db_of(ctx),
        f"UPDATE audit_head SET seq = {anchor.seq - 1}, hash = (SELECT hash FROM audit_event "
        f"WHERE seq = {anchor.seq - 1})",
    )
    report = audit_trail.verify(ctx, anchors=audit_anchor.read_anchors(copy))
    assert not report.ok and f"(seq {anchor.seq}) is beyond the trail's end" in report.summary()


def test_a_dropped_trigger_is_reported_then_restored_and_audited_at_start(ctx: Context, tmp_path: Path) -> None:
    raw(db_of(ctx), "DROP TRIGGER audit_event_no_update")
    report = audit_trail.verify(ctx)
    assert not report.ok and "audit_event_no_update is missing" in report.summary()
    env = dict(os.environ, DUTYLINE_HOME=str(tmp_path / "home"))
    env.pop("DUTYLINE_DB", None)
    out = subprocess.run(
        [sys.executable, "-m", "dutyline", "--db", db_of(ctx).url, "audit", "verify"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "audit_event_no_update was missing and has been restored" in out.stderr
    with db_of(ctx).read() as s:
        row = s.execute(text("SELECT action, detail FROM audit_event WHERE action = 'restore_trigger'")).first()
    assert row is not None and row.detail == "trigger=audit_event_no_update"
    assert audit_trail.verify(ctx).ok


def test_a_junk_timestamp_is_a_clear_finding(ctx: Context) -> None:
    raw(db_of(ctx), *DROP_GUARDS, "UPDATE audit_event SET ts = 'not a time' WHERE seq = 3")
    report = audit_trail.verify(ctx)
    assert not report.ok and "not a valid timestamp" in report.summary()


def test_a_row_inserted_out_of_sequence_is_refused_by_the_file(ctx: Context) -> None:
    with pytest.raises(Exception, match="does not follow the chain head"), db_of(ctx).engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_event (ts, login, role, desk, action, outcome, detail, prev_hash, hash, seq) "
                "VALUES (:ts, 'root', 'admin', 'x', 'set_roles', 'ok', '', :p, :h, 99)"
            ),
            {"ts": dt.datetime.now(dt.UTC), "p": "0" * 64, "h": "f" * 64},
        )
