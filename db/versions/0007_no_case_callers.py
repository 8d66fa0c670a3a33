"""Calls with no case: the child as structured fields, and the caller findable again by number or name

Revision ID: 0007_no_case_callers
Revises: 0006_chain_at_commit
Create Date: 2026-12-06 17:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_no_case_callers"
down_revision: str | None = "0006_chain_at_commit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.add_column(sa.Column("child_name", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("child_dob", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("child_postcode", sa.String(length=10), server_default="", nullable=False))
        batch_op.add_column(sa.Column("child_district", sa.String(length=100), server_default="", nullable=False))
        batch_op.add_column(sa.Column("caller_phone_digits", sa.String(length=20), server_default="", nullable=False))
        batch_op.add_column(sa.Column("caller_key", sa.String(length=420), server_default="", nullable=False))
        batch_op.create_index(batch_op.f("ix_call_caller_phone_digits"), ["caller_phone_digits"], unique=False)
    _backfill()


def _backfill() -> None:
    """Earlier no-case calls become findable too: their number's digits and folded caller name."""
    from dutyline.domain.text import fold, phone_digits

    bind = op.get_bind()
    call = sa.table(
        "call",
        sa.column("id", sa.Integer()),
        sa.column("case_id", sa.Integer()),
        sa.column("caller_name", sa.String()),
        sa.column("caller_phone", sa.String()),
        sa.column("caller_phone_digits", sa.String()),
        sa.column("caller_key", sa.String()),
    )
    rows = bind.execute(
        sa.select(call.c.id, call.c.caller_name, call.c.caller_phone).where(call.c.case_id.is_(None))
    ).all()
    for call_id, name, phone in rows:
        bind.execute(
            sa.update(call)
            .where(call.c.id == call_id)
            .values(caller_phone_digits=phone_digits(phone or "")[:20], caller_key=(fold(name or "") + " | ")[:420])
        )


def downgrade() -> None:
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_caller_phone_digits"))
        batch_op.drop_column("caller_key")
        batch_op.drop_column("caller_phone_digits")
        batch_op.drop_column("child_district")
        batch_op.drop_column("child_postcode")
        batch_op.drop_column("child_dob")
        batch_op.drop_column("child_name")
