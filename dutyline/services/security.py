"""Setting up (and moving onto) per-person PostgreSQL logins: `dutyline security apply`.

Run by the schema owner after every install or upgrade. It creates the group roles, installs the
server-side audit functions and triggers, grants each group exactly what the role table gives it, strips
the old shared `dutyline_app` role's rights in this database, makes every staff member's login role (where
one exists) a member of their groups, and lists the staff who still need a login: the migration from
one shared desk credential to one login per person.
"""

from __future__ import annotations

from dataclasses import dataclass

from dutyline.services.context import ServiceError
from dutyline.services.staff import parse_roles
from dutyline.store import pg_logins
from dutyline.store.engine import Database


@dataclass(frozen=True)
class SecurityReport:
    synced: tuple[str, ...]  # staff whose login role now matches their record
    created: tuple[str, ...]  # login roles created by this run (--create-logins)
    missing: tuple[str, ...]  # active staff with no login role yet


def apply_security(db: Database, *, create_logins: bool = False) -> SecurityReport:
    """Install the generated security script and sync staff logins (schema owner only; idempotent)."""
    if not db.is_postgres:
        raise ServiceError("security apply is for PostgreSQL; a SQLite database is one person's 0600 file")
    with db.write() as session:
        if pg_logins.desk_session(session):
            raise ServiceError("run 'dutyline security apply' as the schema owner, not as a desk login")
        pg_logins.install_security(session)
    synced: list[str] = []
    created: list[str] = []
    missing: list[str] = []
    with db.write() as session:
        for login, roles, active in pg_logins.staff_accounts(session):
            existed = pg_logins.role_exists(session, login)
            if not existed and not (create_logins and active):
                if active:
                    missing.append(login)
                continue
            pg_logins.sync_login(session, login, parse_roles(roles), active)
            (synced if existed else created).append(login)
    return SecurityReport(tuple(synced), tuple(created), tuple(missing))
