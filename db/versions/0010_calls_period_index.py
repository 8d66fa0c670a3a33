"""Calls tab in one read: an index in (time, id) order holding the columns it needs; small safeguarding index

Revision ID: 0010_calls_period_index
Revises: 0009_draft_sessions
Create Date: 2026-12-06 20:40:00

ix_call_period replaces ix_call_report (same columns, plus the id right after the time, so the period's
calls come out in the order the Calls tab walks them). ix_call_reason_started gains callback_id so the
complaint counts are read from the index alone. ix_call_safeguarding is partial: only safeguarding calls.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_calls_period_index"
down_revision: str | None = "0009_draft_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SAFEGUARDING = sa.text("safeguarding IS true")


def upgrade() -> None:
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.drop_index("ix_call_report")
        batch_op.drop_index("ix_call_reason_started")
        batch_op.create_index(
            "ix_call_period",
            ["started_at", "id", "callback_id", "case_id", "reason", "outcome", "safeguarding"],
            unique=False,
        )
        batch_op.create_index("ix_call_reason_started", ["reason", "started_at", "callback_id"], unique=False)
        batch_op.create_index(
            "ix_call_safeguarding",
            ["started_at"],
            unique=False,
            sqlite_where=sa.text("safeguarding IS 1"),
            postgresql_where=_SAFEGUARDING,
        )


def downgrade() -> None:
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.drop_index("ix_call_safeguarding")
        batch_op.drop_index("ix_call_reason_started")
        batch_op.drop_index("ix_call_period")
        batch_op.create_index("ix_call_reason_started", ["reason", "started_at"], unique=False)
        batch_op.create_index(
            "ix_call_report",
            ["started_at", "callback_id", "case_id", "reason", "outcome", "safeguarding"],
            unique=False,
        )
