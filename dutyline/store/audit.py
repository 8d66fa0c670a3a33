"""Append-only, hash-chained audit rows (docs/PRIVACY.md, C6 and C7; docs/security.md).

Each row's hash covers its own fields, its gapless sequence number and the previous row's hash, so editing,
deleting, reordering or inserting rows is detectable; the one-row `audit_head` table remembers the last
(sequence, hash), so rows cut off the end, or a trail emptied outright, are detectable too. Rows hold ids
and codes, never content.

Who computes the chain: on PostgreSQL the SERVER does. A trigger owned by the schema owner stamps every
row with `session_user` and the server clock, and a deferred trigger gives it the next sequence number
and the hash at commit, under a row lock on `audit_head` that no desk role can touch (store.pg_audit_sql);
the client supplies only the action, ids and counts. On SQLite (one person's desk, the 0600 file is the
boundary) the client computes the same hash, and triggers refuse a row that does not follow the head.

`row_hash` (format v1) is kept for rows written before schema 0002, which have no sequence number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from dutyline.domain.text import login_text
from dutyline.store.tables import AuditEvent, AuditHead, utcnow

GENESIS = "0" * 64


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


def _ts_text(ts: dt.datetime) -> str:
    if ts.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC
        ts = ts.replace(tzinfo=dt.UTC)
    return ts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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
    """Format v1 (rows without a sequence number): SHA-256 over a canonical JSON of the fields."""
    body = json.dumps(
        [prev_hash, _ts_text(ts), login, role, desk, action, case_id, outcome, detail],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def row_hash_v2(
    prev_hash: str,
    seq: int,
    ts: dt.datetime,
    login: str,
    role: str,
    desk: str,
    action: str,
    case_id: int | None,
    outcome: str,
    detail: str,
) -> str:
    """Format v2: SHA-256 over `v2|prev|seq|time|hex(login)|hex(role)|…`.

    Text fields are hex-encoded UTF-8 so the body is unambiguous and the PostgreSQL trigger builds exactly
    the same bytes (`encode(convert_to(x, 'UTF8'), 'hex')`) as this function does.
    """
    parts = [
        "v2",
        prev_hash,
        str(seq),
        _ts_text(ts),
        login.encode().hex(),
        role.encode().hex(),
        desk.encode().hex(),
        action.encode().hex(),
        "" if case_id is None else str(case_id),
        outcome.encode().hex(),
        detail.encode().hex(),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


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
) -> None:
    """Add one chained row inside the caller's write transaction.

    PostgreSQL: the server's trigger overwrites the chain fields (and, for a desk login, who and when);
    the placeholders below only satisfy the column list. SQLite: computed here from the head row."""
    login, detail = login_text(login), detail[:200]
    role, desk, action, outcome = role[:200], desk[:200], action[:64], outcome[:32]
    ts = ts or utcnow()
    values = dict(login=login, role=role, desk=desk, action=action, case_id=case_id, outcome=outcome, detail=detail)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(insert(AuditEvent).values(ts=ts, prev_hash="", hash="", **values))
        return
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    prev, seq = (head.hash, head.seq + 1) if head is not None else (GENESIS, 1)
    digest = row_hash_v2(prev, seq, ts, login, role, desk, action, case_id, outcome, detail)
    session.execute(insert(AuditEvent).values(ts=ts, prev_hash=prev, hash=digest, seq=seq, **values))


def append_entry(session: Session, entry: AuditEntry) -> None:
    append(
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


_EXPORT_COLS = (
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
    """Reading the trail: the export's rows and head, and the PIN lock-out count."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def export_rows(self, *, since: dt.datetime, up_to_seq: int) -> Iterator[Any]:
        """Rows from `since` up to sequence `up_to_seq`, in chain order (rows from before schema 0002 first,
        by id; then by sequence: commit order, which is not id order when desks append at once), streamed in
        batches (the trail grows without bound)."""
        result = self._session.execute(
            select(*_EXPORT_COLS)
            .where(AuditEvent.ts >= since, or_(AuditEvent.seq.is_(None), AuditEvent.seq <= up_to_seq))
            .order_by(AuditEvent.seq.is_not(None), AuditEvent.seq, AuditEvent.id)
            .execution_options(yield_per=5000)
        )
        try:
            yield from result
        finally:
            result.close()

    def newest(self) -> tuple[int, int, str]:
        """(id, seq, hash) of the chain's last row; (0, 0, GENESIS) when the trail is empty."""
        first = self._session.execute(
            select(AuditEvent.id, AuditEvent.seq, AuditEvent.hash)
            .order_by(AuditEvent.seq.desc().nulls_last(), AuditEvent.id.desc())
            .limit(1)
        ).first()
        return (0, 0, GENESIS) if first is None else (int(first[0]), int(first[1] or 0), str(first[2]))

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
