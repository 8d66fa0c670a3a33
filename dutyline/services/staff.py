"""Staff records and identity: the OS login mapped to an active staff record.

Bootstrap rule: while the staff table is empty the database is being set up, and whoever runs dutyline
acts as an administrator, so an IT admin can import and add the first staff. Staff changes made in that
state are audited with `bootstrap` in the detail. The rule ends with the first staff record, and a change
that would leave no active admin is refused, so a council can never lock itself out (or back into
bootstrap) by accident.

Every change here writes one audit row (action `manage_staff`) naming the staff login changed, never the
display name. PINs (for unlocking an idle-locked desk) are stored as salted scrypt hashes and compared in
constant time; failed unlocks are audited and five in 15 minutes lock that login's PIN for 15 minutes.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dutyline.domain.model import Role
from dutyline.domain.permissions import Action
from dutyline.domain.pin import hash_pin, pin_digest, pin_matches, pin_problem
from dutyline.domain.text import login_text, one_line
from dutyline.services.context import Actor, Context, PermissionDenied, ServiceError, utc_now
from dutyline.store import audit, pg_logins
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Staff, Team

#: The PIN `ensure_demo_staff` gives the demo user (the demo database holds invented children only).
DEMO_PIN = "1234"
MAX_FAILED_UNLOCKS = 5
UNLOCK_WINDOW = dt.timedelta(minutes=15)
_LOGIN = re.compile(r"^[A-Za-z0-9._@$-]{1,100}$")
_TEAM = re.compile(r"^[a-z0-9_]{1,64}$")


class NotAuthorised(PermissionDenied):
    """This login has no active staff record (or its PIN did not match)."""


@dataclass(frozen=True)
class StaffInfo:
    """A staff record as the CLI and admin screens show it (never the PIN hash)."""

    login: str
    display_name: str
    roles: tuple[Role, ...]
    teams: tuple[str, ...]
    active: bool
    has_pin: bool


def parse_roles(text: str) -> frozenset[Role]:
    return frozenset(Role(r) for r in text.split(",") if r)


def _teams_of(row: Staff) -> tuple[str, ...]:
    return tuple(t for t in row.teams.split(",") if t)


def _actor_of(row: Staff) -> Actor:
    return Actor(
        login=row.login,
        display_name=row.display_name,
        roles=parse_roles(row.roles),
        teams=_teams_of(row),
        active=row.active,
    )


def _info(row: Staff, has_pin: bool) -> StaffInfo:
    return StaffInfo(
        login=row.login,
        display_name=row.display_name,
        roles=tuple(sorted(parse_roles(row.roles), key=list(Role).index)),
        teams=_teams_of(row),
        active=row.active,
        has_pin=has_pin,
    )


def resolve_actor(db: Database, login: str) -> Actor:
    """The Actor for `login`, or NotAuthorised (audited) if unknown or disabled.

    The login is sanitised and cut to the column's length first, so even a hostile one is refused,
    audited and echoed safely."""
    login = login_text(login)
    with db.read() as session:
        if not session.scalar(select(func.count()).select_from(Staff)):
            return Actor(login=login, display_name=login, roles=frozenset({Role.ADMIN}), teams=(), active=True)
        row = session.scalar(select(Staff).where(Staff.login == login))
        if row is not None and row.active:
            return _actor_of(row)
    actor = Actor(login=login)
    with db.write() as session:
        audit.append(
            session,
            login=login,
            role="",
            desk=actor.desk,
            action=Action.LOGIN.value,
            outcome="refused",
            detail="disabled" if row is not None else "unknown login",
        )
    raise NotAuthorised(
        f"The login '{login}' is not an active dutyline user. Ask your dutyline administrator to add you "
        "(dutyline staff add)."
    )


def is_bootstrap(db: Database) -> bool:
    with db.read() as session:
        return not session.scalar(select(func.count()).select_from(Staff))


# ------------------------------------------------------------------------------------------ validation
def _check_login(login: str) -> str:
    if not _LOGIN.match(login):
        raise ServiceError("a login is 1-100 letters, digits or . _ @ $ - (the operating-system user name)")
    return login


def _check_roles(roles: Iterable[Role | str]) -> frozenset[Role]:
    out: set[Role] = set()
    for r in roles:
        try:
            out.add(Role(r))
        except ValueError:
            raise ServiceError(
                f"unknown role {one_line(str(r))[:40]!r}; roles: {', '.join(x.value for x in Role)}"
            ) from None
    if not out:
        raise ServiceError("give at least one role")
    return frozenset(out)


def _check_teams(ctx: Context, teams: Iterable[str]) -> tuple[str, ...]:
    known = getattr(ctx.policy, "teams", None)
    out: list[str] = []
    for t in teams:
        if not _TEAM.match(t) or (known is not None and t not in known):
            hint = f"; teams: {', '.join(sorted(known))}" if known else ""
            raise ServiceError(f"unknown team {one_line(t)[:64]!r}{hint}")
        if t not in out:
            out.append(t)
    return tuple(out)


def _check_pin(pin: str) -> None:
    problem = pin_problem(pin)
    if problem:
        raise ServiceError(problem)


# ------------------------------------------------------------------------------------------ changes
def _get(session: Session, login: str) -> Staff:
    row = session.scalar(select(Staff).where(Staff.login == login))
    if row is None:
        raise ServiceError(f"no staff member with login '{one_line(login)[:100]}' (see dutyline staff list)")
    return row


def _admin_remains(session: Session) -> None:
    """Refuse (roll back) a change that leaves staff but no active admin: nobody could manage them."""
    session.flush()
    rows = session.scalars(select(Staff.roles).where(Staff.active.is_(True))).all()
    if session.scalar(select(func.count()).select_from(Staff)) and not any(Role.ADMIN in parse_roles(r) for r in rows):
        raise ServiceError("refused: this would leave no active admin (add or keep another admin first)")


def _staff_change(ctx: Context, login: str, what: str, change: Callable[[Session], Staff]) -> StaffInfo:
    """Run `change(session)` -> Staff in one transaction with the admin check and one audit row."""
    ctx.require(Action.MANAGE_STAFF)
    with ctx.db.write() as session:
        bootstrap = not session.scalar(select(func.count()).select_from(Staff))
        row = change(session)
        _admin_remains(session)
        if pg_logins.per_person(session):  # the person's own PostgreSQL login follows the record
            pg_logins.sync_login(session, row.login, parse_roles(row.roles), row.active)
        ctx.audit(session, Action.MANAGE_STAFF, detail=f"{what} staff={login}" + (" bootstrap" if bootstrap else ""))
        return _info(row, pg_logins.pin_states(session).get(row.login, False))


def add_staff(
    ctx: Context, login: str, display_name: str, roles: Iterable[Role | str], teams: Iterable[str] = ()
) -> StaffInfo:
    """Add an active staff member. While there are no staff yet, the first one must be an admin."""
    login = _check_login(login)
    name = one_line(display_name)[:200]
    if not name:
        raise ServiceError("give the person's name (--name)")
    role_set, team_list = _check_roles(roles), _check_teams(ctx, teams)

    def change(session: Session) -> Staff:
        existing = session.scalar(select(Staff).where(Staff.login == login))
        if existing is not None:
            state = "active" if existing.active else "disabled; use 'dutyline staff enable'"
            raise ServiceError(f"login '{login}' already exists ({state})")
        row = Staff(
            login=login,
            display_name=name,
            roles=",".join(sorted(role_set)),
            teams=",".join(team_list),
            active=True,
            pin_hash="",
        )
        session.add(row)
        return row

    return _staff_change(ctx, login, "add", change)


def list_staff(ctx: Context) -> list[StaffInfo]:
    """Everyone, active or not, by login (admins review access on joiners, movers and leavers)."""
    ctx.require(Action.MANAGE_STAFF)
    with ctx.db.read() as session:
        pins = pg_logins.pin_states(session)
        return [_info(r, pins.get(r.login, False)) for r in session.scalars(select(Staff).order_by(Staff.login))]


def _set_active(ctx: Context, login: str, active: bool) -> StaffInfo:
    def change(session: Session) -> Staff:
        row = _get(session, login)
        row.active = active
        return row

    return _staff_change(ctx, login, "enable" if active else "disable", change)


def disable_staff(ctx: Context, login: str) -> StaffInfo:
    """A leaver: the login can do nothing from the next action on (records and audit rows are kept)."""
    return _set_active(ctx, login, False)


def enable_staff(ctx: Context, login: str) -> StaffInfo:
    """A returner: reactivate a disabled login with the roles it had (review them with set-role)."""
    return _set_active(ctx, login, True)


def set_roles(ctx: Context, login: str, roles: Iterable[Role | str]) -> StaffInfo:
    """A mover: replace the login's roles (not add to them), so old rights do not linger."""
    role_set = _check_roles(roles)

    def change(session: Session) -> Staff:
        row = _get(session, login)
        row.roles = ",".join(sorted(role_set))
        return row

    return _staff_change(ctx, login, f"set_roles={'+'.join(sorted(role_set))}", change)


