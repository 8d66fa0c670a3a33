"""Staff records and identity: the OS login mapped to an active staff record.

Bootstrap rule: while the staff table is empty the database is being set up, and whoever runs dutyline
acts as an administrator (audited as `bootstrap`), so an IT admin can import and add the first staff.
"""

from __future__ import annotations

from sqlalchemy import func, select

from dutyline.domain.model import Role
from dutyline.domain.permissions import Action
from dutyline.services.context import Actor, PermissionDenied
from dutyline.store import audit
from dutyline.store.engine import Database
from dutyline.store.tables import Staff


class NotAuthorised(PermissionDenied):
    """This login has no active staff record."""


def parse_roles(text: str) -> frozenset[Role]:
    return frozenset(Role(r) for r in text.split(",") if r)


def resolve_actor(db: Database, login: str) -> Actor:
    """The Actor for `login`, or NotAuthorised (audited) if unknown or disabled."""
    with db.read() as session:
        if not session.scalar(select(func.count()).select_from(Staff)):
            return Actor(login=login, display_name=login, roles=frozenset({Role.ADMIN}), teams=(),
                         active=True)
        row = session.scalar(select(Staff).where(Staff.login == login))
        if row is not None and row.active:
            return Actor(login=row.login, display_name=row.display_name, roles=parse_roles(row.roles),
                         teams=tuple(t for t in row.teams.split(",") if t), active=True)
    actor = Actor(login=login)
    with db.write() as session:
        audit.append(session, login=login, role="", desk=actor.desk, action=Action.LOGIN.value,
                     outcome="refused", detail="disabled" if row is not None else "unknown login")
    raise NotAuthorised(
        f"The login '{login}' is not an active dutyline user. Ask your dutyline administrator to add you "
        "(dutyline staff add)."
    )


def is_bootstrap(db: Database) -> bool:
    with db.read() as session:
        return not session.scalar(select(func.count()).select_from(Staff))
