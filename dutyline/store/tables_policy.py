"""Tables for the council policy held in the database, and the key that seals desks' search snapshots.

Why the policy is in the database: on a shared deployment every desk must route, time and name teams by
the same rules, and only an administrator may change them (`dutyline policy apply`, audited with the
file's SHA-256). Each apply is a new row; the newest is current, so `policy show` can always say which
version is in force and since when, and nothing is edited in place.

Why the snapshot key is here: a desk's search snapshot copies children's names out of the database. It
is sealed (AES-GCM) with this key, so a copied laptop disk alone reveals nothing; only someone who can
log in to the database (an authenticated desk role) can read the key.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dutyline.store.tables import TS, Base, utcnow


class PolicyVersion(Base):
    """One applied policy: the TOML exactly as applied, its hash and size, who applied it and when."""

    __tablename__ = "policy_version"
    id: Mapped[int] = mapped_column(primary_key=True)  # the version number
    applied_at: Mapped[dt.datetime] = mapped_column(TS, default=utcnow)
    applied_by: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(200), default="")  # file name, sanitised and cut
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class SnapshotKey(Base):
    """The AES-256-GCM key for this database's search snapshots (one row, made at creation/upgrade)."""

    __tablename__ = "snapshot_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utcnow)
