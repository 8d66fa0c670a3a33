"""Who the database server says is connected (PostgreSQL): the identity dutyline trusts there.

On PostgreSQL each person connects as their own login role, authenticated by the server (SCRAM,
certificate, GSSAPI or peer). `session_user` is that login, whatever the client claims; the schema owner
and superusers are the set-up and upgrade accounts, not desks, so for them there is no desk identity.
"""

from __future__ import annotations

from sqlalchemy import text

from dutyline.store.engine import Database

_DESK_LOGIN = text(
    "SELECT session_user, r.rolsuper OR pg_has_role(session_user, c.relowner, 'MEMBER') AS trusted "
    "FROM pg_roles r, pg_class c "
    "WHERE r.rolname = session_user AND c.oid = to_regclass('audit_event')"
)


def server_login(db: Database) -> str | None:
    """The PostgreSQL `session_user` when it is a desk login; None on SQLite or for the owner/superuser."""
    if not db.is_postgres:
        return None
    with db.read() as session:
        row = session.execute(_DESK_LOGIN).first()
    if row is None:  # no schema yet: only the owner creates it
        return None
    return None if row.trusted else str(row.session_user)


def may_write(db: Database, table: str) -> bool:
    """Whether the connected login may insert into and update `table` (always on SQLite)."""
    if not db.is_postgres:
        return True
    with db.read() as session:
        return bool(
            session.execute(
                text("SELECT has_table_privilege(:t, 'INSERT') AND has_table_privilege(:t, 'UPDATE')"),
                {"t": table},
            ).scalar()
        )
