"""A PostgreSQL database set up for per-person logins, with one login per dutyline role.

Every login is named uniquely for this test (`tsec_<random>_handler` ...), so several suites can share the
cluster; the database is dropped first, then the logins (they own nothing elsewhere). The four group roles
are cluster-wide and created idempotently by `security apply`; they are never dropped.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from dutyline.domain.model import Role
from dutyline.services.security import apply_security
from dutyline.store import pg_logins
from dutyline.store.engine import Database
from dutyline.store.tables import Staff
from tests.conftest import _pg_admin, _pg_url, drop_pg_db, make_pg_db
from tests.test_queue_support import seed_teams

ROLE_OF = {
    "handler": Role.CALL_HANDLER,
    "duty": Role.DUTY_OFFICER,
    "manager": Role.TEAM_MANAGER,
    "admin": Role.ADMIN,
}


@dataclass
class SecureDb:
    """The owner's Database, the database name, and each role's own login name."""

    owner: Database
    name: str
    logins: dict[str, str]
    prefix: str

    def url(self, who: str) -> str:
        """The URL a person connects with: their own login, not the owner."""
        return _pg_url(self.name).replace("postgres@", f"{self.logins.get(who, who)}@")

    def connect(self, who: str) -> psycopg.Connection:
        """psycopg straight to the server as `who`'s own login (an attacker with psql would do the same)."""
        return psycopg.connect(self.url(who).replace("postgresql+psycopg://", "postgresql://"), autocommit=True)

    def database(self, who: str) -> Database:
        return Database(self.url(who))


@pytest.fixture
def secure(pg_template: str) -> Iterator[SecureDb]:
    owner, name = make_pg_db(pg_template)
    prefix = f"tsec_{uuid.uuid4().hex[:8]}_"
    logins = {key: prefix + key for key in ROLE_OF}
    try:
        seed_teams(owner)
        with owner.write() as s:
            for key, login in logins.items():
                teams = "front_door" if key == "duty" else ""
                s.add(Staff(login=login, display_name=key.title(), roles=ROLE_OF[key].value, teams=teams))
        apply_security(owner, create_logins=True)
        with owner.read() as s:
            assert pg_logins.per_person(s)
        yield SecureDb(owner=owner, name=name, logins=logins, prefix=prefix)
    finally:  # also when set-up failed half-way: no login may outlive its test
        owner.dispose()
        drop_pg_db(name)
        with _pg_admin() as conn:
            rows = conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (prefix + "%",)).fetchall()
            for (role,) in rows:
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')
