"""Policy versions and the snapshot key: the SQL behind `policy apply/show/diff` and sealed snapshots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dutyline.store.engine import Database
from dutyline.store.tables_policy import PolicyVersion, SnapshotKey


@dataclass(frozen=True)
class StoredPolicy:
    """One policy version as stored (plain data: services hold no ORM objects)."""

    version: int
    applied_at: dt.datetime  # UTC
    applied_by: str
    source: str
    sha256: str
    size: int
    text: str


def current(session: Session) -> StoredPolicy | None:
    """The policy in force: the newest version."""
    row = session.scalars(select(PolicyVersion).order_by(PolicyVersion.id.desc()).limit(1)).first()
    if row is None:
        return None
    applied = row.applied_at if row.applied_at.tzinfo else row.applied_at.replace(tzinfo=dt.UTC)
    return StoredPolicy(row.id, applied, row.applied_by, row.source, row.sha256, row.size, row.text)


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


def read_snapshot_key(db: Database) -> bytes | None:
    """The snapshot key, or None when this login may not read it (then no snapshot is kept at all)."""
    try:
        with db.read() as session:
            key = snapshot_key(session)
    except SQLAlchemyError:
        return None
    return bytes(key) if key is not None and len(key) == 32 else None
