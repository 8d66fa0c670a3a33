"""The manager's figures as use cases: check the role, ask the store for aggregates, let the domain add up.

Who: `team_report` (team managers and admins). A team manager oversees every team (as in the queue), so
any team or all teams may be chosen. Every report is audited with its selection (team code, dates,
counts), never with what it shows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from dutyline.domain.calendar import add_years
from dutyline.domain.permissions import Action
from dutyline.domain.queue import DUE_SOON_WORKING_HOURS
from dutyline.domain.reports import call_figures as calls_fig
from dutyline.domain.reports import promises as prom
from dutyline.domain.reports.flat import flatten
from dutyline.domain.reports.period import (
    Period,
    WorkingClock,
    clock_for,
    month_boundaries,
    month_starts,
    week_boundaries,
    week_starts,
)
from dutyline.services.context import Context, ServiceError
from dutyline.services.export import write_csv

ALL = "all"
TREND_WEEKS = 13
COMPLAINT_POINTS = 12
APPEAL_YEARS = 3


def team_codes(ctx: Context) -> list[tuple[str, str]]:
    """(code, name) of every team, for the team selector (after 'All teams')."""
    ctx.require(Action.TEAM_REPORT)
    with ctx.uow.read() as work:
        return work.queue.team_list()


def _teams(ctx: Context, team: str | None) -> list[str] | None:
    """None for all teams, else the one team (refused, naming it, when there is no such team)."""
    if team is None or team == ALL:
        return None
    with ctx.uow.read() as work:
        known = {code for code, _ in work.queue.team_list()}
    if team not in known:
        raise ServiceError(f"There is no team '{team[:64]}'. Teams: {', '.join(sorted(known)) or 'none'}.")
    return [team]


def _hours(ctx: Context) -> tuple[dt.time, dt.time]:
    return ctx.policy.working_hours.opens, ctx.policy.working_hours.closes


def working_clock(ctx: Context, period: Period) -> WorkingClock:
    opens, closes = _hours(ctx)
    wide = Period(first=min(period.first, period.last - dt.timedelta(weeks=TREND_WEEKS)), last=period.last)
    return clock_for(wide, margin_days=60, opens=opens, closes=closes)


def _audit(ctx: Context, what: str, team: str | None, period: Period, count: int) -> None:
    with ctx.uow.write() as work:
        ctx.audit(
            work,
            Action.TEAM_REPORT,
            detail=f"{what} team:{team or ALL} from:{period.first} to:{period.last} n:{count}"[:200],
        )


def promises(ctx: Context, period: Period, team: str | None = None, *, audit: bool = True) -> prom.PromisesReport:
    """Promises kept, late, broken, cancelled and not yet due for callbacks and hand-offs due in `period`."""
    ctx.require(Action.TEAM_REPORT)
    teams = _teams(ctx, team)
    now = ctx.now()
    clock = working_clock(ctx, period)
    weeks = week_starts(period.last, TREND_WEEKS)
    soon_until = clock.add_hours(now, DUE_SOON_WORKING_HOURS)
    with ctx.uow.read() as work:
        groups = work.promise_figures.promise_groups(start=period.start, end=period.end, now=now, teams=teams)
        pairs = work.promise_figures.return_pairs(start=period.start, end=period.end, teams=teams)
        trend = work.promise_figures.trend_groups(
            boundaries=week_boundaries(period.last, TREND_WEEKS), now=now, teams=teams
        )
        soon, soon_total = work.promise_figures.open_items(
            due_from=now, due_before=soon_until + dt.timedelta(seconds=1), teams=teams
        )
        late, late_total = work.promise_figures.open_items(
            due_from=None, due_before=now + dt.timedelta(microseconds=1), teams=teams
        )
    report = prom.assemble(
        team=team or ALL,
        first=period.first,
        last=period.last,
        as_of=now,
        breakdown=prom.promises_kept(groups),
        returns=prom.return_times(pairs, clock),
        trend=prom.on_time_trend(weeks, trend),
        due_soon=(prom.order_due_soon(soon, now, clock), soon_total),
        overdue=(prom.order_overdue(late, now, clock), late_total),
    )
    if audit:
        _audit(ctx, "promises", team, period, report.total_due)
    return report


def calls(ctx: Context, period: Period, team: str | None = None, *, audit: bool = True) -> calls_fig.CallsReport:
    """Inbound call figures for `period` (see domain.reports.call_figures for each definition)."""
    ctx.require(Action.TEAM_REPORT)
    teams = _teams(ctx, team)
    now = ctx.now()
    a, b = period.start, period.end
    months = month_starts(period.last, COMPLAINT_POINTS + 11)
    year_ends = [add_years(period.last, -k) for k in range(APPEAL_YEARS - 1, -1, -1)]
    year_bounds = [add_years(year_ends[0], -1) + dt.timedelta(days=1)] + [e + dt.timedelta(days=1) for e in year_ends]
    with ctx.uow.read() as work:
        one = work.call_figures.period_calls(
            start=a, end=b, teams=teams, calls=calls_fig.REPEAT_CALLS, days=calls_fig.REPEAT_DAYS
        )
        sg = work.call_figures.safeguarding_rows(start=a, end=b, teams=teams)
        monthly = work.call_figures.complaints_by_month(
            boundaries=month_boundaries(period.last, len(months)), teams=teams
        )
        open_cases = work.call_figures.open_cases()
        tribunal = work.call_figures.tribunal_entries(year_bounds=year_bounds)
    total = sum(n for _, _, n in one.volume)
    reasons, hours, routed, overrides = Counter[str](), Counter[int](), Counter[str](), Counter[str]()
    for reason, hour, n in one.volume:
        reasons[reason] += n
        hours[hour] += n
    for team_code, override, n in one.handoffs:
        routed[team_code] += n
        if override:
            overrides[override] += n
    report = calls_fig.CallsReport(
        team=team or ALL,
        first=period.first,
        last=period.last,
        as_of=now,
        total_calls=total,
        by_reason=calls_fig.calls_by_reason(reasons.items()),
        heatmap=calls_fig.heatmap(hours.items()),
        routed=calls_fig.routed_share(routed.items()),
        overrides=calls_fig.overrides(sum(routed.values()), overrides.items()),
        first_contact_resolution=calls_fig.first_contact_resolution(one.fcr, total),
        repeat_callers=calls_fig.repeat_callers(one.repeat_cases, total),
        safeguarding=calls_fig.safeguarding(sg),
        complaint_rate=calls_fig.complaint_rate(months, monthly, open_cases, COMPLAINT_POINTS),
        appeals=calls_fig.appeals(year_ends, tribunal),
    )
    if audit:
        _audit(ctx, "calls", team, period, total)
    return report


def export_csv(ctx: Context, name: str, data: dict[str, object], path: Path) -> int:
    """Write a report's figures as (figure, value) rows: fully quoted, formulas neutralised, mode 0600.

    Audited as an export of that report (the selection is in the report's own audit row).
    """
    action = Action.QA_REPORT if name == "quality" else Action.TEAM_REPORT
    ctx.require(action)
    count = write_csv(path, ("figure", "value"), flatten(data))
    with ctx.uow.write() as work:
        ctx.audit(work, action, detail=f"export:{name} rows:{count}")
    return count
