"""Aggregate SQL for the manager's workspace: every figure is counted in the database, never row by row.

Why: a county year is ~150,000 calls and ~40,000 callbacks; loading them through the ORM to count in
Python takes seconds (bench/reports.py measures it), while GROUP BY over the indexed time columns returns
a few hundred groups. The promise state CASE mirrors `domain.reports.promises.promise_state` exactly
(a test runs both on the same rows). Time buckets are portable: trend buckets are CASE expressions over
UTC boundaries computed in the domain, and hours/days are integer divisions of the epoch second, so
SQLite and PostgreSQL give the same groups.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.types import BigInteger, Integer

from dutyline.domain.model import ItemStatus
from dutyline.domain.reports.promises import PromiseGroup, PromiseItem, PromiseState
from dutyline.store.tables import Callback, Case, Handoff

DONE, CANCELLED, OPEN, CLAIMED = (
    s.value for s in (ItemStatus.DONE, ItemStatus.CANCELLED, ItemStatus.OPEN, ItemStatus.CLAIMED)
)
MODELS: tuple[tuple[str, Any], ...] = (("callback", Callback), ("handoff", Handoff))
#: The overdue and due-soon lists show at most this many rows (the count says how many there are).
LIST_LIMIT = 200


@contextmanager
def no_gc() -> Iterator[None]:
    """Hold off Python's cycle collector while tens of thousands of row tuples are built and walked.

    Why: every 700 new tuples start a collection, and the survivors push a full one that traverses every
    object in the process; on a county year that was a third of the Calls tab's CPU time. Row tuples of
    integers and strings cannot form cycles, so nothing is missed; the collector runs again afterwards.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def epoch_seconds(session: Session, col: Any) -> ColumnElement[Any]:
    """Whole seconds since 1970 (UTC) of a stored timestamp, on either backend.

    SQLite: from julianday(), about five times faster than strftime('%s') on a county year (it returns a
    number instead of formatting text); the 1 ms nudge keeps float error from truncating a whole second.
    """
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", col)), BigInteger)
    return cast((func.julianday(col) - 2440587.5) * 86400.0 + 0.001, Integer)


def bucket(col: Any, boundaries: Sequence[dt.datetime]) -> ColumnElement[int]:
    """Index i such that boundaries[i] <= col < boundaries[i + 1] (callers filter to the whole range)."""
    whens = [(col < b, i) for i, b in enumerate(boundaries[1:-1])]
    return case(*whens, else_=len(boundaries) - 2) if whens else literal(0)


def state_case(m: Any, now: dt.datetime) -> ColumnElement[str]:
    """The SQL twin of promise_state()."""
    return case(
        (
            and_(m.status == DONE, m.completed_at.is_not(None), m.completed_at <= m.due_at),
            PromiseState.KEPT_ON_TIME.value,
        ),
        (m.status == DONE, PromiseState.KEPT_LATE.value),
        (m.status == CANCELLED, PromiseState.CANCELLED.value),
        (m.due_at <= now, PromiseState.BROKEN.value),
        else_=PromiseState.OPEN_NOT_YET_DUE.value,
    )


def _team_filter(m: Any, teams: Sequence[str] | None) -> ColumnElement[bool]:
    if teams is None:
        return literal(True)
    column: ColumnElement[str] = m.team_code
    return column == teams[0] if len(teams) == 1 else column.in_(list(teams))


def promise_groups(
    session: Session, *, start: dt.datetime, end: dt.datetime, now: dt.datetime, teams: Sequence[str] | None
) -> list[PromiseGroup]:
    """Promises due in [start, end), grouped by kind, team, officer, reason, urgency and state."""
    out: list[PromiseGroup] = []
    for kind, m in MODELS:
        officer = func.coalesce(m.completed_by, m.claimed_by, "")
        state = state_case(m, now)
        stmt = (
            select(m.team_code, officer, m.reason, m.priority, state, func.count())
            .where(m.due_at >= start, m.due_at < end, _team_filter(m, teams))
            .group_by(m.team_code, officer, m.reason, m.priority, state)
        )
        for team, who, reason, priority, st, n in session.execute(stmt):
            out.append(
                PromiseGroup(
                    kind=kind,
                    team=team,
                    officer=who or "",
                    reason=reason or "",
                    priority=priority,
                    state=PromiseState(st),
                    n=int(n),
                )
            )
    return out


