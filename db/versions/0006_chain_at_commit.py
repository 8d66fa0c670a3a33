"""the audit chain is linked at commit (a deferred constraint trigger), not at each audit row's insert

Revision ID: 0006_chain_at_commit
Revises: 0005_policy_store
Create Date: 2026-12-06 18:00:00

Before: the BEFORE INSERT trigger on audit_event took the chain's row lock (audit_head) at a transaction's
first audit row and held it to the end of the transaction, so every desk's claim queued behind every
other desk's round trips. Now that trigger only stamps who and when and marks the row pending; the
deferred constraint trigger `audit_event_chain` numbers, links and hashes it at COMMIT, holding the lock
only while the transaction commits. Same chain, same hash format, same gapless sequence (now in commit
order). PostgreSQL only: re-installs dutyline.store.pg_audit_sql's objects (idempotent); run `dutyline
security apply` afterwards as usual. SQLite is unchanged (one desk, no lock contention).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006_chain_at_commit"
down_revision: str | None = "0005_policy_store"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    from dutyline.store.pg_audit_sql import pg_objects_sql

    op.execute(pg_objects_sql())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        raise NotImplementedError("the audit chain's triggers are not downgraded; restore a backup instead")
