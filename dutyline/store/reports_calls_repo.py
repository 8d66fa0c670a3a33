"""Aggregate SQL for the Calls figures (volume, heat map, routing, first-contact resolution, repeats,
safeguarding, complaint rate, appeals). Same rules as `reports_repo`: GROUP BY in the database, portable
buckets, no personal data in any result except the override reasons a handler typed (shown to managers).

"Calls" are inbound: rows with `callback_id` set are officers' return calls and are left out. A team
filter keeps the calls handed off, or given a callback, to one of the teams.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from itertools import compress
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session

from dutyline.domain.model import Outcome, Reason, Stage
from dutyline.store.reports_repo import bucket, epoch_seconds, no_gc, routed_call_ids
from dutyline.store.tables import Call, Case, Handoff

#: The next call on a case is looked for up to this many days after the period (10 working days fit).
LOOKAHEAD = dt.timedelta(days=30)


def _inbound(start: dt.datetime, end: dt.datetime, teams: Sequence[str] | None) -> ColumnElement[bool]:
    where = and_(Call.started_at >= start, Call.started_at < end, Call.callback_id.is_(None))
    if teams is not None:
        where = and_(where, Call.id.in_(routed_call_ids(teams)))
    return where


def volume(
    session: Session, *, start: dt.datetime, end: dt.datetime, teams: Sequence[str] | None
) -> list[tuple[str, int, int]]:
    """(reason, UTC hours since 1970, calls): the total, the reasons and the heat map from one scan.

    The domain places each hour on the UK weekday x hour grid; a period has a few thousand such groups.
    """
    hour = epoch_seconds(session, Call.started_at) // 3600  # floor division: `/` is true division in SQLAlchemy 2
    stmt = select(Call.reason, hour, func.count()).where(_inbound(start, end, teams)).group_by(Call.reason, hour)
    return [(r, int(h), int(n)) for r, h, n in session.execute(stmt)]


def handoff_groups(
    session: Session, *, start: dt.datetime, end: dt.datetime, teams: Sequence[str] | None
) -> list[tuple[str, str, int]]:
    """(team, override reason typed or "", count) of hand-offs made on the period's inbound calls: the
    routing shares and the overrides from one scan."""
    stmt = (
        select(Handoff.team_code, Handoff.override_reason, func.count())
        .join(Call, Call.id == Handoff.call_id)
        .where(_inbound(start, end, teams))
        .group_by(Handoff.team_code, Handoff.override_reason)
    )
    return [(t, r or "", int(n)) for t, r, n in session.execute(stmt)]


def _closed_without_promise() -> ColumnElement[bool]:
    return and_(
        Call.outcome.in_([Outcome.RESOLVED.value, Outcome.SIGNPOSTED.value]),
        Call.safeguarding.is_(False),
    )


def _case_times(
    session: Session,
    *,
    start: dt.datetime,
    end: dt.datetime,
    teams: Sequence[str] | None,
    since: dt.datetime,
    until: dt.datetime,
    with_case_only: bool,
) -> list[tuple[int | None, int, int, int]]:
    """(case id, epoch second, closed without promise, counted) for the inbound calls in [since, until),
    sorted by case and time: the narrow projection the per-case passes below walk once.

    "Counted" is 1 for a call in the period [start, end) that passes the team filter. Why not LEAD()/LAG()
    in SQL: on a county year SQLite spent most of the Calls tab evaluating the window and the grouping over
    it; sorting three integers per call in the database and walking them once here is several times faster
    on both backends, and the rule stays in one readable loop.
    """
    counted: ColumnElement[bool] = and_(Call.started_at >= start, Call.started_at < end)
    if teams is not None:
        counted = and_(counted, Call.id.in_(routed_call_ids(teams)))
    where = and_(Call.started_at >= since, Call.started_at < until, Call.callback_id.is_(None))
    if with_case_only:
        where = and_(where, Call.case_id.is_not(None))
    stmt = (
        select(
            Call.case_id,
            epoch_seconds(session, Call.started_at),
            case((_closed_without_promise(), 1), else_=0),
            case((counted, 1), else_=0),
        )
        .where(where)
        .order_by(Call.case_id, Call.started_at, Call.id)
    )
    return _driver_rows(session, stmt)


class CaseFigures(NamedTuple):
    fcr: list[tuple[bool, int, int | None, int]]
    repeat_cases: int


def case_figures(
    session: Session, *, start: dt.datetime, end: dt.datetime, teams: Sequence[str] | None, calls: int, days: int
) -> CaseFigures:
    """First-contact resolution groups and repeat-caller cases from one walk over each case's calls.

    One projection covers both windows: `days` before the period (a repeat's earlier calls) to LOOKAHEAD
    after it (the next call that undoes a first-contact resolution).
    """
    rows = _case_times(
        session,
        start=start,
        end=end,
        teams=teams,
        since=start - dt.timedelta(days=days),
        until=end + LOOKAHEAD,
        with_case_only=False,
    )
    return CaseFigures(fcr=_fcr(rows), repeat_cases=_repeats(rows, calls=calls, days=days))


def _fcr(rows: list[tuple[int | None, int, int, int]]) -> list[tuple[bool, int, int | None, int]]:
    """(closed without hand-off/callback, UTC day, next call on the case's UTC day or None, count)."""
    groups: Counter[tuple[bool, int, int | None]] = Counter()
    last = len(rows) - 1
    for i, (case_id, secs, closed, counted) in enumerate(rows):
        if not counted:
            continue
        nxt = None
        if case_id is not None and i < last and rows[i + 1][0] == case_id:
            nxt = rows[i + 1][1] // 86400
        groups[(bool(closed), secs // 86400, nxt)] += 1
    return [(closed, day, nday, n) for (closed, day, nday), n in groups.items()]


def _repeats(rows: list[tuple[int | None, int, int, int]], *, calls: int, days: int) -> int:
    """Cases whose `calls`-th call within `days` days (of the first of them) is a counted call."""
    back, window = calls - 1, days * 86400
    cases = set()
    for i in range(back, len(rows)):
        case_id, secs, _closed, counted = rows[i]
        first = rows[i - back]
        if counted and case_id is not None and first[0] == case_id and secs - first[1] <= window:
            cases.add(case_id)
    return len(cases)


def fcr_groups(
    session: Session, *, start: dt.datetime, end: dt.datetime, teams: Sequence[str] | None
) -> list[tuple[bool, int, int | None, int]]:
    """First-contact resolution groups alone (the next call looked for up to LOOKAHEAD after the period)."""
    rows = _case_times(
        session, start=start, end=end, teams=teams, since=start, until=end + LOOKAHEAD, with_case_only=False
    )
    return _fcr(rows)


def repeat_cases(
    session: Session, *, start: dt.datetime, end: dt.datetime, teams: Sequence[str] | None, calls: int, days: int
) -> int:
    """Cases whose `calls`-th call within `days` days (of the first of them) falls in the period."""
    since = start - dt.timedelta(days=days)
    rows = _case_times(session, start=start, end=end, teams=teams, since=since, until=end, with_case_only=True)
    return _repeats(rows, calls=calls, days=days)


class PeriodCalls(NamedTuple):
    """What the Calls tab needs of each inbound call, gathered in one read of the period (see period_calls)."""

    volume: list[tuple[str, int, int]]
    handoffs: list[tuple[str, str, int]]
    fcr: list[tuple[bool, int, int | None, int]]
    repeat_cases: int


def period_calls(
    session: Session, *, start: dt.datetime, end: dt.datetime, teams: Sequence[str] | None, calls: int, days: int
) -> PeriodCalls:
    """volume(), handoff_groups() and case_figures() from one read of the calls, in time order.

    Why: each of those scans the period's calls again (on a county year, 13 weeks are ~45,000 calls, and
    each scan was 40-60 ms on PostgreSQL). Here the database returns six integers or short strings per
    call from one index range scan already in (time, id) order (`ix_call_period`: no sort, no table rows)
    and one loop here keeps, per case, the previous call: that gives each call's next call on its case
    (first-contact resolution) and the call `calls - 1` before it (repeat callers), the same rule as the
    per-case sort in case_figures (a test runs both). The hand-offs of the counted calls are read by call
    id range (ids are handed out in time order, so the range is about the period) and matched exactly
    against the counted ids here, instead of joining a second scan of the calls.
    """
    counted: ColumnElement[bool] = and_(Call.started_at >= start, Call.started_at < end)
    if teams is not None:
        counted = and_(counted, Call.id.in_(routed_call_ids(teams)))
    stmt = (
        select(
            Call.id,
            Call.case_id,
            epoch_seconds(session, Call.started_at),
            case((_closed_without_promise(), 1), else_=0),
            case((counted, 1), else_=0),
            Call.reason,
        )
        .where(
            Call.started_at >= start - dt.timedelta(days=days),
            Call.started_at < end + LOOKAHEAD,
            Call.callback_id.is_(None),
        )
        .order_by(Call.started_at, Call.id)
    )
    with no_gc():
        return _walk(session, _driver_rows(session, stmt), calls=calls, days=days)


def _walk(session: Session, rows: list[Any], *, calls: int, days: int) -> PeriodCalls:
    """period_calls' one loop over (id, case, epoch second, closed, counted, reason) in time order."""
    if not rows:
        return PeriodCalls(volume=[], handoffs=[], fcr=[], repeat_cases=0)
    ids, cases, secs, closed, counted_flags, reasons = zip(*rows, strict=True)
    # map() over the bound int method keeps these per-call steps in C (a generator doubled their cost).
    volume = Counter(compress(zip(reasons, map((3600).__rfloordiv__, secs), strict=True), counted_flags))
    day = list(map((86400).__rfloordiv__, secs))
    nxt: list[int | None] = [None] * len(rows)  # the next call's UTC day on the same case
    before: list[int] = [-1] * len(rows)  # index of the previous call on the same case
    last: dict[int, int] = {}
    back, window, repeaters, get = calls - 1, days * 86400, set(), last.get
    for i, case_id in enumerate(cases):
        if case_id is None:
            continue
        p = get(case_id, -1)
        last[case_id] = i
        if p >= 0:
            nxt[p] = day[i]
            before[i] = p
        if counted_flags[i]:
            first, k = i, back  # the call `back` before this one on the case, if there is one
            while k and first >= 0:
                first, k = before[first], k - 1
            if first >= 0 and secs[i] - secs[first] <= window:
                repeaters.add(case_id)
    fcr = Counter(compress(zip(closed, day, nxt, strict=True), counted_flags))
    counted_ids = set(compress(ids, counted_flags))
    handoffs: Counter[tuple[str, str]] = Counter()
    if counted_ids:
        hstmt = select(Handoff.call_id, Handoff.team_code, Handoff.override_reason).where(
            Handoff.call_id >= min(counted_ids), Handoff.call_id <= max(counted_ids)
        )
        for call_id, team, override in _driver_rows(session, hstmt):
            if call_id in counted_ids:
                handoffs[(team, override or "")] += 1
    return PeriodCalls(
        volume=[(r, int(h), n) for (r, h), n in volume.items()],
        handoffs=[(t, o, n) for (t, o), n in handoffs.items()],
        fcr=[(c == 1, int(d), None if nd is None else int(nd), n) for (c, d, nd), n in fcr.items()],
        repeat_cases=len(repeaters),
    )


def _driver_rows(session: Session, stmt: Any) -> list[Any]:
    """The driver's own tuples: building a SQLAlchemy Row per call was half of a projection's time."""
    result = session.connection().execute(stmt)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def safeguarding_rows(
    session: Session, *, start: dt.datetime, end: dt.datetime, teams: Sequence[str] | None
) -> list[tuple[float, float | None]]:
    """(concern raised, safeguarding hand-off completed or None) in epoch seconds, one per safeguarding call."""
    raised = epoch_seconds(session, func.coalesce(Call.safeguarding_at, Call.started_at))
    done = (
        select(func.min(epoch_seconds(session, Handoff.completed_at)))
        .where(
            Handoff.call_id == Call.id, Handoff.reason == Reason.SAFEGUARDING.value, Handoff.completed_at.is_not(None)
        )
        .scalar_subquery()
    )
    stmt = select(raised, done).where(_inbound(start, end, teams), Call.safeguarding.is_(True))
    return [(float(a), None if b is None else float(b)) for a, b in session.execute(stmt)]


def complaints_by_month(
    session: Session, *, boundaries: Sequence[dt.datetime], teams: Sequence[str] | None
) -> list[int]:
    """Complaint calls per month bucket (one count per bucket, zeros included)."""
    b = bucket(Call.started_at, boundaries)
    stmt = (
        select(b, func.count())
        .where(_inbound(boundaries[0], boundaries[-1], teams), Call.reason == Reason.COMPLAINT.value)
        .group_by(b)
    )
    counts = [0] * (len(boundaries) - 1)
    for i, n in session.execute(stmt):
        counts[int(i)] += int(n)
    return counts


def open_cases(session: Session) -> int:
    """Cases whose plan has not ceased (today: the app keeps each case's current stage only)."""
    return int(session.scalar(select(func.count()).select_from(Case).where(Case.stage != Stage.CEASED.value)) or 0)


def tribunal_entries(session: Session, *, year_bounds: Sequence[dt.date]) -> list[int]:
    """Cases now at tribunal whose stage began in each [year_bounds[i], year_bounds[i+1])."""
    whens = [(Case.stage_since < d, i) for i, d in enumerate(year_bounds[1:-1])]
    b: Any = case(*whens, else_=len(year_bounds) - 2) if whens else literal(0)
    stmt = (
        select(b, func.count())
        .where(
            Case.stage == Stage.TRIBUNAL.value,
            Case.stage_since >= year_bounds[0],
            Case.stage_since < year_bounds[-1],
        )
        .group_by(b)
    )
    counts = [0] * (len(year_bounds) - 1)
    for i, n in session.execute(stmt):
        counts[int(i)] += int(n)
    return counts
