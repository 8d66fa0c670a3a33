"""A person's own PostgreSQL login role, and PINs through the server's functions (docs/security.md).

`sync_login` makes the login role match the staff record: it exists, may log in only while the record is
active, is a member of exactly the groups of the roles held, and (for admins) may create roles, because
`dutyline staff add` run by an admin creates the next person's login. It runs only in a database set up
for per-person logins (`security apply` has granted the groups their rights here), so test and SQLite-era
databases are never touched.

PINs: a desk role cannot read `staff.pin_hash`. It fetches its own salt, derives the scrypt digest itself,
commits the attempt, then asks the server to compare: the lockout lives in the server, counting committed
attempts, so rolling back a check cannot hide a wrong guess.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, text, update
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from dutyline.domain.model import Role
from dutyline.store.engine import DatabaseError
from dutyline.store.pg_security import GROUPS
from dutyline.store.tables import Staff

_TRUSTED = text(
    "SELECT r.rolsuper OR pg_has_role(session_user, c.relowner, 'MEMBER') FROM pg_roles r, pg_class c "
    "WHERE r.rolname = session_user AND c.oid = to_regclass('audit_event')"
)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def desk_session(session: Session) -> bool:
    """True on PostgreSQL when connected as a desk login (not the schema owner or a superuser)."""
    return is_postgres(session) and not session.execute(_TRUSTED).scalar()


def per_person(session: Session) -> bool:
    """True when this PostgreSQL database has been set up for per-person logins (`security apply`)."""
    if not is_postgres(session):
        return False
    return bool(
        session.execute(
            text(
                "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dutyline_call_handler') "
                "AND has_any_column_privilege('dutyline_call_handler', 'audit_event', 'INSERT')"
            )
        ).scalar()
    )


def quote_role(login: str) -> str:
    return '"' + login.replace('"', '""') + '"'


def role_exists(session: Session, login: str) -> bool:
    return bool(session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": login}).first())


class CannotManageLogins(DatabaseError):
    """The signed-in login may not create or change other people's logins (it lacks CREATEROLE)."""


def sync_login(session: Session, login: str, roles: Iterable[Role], active: bool, *, create: bool = True) -> bool:
    """Make `login`'s PostgreSQL role match its staff record; returns False if it has no role (and
    `create` is off). Creating tolerates another session creating the same role at the same moment.

    Needs CREATEROLE (an admin's own login gets it from here); without it, CannotManageLogins says so in
    one sentence and the caller's transaction, staff record included, rolls back."""
    me = str(session.execute(text("SELECT session_user")).scalar_one())
    try:
        return _sync_login(session, login, roles, active, create=create)
    except ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        raise CannotManageLogins(
            f"your database login {quote_role(me)} cannot create or change people's PostgreSQL logins: it "
            f"needs CREATEROLE. Ask the database owner to run: ALTER ROLE {quote_role(me)} CREATEROLE; "
            "(or to run 'dutyline staff set-role' for you as the owner, which gives every admin's login "
            "CREATEROLE). Nothing was changed."
        ) from None


def _sync_login(session: Session, login: str, roles: Iterable[Role], active: bool, *, create: bool) -> bool:
    name = quote_role(login)
    if not role_exists(session, login):
        if not create:
            return False
        session.execute(
            text(
                f"DO $$ BEGIN CREATE ROLE {name} NOLOGIN; "
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            )
        )
    held = set(roles) if active else set()
    for role, group in GROUPS.items():
        verb = f"GRANT {group} TO {name}" if role in held else f"REVOKE {group} FROM {name}"
        session.execute(text(verb))
    login_attr = "LOGIN" if active else "NOLOGIN"
    create_attr = "CREATEROLE" if Role.ADMIN in held else "NOCREATEROLE"
    session.execute(text(f"ALTER ROLE {name} {login_attr} {create_attr}"))
    return True


# ------------------------------------------------------------------------------------------------ PINs
def pin_states(session: Session) -> dict[str, bool]:
    """login -> has a PIN, without anyone reading a hash."""
    if is_postgres(session):
        rows = session.execute(text("SELECT login, has_pin FROM dutyline_pin_states()"))
        return {str(login): bool(has) for login, has in rows}
    return {login: bool(h) for login, h in session.execute(select(Staff.login, Staff.pin_hash))}


def set_pin_hash(session: Session, login: str, hashed: str) -> None:
    """Store a new PIN hash: through the server's function for a desk login (its own, or anyone's for an
    admin), directly for SQLite and the owner."""
    if desk_session(session):
        session.execute(text("SELECT dutyline_pin_set(:l, :h)"), {"l": login, "h": hashed})
    else:
        session.execute(update(Staff).where(Staff.login == login).values(pin_hash=hashed))


def stored_pin_hash(session: Session, login: str) -> str:
    """The hash itself: SQLite and the owner only (a desk uses pin_salt / pin_attempt / pin_check)."""
    return session.scalar(select(Staff.pin_hash).where(Staff.login == login)) or ""


def pin_salt(session: Session) -> str | None:
    """`scrypt$n$r$p$salt` of the connected desk login's PIN, or None when it has none."""
    return session.execute(text("SELECT dutyline_pin_salt()")).scalar()


def pin_attempt(session: Session, digest: str) -> int:
    """Record an attempt (commit it before asking for the result)."""
    return int(session.execute(text("SELECT dutyline_pin_attempt(:d)"), {"d": digest}).scalar_one())


def pin_check(session: Session, attempt: int, desk: str) -> str:
    """'' when the attempt's PIN is right; else the reason. The server audits it."""
    return str(session.execute(text("SELECT dutyline_pin_check(:a, :d)"), {"a": attempt, "d": desk}).scalar_one())


def install_security(session: Session) -> None:
    """Run the generated security script (group roles, functions, triggers, grants) in this transaction."""
    from dutyline.store.pg_security import grants_sql

    session.execute(text(grants_sql()))


def staff_accounts(session: Session) -> list[tuple[str, str, bool]]:
    """(login, roles text, active) of every staff record, by login."""
    rows = session.execute(select(Staff.login, Staff.roles, Staff.active).order_by(Staff.login))
    return [(str(login), str(roles), bool(active)) for login, roles, active in rows]
