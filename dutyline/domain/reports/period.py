"""The period a report covers, the week and month buckets of its trends, and fast working-hours arithmetic.

A period is a run of whole local (England) days; the database is asked with UTC instants, so every
boundary is local midnight converted to UTC here, once, and never in SQL (SQLite has no time zones).
Trend buckets are given to the store as a sorted list of UTC boundaries, which it turns into a portable
CASE expression: the same bucketing on SQLite and PostgreSQL.

`WorkingClock` answers "working hours between two instants" for thousands of pairs (a year of callbacks)
in constant time each, from a cumulative table of working seconds per day built once; the day-by-day loop
in `calendar.working_seconds_between` is right but too slow for a county year inside a 300 ms budget.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from enum import StrEnum
from functools import lru_cache
from typing import Any

from dutyline.domain.calendar import CLOSES, LONDON, OPENS, is_working_day, local_date
from dutyline.domain.model import Frozen


class Preset(StrEnum):
    """The periods the workspace offers; CUSTOM takes explicit dates."""

    THIS_WEEK = "this_week"
    LAST_4_WEEKS = "last_4_weeks"
    LAST_13_WEEKS = "last_13_weeks"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return {
            "this_week": "This week",
            "last_4_weeks": "Last 4 weeks",
            "last_13_weeks": "Last 13 weeks",
            "custom": "Custom range",
        }[self.value]


def local_midnight(day: dt.date) -> dt.datetime:
    """00:00 in England on `day`, as a UTC instant (BST handled by the zone)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON).astimezone(dt.UTC)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


class Period(Frozen):
    """Whole local days `first` .. `last` (both included)."""

    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.datetime:
        """The first instant of the period (UTC)."""
        return local_midnight(self.first)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period (UTC): queries use start <= t < end."""
        return local_midnight(self.last + dt.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def label(self) -> str:
        return f"{self.first:%d %b %Y} to {self.last:%d %b %Y}"


def make_period(
    preset: Preset | str, today: dt.date, first: dt.date | None = None, last: dt.date | None = None
) -> Period:
    """The period for a preset as of `today` (custom needs `first` and `last`, first <= last)."""
    preset = Preset(preset)
    if preset is Preset.THIS_WEEK:
        return Period(first=monday_of(today), last=today)
    if preset is Preset.LAST_4_WEEKS:
        return Period(first=today - dt.timedelta(days=27), last=today)
    if preset is Preset.LAST_13_WEEKS:
        return Period(first=today - dt.timedelta(days=90), last=today)
    if first is None or last is None:
        raise ValueError("a custom period needs a first and a last day")
    if last < first:
        raise ValueError("the period's last day is before its first day")
    return Period(first=first, last=last)


def week_starts(last_day: dt.date, weeks: int) -> list[dt.date]:
    """The Mondays of the `weeks` weeks ending with the week that holds `last_day`, oldest first."""
    final = monday_of(last_day)
    return [final - dt.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def week_boundaries(last_day: dt.date, weeks: int) -> list[dt.datetime]:
    """weeks + 1 UTC instants: bucket i is boundaries[i] <= t < boundaries[i + 1]."""
    starts = week_starts(last_day, weeks)
    return [local_midnight(d) for d in starts] + [local_midnight(starts[-1] + dt.timedelta(weeks=1))]


def month_starts(last_day: dt.date, months: int) -> list[dt.date]:
    """First days of the `months` months ending with the month that holds `last_day`, oldest first."""
    index = last_day.year * 12 + last_day.month - 1
    out = []
    for k in range(months - 1, -1, -1):
        year, month = divmod(index - k, 12)
        out.append(dt.date(year, month + 1, 1))
    return out


def month_boundaries(last_day: dt.date, months: int) -> list[dt.datetime]:
    """months + 1 UTC instants bounding the `months` months ending with `last_day`'s month."""
    firsts = month_starts(last_day, months)
    return [local_midnight(d) for d in firsts] + [local_midnight(_add_month(last_day))]


def _add_month(day: dt.date) -> dt.date:
    year, month = divmod(day.year * 12 + day.month, 12)
    return dt.date(year, month + 1, 1)


