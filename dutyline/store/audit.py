"""Append-only, hash-chained audit rows (docs/PRIVACY.md, C6 and C7).

Each row's hash covers its own fields and the previous row's hash, so editing, deleting, reordering or
(with an exported head hash) truncating rows is detectable. Rows hold ids and codes, never content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from dutyline.store.tables import AuditEvent, utcnow

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x6475747931  # "duty1": serialises chain appends across desks


def row_hash(
    prev_hash: str,
    ts: dt.datetime,
    login: str,
    role: str,
    desk: str,
    action: str,
    case_id: int | None,
    outcome: str,
    detail: str,
) -> str:
    """SHA-256 over a canonical JSON of the row's fields and the previous hash."""
    if ts.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC
        ts = ts.replace(tzinfo=dt.UTC)
    body = json.dumps(
        [
            prev_hash,
            ts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            login,
            role,
            desk,
            action,
            case_id,
            outcome,
            detail,
        ],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def append(
    session: Session,
    *,
    login: str,
    role: str,
    desk: str,
    action: str,
    case_id: int | None = None,
    outcome: str = "ok",
    detail: str = "",
    ts: dt.datetime | None = None,
) -> AuditEvent:
    """Add one chained row inside the caller's write transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS
    ts = (ts or utcnow()).replace(microsecond=(ts or utcnow()).microsecond)
    event = AuditEvent(
        ts=ts,
        login=login,
        role=role,
        desk=desk,
        action=action,
        case_id=case_id,
        outcome=outcome,
        detail=detail[:200],
        prev_hash=prev,
    )
    event.hash = row_hash(prev, ts, login, role, desk, action, case_id, outcome, event.detail)
    session.add(event)
    session.flush()
    return event
