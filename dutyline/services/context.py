"""The acting person and the gate every use case passes through (permission check + audit row)."""

from __future__ import annotations

import datetime as dt
import os
import pwd
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from dutyline.config import Settings
from dutyline.domain.calendar import local_date
from dutyline.domain.model import Role
from dutyline.domain.permissions import Action, allowed
from dutyline.domain.policy import Policy
from dutyline.domain.text import login_text
from dutyline.store.audit import AuditEntry
from dutyline.store.uow import UnitOfWork, Work


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

    Never LOGNAME, USER or the getpass module's getuser: those read environment variables the user sets at will
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
    """Everything a use case needs: the store (a unit of work), who is acting, the council's policy and
    the settings, all chosen once at start-up by the CLI. Tests inject a fake `clock` (and may use an
    in-memory unit of work)."""

    uow: UnitOfWork
    actor: Actor
    policy: Policy
    settings: Settings
    clock: Callable[[], dt.datetime] = utc_now

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        """The local (UK) calendar day."""
        return local_date(self.clock())

    def as_actor(self, actor: Actor) -> Context:
        """The same desk with another person acting (an idle-lock unlock by someone else)."""
        return Context(uow=self.uow, actor=actor, policy=self.policy, settings=self.settings, clock=self.clock)

    def entry(
        self, action: Action | str, *, case_id: int | None = None, outcome: str = "ok", detail: str = ""
    ) -> AuditEntry:
        return AuditEntry(
            login=self.actor.login,
            role=self.actor.role_text,
            desk=self.actor.desk,
            action=str(action),
            ts=self.now(),
            case_id=case_id,
            outcome=outcome,
            detail=detail,
        )

    def audit(
        self,
        work: Work,
        action: Action | str,
        *,
        case_id: int | None = None,
        outcome: str = "ok",
        detail: str = "",
    ) -> None:
        """Write one audit row inside `work`'s transaction."""
        work.audit(self.entry(action, case_id=case_id, outcome=outcome, detail=detail))

    def require(self, action: Action, *, case_id: int | None = None) -> None:
        """Refuse (and audit the refusal) unless the actor may do `action`, now.

        The staff record is read again on every check, so a leaver disabled (or a mover whose role was
        removed) while their app is open is refused at their next action, not at their next start.
        """
        if self.actor.may(action) and self._still_allowed(action):
            return
        self.uow.run(lambda work: self.audit(work, action, case_id=case_id, outcome="refused"))
        raise PermissionDenied(f"Your account is not allowed to {action.value.replace('_', ' ')}.")

    def _still_allowed(self, action: Action) -> bool:
        """The current staff record also allows `action`. An actor with no staff record (bootstrap, or one
        built by a tool or test) keeps the rights it was built with."""
        with self.uow.read() as work:
            record = work.staff.get(self.actor.login)
        if record is None:
            return True
        return record.active and allowed(record.roles, action)

    def audited_read(self, action: Action, *, case_id: int | None = None, detail: str = "") -> None:
        """Check and record a read (search, view): reads of a child's record leave a trace too.

        The row may be queued while another desk's long write holds the SQLite lock (see store.uow), so
        a search keeps answering during an import."""
        self.require(action, case_id=case_id)
        self.uow.record_read(self.entry(action, case_id=case_id, detail=detail))
