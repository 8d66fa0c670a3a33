"""Calls: what families ring about, when, where the calls went, and whether the first call was enough.

One pure function per figure, fed by grouped counts from the store. "Calls" are inbound calls: the
return calls officers log when they complete a callback are the promise being kept, not new demand, and
are left out. Times are bucketed by UTC hour or day in SQL (portable, small results) and placed on the
local (England) calendar here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from dutyline.domain.calendar import LONDON, add_working_days
from dutyline.domain.model import Frozen
from dutyline.domain.queue import percentile

#: First-contact resolution: no further call on the same case within this many working days.
FCR_WORKING_DAYS = 10
#: A repeat caller: a case with this many calls ...
REPEAT_CALLS = 3
#: ... within this many days.
REPEAT_DAYS = 14
#: How many distinct override reasons are listed (the rest are counted together).
OVERRIDE_REASONS_SHOWN = 10
EPOCH = dt.date(1970, 1, 1)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

DEFINITIONS: dict[str, str] = {
    "total_calls": "Inbound calls started in the period (return calls on callbacks are not counted).",
    "by_reason": "Inbound calls by the reason recorded.",
    "heatmap": "Inbound calls by weekday and hour of the day (UK time), for staffing.",
    "routed": "Hand-offs made on the period's calls, by the team that holds them now; share of all hand-offs.",
    "overrides": "Hand-offs where the handler chose a team other than the one proposed, with the reasons given.",
    "first_contact_resolution": (
        "Calls closed without a hand-off or callback (and not safeguarding) with no further call on the same "
        "case within 10 working days, as a share of all calls."
    ),
    "repeat_callers": "Cases with 3 or more calls within 14 days (the third in the period), per 100 calls.",
    "safeguarding": "Safeguarding calls, and hours from the concern being raised to its hand-off being completed.",
    "complaint_rate": "Complaint calls in the 12 months to each month, per 100 open cases (cases not ceased, today).",
    "appeals": "Cases now at tribunal that entered that stage in each 12-month year ending with the period.",
}


class Share(Frozen):
    key: str
    n: int
    share: float | None


def shares(counts: Iterable[tuple[str, int]], total: int | None = None) -> list[Share]:
    """Counts with their share of `total` (default: their sum), largest first then by key."""
    items = [(k or "none", n) for k, n in counts if n]
    denominator = sum(n for _, n in items) if total is None else total
    out = [Share(key=k, n=n, share=(n / denominator if denominator else None)) for k, n in items]
    return sorted(out, key=lambda s: (-s.n, s.key))


def calls_by_reason(counts: Iterable[tuple[str, int]]) -> list[Share]:
    """Volume by reason (share of all inbound calls)."""
    return shares(counts)


class Heatmap(Frozen):
    """cells[weekday][hour] = calls (weekday 0 = Monday, hour 0..23 UK time)."""

    cells: list[list[int]]

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.cells)

    def busiest(self) -> tuple[int, int, int] | None:
        best = max(((n, -d, -h) for d, row in enumerate(self.cells) for h, n in enumerate(row)), default=None)
        return None if best is None or best[0] == 0 else (-best[1], -best[2], best[0])


def heatmap(hour_counts: Iterable[tuple[int, int]]) -> Heatmap:
    """Weekday x hour from (UTC hours since 1970, count): each bucket placed at its UK local hour."""
    cells = [[0] * 24 for _ in range(7)]
    for epoch_hour, n in hour_counts:
        local = dt.datetime.fromtimestamp(int(epoch_hour) * 3600, tz=dt.UTC).astimezone(LONDON)
        cells[local.weekday()][local.hour] += n
    return Heatmap(cells=cells)


def routed_share(team_counts: Iterable[tuple[str, int]]) -> list[Share]:
    """Hand-offs per team, as a share of all hand-offs made on the period's calls."""
    return shares(team_counts)


class Overrides(Frozen):
    handoffs: int
    overridden: int
    share: float | None
    reasons: list[Share]


