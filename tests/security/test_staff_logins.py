"""`staff add/set-role/disable/enable`, run by an admin under their own login, create, re-grant and lock the
person's own PostgreSQL login (issue 11: no shared desk credential)."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from dutyline.domain.model import Role
from dutyline.services import staff
from dutyline.services.context import Actor
from tests.contexts import make_context
from tests.security.conftest import SecureDb

pytestmark = pytest.mark.pg


def groups_of(secure: SecureDb, login: str) -> set[str]:
    with secure.owner.read() as s:
        rows = s.execute(
            text(
                "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :u"
            ),
            {"u": login},
        )
        return {str(r) for (r,) in rows}


def can_login(secure: SecureDb, login: str) -> bool:
    with secure.owner.read() as s:
        return bool(s.execute(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :u"), {"u": login}).scalar())


def test_an_admin_manages_peoples_own_logins(secure: SecureDb) -> None:
    admin_db = secure.database("admin")
    ctx = make_context(admin_db, actor=Actor(login=secure.logins["admin"], roles=frozenset({Role.ADMIN})))
    newcomer = secure.prefix + "newcomer"
    staff.add_staff(ctx, newcomer, "New Comer", ["call_handler"])
    assert groups_of(secure, newcomer) == {"dutyline_call_handler"} and can_login(secure, newcomer)
    with psycopg.connect(secure.url(newcomer).replace("postgresql+psycopg://", "postgresql://")) as conn:
        assert conn.execute("SELECT session_user").fetchone() == (newcomer,)
    staff.set_roles(ctx, newcomer, ["duty_officer"])
    assert groups_of(secure, newcomer) == {"dutyline_duty_officer"}
    staff.disable_staff(ctx, newcomer)
    assert groups_of(secure, newcomer) == set() and not can_login(secure, newcomer)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(secure.url(newcomer).replace("postgresql+psycopg://", "postgresql://")).close()
    staff.enable_staff(ctx, newcomer)
    assert groups_of(secure, newcomer) == {"dutyline_duty_officer"} and can_login(secure, newcomer)
    admin_db.dispose()


def test_an_admin_without_createrole_is_told_so_and_nothing_changes(secure: SecureDb) -> None:
    """The admin's own login needs CREATEROLE to make other people's logins (`staff add --role admin`
    gives it). Without it, `staff add` is refused in one plain sentence and no staff record is added."""
    from dutyline.store.pg_logins import CannotManageLogins

    admin = secure.logins["admin"]
    with secure.owner.write() as s:
        s.execute(text(f'ALTER ROLE "{admin}" NOCREATEROLE'))
    admin_db = secure.database("admin")
    ctx = make_context(admin_db, actor=Actor(login=admin, roles=frozenset({Role.ADMIN})))
    newcomer = secure.prefix + "nocreate"
    with pytest.raises(CannotManageLogins) as caught:
        staff.add_staff(ctx, newcomer, "No Create", ["call_handler"])
    admin_db.dispose()
    assert "needs CREATEROLE" in str(caught.value) and f'ALTER ROLE "{admin}" CREATEROLE' in str(caught.value)
    assert "\n" not in str(caught.value)
    with secure.owner.read() as s:
        assert s.execute(text("SELECT 1 FROM staff WHERE login = :l"), {"l": newcomer}).first() is None
