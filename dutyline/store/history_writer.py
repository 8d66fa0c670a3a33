"""Bulk insert of generated history (demo and benchmarks): a few statements per table, ids given up front.

Why not the ORM: a county year is 150,000 calls; unit-of-work flushes would take minutes. Why not
INSERT … RETURNING: to return ids in row order SQLAlchemy inserts SQLite rows one statement at a time,
which was most of the demo's start-up. The writer is the only one writing (demo build, benchmark set-up),
so it numbers the rows after the table's current maximum and, on PostgreSQL, moves each id sequence past
them. The rows are invented, so they skip the call form's validation on purpose.

On PostgreSQL the rows go in as multi-row INSERT … VALUES statements: the driver sends a plain
executemany one row at a time, and the server's audit trigger writes (and the chain hashes, at commit)
one audit row per statement, so a 300-case demo made ~40,000 audit rows and took over two minutes.
SQLAlchemy's "insertmanyvalues" batching (on for INSERT … RETURNING, off for plain INSERT with psycopg)
is switched on for these inserts only, giving one honest audit row per statement of up to several
hundred rows ("call rows=83 ids=…"), the chain intact and every trigger still on. SQLite has no
per-statement audit and runs an executemany in C, so it keeps that.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from dutyline.domain.text import phone_digits
from dutyline.store.calls_repo import caller_key
from dutyline.store.tables import Call, Callback, Handoff


def _ids(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    start = int(session.scalar(select(func.max(model.id))) or 0) + 1
    ids = list(range(start, start + len(rows)))
    insert_rows(session, model, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
    if session.get_bind().dialect.name == "postgresql":
        table = model.__tablename__
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), :last)"), {"last": ids[-1]})
    return ids


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Bulk rows in as few statements as each backend does best (see the module's note)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        _insert_values(session, model, rows)
    else:
        session.execute(insert(model), rows)


#: Bind parameters per multi-row statement (PostgreSQL allows 65,535).
_MAX_PARAMS = 20_000


def _insert_values(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Rows as multi-row INSERT … VALUES statements (a Core executemany batched by SQLAlchemy), rows with
    the same columns together. The dialect's flag is set only around these statements: the demo build
    and the benchmark's set-up are the only writers in their process while it is."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    dialect = session.get_bind().dialect
    was = dialect.use_insertmanyvalues_wo_returning
    dialect.use_insertmanyvalues_wo_returning = True
    try:
        for keys, group in groups.items():
            stmt = insert(model.__table__).execution_options(insertmanyvalues_page_size=_MAX_PARAMS // len(keys))
            session.connection().execute(stmt, group)
    finally:
        dialect.use_insertmanyvalues_wo_returning = was


def write_day(
    session: Session,
    calls: list[dict[str, Any]],
    callbacks: list[tuple[int, dict[str, Any], dict[str, Any] | None]],
    handoffs: list[tuple[int, dict[str, Any]]],
) -> tuple[int, int, int]:
    """Insert one day's rows (see `dutyline.demo.history.Day`): children name their call by index, a
    callback its return call. Returns (calls incl. return calls, callbacks, hand-offs)."""
    call_ids = _ids(session, Call, [_findable(c) for c in calls])
    cb_rows = [{**row, "call_id": call_ids[i]} for i, row, _ in callbacks]
    cb_ids = _ids(session, Callback, cb_rows)
    returns = [{**back, "callback_id": cb_ids[k]} for k, (_, _, back) in enumerate(callbacks) if back is not None]
    _ids(session, Call, returns)
    _ids(session, Handoff, [{**row, "call_id": call_ids[i]} for i, row in handoffs])
    return len(calls) + len(returns), len(cb_rows), len(handoffs)


def _findable(call: dict[str, Any]) -> dict[str, Any]:
    """A call with no case is found again by its caller's number and folded name, as the call form stores
    them (the no-case callers search reads these two columns)."""
    if call.get("case_id") is not None or not call.get("caller_name"):
        return {**call, "caller_phone_digits": "", "caller_key": ""}
    digits = phone_digits(str(call.get("caller_phone") or ""))[:20]
    return {**call, "caller_phone_digits": digits, "caller_key": caller_key(str(call["caller_name"]), "")}
