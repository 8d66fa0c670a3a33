"""Drafts per desk session: two windows with the same login keep a call each

Revision ID: 0009_draft_sessions
Revises: 0008_call_corrections
Create Date: 2026-12-06 18:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_draft_sessions"
down_revision: str | None = "0008_call_corrections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session", sa.String(length=64), server_default="", nullable=False))
        batch_op.add_column(sa.Column("ended", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.drop_constraint("uq_draft_login_desk", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_draft_login_desk_session"), ["login", "desk", "session"])


def downgrade() -> None:
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_draft_login_desk_session"), type_="unique")
        batch_op.execute("DELETE FROM draft WHERE session <> ''")
        batch_op.create_unique_constraint("uq_draft_login_desk", ["login", "desk"])
        batch_op.drop_column("ended")
        batch_op.drop_column("session")
