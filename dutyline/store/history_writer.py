"""Bulk insert of generated history (demo and benchmarks): one multi-row INSERT … RETURNING per table.

Why not the ORM: a county year is 150,000 calls; unit-of-work flushes would take minutes. The rows are
invented (demo/bench only), so they skip the call form's validation on purpose.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from dutyline.store.tables import Call, Callback, Handoff


def _ids(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    result = session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    return [int(r[0]) for r in result]


def write_day(
    session: Session,
    calls: list[dict[str, Any]],
    callbacks: list[tuple[int, dict[str, Any], dict[str, Any] | None]],
    handoffs: list[tuple[int, dict[str, Any]]],
) -> tuple[int, int, int]:
    """Insert one day's rows (see `dutyline.demo.history.Day`): children name their call by index, a
    callback its return call. Returns (calls incl. return calls, callbacks, hand-offs)."""
    call_ids = _ids(session, Call, calls)
    cb_rows = [{**row, "call_id": call_ids[i]} for i, row, _ in callbacks]
    cb_ids = _ids(session, Callback, cb_rows)
    returns = [{**back, "callback_id": cb_ids[k]} for k, (_, _, back) in enumerate(callbacks) if back is not None]
    _ids(session, Call, returns)
    _ids(session, Handoff, [{**row, "call_id": call_ids[i]} for i, row in handoffs])
    return len(calls) + len(returns), len(cb_rows), len(handoffs)
