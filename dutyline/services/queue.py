"""The duty officer's queue, every use case in one place: list, claim (a lease), renew, complete, record a
failed attempt, release, and the team-level actions (reassign, accept a hand-off, escalation, the
manager's report).

The rules are pure functions in `dutyline.domain.queue` (team scope, lease tokens, refusal text, the
report's counts); the transactions are the store's (`UnitOfWork.run_guarded`: whole-transaction retry on
PostgreSQL 40001/40P01 and on SQLite busy errors that outlive the lock wait, so "database is locked" never
reaches the officer). Every change is one guarded statement (`dutyline.store.queue_repo`). Each use case
checks the role (`ctx.require`) and the team scope, and writes exactly one audit row of ids only
(`callback:12`, never names or notes) in the same transaction as the change. Refusals are audited
(outcome "refused") and explained with who holds the item and until when.

Tokens: `claim` returns a ClaimTicket with a fresh random lease token. The desk passes it back to
`complete`/`release`/`record_attempt`/`renew`; a desk whose lease lapsed, or whose item was re-claimed
elsewhere, is refused. The CLI keeps no token between runs, so it passes `token=None`, meaning "the same
login, while its lease is still live" (the weaker CLI rule, documented in cmd_callbacks).

Escalation is a flag, not a message: any desk that opens the queue (or the manager's report) flags every
open item past due as `escalated`, in one statement, so the team manager's view lists broken promises
without a scheduler process. The report counts promises kept and broken over a window (default 28 days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar

from dutyline.domain.calendar import LONDON
from dutyline.domain.model import Outcome, Reason
from dutyline.domain.permissions import Action
from dutyline.domain.queue import (
    AttemptResult,
    ClaimTicket,
    ItemKind,
    QueueItem,
    Scope,
    StatusFilter,
    TeamReport,
    build_report,
    clean_notes,
    new_token,
    refusal_text,
    sort_key,
)
from dutyline.domain.routing import route
from dutyline.domain.text import one_line
from dutyline.services.context import Context, PermissionDenied, ServiceError
from dutyline.store.uow import Refused, Work

T = TypeVar("T")

REPORT_WINDOW = dt.timedelta(days=28)
#: The team code a report over every team carries (never a real team's code).
ALL_TEAMS = "all"


class QueueRefused(ServiceError):
    """A queue action was refused because of the item's state (claimed elsewhere, lease lapsed, done)."""


# --- scope and leases ------------------------------------------------------------------------------------


def lease_duration(ctx: Context) -> dt.timedelta:
    """The claim lease (settings: `lease_seconds`, 15 minutes unless configured)."""
    return dt.timedelta(seconds=ctx.settings.lease_seconds)


def scope(ctx: Context) -> Scope:
    """The actor's team scope; alerts go to the team the policy routes safeguarding to."""
    return Scope(
        own_teams=ctx.actor.teams,
        alert_team=route(ctx.policy, Reason.SAFEGUARDING).team,
        every_team=ctx.actor.may(Action.REASSIGN_ACROSS_TEAM),
    )


def in_scope(ctx: Context, team: str) -> bool:
    return scope(ctx).includes(team)


def scope_teams(ctx: Context, action: Action, requested: Sequence[str] | None) -> list[str] | None:
    """The teams this actor may see for `action` (None = every team), refusing teams outside their scope."""
    mine = scope(ctx)
    if requested is None:
        return mine.work_teams()
    if mine.outside(requested):
        refuse_scope(ctx, action, detail="team")
    return list(requested)


def refuse_scope(ctx: Context, action: Action, *, case_id: int | None = None, detail: str = "") -> None:
    """Audit and raise: the item or team is not one of the actor's teams."""
    ctx.uow.run(
        lambda work: ctx.audit(
            work, action, case_id=case_id, outcome="refused", detail=f"not own team {detail}".strip()
        )
    )
    raise PermissionDenied("That is not one of your teams' queues; ask a team manager to reassign it.")


def _guarded(
    ctx: Context, action: Action, kind: ItemKind, item_id: int, verb: str, change: Callable[[Work], T | None]
) -> T:
    """Run one guarded change; when it matched nothing, audit the refusal and raise it in plain words."""

    def refuse(work: Work) -> str:
        state = work.queue.state(kind, item_id)
        ctx.audit(
            work,
            action,
            case_id=None if state is None else state.case_id,
            outcome="refused",
            detail=f"{kind.value}:{item_id}",
        )
        return _explain(ctx, work, kind, item_id, verb)

    result = ctx.uow.run_guarded(change, refuse)
    if isinstance(result, Refused):
        raise QueueRefused(result.message)
    return result


def _explain(ctx: Context, work: Work, kind: ItemKind, item_id: int, verb: str) -> str:
    state = work.queue.state(kind, item_id)
    return refusal_text(kind, item_id, state, verb=verb, login=ctx.actor.login, now=ctx.now(), scope=scope(ctx))


