"""The audit trail: the database refuses changes, and `verify` catches any change made behind its back.

Tampering needs the protection switched off first, as an attacker with the owner's rights would do:
on SQLite the append-only triggers are dropped, on PostgreSQL `ALTER TABLE ... DISABLE TRIGGER ALL` (as the
superuser the tests connect as). Each test then checks `verify` names the FIRST damaged row.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from dutyline.domain.model import Role
from dutyline.domain.permissions import Action
from dutyline.services import audit_trail
from dutyline.services.context import Actor, Context
from dutyline.store.audit import GENESIS, row_hash_v2
from dutyline.store.engine import Database
from dutyline.store.pg_audit_sql import restore_sqlite_triggers
from dutyline.store.tables import AuditEvent

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def ctx(db: Database) -> Context:
    """An admin context over a trail of 10 rows (ids 1..10 on a fresh database)."""
    context = Context(db=db, actor=Actor(login="ada", roles=frozenset({Role.ADMIN}), desk="desk1"), clock=lambda: T0)
    with db.write() as session:
        for i in range(10):
            context.audit(session, Action.VIEW_CASE, case_id=100 + i)
    return context


def ids(db: Database) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def unprotect(db: Database) -> None:
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("DROP TRIGGER audit_event_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_event_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER ALL")


def protect(db: Database) -> None:
    """Put the protection back after tampering, so verify judges the rows (a dropped or disabled trigger
    is a finding of its own, tested in tests/security)."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            restore_sqlite_triggers(conn)
        else:
            conn.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER ALL")


def rewind_head(db: Database) -> None:
    """What a careful forger with the owner's rights does too: make the head record match the last row."""
    with db.engine.begin() as conn:
        last = conn.execute(text("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")).one()
        conn.execute(text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"), {"s": last.seq, "h": last.hash})


def tamper(db: Database, sql: str, **params: object) -> None:
    unprotect(db)
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)
    protect(db)


def verify(ctx: Context, head: str | None = None) -> audit_trail.VerifyReport:
    return audit_trail.verify(ctx, head)


def test_an_untouched_chain_verifies_and_the_check_is_audited(ctx: Context) -> None:
    report = verify(ctx)
    assert report.ok and report.rows == 10 and report.first_bad_id is None
    assert "intact: 10 row(s)" in report.summary()
    with ctx.db.read() as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last is not None and (last.action, last.outcome, last.detail) == ("audit_verify", "ok", "rows=10")
    assert verify(ctx).rows == 11  # the check's own row is part of the chain and verifies too


@pytest.mark.parametrize(
    "column,value",
    [("detail", "rows=999"), ("login", "mallory"), ("case_id", 999), ("outcome", "refused"), ("action", "search")],
)
def test_an_edited_row_is_the_first_bad_row(ctx: Context, column: str, value: object) -> None:
    row_ids = ids(ctx.db)
    tamper(ctx.db, f"UPDATE audit_event SET {column} = :v WHERE id = :id", v=value, id=row_ids[4])
    report = verify(ctx)
    assert not report.ok and report.first_bad_id == row_ids[4] and "changed" in report.reason
    assert f"BROKEN at row {row_ids[4]}" in report.summary()


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(ctx: Context) -> None:
    row_ids = ids(ctx.db)
    with ctx.db.read() as s:
        r = s.get(AuditEvent, row_ids[3])
        assert r is not None and r.seq is not None
        forged = row_hash_v2(
            r.prev_hash, r.seq, r.ts, "mallory", r.role, r.desk, r.action, r.case_id, r.outcome, r.detail
        )
    tamper(ctx.db, "UPDATE audit_event SET login='mallory', hash=:h WHERE id=:id", h=forged, id=row_ids[3])
    report = verify(ctx)
    assert report.first_bad_id == row_ids[4] and "link" in report.reason


def test_a_deleted_row_is_caught_at_the_row_after_it(ctx: Context) -> None:
    row_ids = ids(ctx.db)
    tamper(ctx.db, "DELETE FROM audit_event WHERE id = :id", id=row_ids[6])
    report = verify(ctx)
    assert report.first_bad_id == row_ids[7] and "removed" in report.reason


def test_deleting_the_first_rows_is_caught(ctx: Context) -> None:
    row_ids = ids(ctx.db)
    tamper(ctx.db, "DELETE FROM audit_event WHERE id IN (:a, :b)", a=row_ids[0], b=row_ids[1])
    report = verify(ctx)
    assert report.first_bad_id == row_ids[2] and "first row" in report.reason


def test_reordered_rows_are_caught(ctx: Context) -> None:
    """Swap the places (sequence numbers) of rows 3 and 6: the chain is read in sequence order, so the row
    now third breaks."""
    row_ids = ids(ctx.db)
    a, b, spare = row_ids[2], row_ids[5], 10_000
    unprotect(ctx.db)
    with ctx.db.engine.begin() as conn:  # seq is unique, so move through a spare number
        seq_a = conn.execute(text("SELECT seq FROM audit_event WHERE id=:a"), {"a": a}).scalar_one()
        seq_b = conn.execute(text("SELECT seq FROM audit_event WHERE id=:b"), {"b": b}).scalar_one()
        conn.execute(text("UPDATE audit_event SET seq=:s WHERE id=:a"), {"s": spare, "a": a})
        conn.execute(text("UPDATE audit_event SET seq=:s WHERE id=:b"), {"s": seq_a, "b": b})
        conn.execute(text("UPDATE audit_event SET seq=:s WHERE id=:a"), {"s": seq_b, "a": a})
    protect(ctx.db)
    report = verify(ctx)
    assert report.first_bad_id == b and "link" in report.reason


