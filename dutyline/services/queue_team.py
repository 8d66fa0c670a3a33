"""Team-level queue actions: reassign, accept a hand-off, escalate overdue items, the manager's report.

Escalation is a flag, not a message: any desk that opens the queue (or the manager's report) flags every
open item past due as `escalated`, in one statement, so the team manager's view lists broken promises
without a scheduler process. The report counts promises kept and broken over a window (default 28 days):
completed on time / late, open overdue, and the time to complete in working hours (p50 / p95).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from dutyline.domain.calendar import LONDON, working_hours_between
from dutyline.domain.model import ItemStatus
from dutyline.domain.permissions import Action
from dutyline.domain.queue import ItemKind, QueueItem, StatusFilter, TeamReport, as_utc, percentile, sort_key
from dutyline.domain.text import one_line
from dutyline.services.context import Context, ServiceError
from dutyline.services.queue_guard import clean_notes, in_scope, refuse_scope, run_guarded, work_teams
from dutyline.store import queue_repo as repo

REPORT_WINDOW = dt.timedelta(days=28)
#: The team code a report over every team carries (never a real team's code).
ALL_TEAMS = "all"


def team_choices(ctx: Context) -> list[tuple[str, str]]:
    """(code, name) of every team, for the reassign form."""
    ctx.require(Action.VIEW_QUEUE)
    with ctx.db.read() as session:
        return repo.team_list(session)


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
    from_teams = work_teams(ctx)

    def change(session: Session) -> object:
        row = repo.reassign(
            session, kind, item_id, to_team=team, line=line, now=now, login=ctx.actor.login, from_teams=from_teams
        )
        if row is not None:
            ctx.audit(session, Action.REASSIGN, case_id=row[1], detail=f"{kind.value}:{item_id} to:{team}"[:200])
        return row

    run_guarded(ctx, Action.REASSIGN, kind, item_id, f"reassign it to {team}", change)


def accept_handoff(ctx: Context, item_id: int, token: str | None = None, notes: str = "") -> None:
    """Accept a hand-off into the team's work (done, outcome 'accepted'): free, or held by the caller."""
    ctx.require(Action.ACCEPT_HANDOFF)
    notes = clean_notes(notes)
    teams = work_teams(ctx)

    def change(session: Session) -> object:
        row = repo.accept_handoff(
            session, item_id, login=ctx.actor.login, token=token, now=ctx.now(), notes=notes, teams=teams
        )
        if row is not None:
            ctx.audit(session, Action.ACCEPT_HANDOFF, case_id=row[1], detail=f"handoff:{item_id}")
        return row

    run_guarded(ctx, Action.ACCEPT_HANDOFF, ItemKind.HANDOFF, item_id, "accept it", change)


def escalate_overdue(ctx: Context) -> int:
    """Flag every open item now past due (all teams); one audit row when anything was flagged."""
    ctx.require(Action.VIEW_QUEUE)
    now = ctx.now()

    def tx(session: Session) -> int:
        flagged = repo.escalate_overdue(session, now)
        if flagged:
            ctx.audit(session, "escalate", detail=f"items:{len(flagged)}")
        return len(flagged)

    return ctx.db.run_write(tx)


def manager_view(ctx: Context, team: str | None, *, window: dt.timedelta = REPORT_WINDOW) -> TeamReport:
    """Promises kept and broken for `team` (None: every team the actor oversees) over `window`, plus every
    open overdue item (escalated).

    None used to be impossible: "All my teams" on the duty screen sent the actor's first team, so the
    report showed one arbitrary team (and "OVERDUE open: 0" beside a queue full of overdue items).
    """
    ctx.require(Action.TEAM_REPORT)
    if team is not None and not in_scope(ctx, team):
        refuse_scope(ctx, Action.TEAM_REPORT, detail=team[:60])
    teams = [team] if team is not None else work_teams(ctx)
    escalate_overdue(ctx)
    now = ctx.now()
    with ctx.db.read() as session:
        items: dict[str, QueueItem] = {}
        for status, since in (
            (StatusFilter.ALL, now - window),
            (StatusFilter.OPEN, None),
            (StatusFilter.CLAIMED, None),
        ):
            for item in repo.fetch(
                session, now=now, login=ctx.actor.login, teams=teams, status=status, created_since=since
            ):
                items[item.key] = item.with_timing(now)
    report = build_report(team or ALL_TEAMS, now, list(items.values()))
    with ctx.db.write() as session:
        ctx.audit(session, Action.TEAM_REPORT, detail=f"team:{team or ALL_TEAMS}"[:200])
    return report


def build_report(team: str, now: dt.datetime, items: Sequence[QueueItem]) -> TeamReport:
    """Count kept/broken promises; durations are working hours from booking to completion."""
    on_time = late = open_ok = overdue = escalated = cancelled = 0
    durations: list[float] = []
    for item in items:
        if item.status is ItemStatus.DONE and item.completed_at is not None:
            if as_utc(item.completed_at) <= as_utc(item.due_at):
                on_time += 1
            else:
                late += 1
            durations.append(working_hours_between(as_utc(item.created_at), as_utc(item.completed_at)))
        elif item.status is ItemStatus.CANCELLED:
            cancelled += 1
        elif item.overdue:
            overdue += 1
            escalated += item.escalated
        else:
            open_ok += 1
    overdue_items = tuple(sorted((i for i in items if i.overdue), key=sort_key))
    return TeamReport(
        team_code=team,
        as_of=now,
        completed_on_time=on_time,
        completed_late=late,
        open_on_time=open_ok,
        overdue_open=overdue,
        escalated_open=escalated,
        cancelled=cancelled,
        p50_hours_to_complete=percentile(durations, 50),
        p95_hours_to_complete=percentile(durations, 95),
        overdue_items=overdue_items,
    )


def promises_for_case(ctx: Context, case_id: int) -> list[QueueItem]:
    """Open callbacks and hand-offs for one case, most pressing first (overdue flagged).

    For the case screen: the next handler who takes a call from the family sees the promises still
    outstanding, and which are broken. Not audited separately: it is part of viewing the case, which the
    case screen audits.
    """
    ctx.require(Action.VIEW_CASE, case_id=case_id)
    now = ctx.now()
    with ctx.db.read() as session:
        rows = repo.fetch(session, now=now, login=ctx.actor.login, teams=None, status=StatusFilter.ALL, case_id=case_id)
    return sorted((i.with_timing(now) for i in rows if i.is_open_state), key=sort_key)
