"""Checking and exporting the audit trail (docs/PRIVACY.md, C6 and C7).

`verify` walks the hash chain in id order and names the FIRST row that does not fit, and why. The chain
alone catches an edited, deleted or reordered row; it cannot see rows cut off the end (the remaining chain
is still valid), nor a chain rewritten from some row onwards by someone who recomputed every hash. Both
are caught by the head hash printed by `export`, kept somewhere the database's users cannot change (the
DPO's mailbox, a print-out): `verify(head_hash=...)` requires that row to still be in the chain.

`export` writes the rows since a date as CSV for the data protection officer. Audit rows hold ids, codes
and counts only, so the file is safe to hand over; it still goes out guarded, quoted and 0600.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from dutyline.domain.permissions import Action
from dutyline.services.context import Context
from dutyline.services.export import write_csv
from dutyline.store.audit import GENESIS, row_hash
from dutyline.store.tables import AuditEvent

EXPORT_COLUMNS = (
    "id",
    "ts_utc",
    "login",
    "role",
    "desk",
    "action",
    "case_id",
    "outcome",
    "detail",
    "prev_hash",
    "hash",
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


@dataclass(frozen=True)
class VerifyReport:
    """The result of one chain check. `first_bad_id` is None when the chain is intact."""

    rows: int
    head_hash: str
    first_bad_id: int | None = None
    reason: str = ""
    head_found: bool | None = None  # None when no head hash was given

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None and self.head_found is not False

    def summary(self) -> str:
        if self.ok:
            extra = " and contains the exported head hash" if self.head_found else ""
            return f"audit trail intact: {self.rows} row(s) checked{extra}; head hash {self.head_hash}"
        if self.first_bad_id is not None:
            return f"audit trail BROKEN at row {self.first_bad_id}: {self.reason}"
        return f"audit trail BROKEN: {self.reason}"


def _utc(ts: dt.datetime) -> dt.datetime:
    return ts.replace(tzinfo=dt.UTC) if ts.tzinfo is None else ts.astimezone(dt.UTC)


def verify(ctx: Context, head_hash: str | None = None) -> VerifyReport:
    """Recompute every row's hash in id order; report the first bad row (and audit the check)."""
    ctx.require(Action.AUDIT_VERIFY)
    want_head = head_hash.strip().lower() if head_hash else None
    prev, rows, bad_id, reason, head_found = GENESIS, 0, None, "", False
    with ctx.db.read() as session:
        result = session.execute(select(*_COLS).order_by(AuditEvent.id).execution_options(yield_per=5000))
        for r in result:
            rows += 1
            if r.prev_hash != prev:
                bad_id = r.id
                reason = (
                    "the first row does not start the chain (rows before it were removed)"
                    if rows == 1
                    else "its link to the previous row does not match (a row before it was removed, inserted or moved)"
                )
                break
            expected = row_hash(r.prev_hash, r.ts, r.login, r.role, r.desk, r.action, r.case_id, r.outcome, r.detail)
            if expected != r.hash:
                bad_id, reason = r.id, "its contents do not match its hash (the row was changed)"
                break
            prev = r.hash
            head_found = head_found or (want_head is not None and r.hash == want_head)
        result.close()
    if bad_id is None and want_head is not None and not head_found:
        reason = (
            "the exported head hash is not in the chain: rows at the end were removed, or the chain "
            "was rewritten after that export"
        )
    report = VerifyReport(
        rows=rows,
        head_hash=prev,
        first_bad_id=bad_id,
        reason=reason,
        head_found=None if want_head is None else head_found,
    )
    with ctx.db.write() as session:
        detail = f"rows={rows}" + (f" first_bad={bad_id}" if bad_id is not None else "")
        detail += "" if want_head is None else f" head={'found' if head_found else 'missing'}"
        ctx.audit(session, Action.AUDIT_VERIFY, outcome="ok" if report.ok else "broken", detail=detail)
    return report


def export(ctx: Context, since: dt.datetime, path: Path) -> str:
    """Write audit rows from `since` (UTC) to `path` as CSV; return the head hash to keep elsewhere.

    The head hash is the newest row's hash at export time (whatever `since` is), so it pins the whole
    chain. The export itself is then audited, as the row after the head.
    """
    ctx.require(Action.AUDIT_EXPORT)
    since = _utc(since)
    with ctx.db.write() as session:
        head = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS
        head_id = session.scalar(select(AuditEvent.id).where(AuditEvent.hash == head)) or 0
        result = session.execute(
            select(*_COLS)
            .where(AuditEvent.ts >= since, AuditEvent.id <= head_id)
            .order_by(AuditEvent.id)
            .execution_options(yield_per=5000)
        )
        rows = (
            (
                r.id,
                _utc(r.ts).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                r.login,
                r.role,
                r.desk,
                r.action,
                r.case_id,
                r.outcome,
                r.detail,
                r.prev_hash,
                r.hash,
            )
            for r in result
        )
        count = write_csv(Path(path), EXPORT_COLUMNS, rows)
        ctx.audit(
            session, Action.AUDIT_EXPORT, detail=f"rows={count} since={since.date().isoformat()} head_id={head_id}"
        )
    return head
