"""Policy versions and the snapshot key: the SQL behind `policy apply/show/diff` and sealed snapshots."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from dutyline.store.tables_policy import PolicyVersion, SnapshotKey


def current(session: Session) -> PolicyVersion | None:
    """The policy in force: the newest version."""
    return session.scalars(select(PolicyVersion).order_by(PolicyVersion.id.desc()).limit(1)).first()


def add(session: Session, *, text: str, sha256: str, size: int, source: str, applied_by: str) -> int:
    """Store a new version; returns its number."""
    result = session.execute(
        insert(PolicyVersion)
        .values(text=text, sha256=sha256, size=size, source=source, applied_by=applied_by)
        .returning(PolicyVersion.id)
    )
    return int(result.scalar_one())


def snapshot_key(session: Session) -> bytes | None:
    """This database's snapshot key, or None (a database from before keys existed, or no right to read it)."""
    return session.scalar(select(SnapshotKey.key).order_by(SnapshotKey.id).limit(1))
