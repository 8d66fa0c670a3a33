"""Issue 11, point 3 on SQLite: every tampering path the issue reproduced is caught by `audit verify`."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from dutyline.domain.model import Role
from dutyline.domain.permissions import Action
from dutyline.services import audit_anchor, audit_trail
from dutyline.services.context import Actor, Context
from dutyline.store.engine import Database
from dutyline.store.tables import Staff


@pytest.fixture
def ctx(sqlite_db: Database) -> Context:
    context = Context(db=sqlite_db, actor=Actor(login="ada", roles=frozenset({Role.ADMIN}), desk="d1"))
    with sqlite_db.write() as s:
        s.add(Staff(login="ada", display_name="Ada", roles="admin"))
        for i in range(6):
            context.audit(s, Action.VIEW_CASE, case_id=i + 1)
    return context


def raw(db: Database, *sql: str) -> None:
    with db.engine.begin() as conn:
        for statement in sql:
            conn.exec_driver_sql(statement)


DROP_GUARDS = ("DROP TRIGGER audit_event_no_delete", "DROP TRIGGER audit_event_no_update")


def test_deleting_every_row_is_not_intact(ctx: Context) -> None:
    raw(ctx.db, *DROP_GUARDS, "DELETE FROM audit_event")
    report = audit_trail.verify(ctx)
    assert not report.ok and "rows were removed" in report.summary()


def test_deleting_every_row_and_the_head_is_still_caught(ctx: Context) -> None:
    raw(
        ctx.db,
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
    with ctx.db.write() as s:
        for i in range(3):
            ctx.audit(s, Action.VIEW_CASE, case_id=100 + i)
    second = audit_anchor.record_anchor(ctx, str(anchors))
    assert audit_trail.verify(ctx, anchors=audit_anchor.read_anchors(anchors)).ok
    # cut everything after the first anchor and make the head record agree: only the anchors notice
    first = audit_anchor.read_anchors(anchors)[0]
    raw(ctx.db, *DROP_GUARDS, f"DELETE FROM audit_event WHERE seq > {first.seq}")
    raw(ctx.db, f"UPDATE audit_head SET seq = {first.seq}, hash = '{first.hash}'")
    report = audit_trail.verify(ctx, anchors=audit_anchor.read_anchors(anchors))
    assert not report.ok and f"(seq {second.seq}) is beyond the trail's end" in report.summary()


def test_a_dropped_trigger_is_reported_then_restored_and_audited_at_start(ctx: Context, tmp_path: Path) -> None:
    raw(ctx.db, "DROP TRIGGER audit_event_no_update")
    report = audit_trail.verify(ctx)
    assert not report.ok and "audit_event_no_update is missing" in report.summary()
    env = dict(os.environ, DUTYLINE_HOME=str(tmp_path / "home"))
    env.pop("DUTYLINE_DB", None)
    out = subprocess.run(
        [sys.executable, "-m", "dutyline", "--db", ctx.db.url, "audit", "verify"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "audit_event_no_update was missing and has been restored" in out.stderr
    with ctx.db.read() as s:
        row = s.execute(text("SELECT action, detail FROM audit_event WHERE action = 'restore_trigger'")).first()
    assert row is not None and row.detail == "trigger=audit_event_no_update"
    assert audit_trail.verify(ctx).ok


def test_a_junk_timestamp_is_a_clear_finding(ctx: Context) -> None:
    raw(ctx.db, *DROP_GUARDS, "UPDATE audit_event SET ts = 'not a time' WHERE seq = 3")
    report = audit_trail.verify(ctx)
    assert not report.ok and "not a valid timestamp" in report.summary()


def test_a_row_inserted_out_of_sequence_is_refused_by_the_file(ctx: Context) -> None:
    with pytest.raises(Exception, match="does not follow the chain head"), ctx.db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_event (ts, login, role, desk, action, outcome, detail, prev_hash, hash, seq) "
                "VALUES (:ts, 'root', 'admin', 'x', 'set_roles', 'ok', '', :p, :h, 99)"
            ),
            {"ts": dt.datetime.now(dt.UTC), "p": "0" * 64, "h": "f" * 64},
        )