def test_truncation_is_caught_only_with_the_exported_head(ctx: Context, tmp_path: Path) -> None:
    head = audit_trail.export(ctx, T0 - dt.timedelta(days=1), tmp_path / "audit.csv")
    assert verify(ctx, head).ok and verify(ctx, head).head_found
    row_ids = ids(ctx.db)
    export_row = row_ids[10]  # the export's own audit row follows the head
    tamper(ctx.db, "DELETE FROM audit_event WHERE id >= :id", id=export_row - 2)
    caught = verify(ctx)
    assert not caught.ok and "rows were removed" in caught.summary(), "the head record notices the cut"
    tamper(ctx.db, "DELETE FROM audit_event WHERE id >= :id", id=export_row - 2)  # that check's own row
    rewind_head(ctx.db)
    assert verify(ctx).ok, "with the head record rewound too, the remaining chain is valid on its own"
    report = verify(ctx, head.upper())
    assert not report.ok and report.first_bad_id is None and report.head_found is False
    assert "head hash is not in the chain" in report.summary()


def test_a_chain_rewritten_from_some_row_is_caught_by_the_head(ctx: Context, tmp_path: Path) -> None:
    head = audit_trail.export(ctx, T0, tmp_path / "audit.csv")
    row_ids = ids(ctx.db)
    unprotect(ctx.db)
    with ctx.db.engine.begin() as conn:  # rewrite row 5 and rehash everything after it consistently
        rows = conn.execute(
            text(
                "SELECT id, seq, ts, login, role, desk, action, case_id, outcome, detail "
                "FROM audit_event WHERE id >= :id ORDER BY id"
            ),
            {"id": row_ids[4]},
        ).all()
        prev = conn.execute(text("SELECT hash FROM audit_event WHERE id=:id"), {"id": row_ids[3]}).scalar_one()
        conn.execute(
            text("UPDATE audit_event SET hash = 'x' || CAST(id AS VARCHAR(12)) WHERE id >= :id"), {"id": row_ids[4]}
        )
        for r in rows:
            login = "mallory" if r.id == row_ids[4] else r.login
            ts = r.ts if isinstance(r.ts, dt.datetime) else dt.datetime.fromisoformat(r.ts)
            h = row_hash_v2(prev, r.seq, ts, login, r.role, r.desk, r.action, r.case_id, r.outcome, r.detail)
            conn.execute(
                text("UPDATE audit_event SET login=:l, prev_hash=:p, hash=:h WHERE id=:id"),
                {"l": login, "p": prev, "h": h, "id": r.id},
            )
            prev = h
    protect(ctx.db)
    rewind_head(ctx.db)
    assert verify(ctx).ok  # a consistent forgery (head record included) fools the chain alone...
    assert not verify(ctx, head).ok  # ...but not the head hash kept elsewhere


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET detail='x' WHERE id={id}",
        "DELETE FROM audit_event WHERE id={id}",
        "DELETE FROM audit_event",
    ],
)
def test_the_database_itself_refuses_update_and_delete(ctx: Context, sql: str) -> None:
    first = ids(ctx.db)[0]
    with pytest.raises(DBAPIError, match="append-only"), ctx.db.engine.begin() as conn:
        conn.exec_driver_sql(sql.format(id=first))
    assert len(ids(ctx.db)) == 10 and verify(ctx).ok


def test_postgresql_refuses_truncate(ctx: Context) -> None:
    if not ctx.db.is_postgres:
        pytest.skip("TRUNCATE is PostgreSQL only (SQLite's DELETE without WHERE is covered above)")
    with pytest.raises(DBAPIError, match="append-only"), ctx.db.engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE audit_event")
    assert len(ids(ctx.db)) == 10


def test_export_is_quoted_private_audited_and_holds_ids_only(ctx: Context, tmp_path: Path) -> None:
    with ctx.db.write() as s:  # a detail that looks like a formula
        ctx.audit(s, Action.SEARCH, detail='=HYPERLINK("http://x")')
    out = tmp_path / "audit.csv"
    head = audit_trail.export(ctx, T0, out)
    assert os.stat(out).st_mode & 0o777 == 0o600
    raw = out.read_bytes().decode("utf-8")
    assert raw.startswith('"id","ts_utc","login"') and raw.count("\r\n") == 12
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 11 and rows[-1]["hash"] == head and rows[0]["prev_hash"] == GENESIS
    assert rows[-1]["detail"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["case_id"] == "100" and rows[0]["ts_utc"] == "2026-03-02T09:00:00.000000Z"
    with ctx.db.read() as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last is not None and last.action == "audit_export" and last.prev_hash == head
    assert last.detail == f"rows=11 since=2026-03-02 head_id={rows[-1]['id']}"
    later = audit_trail.export(ctx, T0 + dt.timedelta(days=1), tmp_path / "none.csv")
    assert later == last.hash and (tmp_path / "none.csv").read_bytes().count(b"\r\n") == 1


def test_verify_and_export_need_the_admin_role(ctx: Context, tmp_path: Path) -> None:
    from dutyline.services.context import PermissionDenied

    handler = Context(db=ctx.db, actor=Actor(login="hana", roles=frozenset({Role.TEAM_MANAGER})))
    with pytest.raises(PermissionDenied):
        audit_trail.verify(handler)
    with pytest.raises(PermissionDenied):
        audit_trail.export(handler, T0, tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()