def set_teams(ctx: Context, login: str, teams: Iterable[str]) -> StaffInfo:
    """Replace the teams whose queues the login works (duty officers and managers)."""
    team_list = _check_teams(ctx, teams)

    def change(session: Session) -> Staff:
        row = _get(session, login)
        row.teams = ",".join(team_list)
        return row

    return _staff_change(ctx, login, f"set_teams={'+'.join(team_list)}", change)


def set_pin(ctx: Context, login: str, pin: str) -> None:
    """Set the PIN that unlocks an idle-locked desk: an admin for anyone, or a person for themselves."""
    _check_pin(pin)
    if ctx.actor.login != login or not ctx.actor.active:
        ctx.require(Action.MANAGE_STAFF)
    hashed = hash_pin(pin)
    with ctx.db.write() as session:
        row = _get(session, login)
        if not row.active:
            raise ServiceError(f"login '{login}' is disabled; enable it first")
        pg_logins.set_pin_hash(session, login, hashed)
        ctx.audit(session, Action.MANAGE_STAFF, detail=f"set_pin staff={login}")


def verify_pin(db: Database, login: str, pin: str, *, now: dt.datetime | None = None) -> Actor:
    """The Actor for `login` if `pin` is its PIN; else NotAuthorised. Every attempt is audited.

    Refuses unknown and disabled logins, logins without a PIN, and a login with MAX_FAILED_UNLOCKS
    failures in the last UNLOCK_WINDOW (the check itself is then skipped, so guessing gains nothing).
    """
    now = now or utc_now()
    login = login_text(login)
    desk = socket.gethostname()
    with db.read() as session:
        if pg_logins.desk_session(session):
            return _verify_pin_on_server(db, login, pin, desk)
        row = session.scalar(select(Staff).where(Staff.login == login))
        stored = pg_logins.stored_pin_hash(session, login)
        recent = session.scalars(
            select(AuditEvent.outcome)
            .where(
                AuditEvent.login == login,
                AuditEvent.action == Action.LOGIN.value,
                AuditEvent.detail.like("unlock%"),
                AuditEvent.ts >= now - UNLOCK_WINDOW,
            )
            .order_by(AuditEvent.id.desc())
        ).all()
    failures = 0
    for outcome in recent:  # consecutive failures since the last good unlock
        if outcome == "ok":
            break
        failures += 1
    if row is None or not row.active:
        reason = "unknown login" if row is None else "disabled"
    elif not stored:
        reason = "no pin set"
    elif failures >= MAX_FAILED_UNLOCKS:
        reason = "locked out"
    elif not pin_matches(pin, stored):
        reason = "wrong pin"
    else:
        reason = ""
    with db.write() as session:
        audit.append(
            session,
            login=login,
            role=row.roles if row is not None else "",
            desk=desk,
            action=Action.LOGIN.value,
            outcome="refused" if reason else "ok",
            detail=f"unlock: {reason}" if reason else "unlock",
            ts=now,
        )
    if not reason:
        assert row is not None
        return _actor_of(row)
    raise _unlock_refused(reason)


