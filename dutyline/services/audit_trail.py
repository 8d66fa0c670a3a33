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
from typing import Any

from dutyline.domain.permissions import Action
from dutyline.services.context import Context
from dutyline.services.export import write_csv
from dutyline.store.audit import GENESIS, row_hash, row_hash_v2

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


@dataclass(frozen=True)
class Anchor:
    """A head recorded outside the database by `audit anchor`: every later verify requires it."""

    time: str
    seq: int
    hash: str


@dataclass(frozen=True)
class VerifyReport:
    """The result of one check. `first_bad_id` names the first row that does not fit; `findings` are
    problems outside the rows (triggers, grants, head record, anchors, an emptied trail)."""

    rows: int
    head_hash: str
    first_bad_id: int | None = None
    reason: str = ""
    head_found: bool | None = None  # None when no head hash was given
    findings: tuple[str, ...] = ()
    head_seq: int = 0
    anchors_checked: int = 0

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None and self.head_found is not False and not self.findings

    def summary(self) -> str:
        if self.ok:
            extra = " and contains the exported head hash" if self.head_found else ""
            extra += f"; {self.anchors_checked} anchor(s) hold" if self.anchors_checked else ""
            return (
                f"audit trail intact: {self.rows} row(s) checked{extra}; head seq {self.head_seq} hash {self.head_hash}"
            )
        lines = []
        if self.first_bad_id is not None:
            lines.append(f"audit trail BROKEN at row {self.first_bad_id}: {self.reason}")
        elif self.reason:
            lines.append(f"audit trail BROKEN: {self.reason}")
        lines += [f"audit trail BROKEN: {f}" for f in self.findings]
        return "\n".join(lines)


def _utc(ts: dt.datetime) -> dt.datetime:
    return ts.replace(tzinfo=dt.UTC) if ts.tzinfo is None else ts.astimezone(dt.UTC)


def _parse_ts(raw: object) -> dt.datetime | None:
    """The row's time as stored: a datetime (PostgreSQL) or text (SQLite); None when it is junk."""
    if isinstance(raw, dt.datetime):
        return raw
    try:
        return dt.datetime.fromisoformat(str(raw))
    except (TypeError, ValueError):
        return None


def _check_row(r: Any, prev: str, last_seq: int, first: bool) -> str:
    """Why row `r` does not follow (prev, last_seq), or '' when it does."""
    ts = _parse_ts(r.ts)
    if ts is None:
        return "its time is not a valid timestamp (the row was written or changed outside dutyline)"
    if r.prev_hash != prev:
        if first:
            return "the first row does not start the chain (rows before it were removed)"
        return "its link to the previous row does not match (a row before it was removed, inserted or moved)"
    if r.seq is None:
        if last_seq:
            return "a row without a sequence number follows numbered rows (it was inserted outside dutyline)"
        expected = row_hash(prev, ts, r.login, r.role, r.desk, r.action, r.case_id, r.outcome, r.detail)
    else:
        if r.seq != last_seq + 1:
            return f"its sequence number is {r.seq} where {last_seq + 1} was due (rows were removed)"
        expected = row_hash_v2(prev, r.seq, ts, r.login, r.role, r.desk, r.action, r.case_id, r.outcome, r.detail)
    return "" if expected == r.hash else "its contents do not match its hash (the row was changed)"


def verify(ctx: Context, head_hash: str | None = None, anchors: list[Anchor] | None = None) -> VerifyReport:
    """Walk the chain from genesis, then check the head record, activity, triggers, grants and anchors.

    Reports the first bad row and every finding; the check itself is audited."""
    ctx.require(Action.AUDIT_VERIFY)
    want_head = head_hash.strip().lower() if head_hash else None
    wanted = {a.seq: a for a in anchors or []}
    seen: dict[int, str] = {}
    prev, rows, last_seq, bad_id, reason, head_found = GENESIS, 0, 0, None, "", False
    findings: list[str] = []
    with ctx.uow.read() as work:
        for r in work.audit_checks.chain_rows():
            why = _check_row(r, prev, last_seq, rows == 0)
            rows += 1
            if why:
                bad_id, reason = r.id, why
                break
            prev, last_seq = r.hash, r.seq if r.seq is not None else last_seq
            if r.seq is not None and r.seq in wanted:
                seen[r.seq] = r.hash
            head_found = head_found or (want_head is not None and r.hash == want_head)
        if bad_id is None:
            findings += _head_findings(work.audit_checks.head(), last_seq, prev)
            if rows == 0 and (used := work.audit_checks.activity()):
                findings.append(
                    "the trail is empty but the database has been used (rows in "
                    f"{', '.join(sorted(used))}): its audit rows were removed"
                )
        findings += work.audit_checks.trigger_findings()
        findings += work.audit_checks.grant_findings()
    if 0 in wanted and wanted[0].hash not in (GENESIS, prev if last_seq == 0 else wanted[0].hash):
        findings.append("the anchor at sequence 0 does not match the trail")
    for seq, a in sorted(wanted.items()):
        if seq == 0:
            continue
        if seq not in seen and bad_id is None:
            findings.append(f"the anchor of {a.time} (seq {seq}) is beyond the trail's end: rows were removed")
        elif seq in seen and seen[seq] != a.hash:
            findings.append(f"the anchor of {a.time} (seq {seq}) does not match: the chain was rewritten")
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
        findings=tuple(findings),
        head_seq=last_seq,
        anchors_checked=len(wanted),
    )
    with ctx.uow.write() as work:
        detail = f"rows={rows}" + (f" first_bad={bad_id}" if bad_id is not None else "")
        detail += "" if want_head is None else f" head={'found' if head_found else 'missing'}"
        detail += f" findings={len(findings)}" if findings else ""
        detail += f" anchors={len(wanted)}" if wanted else ""
        ctx.audit(work, Action.AUDIT_VERIFY, outcome="ok" if report.ok else "broken", detail=detail)
    return report


def _head_findings(head: tuple[int, str] | None, last_seq: int, last_hash: str) -> list[str]:
    if head is None:
        return ["the chain's head record is missing (deleted outside dutyline)"]
    seq, digest = head
    if seq > last_seq:
        return [f"the head record says the trail reached seq {seq}, but it ends at {last_seq}: rows were removed"]
    if (seq, digest) != (last_seq, last_hash):
        return ["the head record does not match the last row (rows were added or changed outside dutyline)"]
    return []


def export(ctx: Context, since: dt.datetime, path: Path) -> str:
    """Write audit rows from `since` (UTC) to `path` as CSV; return the head hash to keep elsewhere."""
    return export_counted(ctx, since, path)[0]


def export_counted(ctx: Context, since: dt.datetime, path: Path) -> tuple[str, int]:
    """`export`, also returning how many rows were written (the CLI says where it looked when none were).

    The head hash is the newest row's hash at export time (whatever `since` is), so it pins the whole
    chain. The export itself is then audited, as the row after the head.
    """
    ctx.require(Action.AUDIT_EXPORT)
    since = _utc(since)
    with ctx.uow.write() as work:
        head_id, head_seq, head = work.audit_trail.newest()
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
            for r in work.audit_trail.export_rows(since=since, up_to_seq=head_seq)
        )
        count = write_csv(Path(path), EXPORT_COLUMNS, rows)
        ctx.audit(work, Action.AUDIT_EXPORT, detail=f"rows={count} since={since.date().isoformat()} head_id={head_id}")
    return head, count