def overrides(handoffs: int, reason_counts: Iterable[tuple[str, int]]) -> Overrides:
    """Share of hand-offs overriding the proposed team, with the reasons given (most common first)."""
    listed = shares(reason_counts)
    overridden = sum(s.n for s in listed)
    top = listed[:OVERRIDE_REASONS_SHOWN]
    rest = sum(s.n for s in listed[OVERRIDE_REASONS_SHOWN:])
    if rest:
        top.append(Share(key="(other reasons)", n=rest, share=None))
    top = [s.model_copy(update={"share": (s.n / overridden if overridden else None)}) for s in top]
    return Overrides(
        handoffs=handoffs, overridden=overridden, share=(overridden / handoffs if handoffs else None), reasons=top
    )


class Rate(Frozen):
    n: int
    of: int
    rate: float | None


def rate(n: int, of: int, per: float = 1.0) -> Rate:
    return Rate(n=n, of=of, rate=(n * per / of if of else None))


def day_of(epoch_day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(epoch_day))


def first_contact_resolution(groups: Iterable[tuple[bool, int, int | None, int]], total_calls: int) -> Rate:
    """Share of calls resolved at first contact.

    `groups` are (closed without hand-off/callback, call's UTC day number, next call on the same case's
    UTC day number or None, count). A closed call counts unless the next call on its case came within
    FCR_WORKING_DAYS working days (a call with no case has no next call).
    """
    resolved = 0
    limits: dict[int, dt.date] = {}
    for closed, day, next_day, n in groups:
        if not closed:
            continue
        if next_day is not None:
            if day not in limits:
                limits[day] = add_working_days(day_of(day), FCR_WORKING_DAYS)
            if day_of(next_day) <= limits[day]:
                continue
        resolved += n
    return rate(resolved, total_calls)


def repeat_callers(repeat_cases: int, total_calls: int) -> Rate:
    """Cases with 3+ calls in 14 days, per 100 calls."""
    return rate(repeat_cases, total_calls, per=100.0)


class Safeguarding(Frozen):
    calls: int
    referred: int
    not_yet_referred: int
    p50_hours: float | None
    p90_hours: float | None


def safeguarding(rows: Sequence[tuple[float, float | None]]) -> Safeguarding:
    """From (concern raised, hand-off completed or None) as epoch seconds: counts and p50/p90 hours."""
    hours = [max(0.0, (done - raised) / 3600) for raised, done in rows if done is not None]
    hours = [round(h, 4) for h in hours]
    return Safeguarding(
        calls=len(rows),
        referred=len(hours),
        not_yet_referred=len(rows) - len(hours),
        p50_hours=percentile(hours, 50),
        p90_hours=percentile(hours, 90),
    )


class MonthRate(Frozen):
    month: dt.date
    complaints_12m: int
    open_cases: int
    rate: float | None


def complaint_rate(
    month_firsts: Sequence[dt.date], monthly: Sequence[int], open_cases: int, points: int = 12
) -> list[MonthRate]:
    """Rolling-year complaint rate per 100 open cases for the last `points` months.

    `monthly[i]` is complaint calls in month `month_firsts[i]`; there must be points + 11 months so each
    point has a whole year behind it.
    """
    if len(monthly) != len(month_firsts) or len(monthly) < points + 11:
        raise ValueError("complaint_rate needs points + 11 months of counts")
    out = []
    for i in range(len(monthly) - points, len(monthly)):
        year = sum(monthly[i - 11 : i + 1])
        out.append(
            MonthRate(
                month=month_firsts[i],
                complaints_12m=year,
                open_cases=open_cases,
                rate=(year * 100 / open_cases if open_cases else None),
            )
        )
    return out


class YearCount(Frozen):
    year_ending: dt.date
    n: int


def appeals(year_ends: Sequence[dt.date], counts: Sequence[int]) -> list[YearCount]:
    """Cases entering tribunal per 12-month year (one count per year end, oldest first)."""
    if len(year_ends) != len(counts):
        raise ValueError("one count per year")
    return [YearCount(year_ending=e, n=n) for e, n in zip(year_ends, counts, strict=True)]


class CallsReport(Frozen):
    """Everything the Calls tab and `dutyline report calls` show, for one selection."""

    team: str
    first: dt.date
    last: dt.date
    as_of: dt.datetime
    total_calls: int
    by_reason: list[Share]
    heatmap: Heatmap
    routed: list[Share]
    overrides: Overrides
    first_contact_resolution: Rate
    repeat_callers: Rate
    safeguarding: Safeguarding
    complaint_rate: list[MonthRate]
    appeals: list[YearCount]
    definitions: dict[str, str] = DEFINITIONS
