"""call corrections (append-only calls: a correction supersedes, both shown); more tables audited

Revision ID: 0008_call_corrections
Revises: 0007_no_case_callers
Create Date: 2026-12-06 18:30:00

Adds `call_correction`. On PostgreSQL re-installs dutyline.store.pg_audit_sql's objects, which now stamp
a correction's maker and audit every change to `call_correction`, `policy_version` and `snapshot_key`;
run `dutyline security apply` afterwards as usual (desks get INSERT on corrections, never UPDATE on calls).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_call_corrections"
down_revision: str | None = "0007_no_case_callers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "call_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("staff_login", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["call.id"], name=op.f("fk_call_correction_call_id_call")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_correction")),
    )
    with op.batch_alter_table("call_correction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_correction_call_id"), ["call_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        from dutyline.store.pg_audit_sql import pg_objects_sql

        op.execute(pg_objects_sql())


def downgrade() -> None:
    with op.batch_alter_table("call_correction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_correction_call_id"))
    op.drop_table("call_correction")
