"""Policy versions in the database (the built-in policy as version 1) and the search snapshot key

Revision ID: 0005_policy_store
Revises: 0004_server_audit_chain
Create Date: 2026-12-06 05:05:00
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from importlib import resources

import sqlalchemy as sa
from alembic import op

revision: str = "0005_policy_store"
down_revision: str | None = "0004_server_audit_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    policy = op.create_table(
        "policy_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_by", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_version")),
    )
    key = op.create_table(
        "snapshot_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_key")),
    )
    now = dt.datetime.now(dt.UTC)
    # Version 1 is the built-in policy as shipped: what desks used by default before the policy moved
    # into the database. A council with its own file applies it with `dutyline policy apply FILE`.
    raw = (resources.files("dutyline") / "policy" / "hertfordshire.toml").read_bytes()
    op.bulk_insert(
        policy,
        [
            {
                "id": 1,
                "applied_at": now,
                "applied_by": "dutyline (built-in)",
                "source": "built-in hertfordshire.toml",
                "sha256": hashlib.sha256(raw).hexdigest(),
                "size": len(raw),
                "text": raw.decode("utf-8"),
            }
        ],
    )
    op.bulk_insert(key, [{"id": 1, "key": os.urandom(32), "created_at": now}])
    if op.get_bind().dialect.name == "postgresql":  # the explicit id above did not advance the sequence
        op.execute("SELECT setval(pg_get_serial_sequence('policy_version', 'id'), 1)")


def downgrade() -> None:
    op.drop_table("snapshot_key")
    op.drop_table("policy_version")
