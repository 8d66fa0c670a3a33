"""Use cases on the in-memory unit of work: the staff and permission rules without a database.

These run in milliseconds, so the rules can be checked case by case; the same use cases run on SQLite and
PostgreSQL in test_staff.py and test_roles.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dutyline.domain.model import Role
from dutyline.domain.permissions import Action
from dutyline.domain.policy import load_policy
from dutyline.domain.queue import ItemKind, ItemState, Scope, refusal_text
from dutyline.domain.staff import StaffRecord
from dutyline.services import staff
from dutyline.services.context import Actor, Context, PermissionDenied, ServiceError
from dutyline.services.teams import sync_teams
from tests.contexts import make_context
from tests.fakes.uow import FakeUnitOfWork

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def ctx_for(uow: FakeUnitOfWork, login: str, *roles: Role) -> Context:
    return make_context(uow, actor=Actor(login=login, roles=frozenset(roles)), clock=lambda: NOW)


def test_a_refusal_is_audited_and_an_allowed_action_writes_nothing() -> None:
    uow = FakeUnitOfWork()
    handler = ctx_for(uow, "hana", Role.CALL_HANDLER)
    handler.require(Action.SEARCH)
    assert uow.trail == []
    with pytest.raises(PermissionDenied):
        handler.require(Action.IMPORT)
    assert [(e.login, e.action, e.outcome) for e in uow.trail] == [("hana", "import", "refused")]


def test_a_leaver_disabled_mid_session_is_refused_at_the_next_action() -> None:
    uow = FakeUnitOfWork()
    uow.staff.add(StaffRecord(login="lee", display_name="Lee", roles=frozenset({Role.ADMIN})))
    lee = ctx_for(uow, "lee", Role.ADMIN)  # the Actor still says admin: the store's record decides
    uow.staff.save(StaffRecord(login="lee", display_name="Lee", roles=frozenset({Role.ADMIN}), active=False))
    with pytest.raises(PermissionDenied):
        lee.require(Action.MANAGE_STAFF)


def test_a_read_is_recorded_through_the_read_audit_path() -> None:
    uow = FakeUnitOfWork()
    ctx_for(uow, "hana", Role.CALL_HANDLER).audited_read(Action.VIEW_CASE, case_id=7)
    assert uow.reads_recorded == 1 and uow.trail[0].case_id == 7


def test_the_first_staff_change_is_marked_bootstrap_and_later_ones_are_not() -> None:
    uow = FakeUnitOfWork()
    installer = ctx_for(uow, "installer", Role.ADMIN)
    staff.add_staff(installer, "ada", "Ada", [Role.ADMIN])
    ada = ctx_for(uow, "ada", Role.ADMIN)
    staff.add_staff(ada, "bo", "Bo", [Role.CALL_HANDLER], ["front_door"])
    assert [e.detail for e in uow.trail] == ["add staff=ada bootstrap", "add staff=bo"]
    assert uow.staff.get("bo") == StaffRecord(
        login="bo", display_name="Bo", roles=frozenset({Role.CALL_HANDLER}), teams=("front_door",)
    )


def test_a_change_leaving_no_active_admin_is_refused_and_nothing_is_kept() -> None:
    uow = FakeUnitOfWork()
    uow.staff.add(StaffRecord(login="ada", display_name="Ada", roles=frozenset({Role.ADMIN})))
    ada = ctx_for(uow, "ada", Role.ADMIN)
    with pytest.raises(ServiceError, match="no active admin"):
        staff.disable_staff(ada, "ada")
    with pytest.raises(ServiceError, match="no active admin"):
        staff.set_roles(ada, "ada", [Role.TEAM_MANAGER])
    assert uow.staff.get("ada") == StaffRecord(login="ada", display_name="Ada", roles=frozenset({Role.ADMIN}))
    assert uow.trail == []


def test_an_unknown_team_is_refused_naming_the_policy_teams() -> None:
    uow = FakeUnitOfWork()
    admin = ctx_for(uow, "ada", Role.ADMIN)
    with pytest.raises(ServiceError, match="unknown team 'nowhere'; teams: .*front_door"):
        staff.add_staff(admin, "bo", "Bo", [Role.DUTY_OFFICER], ["nowhere"])


def test_team_sync_writes_only_what_changed() -> None:
    uow = FakeUnitOfWork()
    policy = load_policy(None)
    sync_teams(uow, policy)
    first = uow.teams.writes
    assert first == len(policy.teams) and uow.commits == 1
    sync_teams(uow, policy)
    assert uow.teams.writes == first and uow.commits == 1  # in step: one read, no write
    code = next(iter(policy.teams))
    uow.teams.rows[code] = ("Old name", "old@example.org", None)
    sync_teams(uow, policy)
    assert uow.teams.writes == first + 1


def test_scope_and_refusal_text_are_plain_rules() -> None:
    officer = Scope(own_teams=("front_door",), alert_team="safeguarding")
    assert officer.work_teams() == ["front_door", "safeguarding"]
    assert officer.outside(["front_door", "tribunal"]) == ["tribunal"]
    assert Scope(own_teams=(), alert_team="safeguarding", every_team=True).work_teams() is None
    held = ItemState(
        status="claimed",
        claimed_by="olu",
        lease_expires=NOW + dt.timedelta(minutes=5),
        team_code="front_door",
        case_id=1,
    )
    text = refusal_text(ItemKind.CALLBACK, 12, held, verb="claim", login="dee", now=NOW, scope=officer)
    assert text.startswith("Cannot claim: callback 12 is claimed by olu until 10:05")
    lapsed = refusal_text(
        ItemKind.CALLBACK, 12, held, verb="complete it", login="olu", now=NOW + dt.timedelta(hours=1), scope=officer
    )
    assert "lapsed at 10:05" in lapsed
