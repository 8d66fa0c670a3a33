"""Anchoring the audit trail outside the database: `dutyline audit anchor` and `verify --anchors`.

Why: whoever holds the database owner's rights can rewrite the whole chain consistently, or cut rows off
its end and rewind the head record. An anchor (time, sequence number, hash of the head) written where the
database's users cannot reach (a file on another host's share, an append-only log, syslog forwarded to the
council's log service) pins everything up to it; `verify --anchors` requires every recorded anchor to
still be in the chain, so rows written after one export are covered by the next anchor.

The target comes from configuration (DUTYLINE_AUDIT_ANCHOR): a file path, or `syslog` (then verify needs a
copy of the lines, given with --anchors FILE).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import syslog
from pathlib import Path

from dutyline.domain.permissions import Action
from dutyline.services.audit_trail import Anchor
from dutyline.services.context import Context, ServiceError
from dutyline.store import audit_check

SYSLOG = "syslog"


def record_anchor(ctx: Context, target: str) -> Anchor:
    """Write the current head to `target` (a file path, appended, 0600; or `syslog`); audited after."""
    ctx.require(Action.AUDIT_EXPORT)
    with ctx.db.read() as session:
        head = audit_check.head(session)
    if head is None:
        raise ServiceError("the audit trail has no head record: run 'dutyline audit verify'")
    anchor = Anchor(time=ctx.now().astimezone(dt.UTC).isoformat(timespec="seconds"), seq=head[0], hash=head[1])
    line = json.dumps({"time": anchor.time, "seq": anchor.seq, "hash": anchor.hash, "db": ctx.db.describe()})
    if target == SYSLOG:
        syslog.openlog("dutyline-audit", 0, syslog.LOG_AUTHPRIV)
        syslog.syslog(syslog.LOG_NOTICE, line)
    else:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    with ctx.db.write() as session:
        ctx.audit(session, "audit_anchor", detail=f"seq={anchor.seq}")
    return anchor


def read_anchors(path: Path) -> list[Anchor]:
    """Every anchor line in `path` (lines from syslog may carry a prefix before the JSON)."""
    out = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw[raw.index("{") :])
            out.append(Anchor(time=str(obj["time"]), seq=int(obj["seq"]), hash=str(obj["hash"])))
        except (ValueError, KeyError, TypeError):
            raise ServiceError(f"{path}: line {number} is not an anchor written by 'dutyline audit anchor'") from None
    return out
