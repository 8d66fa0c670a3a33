"""Promises kept: the figures a team manager reads about callbacks and hand-offs, one pure function each.

The store counts rows in SQL (grouped by team, officer, reason, urgency and the promise's state) and hands
the groups here; nothing in this module sees a row of personal data. `promise_state` is the one rule for
what a promise's state is, so the SQL CASE in the store, the naive baseline in `bench/` and the tests all
agree with it (a test compares the SQL against this function on the same rows).

Selection: a promise belongs to a period when it was **due** in it. Its state is read at `as_of`:
kept on time (done by its due time), kept late (done after it), cancelled, broken (still open past due)
or open and not yet due. The five add up to `total_due`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import NamedTuple

from pydantic import computed_field

from dutyline.domain.model import Frozen, ItemStatus
from dutyline.domain.queue import as_utc, percentile
from dutyline.domain.reports.period import WorkingClock


class PromiseState(StrEnum):
    KEPT_ON_TIME = "kept_on_time"
    KEPT_LATE = "kept_late"
    BROKEN = "broken"
    CANCELLED = "cancelled"
    OPEN_NOT_YET_DUE = "open_not_yet_due"


DEFINITIONS: dict[str, str] = {
    "total_due": "Callbacks and hand-offs whose due time falls in the period.",
    "kept_on_time": "Due in the period and completed by their due time.",
    "kept_late": "Due in the period and completed after their due time.",
    "broken": "Due in the period, past due now and still not completed (open or claimed).",
    "cancelled": "Due in the period and cancelled.",
    "open_not_yet_due": "Due in the period but not yet due now, and still open.",
    "on_time_rate": "Kept on time / (kept on time + kept late + broken): promises whose time has come.",
    "return_time": (
        "Working hours from booking a callback to returning it, p50 and p90 (returned callbacks due in the period)."
    ),
    "trend": "On-time rate per week (Monday to Sunday) for the 13 weeks ending with the period.",
    "due_soon": "Open items due within the next working hour, soonest first.",
    "overdue": "Open items past their due time, oldest first (any due date).",
}


def promise_state(status: str, due_at: dt.datetime, completed_at: dt.datetime | None, now: dt.datetime) -> PromiseState:
    """The state of one promise at `now` (the store's SQL CASE mirrors this exactly)."""
    if status == ItemStatus.DONE.value:
        if completed_at is not None and as_utc(completed_at) <= as_utc(due_at):
            return PromiseState.KEPT_ON_TIME
        return PromiseState.KEPT_LATE
    if status == ItemStatus.CANCELLED.value:
        return PromiseState.CANCELLED
    if as_utc(due_at) <= as_utc(now):
        return PromiseState.BROKEN
    return PromiseState.OPEN_NOT_YET_DUE


class PromiseGroup(NamedTuple):
    """One group from the store: how many promises of this kind/team/officer/reason/urgency are in `state`.

    A plain tuple, not a model: a county year gives hundreds of groups per report and they never leave
    this module's functions.
    """

    kind: str
    team: str
    officer: str
    reason: str
    priority: str
    state: PromiseState
    n: int


class PromiseCounts(Frozen):
    total_due: int = 0
    kept_on_time: int = 0
    kept_late: int = 0
    broken: int = 0
    cancelled: int = 0
    open_not_yet_due: int = 0

    @property
    def decided(self) -> int:
        """Promises whose time has come (kept either way, or broken): the on-time rate's N."""
        return self.kept_on_time + self.kept_late + self.broken

    @computed_field  # type: ignore[prop-decorator]
    @property
    def on_time_rate(self) -> float | None:
        return None if not self.decided else self.kept_on_time / self.decided

    def plus(self, state: PromiseState, n: int) -> PromiseCounts:
        data = self.model_dump()
        data[state.value] += n
        data["total_due"] += n
        return PromiseCounts(**data)


class PromiseBreakdown(Frozen):
    """Totals and the four breakdowns the issue asks for (plus by kind)."""

    totals: PromiseCounts = PromiseCounts()
    by_team: dict[str, PromiseCounts] = {}
    by_officer: dict[str, PromiseCounts] = {}
    by_reason: dict[str, PromiseCounts] = {}
    by_urgency: dict[str, PromiseCounts] = {}
    by_kind: dict[str, PromiseCounts] = {}


_STATES = tuple(PromiseState)


def _counts(values: list[int]) -> PromiseCounts:
    return PromiseCounts(total_due=sum(values), **{st.value: values[i] for i, st in enumerate(_STATES)})


def promises_kept(groups: Iterable[PromiseGroup]) -> PromiseBreakdown:
    """Add the store's groups up into totals and breakdowns (an empty officer is 'unassigned')."""
    slot = {st: i for i, st in enumerate(_STATES)}
    totals = [0] * len(_STATES)
    maps: dict[str, dict[str, list[int]]] = {k: {} for k in ("team", "officer", "reason", "urgency", "kind")}
    for g in groups:
        i = slot[g.state]
        totals[i] += g.n
        keys = (
            ("team", g.team),
            ("officer", g.officer or "unassigned"),
            ("reason", g.reason or "none"),
            ("urgency", g.priority),
            ("kind", g.kind),
        )
        for name, key in keys:
            acc = maps[name].get(key)
            if acc is None:
                acc = maps[name][key] = [0] * len(_STATES)
            acc[i] += g.n

    def done(name: str) -> dict[str, PromiseCounts]:
        return {k: _counts(v) for k, v in sorted(maps[name].items())}

    return PromiseBreakdown(
        totals=_counts(totals),
        by_team=done("team"),
        by_officer=done("officer"),
        by_reason=done("reason"),
        by_urgency=done("urgency"),
        by_kind=done("kind"),
    )


class ReturnTimes(Frozen):
    n: int
    p50_hours: float | None
    p90_hours: float | None


def return_times(pairs: Iterable[tuple[float, float]], clock: WorkingClock) -> ReturnTimes:
    """p50/p90 (nearest rank) of working hours from booking to return, one (created, completed) pair each,
    as epoch seconds."""
    pairs = list(pairs)
    hours = [round(h, 4) for h in clock.hours_between_epochs([a for a, _ in pairs], [b for _, b in pairs])]
    return ReturnTimes(n=len(hours), p50_hours=percentile(hours, 50), p90_hours=percentile(hours, 90))


class WeekRate(Frozen):
    week_of: dt.date
    kept_on_time: int
    decided: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rate(self) -> float | None:
        return None if not self.decided else self.kept_on_time / self.decided


def on_time_trend(week_starts: Sequence[dt.date], groups: Iterable[tuple[int, PromiseState, int]]) -> list[WeekRate]:
    """One WeekRate per week from (bucket index, state, count); every week appears, empty ones with N 0."""
    on_time = [0] * len(week_starts)
    decided = [0] * len(week_starts)
    for bucket, state, n in groups:
        if not 0 <= bucket < len(week_starts):
            continue
        if state in (PromiseState.KEPT_ON_TIME, PromiseState.KEPT_LATE, PromiseState.BROKEN):
            decided[bucket] += n
        if state is PromiseState.KEPT_ON_TIME:
            on_time[bucket] += n
    return [WeekRate(week_of=w, kept_on_time=on_time[i], decided=decided[i]) for i, w in enumerate(week_starts)]


class PromiseItem(Frozen):
    """One open item in the due-soon or overdue list: ids and codes (the row opens the item itself)."""

    kind: str
    id: int
    team: str
    priority: str
    reason: str
    due_at: dt.datetime
    case_ref: str = ""
    claimed_by: str = ""
    hours: float = 0.0  # working hours left (negative: overdue by)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def order_overdue(items: Iterable[PromiseItem], now: dt.datetime, clock: WorkingClock) -> list[PromiseItem]:
    """Oldest first (earliest due), each with the working hours it is overdue by (negative)."""
    items = list(items)
    if items:
        clock = clock.covering(min(as_utc(i.due_at) for i in items), now)
    out = [i.model_copy(update={"hours": round(clock.hours_between(now, as_utc(i.due_at)), 2)}) for i in items]
    return sorted(out, key=lambda i: (as_utc(i.due_at), i.kind, i.id))


def order_due_soon(items: Iterable[PromiseItem], now: dt.datetime, clock: WorkingClock) -> list[PromiseItem]:
    """Soonest first, urgent before standard at the same time, with working hours left."""
    out = [i.model_copy(update={"hours": round(clock.hours_between(now, as_utc(i.due_at)), 2)}) for i in items]
    return sorted(out, key=lambda i: (as_utc(i.due_at), i.priority != "urgent", i.kind, i.id))


class PromisesReport(Frozen):
    """Everything the Promises tab and `dutyline report promises` show, for one selection.

    The five state counts at the top level add up to `total_due` (scripts rely on it).
    """

    team: str
    first: dt.date
    last: dt.date
    as_of: dt.datetime
    total_due: int
    kept_on_time: int
    kept_late: int
    broken: int
    cancelled: int
    open_not_yet_due: int
    on_time_rate: float | None
    by_team: dict[str, PromiseCounts]
    by_officer: dict[str, PromiseCounts]
    by_reason: dict[str, PromiseCounts]
    by_urgency: dict[str, PromiseCounts]
    by_kind: dict[str, PromiseCounts]
    return_time: ReturnTimes
    trend: list[WeekRate]
    due_soon: list[PromiseItem]
    due_soon_total: int
    overdue: list[PromiseItem]
    overdue_total: int
    definitions: dict[str, str] = DEFINITIONS


def assemble(
    *,
    team: str,
    first: dt.date,
    last: dt.date,
    as_of: dt.datetime,
    breakdown: PromiseBreakdown,
    returns: ReturnTimes,
    trend: list[WeekRate],
    due_soon: tuple[list[PromiseItem], int],
    overdue: tuple[list[PromiseItem], int],
) -> PromisesReport:
    t = breakdown.totals
    return PromisesReport(
        team=team,
        first=first,
        last=last,
        as_of=as_of,
        total_due=t.total_due,
        kept_on_time=t.kept_on_time,
        kept_late=t.kept_late,
        broken=t.broken,
        cancelled=t.cancelled,
        open_not_yet_due=t.open_not_yet_due,
        on_time_rate=t.on_time_rate,
        by_team=breakdown.by_team,
        by_officer=breakdown.by_officer,
        by_reason=breakdown.by_reason,
        by_urgency=breakdown.by_urgency,
        by_kind=breakdown.by_kind,
        return_time=returns,
        trend=trend,
        due_soon=due_soon[0],
        due_soon_total=due_soon[1],
        overdue=overdue[0],
        overdue_total=overdue[1],
    )
