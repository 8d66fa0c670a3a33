"""The duty officer's queue: list, claim (a lease), renew, complete, record a failed attempt, release.

Every change is one guarded statement in `dutyline.store.queue_repo`, run through `Database.run_write`
(whole-transaction retry on PostgreSQL 40001/40P01 and on SQLite busy errors that outlive the busy
timeout, so "database is locked" never reaches the officer). Each use case checks the role
(`ctx.require`) and the team scope (see queue_guard), and writes exactly one audit row of ids only
(`callback:12`, never names or notes) in the same transaction as the change.

Tokens: `claim` returns a ClaimTicket with a fresh random lease token. The desk passes it back to
`complete`/`release`/`record_attempt`/`renew`; a desk whose lease lapsed, or whose item was re-claimed
elsewhere, is refused. The CLI keeps no token between runs, so it passes `token=None`, meaning "the same
login, while its lease is still live" (the weaker CLI rule, documented in cmd_callbacks).

Team-level actions (reassign, accept a hand-off, escalation, the manager's report) live in
`dutyline.services.queue_team` and are re-exported here so callers have one module to import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from dutyline.domain.calendar import LONDON
from dutyline.domain.model import Outcome
from dutyline.domain.permissions import Action
from dutyline.domain.queue import AttemptResult, ClaimTicket, ItemKind, QueueItem, StatusFilter, sort_key
from dutyline.services.context import Context, ServiceError
from dutyline.services.queue_guard import (
    QueueRefused,
    clean_notes,
    explain,
    in_scope,
    lease_duration,
    new_token,
    refuse_scope,
    run_guarded,
    scope_teams,
    work_teams,
)
from dutyline.services.queue_team import (
    accept_handoff,
    escalate_overdue,
    manager_view,
    promises_for_case,
    reassign,
    team_choices,
)
from dutyline.store import queue_repo as repo

__all__ = [
    "QueueRefused",
    "accept_handoff",
    "claim",
    "claim_next",
    "complete",
    "escalate_overdue",
    "get_item",
    "list_items",
    "manager_view",
    "promises_for_case",
    "reassign",
    "record_attempt",
    "release",
    "renew",
    "team_choices",
]


def list_items(
    ctx: Context,
    *,
    teams: Sequence[str] | None = None,
    status: StatusFilter | str | None = None,
    record_view: bool = True,
) -> list[QueueItem]:
    """The queue for the actor's teams (or `teams`), urgent first then by due time, with timing flags.

    `record_view=False` is for the screen's live refreshes of a queue the same person already opened
    (and was audited for): a refresh on every change at every desk would flood the audit trail.
    """
    ctx.require(Action.VIEW_QUEUE)
    scope = scope_teams(ctx, Action.VIEW_QUEUE, teams)
    status = StatusFilter(status or StatusFilter.AVAILABLE)
    now = ctx.now()
    with ctx.db.read() as session:
        rows = repo.fetch(session, now=now, login=ctx.actor.login, teams=scope, status=status)
    items = sorted((i.with_timing(now) for i in rows), key=sort_key)
    if record_view:
        with ctx.db.write() as session:
            ctx.audit(session, Action.VIEW_QUEUE, detail=f"status:{status.value} items:{len(items)}")
    return items


def get_item(ctx: Context, kind: ItemKind | str, item_id: int) -> QueueItem | None:
    """One item as it is now (for the detail pane), or None if it is gone or outside the actor's teams."""
    ctx.require(Action.VIEW_QUEUE)
    kind = ItemKind(kind)
    now = ctx.now()
    with ctx.db.read() as session:
        rows = repo.fetch(
            session, now=now, login=ctx.actor.login, teams=None, status=StatusFilter.ALL, kinds=(kind,), item_id=item_id
        )
    if not rows or not in_scope(ctx, rows[0].team_code):
        return None
    return rows[0].with_timing(now)


def claim(ctx: Context, kind: ItemKind | str, item_id: int, *, lease: dt.timedelta | None = None) -> ClaimTicket:
    """Claim one item: exactly one desk wins; the others get QueueRefused naming who holds it."""
    ctx.require(Action.CLAIM)
    kind = ItemKind(kind)
    token, now = new_token(), ctx.now()
    until = now + (lease or lease_duration())
    teams = work_teams(ctx)

    def change(session: Session) -> tuple[int | None] | None:
        row = repo.claim(session, kind, item_id, login=ctx.actor.login, token=token, now=now, until=until, teams=teams)
        if row is not None:
            ctx.audit(session, Action.CLAIM, case_id=row[0], detail=f"{kind.value}:{item_id}")
        return row

    run_guarded(ctx, Action.CLAIM, kind, item_id, "claim", change)
    return ClaimTicket(kind=kind, id=item_id, token=token, claimed_by=ctx.actor.login, lease_expires=until)


