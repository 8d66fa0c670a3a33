"""Moving an existing database off the shared `dutyline_app` role (issue 11, migration): `security apply`
creates the group roles, strips the shared role's rights here, and names the staff who still need a login.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from dutyline.domain.model import Role
from dutyline.services import audit_trail
from dutyline.services.context import Actor, Context
from dutyline.store.engine import Database
from dutyline.store.tables import Staff
from tests.conftest import _pg_admin, _pg_url, drop_pg_db, make_pg_db

pytestmark = pytest.mark.pg


@pytest.fixture
def legacy(pg_template: str) -> Iterator[tuple[Database, str, str]]:
    """A database set up the old way: the shared dutyline_app role with every right on the working tables."""
    db, name = make_pg_db(pg_template)
    prefix = f"tmig_{uuid.uuid4().hex[:8]}_"
    with psycopg.connect(_pg_url(name), autocommit=True) as conn:
        conn.execute(  # cluster-wide and shared by every suite: created idempotently, never dropped
            "DO $$ BEGIN CREATE ROLE dutyline_app LOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
        conn.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO dutyline_app")
    with db.write() as s:
        s.add(Staff(login=prefix + "alice", display_name="Alice", roles="admin"))
        s.add(Staff(login=prefix + "hana", display_name="Hana", roles="call_handler"))
    yield db, name, prefix
    db.dispose()
    drop_pg_db(name)
    with _pg_admin() as conn:
        for (role,) in conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (prefix + "%",)).fetchall():
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def _apply(db: Database, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DUTYLINE_HOME=str(tmp_path / "home"))
    env.pop("DUTYLINE_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "dutyline", "--db", db.url, "security", "apply", *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_apply_strips_the_shared_role_and_lists_who_needs_a_login(
    legacy: tuple[Database, str, str], tmp_path: Path
) -> None:
    db, _name, prefix = legacy
    ctx = Context(db=db, actor=Actor(login=prefix + "alice", roles=frozenset({Role.ADMIN})))
    before = audit_trail.verify(ctx)
    assert any("dutyline_app can still write" in f for f in before.findings)
    out = _apply(db, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "no PostgreSQL login yet" in out.stdout and f"{prefix}alice, {prefix}hana" in out.stdout
    with db.read() as s:
        assert not s.execute(text("SELECT has_table_privilege('dutyline_app', 'staff', 'UPDATE')")).scalar()
        assert not s.execute(text("SELECT has_table_privilege('dutyline_app', 'call', 'DELETE')")).scalar()
    assert not [f for f in audit_trail.verify(ctx).findings if "dutyline_app" in f]
    created = _apply(db, tmp_path, "--create-logins")
    assert created.returncode == 0 and f"Created login roles: {prefix}alice, {prefix}hana" in created.stdout
    with db.read() as s:
        member = text("SELECT pg_has_role(:u, :g, 'MEMBER')")
        assert s.execute(member, {"u": prefix + "hana", "g": "dutyline_call_handler"}).scalar()
        assert not s.execute(member, {"u": prefix + "hana", "g": "dutyline_admin"}).scalar()
        assert s.execute(member, {"u": prefix + "alice", "g": "dutyline_admin"}).scalar()