# --- the officer's own work ------------------------------------------------------------------------------


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
    with ctx.uow.read() as work:
        rows = work.queue.fetch(now=now, login=ctx.actor.login, teams=scope, status=status)
    items = sorted((i.with_timing(now) for i in rows), key=sort_key)
    if record_view:
        with ctx.uow.write() as work:
            ctx.audit(work, Action.VIEW_QUEUE, detail=f"status:{status.value} items:{len(items)}")
    return items


def get_item(ctx: Context, kind: ItemKind | str, item_id: int) -> QueueItem | None:
    """One item as it is now (for the detail pane), or None if it is gone or outside the actor's teams."""
    ctx.require(Action.VIEW_QUEUE)
    kind = ItemKind(kind)
    now = ctx.now()
    with ctx.uow.read() as work:
        rows = work.queue.fetch(
            now=now, login=ctx.actor.login, teams=None, status=StatusFilter.ALL, kinds=(kind,), item_id=item_id
        )
    if not rows or not in_scope(ctx, rows[0].team_code):
        return None
    return rows[0].with_timing(now)


def claim(ctx: Context, kind: ItemKind | str, item_id: int, *, lease: dt.timedelta | None = None) -> ClaimTicket:
    """Claim one item: exactly one desk wins; the others get QueueRefused naming who holds it."""
    ctx.require(Action.CLAIM)
    kind = ItemKind(kind)
    token, now = new_token(), ctx.now()
    until = now + (lease or lease_duration(ctx))
    teams = scope(ctx).work_teams()

    def change(work: Work) -> tuple[int | None] | None:
        row = work.queue.claim(kind, item_id, login=ctx.actor.login, token=token, now=now, until=until, teams=teams)
        if row is not None:
            ctx.audit(work, Action.CLAIM, case_id=row[0], detail=f"{kind.value}:{item_id}")
        return row

    _guarded(ctx, Action.CLAIM, kind, item_id, "claim", change)
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
    teams = [team] if team is not None else scope(ctx).work_teams()
    token, now = new_token(), ctx.now()
    until = now + (lease or lease_duration(ctx))

    def tx(work: Work) -> tuple[ItemKind, int] | None:
        heads = {k: h for k in ItemKind if (h := work.queue.head(k, teams, now)) is not None}
        order = sorted(heads, key=heads.__getitem__)
        for kind in order:
            got = work.queue.claim_next(kind, teams=teams, login=ctx.actor.login, token=token, now=now, until=until)
            if got is not None:
                ctx.audit(work, Action.CLAIM, case_id=got[1], detail=f"{kind.value}:{got[0]}")
                return kind, got[0]
        return None

    won = ctx.uow.run(tx)
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
    until = now + (lease or lease_duration(ctx))

    def tx(work: Work) -> tuple[bool, str]:
        if (
            work.queue.renew(ticket.kind, ticket.id, login=ctx.actor.login, token=ticket.token, now=now, until=until)
            is not None
        ):
            return True, ""
        return False, _explain(ctx, work, ticket.kind, ticket.id, "keep your claim")

    ok, message = ctx.uow.run(tx)
    if not ok:
        raise QueueRefused(message)
    return ticket.model_copy(update={"lease_expires": until})


