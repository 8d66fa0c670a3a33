"""Shared rules for the queue use cases: lease length, team scope, and refusals in plain words.

Team scope: a duty officer works only their own teams' queues (`actor.teams`). A team manager (anyone
granted REASSIGN_ACROSS_TEAM) oversees every team: they may view, work and reassign any team's items.
Refusals are audited (outcome "refused") and explained with who holds the item and until when: staff
logins and times only, never anything about the child.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy.orm import Session

from dutyline.domain.calendar import LONDON
from dutyline.domain.model import ItemStatus
from dutyline.domain.permissions import Action
from dutyline.domain.queue import ItemKind, as_utc
from dutyline.services.context import Context, PermissionDenied, ServiceError
from dutyline.store import queue_repo as repo

T = TypeVar("T")

#: Default claim lease. Long enough to ring a family back and write notes; the desk renews it while open.
DEFAULT_LEASE = dt.timedelta(minutes=15)


class QueueRefused(ServiceError):
    """A queue action was refused because of the item's state (claimed elsewhere, lease lapsed, done)."""


def lease_duration() -> dt.timedelta:
    """The claim lease: DUTYLINE_LEASE_SECONDS if set (at least 1 s), else 15 minutes."""
    raw = os.environ.get("DUTYLINE_LEASE_SECONDS")
    if raw:
        try:
            return dt.timedelta(seconds=max(1.0, float(raw)))
        except ValueError:
            pass
    return DEFAULT_LEASE


def new_token() -> str:
    """A fresh random lease token: a completion must present it, so a lapsed desk cannot finish late."""
    return secrets.token_urlsafe(24)


def across_teams(ctx: Context) -> bool:
    return ctx.actor.may(Action.REASSIGN_ACROSS_TEAM)


def alert_team(ctx: Context) -> str:
    """The team safeguarding alerts are queued for. Every duty officer sees and may act on them,
    whatever their own teams: a concern must top every duty queue, not wait for one team's desk."""
    from dutyline.domain.model import Reason
    from dutyline.domain.policy import Policy
    from dutyline.domain.routing import route

    policy = ctx.policy
    if not isinstance(policy, Policy):
        return "safeguarding"
    return route(policy, Reason.SAFEGUARDING).team


def work_teams(ctx: Context) -> list[str] | None:
    """The teams whose items this actor may act on (None = every team): their own plus alerts."""
    if across_teams(ctx):
        return None
    return list(dict.fromkeys([*ctx.actor.teams, alert_team(ctx)]))


def in_scope(ctx: Context, team: str) -> bool:
    return across_teams(ctx) or team in ctx.actor.teams or team == alert_team(ctx)


def scope_teams(ctx: Context, action: Action, requested: Sequence[str] | None) -> list[str] | None:
    """The teams this actor may see for `action` (None = every team), refusing teams outside their scope."""
    if across_teams(ctx):
        return None if requested is None else list(requested)
    own = work_teams(ctx) or []
    if requested is None:
        return own
    outside = [t for t in requested if t not in own]
    if outside:
        refuse_scope(ctx, action, detail="team")
    return list(requested)


def refuse_scope(ctx: Context, action: Action, *, case_id: int | None = None, detail: str = "") -> None:
    """Audit and raise: the item or team is not one of the actor's teams."""
    with ctx.db.write() as session:
        ctx.audit(session, action, case_id=case_id, outcome="refused", detail=f"not own team {detail}".strip())
    raise PermissionDenied("That is not one of your teams' queues; ask a team manager to reassign it.")


def clean_notes(text: str, limit: int = 4000) -> str:
    from dutyline.domain.text import sanitize

    return sanitize(text, multiline=True).strip()[:limit]


def hhmm(moment: dt.datetime | None) -> str:
    return "" if moment is None else as_utc(moment).astimezone(LONDON).strftime("%H:%M")


def explain(session: Session, ctx: Context, kind: ItemKind, item_id: int, *, verb: str) -> str:
    """Why `verb` was refused, read in the refusing transaction (the guarded statement matched nothing)."""
    login, now = ctx.actor.login, ctx.now()
    st = repo.state(session, kind, item_id)
    label = kind.label.lower()
    if st is None:
        return f"There is no {label} {item_id}."
    status, claimed_by, expires, _token, team, _case = st
    if not in_scope(ctx, team):
        return f"Cannot {verb}: {label} {item_id} is in the {team} queue, which is not one of your teams."
    live = status == ItemStatus.CLAIMED.value and expires is not None and as_utc(expires) > now
    if status == ItemStatus.DONE.value:
        return f"Cannot {verb}: {label} {item_id} is already done."
    if status == ItemStatus.CANCELLED.value:
        return f"Cannot {verb}: {label} {item_id} was cancelled."
    if live and claimed_by != login:
        return (
            f"Cannot {verb}: {label} {item_id} is claimed by {claimed_by} until {hhmm(expires)}. "
            "If you had claimed it, your claim lapsed and it was taken by someone else."
        )
    if live:
        return f"Cannot {verb}: you claimed {label} {item_id} again at another desk or window; finish it there."
    if status == ItemStatus.CLAIMED.value:
        return (
            f"Cannot {verb}: the claim on {label} {item_id} lapsed at {hhmm(expires)} and it is back in "
            "the queue. Claim it again first."
        )
    return f"Cannot {verb}: nobody holds {label} {item_id} (the claim lapsed or was released). Claim it first."


def audit_refused(ctx: Context, session: Session, action: Action, kind: ItemKind, item_id: int) -> None:
    st = repo.state(session, kind, item_id)
    ctx.audit(
        session, action, case_id=None if st is None else st[5], outcome="refused", detail=f"{kind.value}:{item_id}"
    )


def run_guarded(
    ctx: Context, action: Action, kind: ItemKind, item_id: int, verb: str, change: Callable[[Session], T | None]
) -> T:
    """Run `change(session)` (one guarded statement + its audit row) in a retried write transaction.

    When the guard matched nothing, the refusal is audited in the same transaction, committed, and then
    raised as QueueRefused: an audit row of a refusal must not be rolled back with it.
    """

    def tx(session: Session) -> tuple[T | None, str]:
        result = change(session)
        if result is not None:
            return result, ""
        audit_refused(ctx, session, action, kind, item_id)
        return None, explain(session, ctx, kind, item_id, verb=verb)

    result, refusal = ctx.db.run_write(tx)
    if result is None:
        raise QueueRefused(refusal)
    return result
