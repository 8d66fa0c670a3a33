"""The council policy held in the database: read the version in force, apply a new one (admin only).

Why: the policy decides which team a safeguarding call goes to. When every desk loaded its own file and
wrote the shared `team` table at start, anyone with a desk could reroute calls, unaudited, and desks with
different files overwrote each other. Now an administrator applies a file (`dutyline policy apply`),
checked against MANAGE_POLICY, validated in full, stored as a new version with its SHA-256 and size, the
`team` table updated in the same transaction, and one audit row written; desks only read.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from dutyline.domain.permissions import Action
from dutyline.domain.policy import Policy, parse_policy, read_policy_file
from dutyline.domain.text import shown
from dutyline.services.context import Context, ServiceError
from dutyline.services.teams import apply_teams
from dutyline.store import policy_repo
from dutyline.store.engine import Database
from dutyline.store.uow import SqlWork, sql_database


@dataclass(frozen=True)
class PolicyVersionInfo:
    version: int
    applied_at: dt.datetime
    applied_by: str
    source: str
    sha256: str
    size: int

    def describe(self) -> str:
        when = self.applied_at.strftime("%Y-%m-%d %H:%M UTC")
        return (
            f"policy version {self.version}, applied {when} by {shown(self.applied_by, 100)} from "
            f"{shown(self.source, 100)} ({self.size:,} bytes, sha256 {self.sha256})"
        )


@dataclass(frozen=True)
class AppliedPolicy:
    info: PolicyVersionInfo
    changed: bool  # False when the file is identical to the version in force (nothing stored)
    teams_changed: int


def stored_policy(db: Database) -> tuple[Policy, PolicyVersionInfo, str]:
    """The policy in force, its version details and its TOML text."""
    with db.read() as session:
        row = policy_repo.current(session)
        if row is None:
            raise ServiceError(
                f"{db.describe()} holds no policy. An administrator must apply one: dutyline policy apply FILE"
            )
        text, info = row.text, _info(row)
    return _parse(text, info.sha256, info.version), info, text


@lru_cache(maxsize=4)
def _parse(text: str, sha256: str, version: int) -> Policy:
    """Validated once per process per version (the text was validated when it was applied, too)."""
    return parse_policy(text, f"policy version {version} in the database")


def _info(row: policy_repo.StoredPolicy) -> PolicyVersionInfo:
    return PolicyVersionInfo(row.version, row.applied_at, row.applied_by, row.source, row.sha256, row.size)


def apply_policy(ctx: Context, path: Path) -> AppliedPolicy:
    """Validate `path` and store it as the new version in force (MANAGE_POLICY; audited with hash and size).

    The permission is checked before the file is even read. An identical file stores nothing (audited as
    unchanged). Nothing is half-written: version, teams and audit row are one transaction.
    """
    ctx.require(Action.MANAGE_POLICY)
    source = shown(Path(path).name, 200)
    text = read_policy_file(path)
    policy = parse_policy(text, shown(str(path), 200), untrusted=True)
    raw = text.encode("utf-8")
    sha256, size = hashlib.sha256(raw).hexdigest(), len(raw)

    def write(session: Any) -> tuple[int, bool, int]:
        current = policy_repo.current(session)
        if current is not None and current.sha256 == sha256:
            ctx.audit(
                SqlWork(session),
                Action.MANAGE_POLICY,
                outcome="unchanged",
                detail=f"version={current.version} sha256={sha256}",
            )
            return current.version, False, 0
        version = policy_repo.add(
            session, text=text, sha256=sha256, size=size, source=source, applied_by=ctx.actor.login
        )
        teams = apply_teams(SqlWork(session), policy)
        ctx.audit(SqlWork(session), Action.MANAGE_POLICY, detail=f"version={version} sha256={sha256} bytes={size}")
        return version, True, teams

    version, changed, teams = sql_database(ctx.uow).run_write(write)
    _policy, info, _text = stored_policy(sql_database(ctx.uow))
    assert info.version == version
    return AppliedPolicy(info, changed, teams)


def diff_policy(db: Database, path: Path) -> tuple[PolicyVersionInfo, list[str]]:
    """A unified diff from the version in force to `path` (validated first, so a broken file is named as
    such rather than diffed); an empty list when they are the same."""
    _policy, info, stored = stored_policy(db)
    text = read_policy_file(path)
    parse_policy(text, shown(str(path), 200), untrusted=True)
    lines = difflib.unified_diff(
        stored.splitlines(keepends=True),
        text.splitlines(keepends=True),
        fromfile=f"policy version {info.version}",
        tofile=shown(str(path), 200),
    )
    return info, list(lines)
