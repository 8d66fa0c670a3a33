"""PostgreSQL least privilege: the shipped grants script gives the desks' role INSERT/SELECT only on the
audit trail, while the app's normal work (and audit appends through `dutyline.store.audit`) still runs.

The role is cluster-wide, so each test uses its own role name and drops it afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from importlib import resources

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.exc import ProgrammingError

from dutyline.domain.model import Role
from dutyline.domain.permissions import Action
from dutyline.services import audit_trail
from dutyline.services.context import Actor
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Staff
from dutyline.store.uow import SqlWork
from tests.conftest import _pg_admin, _pg_url, drop_pg_db, make_pg_db
from tests.contexts import make_context

pytestmark = pytest.mark.pg


def grants_sql(role: str) -> str:
    return (
        (resources.files("dutyline") / "store" / "pg_grants.sql")
        .read_text(encoding="utf-8")
        .replace("dutyline_app", role)
    )


@pytest.fixture
def app_db(pg_template: str) -> Iterator[tuple[Database, Database, str]]:
    """(owner Database, app-role Database, role name) over a fresh migrated database."""
    owner, name = make_pg_db(pg_template)
    role = f"dutyline_app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_pg_url(name), autocommit=True) as conn:
        conn.execute(grants_sql(role))
        conn.execute(grants_sql(role))  # re-running after an upgrade must be harmless
    app = Database(_pg_url(name).replace("postgres@", f"{role}@"))
    yield owner, app, role
    app.dispose()
    owner.dispose()
    drop_pg_db(name)
    with _pg_admin() as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_app_role_connects_as_itself_and_owns_nothing(app_db: tuple[Database, Database, str]) -> None:
    _owner, app, role = app_db
    with app.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT current_user").scalar_one() == role
        assert conn.exec_driver_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar_one() is False
        owned = conn.exec_driver_sql("SELECT count(*) FROM pg_tables WHERE tableowner = current_user").scalar_one()
    assert owned == 0


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET detail = 'x'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
        "ALTER TABLE audit_event DISABLE TRIGGER ALL",
        "DROP TABLE audit_event",
        "INSERT INTO alembic_version VALUES ('x')",
    ],
)
def test_changing_the_audit_trail_is_a_permission_error(app_db: tuple[Database, Database, str], sql: str) -> None:
    owner, app, _role = app_db
    ctx = make_context(owner, actor=Actor(login="ada", roles=frozenset({Role.ADMIN})))
    with owner.write() as s:
        ctx.audit(SqlWork(s), Action.SEARCH, detail="results=1")
    with pytest.raises(ProgrammingError) as info, app.engine.begin() as conn:
        conn.exec_driver_sql(sql)
    assert getattr(info.value.orig, "sqlstate", None) == "42501" or "must be owner" in str(info.value.orig)
    with owner.read() as s:
        assert s.scalar(select(AuditEvent.detail)) == "results=1"


def test_the_app_role_can_do_its_normal_work(app_db: tuple[Database, Database, str]) -> None:
    _owner, app, _role = app_db
    ctx = make_context(app, actor=Actor(login="ada", roles=frozenset({Role.ADMIN})))
    with app.write() as s:  # DML on a working table, and chained audit appends (advisory lock included)
        s.add(Staff(login="ada", display_name="Ada", roles="admin"))
        ctx.audit(SqlWork(s), Action.MANAGE_STAFF, detail="add staff=ada")
    with app.write() as s:
        s.delete(s.scalar(select(Staff)))
        ctx.audit(SqlWork(s), Action.MANAGE_STAFF, detail="removed")
    report = audit_trail.verify(ctx)
    assert report.ok and report.rows == 2
    with app.read() as s:
        assert s.scalar(select(AuditEvent.login)) == "ada"