def claim_next(ctx: Context, team: str | None = None, *, lease: dt.timedelta | None = None) -> ClaimTicket | None:
    """Claim the most pressing free item (callback or hand-off), or None when nothing is free.

    `team` None means every team this actor may work (their own teams and the safeguarding alerts, or
    every team for a manager): the most urgent, then most overdue, item across all of them, so "all my
    teams" never quietly means "my first team". A plain read picks which table's head is more pressing;
    the claim itself is the guarded FOR UPDATE SKIP LOCKED statement, and if another desk took that
    table's last item we try the other.
    """
    ctx.require(Action.CLAIM)
    if team is not None and not in_scope(ctx, team):
        refuse_scope(ctx, Action.CLAIM, detail=team[:60])
    teams = [team] if team is not None else work_teams(ctx)
    token, now = new_token(), ctx.now()
    until = now + (lease or lease_duration())

    def tx(session: Session) -> tuple[ItemKind, int] | None:
        heads = {k: h for k in ItemKind if (h := repo.head(session, k, teams, now)) is not None}
        order = sorted(heads, key=heads.__getitem__)
        for kind in order:
            got = repo.claim_next(session, kind, teams=teams, login=ctx.actor.login, token=token, now=now, until=until)
            if got is not None:
                ctx.audit(session, Action.CLAIM, case_id=got[1], detail=f"{kind.value}:{got[0]}")
                return kind, got[0]
        return None

    won = ctx.db.run_write(tx)
    if won is None:
        return None
    return ClaimTicket(kind=won[0], id=won[1], token=token, claimed_by=ctx.actor.login, lease_expires=until)


def renew(ctx: Context, ticket: ClaimTicket, *, lease: dt.timedelta | None = None) -> ClaimTicket:
    """Extend a live lease (the desk's heartbeat while the item is open on screen).

    Refused once the lease has lapsed, even if nobody re-claimed it: otherwise a desk that was frozen or
    killed could revive its claim and complete late. Not audited: a heartbeat changes nothing about a case.
    """
    ctx.require(Action.CLAIM)
    now = ctx.now()
    until = now + (lease or lease_duration())

    def tx(session: Session) -> tuple[bool, str]:
        if (
            repo.renew(session, ticket.kind, ticket.id, login=ctx.actor.login, token=ticket.token, now=now, until=until)
            is not None
        ):
            return True, ""
        return False, explain(session, ctx, ticket.kind, ticket.id, verb="keep your claim")

    ok, message = ctx.db.run_write(tx)
    if not ok:
        raise QueueRefused(message)
    return ticket.model_copy(update={"lease_expires": until})


def release(ctx: Context, kind: ItemKind | str, item_id: int, token: str | None) -> None:
    """Give the item back to the queue, unclaimed. Only the holder of a live lease may."""
    ctx.require(Action.RELEASE)
    kind = ItemKind(kind)

    def change(session: Session) -> object:
        row = repo.release(session, kind, item_id, login=ctx.actor.login, token=token, now=ctx.now())
        if row is not None:
            ctx.audit(session, Action.RELEASE, case_id=row[1], detail=f"{kind.value}:{item_id}")
        return row

    run_guarded(ctx, Action.RELEASE, kind, item_id, "release", change)


def complete(
    ctx: Context, kind: ItemKind | str, item_id: int, token: str | None, outcome: Outcome | str, notes: str = ""
) -> int | None:
    """Complete a held item with its outcome and notes.

    A callback's completion also logs the return call on the case, by this officer, in the same
    transaction (both or neither). Returns the new call's id for a callback, None for a hand-off.
    Refused (QueueRefused) when the lease lapsed or the item was re-claimed: the late desk must not
    overwrite the other officer's work.
    """
    ctx.require(Action.COMPLETE)
    kind = ItemKind(kind)
    outcome = _outcome(outcome)
    notes = clean_notes(notes)
    now = ctx.now()

    def change(session: Session) -> tuple[int | None] | None:
        row = repo.complete(
            session, kind, item_id, login=ctx.actor.login, token=token, now=now, outcome=outcome.value, notes=notes
        )
        if row is None:
            return None
        call_id = None
        if kind is ItemKind.CALLBACK:
            call_id = repo.log_return_call(
                session,
                callback_id=item_id,
                case_id=row[1],
                login=ctx.actor.login,
                now=now,
                reason=row[2],
                urgent_reason=row[3],
                outcome=outcome.value,
                notes=notes,
                contact_name=row[4],
                phone=row[5],
            )
        detail = f"{kind.value}:{item_id}" + (f" call:{call_id}" if call_id else "")
        ctx.audit(session, Action.COMPLETE, case_id=row[1], detail=detail)
        return (call_id,)

    return run_guarded(ctx, Action.COMPLETE, kind, item_id, "complete it", change)[0]


def record_attempt(ctx: Context, item_id: int, token: str | None, result: AttemptResult | str, notes: str = "") -> int:
    """A callback attempt that reached nobody: counted, noted, and the callback goes back to the queue
    (still open, unclaimed) so whoever is free next can try again. Returns the attempt count."""
    ctx.require(Action.RECORD_ATTEMPT)
    try:
        result = AttemptResult(result)
    except ValueError:
        raise ServiceError("Attempt result must be one of: " + ", ".join(r.value for r in AttemptResult)) from None
    now = ctx.now()
    stamp = now.astimezone(LONDON).strftime("%d %b %H:%M")
    extra = clean_notes(notes, 1000)
    line = f"{stamp} attempt by {ctx.actor.login}: {result.label}" + (f". {extra}" if extra else "")

    def change(session: Session) -> tuple[int, int | None] | None:
        row = repo.record_attempt(session, item_id, login=ctx.actor.login, token=token, now=now, line=line)
        if row is None:
            return None
        ctx.audit(session, Action.RECORD_ATTEMPT, case_id=row[2], detail=f"callback:{item_id} attempt:{row[1]}")
        return int(row[1]), row[2]

    return run_guarded(ctx, Action.RECORD_ATTEMPT, ItemKind.CALLBACK, item_id, "record an attempt", change)[0]


def _outcome(value: Outcome | str) -> Outcome:
    try:
        return Outcome(value)
    except ValueError:
        raise ServiceError("Outcome must be one of: " + ", ".join(o.value for o in Outcome)) from None