class WorkingClock:
    """Working seconds between instants in O(1) per pair, for the years it was built for.

    `index(t)` is the number of working seconds from 00:00 local on `first` to `t`; the difference of two
    indexes is the working time between them. Instants outside the built range fall back to the exact
    day-by-day count in `calendar`, so a wrong range is slower, never wrong.
    """

    def __init__(self, first: dt.date, last: dt.date, *, opens: dt.time = OPENS, closes: dt.time = CLOSES) -> None:
        self.first, self.last, self.opens, self.closes = first, last, opens, closes
        self._before: dict[dt.date, float] = {}
        #: Per day, as epoch seconds: local midnight, opening, closing (equal on closed days), and working
        #: seconds before the day. `index_epoch` bisects these: no datetime objects on the hot path.
        self._starts: list[float] = []
        self._opens: list[float] = []
        self._closes: list[float] = []
        self._cum: list[float] = []
        total = 0.0
        day = first
        while day <= last:
            self._before[day] = total
            midnight = dt.datetime.combine(day, dt.time(), tzinfo=LONDON).timestamp()
            a = dt.datetime.combine(day, opens, tzinfo=LONDON).timestamp()
            b = dt.datetime.combine(day, closes, tzinfo=LONDON).timestamp() if is_working_day(day) else a
            self._starts.append(midnight)
            self._opens.append(a)
            self._closes.append(b)
            self._cum.append(total)
            total += b - a
            day += dt.timedelta(days=1)
        self._end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=LONDON).timestamp()

    def index_epoch(self, ts: float) -> float | None:
        """`index` for an instant given as epoch seconds (what the store returns for bulk figures)."""
        if not self._starts or ts < self._starts[0] or ts >= self._end:
            return None
        i = bisect_right(self._starts, ts) - 1
        return self._cum[i] + min(max(ts, self._opens[i]), self._closes[i]) - self._opens[i]

    def hours_between_epochs(self, starts: Sequence[float], ends: Sequence[float]) -> list[float]:
        """Working hours for many (start, end) pairs at once: numpy over the day table (a year of
        callbacks in a few milliseconds). Pairs outside the built range take the exact slow path."""
        import numpy as np

        a = np.asarray(starts, dtype=float)
        b = np.asarray(ends, dtype=float)
        if not len(a):
            return []
        day_starts = np.asarray(self._starts)
        opens, closes, cum = (np.asarray(x) for x in (self._opens, self._closes, self._cum))

        def index(ts: Any) -> Any:
            i = np.clip(np.searchsorted(day_starts, ts, side="right") - 1, 0, len(day_starts) - 1)
            return cum[i] + np.minimum(np.maximum(ts, opens[i]), closes[i]) - opens[i]

        hours = (index(b) - index(a)) / 3600
        inside = (a >= day_starts[0]) & (a < self._end) & (b >= day_starts[0]) & (b < self._end)
        out = hours.tolist()
        for k in np.flatnonzero(~inside):
            out[int(k)] = self.hours_between_epoch(float(a[k]), float(b[k]))
        return [float(h) for h in out]

    def hours_between_epoch(self, start: float, end: float) -> float:
        a, b = self.index_epoch(start), self.index_epoch(end)
        if a is None or b is None:
            return self.hours_between(dt.datetime.fromtimestamp(start, dt.UTC), dt.datetime.fromtimestamp(end, dt.UTC))
        return (b - a) / 3600

    def covering(self, start: dt.datetime, end: dt.datetime) -> WorkingClock:
        """This clock if it covers start..end, else one that does (for old overdue items), built once per
        month range and reused."""
        first, last = local_date(start), local_date(end)
        if first >= self.first and last <= self.last:
            return self
        lo, hi = min(first, self.first).replace(day=1), max(last, self.last)
        return cached_clock(lo, hi, self.opens, self.closes)

    def _day_length(self, day: dt.date) -> float:
        a = dt.datetime.combine(day, self.opens, tzinfo=LONDON)
        b = dt.datetime.combine(day, self.closes, tzinfo=LONDON)
        return (b - a).total_seconds()

    def index(self, moment: dt.datetime) -> float | None:
        """Working seconds since the start of `first` up to `moment`; None outside the built range."""
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
        local = aware.astimezone(LONDON)
        day = local.date()
        before = self._before.get(day)
        if before is None:
            return None
        if not is_working_day(day):
            return before
        day_open = dt.datetime.combine(day, self.opens, tzinfo=LONDON)
        day_close = dt.datetime.combine(day, self.closes, tzinfo=LONDON)
        clipped = min(max(local, day_open), day_close)
        return before + (clipped - day_open).total_seconds()

    def hours_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working hours from `start` to `end` (negative when `end` is earlier)."""
        a, b = self.index(start), self.index(end)
        if a is None or b is None:
            from dutyline.domain.calendar import working_hours_between

            return working_hours_between(start, end, opens=self.opens, closes=self.closes)
        return (b - a) / 3600

    def add_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The instant `hours` working hours after `start` (the "due soon" horizon)."""
        remaining = hours * 3600
        local = (start if start.tzinfo is not None else start.replace(tzinfo=dt.UTC)).astimezone(LONDON)
        day = local.date()
        cursor = local
        for _ in range(400):
            if is_working_day(day):
                day_open = dt.datetime.combine(day, self.opens, tzinfo=LONDON)
                day_close = dt.datetime.combine(day, self.closes, tzinfo=LONDON)
                lo = max(cursor, day_open)
                if lo < day_close:
                    room = (day_close - lo).total_seconds()
                    if remaining <= room:
                        return (lo + dt.timedelta(seconds=remaining)).astimezone(dt.UTC)
                    remaining -= room
            day += dt.timedelta(days=1)
            cursor = dt.datetime.combine(day, dt.time(), tzinfo=LONDON)
        raise ValueError("working hours too far ahead")


@lru_cache(maxsize=32)
def cached_clock(first: dt.date, last: dt.date, opens: dt.time, closes: dt.time) -> WorkingClock:
    """A WorkingClock is immutable once built; the workspace asks for the same ranges on every load."""
    return WorkingClock(first, last, opens=opens, closes=closes)


def clock_for(
    period: Period, *, margin_days: int = 60, opens: dt.time = OPENS, closes: dt.time = CLOSES
) -> WorkingClock:
    """A WorkingClock covering `period` with a margin either side (items booked before, done after)."""
    return cached_clock(
        period.first - dt.timedelta(days=margin_days), period.last + dt.timedelta(days=margin_days), opens, closes
    )


def today_local(now: dt.datetime) -> dt.date:
    return local_date(now)