def release(ctx: Context, kind: ItemKind | str, item_id: int, token: str | None) -> None:
    """Give the item back to the queue, unclaimed. Only the holder of a live lease may."""
    ctx.require(Action.RELEASE)
    kind = ItemKind(kind)

    def change(work: Work) -> object:
        row = work.queue.release(kind, item_id, login=ctx.actor.login, token=token, now=ctx.now())
        if row is not None:
            ctx.audit(work, Action.RELEASE, case_id=row[1], detail=f"{kind.value}:{item_id}")
        return row

    _guarded(ctx, Action.RELEASE, kind, item_id, "release", change)


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

    def change(work: Work) -> tuple[int | None] | None:
        row = work.queue.complete(
            kind, item_id, login=ctx.actor.login, token=token, now=now, outcome=outcome.value, notes=notes
        )
        if row is None:
            return None
        call_id = None
        if kind is ItemKind.CALLBACK:
            call_id = work.queue.log_return_call(
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
        ctx.audit(work, Action.COMPLETE, case_id=row[1], detail=detail)
        return (call_id,)

    return _guarded(ctx, Action.COMPLETE, kind, item_id, "complete it", change)[0]


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

    def change(work: Work) -> tuple[int, int | None] | None:
        row = work.queue.record_attempt(item_id, login=ctx.actor.login, token=token, now=now, line=line)
        if row is None:
            return None
        ctx.audit(work, Action.RECORD_ATTEMPT, case_id=row[2], detail=f"callback:{item_id} attempt:{row[1]}")
        return int(row[1]), row[2]

    return _guarded(ctx, Action.RECORD_ATTEMPT, ItemKind.CALLBACK, item_id, "record an attempt", change)[0]


def _outcome(value: Outcome | str) -> Outcome:
    try:
        return Outcome(value)
    except ValueError:
        raise ServiceError("Outcome must be one of: " + ", ".join(o.value for o in Outcome)) from None


# --- team-level actions ---------------------------------------------------------------------------------


def team_choices(ctx: Context) -> list[tuple[str, str]]:
    """(code, name) of every team, for the reassign form."""
    ctx.require(Action.VIEW_QUEUE)
    with ctx.uow.read() as work:
        return work.queue.team_list()


def reassign(ctx: Context, kind: ItemKind | str, item_id: int, team: str, reason: str) -> None:
    """Move an item to another team's queue, unclaimed, with a reason (kept in its notes).

    A duty officer may move their own teams' items that are free or held by them; a team manager
    (REASSIGN_ACROSS_TEAM) may move any team's item, even one claimed by someone else.
    """
    ctx.require(Action.REASSIGN)
    kind = ItemKind(kind)
    reason = one_line(reason)[:300]
    if not reason:
        raise ServiceError("Give a reason for reassigning: the receiving team reads it.")
    if team not in {code for code, _ in team_choices(ctx)}:
        raise ServiceError(f"There is no team '{one_line(team)[:64]}'.")
    now = ctx.now()
    line = f"{now.astimezone(LONDON):%d %b %H:%M} reassigned to {team} by {ctx.actor.login}: {reason}"
    from_teams = scope(ctx).work_teams()

    def change(work: Work) -> object:
        row = work.queue.reassign(
            kind, item_id, to_team=team, line=line, now=now, login=ctx.actor.login, from_teams=from_teams
        )
        if row is not None:
            ctx.audit(work, Action.REASSIGN, case_id=row[1], detail=f"{kind.value}:{item_id} to:{team}"[:200])
        return row

    _guarded(ctx, Action.REASSIGN, kind, item_id, f"reassign it to {team}", change)


def accept_handoff(ctx: Context, item_id: int, token: str | None = None, notes: str = "") -> None:
    """Accept a hand-off into the team's work (done, outcome 'accepted'): free, or held by the caller."""
    ctx.require(Action.ACCEPT_HANDOFF)
    notes = clean_notes(notes)
    teams = scope(ctx).work_teams()

    def change(work: Work) -> object:
        row = work.queue.accept_handoff(
            item_id, login=ctx.actor.login, token=token, now=ctx.now(), notes=notes, teams=teams
        )
        if row is not None:
            ctx.audit(work, Action.ACCEPT_HANDOFF, case_id=row[1], detail=f"handoff:{item_id}")
        return row

    _guarded(ctx, Action.ACCEPT_HANDOFF, ItemKind.HANDOFF, item_id, "accept it", change)


def escalate_overdue(ctx: Context) -> int:
    """Flag every open item now past due (all teams); one audit row when anything was flagged."""
    ctx.require(Action.VIEW_QUEUE)
    now = ctx.now()

    def tx(work: Work) -> int:
        flagged = work.queue.escalate_overdue(now)
        if flagged:
            ctx.audit(work, "escalate", detail=f"items:{len(flagged)}")
        return len(flagged)

    return ctx.uow.run(tx)


def manager_view(ctx: Context, team: str | None, *, window: dt.timedelta = REPORT_WINDOW) -> TeamReport:
    """Promises kept and broken for `team` (None: every team the actor oversees) over `window`, plus every
    open overdue item (escalated).

    None used to be impossible: "All my teams" on the duty screen sent the actor's first team, so the
    report showed one arbitrary team (and "OVERDUE open: 0" beside a queue full of overdue items).
    """
    ctx.require(Action.TEAM_REPORT)
    if team is not None and not in_scope(ctx, team):
        refuse_scope(ctx, Action.TEAM_REPORT, detail=team[:60])
    teams = [team] if team is not None else scope(ctx).work_teams()
    escalate_overdue(ctx)
    now = ctx.now()
    with ctx.uow.read() as work:
        items: dict[str, QueueItem] = {}
        for status, since in (
            (StatusFilter.ALL, now - window),
            (StatusFilter.OPEN, None),
            (StatusFilter.CLAIMED, None),
        ):
            for item in work.queue.fetch(
                now=now, login=ctx.actor.login, teams=teams, status=status, created_since=since
            ):
                items[item.key] = item.with_timing(now)
    report = build_report(team or ALL_TEAMS, now, list(items.values()))
    ctx.uow.run(lambda work: ctx.audit(work, Action.TEAM_REPORT, detail=f"team:{team or ALL_TEAMS}"[:200]))
    return report


def promises_for_case(ctx: Context, case_id: int) -> list[QueueItem]:
    """Open callbacks and hand-offs for one case, most pressing first (overdue flagged).

    For the case screen: the next handler who takes a call from the family sees the promises still
    outstanding, and which are broken. Not audited separately: it is part of viewing the case, which the
    case screen audits.
    """
    ctx.require(Action.VIEW_CASE, case_id=case_id)
    now = ctx.now()
    with ctx.uow.read() as work:
        rows = work.queue.fetch(now=now, login=ctx.actor.login, teams=None, status=StatusFilter.ALL, case_id=case_id)
    return sorted((i.with_timing(now) for i in rows if i.is_open_state), key=sort_key)
