"""Rows for call corrections: a saved call is never updated by a desk; a correction is a new row.

Read with the calls they correct (`corrections_of`, used by calls_repo.recent_calls).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutyline.domain.call_record import CallCorrection as CorrectionRecord
from dutyline.store.tables import Call, CallCorrection


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything was stored as UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def corrections_of(session: Session, call_ids: list[int]) -> dict[int, list[CorrectionRecord]]:
    """Each call's corrections, oldest first."""
    out: dict[int, list[CorrectionRecord]] = {}
    if not call_ids:
        return out
    rows = session.scalars(
        select(CallCorrection)
        .where(CallCorrection.call_id.in_(call_ids))
        .order_by(CallCorrection.created_at, CallCorrection.id)
    )
    for r in rows:
        out.setdefault(r.call_id, []).append(
            CorrectionRecord(
                id=r.id, call_id=r.call_id, staff_login=r.staff_login, created_at=_utc(r.created_at), notes=r.notes
            )
        )
    return out


def call_exists(session: Session, call_id: int) -> tuple[bool, int | None]:
    """(whether the call exists, its case id)."""
    row = session.execute(select(Call.case_id).where(Call.id == call_id)).first()
    return (False, None) if row is None else (True, row[0])


def insert_correction(session: Session, call_id: int, *, login: str, notes: str, now: dt.datetime) -> int:
    """A new correction row (calls are never updated by a desk). PostgreSQL stamps `staff_login` itself."""
    row = CallCorrection(call_id=call_id, staff_login=login, notes=notes, created_at=now)
    session.add(row)
    session.flush()
    return row.id
