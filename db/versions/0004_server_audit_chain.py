"""server-written audit chain, PIN attempts, per-person security objects

Revision ID: 0004_server_audit_chain
Revises: 0003_report_indexes
Create Date: 2026-12-06 05:00:00

Adds the gapless `audit_event.seq`, the one-row `audit_head` (initialised from the last existing row, so
the chain continues from the rows already written) and `pin_attempt`. On PostgreSQL it installs the
functions, triggers and row-security policies of dutyline.store.pg_audit_sql (all idempotent; `dutyline
security apply` re-installs their current version and the grants). On SQLite it installs the chain
triggers.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_server_audit_chain"
down_revision: str | None = "0003_report_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_seq"), ["seq"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "pin_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.Column("digest", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pin_attempt")),
    )
    with op.batch_alter_table("pin_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pin_attempt_login"), ["login"], unique=False)
    bind = op.get_bind()
    last = bind.execute(sa.text("SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1")).scalar()
    bind.execute(sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"), {"h": last or GENESIS})
    from dutyline.store.pg_audit_sql import pg_objects_sql, restore_sqlite_triggers

    if bind.dialect.name == "sqlite":  # rebuilding audit_event above dropped 0001's triggers: all back
        restore_sqlite_triggers(bind)
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute(pg_objects_sql())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("audit_event_follows_head", "audit_event_moves_head", "audit_head_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        raise NotImplementedError("the server-side audit chain is not downgraded; restore a backup instead")
    with op.batch_alter_table("pin_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pin_attempt_login"))
    op.drop_table("pin_attempt")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_event_seq"), type_="unique")
        batch_op.drop_column("seq")