def _verify_pin_on_server(db: Database, login: str, pin: str, desk: str) -> Actor:
    """A PostgreSQL desk: derive the digest from the server-given salt, COMMIT the attempt, then ask.

    A desk may unlock only its own login (the server knows who is connected). The lockout and the audit
    row are the server's; committing the attempt first means a rolled-back check still counts."""
    with db.write() as session:
        if session.execute(select(func.session_user())).scalar() != login:
            raise NotAuthorised("A desk can only be unlocked by the person signed in to it.")
        salt = pg_logins.pin_salt(session)
        attempt = pg_logins.pin_attempt(session, pin_digest(pin, salt) if salt else "")
    with db.write() as session:
        reason = pg_logins.pin_check(session, attempt, desk)
    if reason:
        raise _unlock_refused(reason)
    with db.read() as session:
        row = session.scalar(select(Staff).where(Staff.login == login))
    assert row is not None
    return _actor_of(row)


def _unlock_refused(reason: str) -> NotAuthorised:
    if reason == "locked out":
        return NotAuthorised(f"Too many wrong PINs: unlocking is paused for {UNLOCK_WINDOW.seconds // 60} minutes.")
    if reason == "no pin set":
        return NotAuthorised("No PIN is set for this login: set one with 'dutyline staff set-pin'.")
    # Never repeat the login: a PIN typed into the login box by mistake would be shown on screen.
    return NotAuthorised(
        "That PIN is not right for this login."
        if reason == "wrong pin"
        else "That login is not an active dutyline user: check it, then type your PIN."
    )


def ensure_demo_staff(db: Database, login: str) -> None:
    """Make `login` an active demo user with every role, every team and the PIN DEMO_PIN (idempotent).

    For `dutyline demo` only: the demo database holds invented children, and the demo must open with one
    command whoever runs it.
    """
    roles = ",".join(sorted(Role))
    with db.write() as session:
        teams = ",".join(session.scalars(select(Team.code).order_by(Team.code)))
        row = session.scalar(select(Staff).where(Staff.login == login))
        if row is None:
            row = Staff(login=login, display_name=login, pin_hash="")
            session.add(row)
        if row.active and row.roles == roles and row.teams == teams and pin_matches(DEMO_PIN, row.pin_hash):
            return
        row.roles, row.teams, row.active, row.pin_hash = roles, teams, True, hash_pin(DEMO_PIN)
        audit.append(
            session,
            login=login,
            role=roles,
            desk=socket.gethostname(),
            action=Action.MANAGE_STAFF.value,
            detail=f"demo staff={login}",
        )
