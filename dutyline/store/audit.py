"""Append-only, hash-chained audit rows (docs/PRIVACY.md, C6 and C7).

Each row's hash covers its own fields and the previous row's hash, so editing, deleting, reordering or
(with an exported head hash) truncating rows is detectable. Rows hold ids and codes, never content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from dutyline.store.tables import AuditEvent, utcnow

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x6475747931  # "duty1": serialises chain appends across desks


@dataclass(frozen=True)
class AuditEntry:
    """One audit row before it is chained: ids, codes and counts only, never content."""

    login: str
    role: str
    desk: str
    action: str
    ts: dt.datetime
    case_id: int | None = None
    outcome: str = "ok"
    detail: str = ""


class AuditRow(NamedTuple):
    """A stored, chained audit row."""

    id: int
    ts: dt.datetime
    login: str
    role: str
    desk: str
    action: str
    case_id: int | None
    outcome: str
    detail: str
    prev_hash: str
    hash: str


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


def append_entry(session: Session, entry: AuditEntry) -> AuditEvent:
    return append(
        session,
        login=entry.login,
        role=entry.role,
        desk=entry.desk,
        action=entry.action,
        case_id=entry.case_id,
        outcome=entry.outcome,
        detail=entry.detail,
        ts=entry.ts,
    )


_COLS = (
    AuditEvent.id,
    AuditEvent.ts,
    AuditEvent.login,
    AuditEvent.role,
    AuditEvent.desk,
    AuditEvent.action,
    AuditEvent.case_id,
    AuditEvent.outcome,
    AuditEvent.detail,
    AuditEvent.prev_hash,
    AuditEvent.hash,
)


class AuditTrail:
    """Reading the chain: for `audit verify`/`export` and the PIN lock-out count."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def rows(self, *, since: dt.datetime | None = None, up_to_id: int | None = None) -> Iterator[AuditRow]:
        """Rows in id order, streamed in batches (the trail grows without bound)."""
        stmt = select(*_COLS).order_by(AuditEvent.id)
        if since is not None:
            stmt = stmt.where(AuditEvent.ts >= since)
        if up_to_id is not None:
            stmt = stmt.where(AuditEvent.id <= up_to_id)
        result = self._session.execute(stmt.execution_options(yield_per=5000))
        try:
            for r in result:
                yield AuditRow(*r)
        finally:
            result.close()

    def head(self) -> tuple[int, str]:
        """(id, hash) of the newest row; (0, GENESIS) when the trail is empty."""
        row = self._session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
        first = row.first()
        return (0, GENESIS) if first is None else (int(first[0]), str(first[1]))

    def recent_outcomes(self, login: str, action: str, detail_prefix: str, since: dt.datetime) -> list[str]:
        """Outcomes of `login`'s `action` rows whose detail starts with `detail_prefix`, newest first."""
        return list(
            self._session.scalars(
                select(AuditEvent.outcome)
                .where(
                    AuditEvent.login == login,
                    AuditEvent.action == action,
                    AuditEvent.detail.like(detail_prefix + "%"),
                    AuditEvent.ts >= since,
                )
                .order_by(AuditEvent.id.desc())
            )
        )