def return_pairs(
    session: Session, *, start: dt.datetime, end: dt.datetime, teams: Sequence[str] | None
) -> list[tuple[float, float]]:
    """(booked, returned) in epoch seconds for callbacks due in [start, end) and returned: two numbers a row,
    no datetime parsing, no personal data."""
    stmt = select(epoch_seconds(session, Callback.created_at), epoch_seconds(session, Callback.completed_at)).where(
        Callback.due_at >= start,
        Callback.due_at < end,
        # Not `status == DONE`: without statistics SQLite takes an equality over a range and read every
        # returned callback of all time through ix_callback_status; this way it reads the period's range of
        # ix_callback_report and tests the status there (about half the time on a county year).
        func.coalesce(Callback.status, "") == DONE,
        Callback.completed_at.is_not(None),
        _team_filter(Callback, teams),
    )
    # The driver's own tuples of two integers: a SQLAlchemy Row and two float() calls per callback were
    # most of this read's time on a county year (the working-hours clock takes integers as they are).
    with no_gc():
        result = session.connection().execute(stmt)
        try:
            return list(result.cursor.fetchall())
        finally:
            result.close()


def trend_groups(
    session: Session, *, boundaries: Sequence[dt.datetime], now: dt.datetime, teams: Sequence[str] | None
) -> list[tuple[int, PromiseState, int]]:
    """(week bucket, state, count) for promises due within the trend's weeks."""
    out: list[tuple[int, PromiseState, int]] = []
    for _, m in MODELS:
        b = bucket(m.due_at, boundaries)
        state = state_case(m, now)
        stmt = (
            select(b, state, func.count())
            .where(m.due_at >= boundaries[0], m.due_at < boundaries[-1], _team_filter(m, teams))
            .group_by(b, state)
        )
        out.extend((int(i), PromiseState(s), int(n)) for i, s, n in session.execute(stmt))
    return out


def open_items(
    session: Session,
    *,
    due_from: dt.datetime | None,
    due_before: dt.datetime,
    teams: Sequence[str] | None,
    limit: int = LIST_LIMIT,
) -> tuple[list[PromiseItem], int]:
    """Open or claimed items due in [due_from, due_before), earliest first, and how many there are in all."""
    items: list[PromiseItem] = []
    total = 0
    for kind, m in MODELS:
        where = and_(
            or_(m.status == OPEN, m.status == CLAIMED),  # not IN: an expanding list recompiles every time
            m.due_at < due_before,
            m.due_at > due_from if due_from is not None else literal(True),
            _team_filter(m, teams),
        )
        total += int(session.scalar(select(func.count()).select_from(m).where(where)) or 0)
        stmt = (
            select(m.id, m.team_code, m.priority, m.reason, m.due_at, Case.case_ref, m.claimed_by)
            .outerjoin(Case, Case.id == m.case_id)
            .where(where)
            .order_by(m.due_at, m.id)
            .limit(limit)
        )
        for item_id, team, priority, reason, due, ref, who in session.execute(stmt):
            items.append(
                PromiseItem(
                    kind=kind,
                    id=item_id,
                    team=team,
                    priority=priority,
                    reason=reason or "",
                    due_at=due,
                    case_ref=ref or "",
                    claimed_by=who or "",
                )
            )
    items.sort(key=lambda i: (i.due_at, i.kind, i.id))
    return items[:limit], total


def routed_call_ids(teams: Sequence[str]) -> Any:
    """A subquery of call ids handed off or given a callback to one of `teams` (the calls' team filter)."""
    return union_all(
        select(Handoff.call_id).where(Handoff.team_code.in_(list(teams))),
        select(Callback.call_id).where(Callback.team_code.in_(list(teams)), Callback.call_id.is_not(None)),
    )
