"""SQLite: put back audit triggers someone dropped, at start, and say so in the trail.

Why at start: on one person's desk the file is theirs, so a dropped trigger cannot be prevented, only
noticed (by `audit verify`) and undone. Each restored trigger gets an audit row naming it, so the gap in
protection is itself on the record.
"""

from __future__ import annotations

import socket

from dutyline.store import audit
from dutyline.store.engine import Database
from dutyline.store.pg_audit_sql import missing_sqlite_triggers, restore_sqlite_triggers


def restore_audit_triggers(db: Database, login: str) -> list[str]:
    """Restore missing SQLite audit triggers (one audit row each); returns their names."""
    if not db.is_sqlite:
        return []
    with db.read() as session:
        if not missing_sqlite_triggers(session.connection()):
            return []
    with db.write() as session:
        restored = restore_sqlite_triggers(session.connection())
        for name in restored:
            audit.append(
                session,
                login=login,
                role="",
                desk=socket.gethostname(),
                action="restore_trigger",
                outcome="restored",
                detail=f"trigger={name}",
            )
    return restored
