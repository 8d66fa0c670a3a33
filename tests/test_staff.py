"""Staff service: bootstrap, joiners/movers/leavers, the last-admin guard, PINs and their audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from dutyline.domain.model import Role
from dutyline.domain.pin import hash_pin, pin_matches
from dutyline.services.context import Actor, Context, PermissionDenied, ServiceError
from dutyline.services.staff import (
    DEMO_PIN,
    MAX_FAILED_UNLOCKS,
    NotAuthorised,
    add_staff,
    disable_staff,
    enable_staff,
    ensure_demo_staff,
    list_staff,
    resolve_actor,
    set_pin,
    set_roles,
    set_teams,
    verify_pin,
)
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Staff, Team
from tests.contexts import make_context, uow

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def ctx_for(db: Database, login: str) -> Context:
    return make_context(db, actor=resolve_actor(uow(db), login), clock=lambda: NOW)


def audit_rows(db: Database) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))


@pytest.fixture
def admin(db: Database) -> Context:
    """A database whose first staff member (added in bootstrap) is the admin 'ada'."""
    add_staff(ctx_for(db, "installer"), "ada", "Ada Admin", [Role.ADMIN])
    return ctx_for(db, "ada")


def test_bootstrap_makes_anyone_admin_until_the_first_staff_exists(db: Database) -> None:
    installer = ctx_for(db, "installer")
    assert installer.actor.roles == frozenset({Role.ADMIN})
    with pytest.raises(ServiceError, match="no active admin"):
        add_staff(installer, "hana", "Hana Handler", [Role.CALL_HANDLER])
    add_staff(installer, "ada", "Ada Admin", ["admin"])
    rows = audit_rows(db)
    assert rows[-1].action == "manage_staff" and rows[-1].detail == "add staff=ada bootstrap"
    assert "Ada" not in rows[-1].detail  # the display name never reaches the audit trail
    with pytest.raises(NotAuthorised):
        resolve_actor(uow(db), "installer")  # bootstrap is over
    assert audit_rows(db)[-1].outcome == "refused" and audit_rows(db)[-1].detail == "unknown login"


def test_joiner_mover_leaver(admin: Context, db: Database) -> None:
    info = add_staff(admin, "dom", "Dom \x1b[2JDuty", ["duty_officer"], ["front_door"])
    assert info.display_name == "Dom Duty" and info.roles == (Role.DUTY_OFFICER,) and not info.has_pin
    assert resolve_actor(uow(db), "dom").teams == ("front_door",)
    set_roles(admin, "dom", ["call_handler"])
    assert resolve_actor(uow(db), "dom").roles == frozenset({Role.CALL_HANDLER})  # replaced, not added to
    set_teams(admin, "dom", ["annual_review_east", "front_door"])
    assert resolve_actor(uow(db), "dom").teams == ("annual_review_east", "front_door")
    disable_staff(admin, "dom")
    with pytest.raises(NotAuthorised):
        resolve_actor(uow(db), "dom")
    assert audit_rows(db)[-1].detail == "disabled"
    enable_staff(admin, "dom")
    assert resolve_actor(uow(db), "dom").active
    assert [s.login for s in list_staff(admin)] == ["ada", "dom"]
    details = [r.detail for r in audit_rows(db) if r.action == "manage_staff"]
    assert details[1:] == [
        "add staff=dom",
        "set_roles=call_handler staff=dom",
        "set_teams=annual_review_east+front_door staff=dom",
        "disable staff=dom",
        "enable staff=dom",
    ]


def test_bad_input_is_refused_without_writing(admin: Context, db: Database) -> None:
    before = len(audit_rows(db))
    for login, name, roles in [
        ("bad login", "X", ["admin"]),
        ("x", "", ["admin"]),
        ("x", "X", ["wizard"]),
        ("x", "X", []),
        ("ada", "Again", ["admin"]),
    ]:
        with pytest.raises(ServiceError):
            add_staff(admin, login, name, roles)
    with pytest.raises(ServiceError, match="unknown team"):
        add_staff(admin, "x", "X", ["admin"], ["Front Door"])
    with pytest.raises(ServiceError, match="no staff member"):
        disable_staff(admin, "nobody")
    assert len(audit_rows(db)) == before


def test_teams_are_checked_against_the_policy(db: Database) -> None:
    from dutyline.domain.policy import load_policy

    ctx = make_context(db, actor=resolve_actor(uow(db), "installer"), policy=load_policy(None))
    with pytest.raises(ServiceError, match="unknown team 'nowhere'; teams: annual_review_east"):
        add_staff(ctx, "ada", "Ada", ["admin"], ["nowhere"])
    add_staff(ctx, "ada", "Ada", ["admin"], ["front_door"])


def test_the_last_active_admin_cannot_be_removed(admin: Context, db: Database) -> None:
    with pytest.raises(ServiceError, match="no active admin"):
        disable_staff(admin, "ada")
    with pytest.raises(ServiceError, match="no active admin"):
        set_roles(admin, "ada", ["team_manager"])
    add_staff(admin, "bea", "Bea", ["admin"])
    disable_staff(admin, "ada")  # now fine: bea remains
    assert resolve_actor(uow(db), "bea").roles == frozenset({Role.ADMIN})
    with pytest.raises(NotAuthorised):
        resolve_actor(uow(db), "ada")


def test_only_admins_manage_staff_and_refusals_are_audited(admin: Context, db: Database) -> None:
    add_staff(admin, "mo", "Mo Manager", ["team_manager"])
    mo = ctx_for(db, "mo")
    for call in (
        lambda: add_staff(mo, "x", "X", ["admin"]),
        lambda: list_staff(mo),
        lambda: set_roles(mo, "mo", ["admin"]),
        lambda: disable_staff(mo, "ada"),
        lambda: set_pin(mo, "ada", "1234"),
    ):
        with pytest.raises(PermissionDenied):
            call()
        last = audit_rows(db)[-1]
        assert (last.login, last.action, last.outcome) == ("mo", "manage_staff", "refused")
    set_pin(mo, "mo", "4321")  # a person may set their own PIN
    assert verify_pin(uow(db), "mo", "4321").login == "mo"


def test_pin_hash_is_salted_and_checked(admin: Context) -> None:
    a, b = hash_pin("1234"), hash_pin("1234")
    assert a != b and a.startswith("scrypt$")
    # Not `"1234" not in a`: four digits turn up by chance in 96 hex characters about once in 700 runs. The
    # stored form is parameters, a 16-byte salt and a 32-byte digest in hex, and nothing else.
    salt, digest = a.split("$")[4:]
    assert len(salt) == 32 and len(digest) == 64 and int(salt + digest, 16) >= 0
    assert a.count("$") == 5 and b"1234".hex() not in a
    assert pin_matches("1234", a) and not pin_matches("1235", a)
    assert not pin_matches("1234", "") and not pin_matches("1234", "scrypt$x$y$z$zz$zz")
    for bad in ("123", "1234567890123", "12a4", "١٢٣٤"):
        with pytest.raises(ServiceError, match="4 to 12 digits"):
            set_pin(admin, "ada", bad)


def test_verify_pin_refuses_and_audits(admin: Context, db: Database) -> None:
    add_staff(admin, "hana", "Hana", ["call_handler"])
    with pytest.raises(NotAuthorised, match="No PIN"):
        verify_pin(uow(db), "hana", "1234", now=NOW)
    set_pin(admin, "hana", "2468")
    with pytest.raises(NotAuthorised, match="not right"):
        verify_pin(uow(db), "hana", "1357", now=NOW)
    actor = verify_pin(uow(db), "hana", "2468", now=NOW)
    assert actor == Actor(
        login="hana", display_name="Hana", roles=frozenset({Role.CALL_HANDLER}), active=True, desk=actor.desk
    )
    with pytest.raises(NotAuthorised, match="not an active"):
        verify_pin(uow(db), "ghost", "2468", now=NOW)
    disable = [r for r in audit_rows(db) if r.action == "login"]
    assert [(r.outcome, r.detail) for r in disable] == [
        ("refused", "unlock: no pin set"),
        ("refused", "unlock: wrong pin"),
        ("ok", "unlock"),
        ("refused", "unlock: unknown login"),
    ]
    assert all("2468" not in r.detail and "1357" not in r.detail for r in audit_rows(db))
    disable_staff(admin, "hana")
    with pytest.raises(NotAuthorised):
        verify_pin(uow(db), "hana", "2468", now=NOW)
    assert audit_rows(db)[-1].detail == "unlock: disabled"


def test_repeated_wrong_pins_pause_unlocking(admin: Context, db: Database) -> None:
    set_pin(admin, "ada", "2468")
    for i in range(MAX_FAILED_UNLOCKS):
        with pytest.raises(NotAuthorised, match="not right"):
            verify_pin(uow(db), "ada", "0000", now=NOW + dt.timedelta(seconds=i))
    with pytest.raises(NotAuthorised, match="Too many"):  # even the right PIN, while paused
        verify_pin(uow(db), "ada", "2468", now=NOW + dt.timedelta(minutes=1))
    assert verify_pin(uow(db), "ada", "2468", now=NOW + dt.timedelta(minutes=20)).login == "ada"


def test_demo_staff_gets_every_role_team_and_the_demo_pin(db: Database) -> None:
    with db.write() as s:
        s.add_all([Team(code="front_door", name="F"), Team(code="resolution", name="R")])
    ensure_demo_staff(uow(db), "demo_user")
    ensure_demo_staff(uow(db), "demo_user")  # idempotent: no second audit row
    actor = resolve_actor(uow(db), "demo_user")
    assert actor.roles == frozenset(Role) and actor.teams == ("front_door", "resolution")
    assert verify_pin(uow(db), "demo_user", DEMO_PIN).login == "demo_user"
    assert [r.detail for r in audit_rows(db) if r.action == "manage_staff"] == ["demo staff=demo_user"]
    with db.read() as s:
        assert s.scalar(select(Staff.pin_hash).where(Staff.login == "demo_user")) != DEMO_PIN
