"""The acting person and the gate every use case passes through (permission check + audit row)."""

from __future__ import annotations

import datetime as dt
import os
import pwd
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutyline.domain.model import Role
from dutyline.domain.permissions import Action, allowed
from dutyline.domain.text import login_text
from dutyline.store import audit
from dutyline.store.engine import Database
from dutyline.store.tables import Staff


class PermissionDenied(Exception):
    """The acting person's role does not allow this action (already audited as refused)."""


class ServiceError(Exception):
    """A use case could not be done; the message is safe to show a handler (no personal data)."""


class Conflict(ServiceError):
    """Someone else saved this record first; `changes` lists field names that differ."""

    def __init__(self, message: str, changes: dict[str, tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.changes = changes or {}


@dataclass(frozen=True)
class Actor:
    """Who is at the desk. Built from the OS login mapped to a staff record (see services.staff)."""

    login: str
    display_name: str = ""
    roles: frozenset[Role] = frozenset()
    teams: tuple[str, ...] = ()
    active: bool = True
    desk: str = field(default_factory=socket.gethostname)

    @property
    def role_text(self) -> str:
        return ",".join(sorted(r.value for r in self.roles))

    def may(self, action: Action) -> bool:
        return allowed(self.roles, action, active=self.active)


def os_login() -> str:
    """The kernel's idea of who runs this process: the effective uid's passwd entry.

    Never LOGNAME, USER or getpass.getuser(): those read environment variables the user sets at will
    (`env LOGNAME=root dutyline ...`). On PostgreSQL a desk login is identified by the server instead
    (`session_user`, see cli.common.desk_login); this is SQLite's identity (one person's 0600 file).
    """
    uid = os.geteuid()
    try:
        return login_text(pwd.getpwuid(uid).pw_name)
    except KeyError:  # no passwd entry (a container): the uid is still the kernel's word
        return f"uid{uid}"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Context:
    """Everything a use case needs. Tests inject a fake `clock`."""

    db: Database
    actor: Actor
    policy: object | None = None  # dutyline.domain.policy.Policy; typed loosely to avoid an import cycle
    clock: Callable[[], dt.datetime] = utc_now

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        from dutyline.domain.calendar import local_date  # local (UK) calendar day

        return local_date(self.clock())

    def audit(
        self,
        session: Session,
        action: Action | str,
        *,
        case_id: int | None = None,
        outcome: str = "ok",
        detail: str = "",
    ) -> None:
        """Write one audit row inside `session`'s transaction."""
        audit.append(
            session,
            login=self.actor.login,
            role=self.actor.role_text,
            desk=self.actor.desk,
            action=str(action),
            case_id=case_id,
            outcome=outcome,
            detail=detail,
            ts=self.now(),
        )

    def require(self, action: Action, *, case_id: int | None = None) -> None:
        """Refuse (and audit the refusal) unless the actor may do `action`, now.

        The staff record is read again on every check, so a leaver disabled (or a mover whose role was
        removed) while their app is open is refused at their next action, not at their next start.
        """
        if self.actor.may(action) and self._still_allowed(action):
            return
        with self.db.write() as session:
            self.audit(session, action, case_id=case_id, outcome="refused")
        raise PermissionDenied(f"Your account is not allowed to {action.value.replace('_', ' ')}.")

    def _still_allowed(self, action: Action) -> bool:
        """The current staff record also allows `action`. An actor with no staff record (bootstrap, or one
        built by a tool or test) keeps the rights it was built with."""
        with self.db.read() as session:
            row = session.execute(select(Staff.roles, Staff.active).where(Staff.login == self.actor.login)).first()
        if row is None:
            return True
        return bool(row.active) and allowed({Role(r) for r in row.roles.split(",") if r}, action)

    def audited_read(self, action: Action, *, case_id: int | None = None, detail: str = "") -> None:
        """Check and record a read (search, view): reads of a child's record leave a trace too."""
        self.require(action, case_id=case_id)
        with self.db.write() as session:
            self.audit(session, action, case_id=case_id, detail=detail)
