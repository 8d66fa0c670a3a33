"""`pg_grants.sql` is generated output, and the grants cannot drift from the role table."""

from __future__ import annotations

from importlib import resources

from dutyline.domain.model import Role
from dutyline.domain.permissions import ROLE_ACTIONS, Action
from dutyline.store.pg_security import ACTION_RIGHTS, GROUPS, NO_DESK_ACCESS, granted_tables, grants_sql, rights_of
from dutyline.store.tables import Base


def test_the_shipped_script_is_the_generators_output() -> None:
    shipped = (resources.files("dutyline") / "store" / "pg_grants.sql").read_text(encoding="utf-8")
    assert shipped == grants_sql(), "regenerate it: dutyline security sql > dutyline/store/pg_grants.sql"


def test_every_action_and_every_table_is_placed() -> None:
    assert set(ACTION_RIGHTS) == set(Action)
    tables = set(Base.metadata.tables) | {"alembic_version"}
    placed = granted_tables() | set(NO_DESK_ACCESS)
    assert tables - placed == set(), "a new table needs a line in ACTION_RIGHTS or NO_DESK_ACCESS"
    assert placed - tables == set()


def test_rights_follow_the_role_table() -> None:
    assert set(GROUPS) == set(Role)
    for role in Role:
        rights = rights_of(role)
        writes = {(r.table, r.privilege) for r in rights if r.privilege != "SELECT"}
        assert (
            ("staff", "UPDATE") in writes
            if Action.MANAGE_STAFF in ROLE_ACTIONS[role]
            else ("staff", "UPDATE") not in writes
        )
        assert not {r for r in rights if r.table == "staff" and r.privilege == "SELECT" and "pin_hash" in r.columns}
        assert not {r for r in rights if r.table == "staff" and r.privilege == "SELECT" and not r.columns}
        assert ("callback", "DELETE") not in writes and ("handoff", "DELETE") not in writes
        assert ("call", "DELETE") not in writes and ("audit_event", "UPDATE") not in writes
        if role is not Role.ADMIN:
            assert ("case", "DELETE") not in writes and ("call", "UPDATE") not in writes
        assert all(r.table != "audit_head" or r.privilege == "SELECT" for r in rights)
