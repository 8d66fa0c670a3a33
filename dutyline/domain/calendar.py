"""Calendar helpers: the council's local day, working days (bank holidays), school years, ages.

Times are stored in UTC; "today" and "end of the next working day" are decided in Europe/London.
Working days are Monday to Friday excluding England and Wales bank holidays, taken from the `holidays`
package (subdivision ENG, substitute days included) rather than a hand-written list that would go stale.
Statutory EHC limits are calendar weeks and do not use any of the working-day helpers here.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
OPENS = dt.time(9, 0)
CLOSES = dt.time(17, 0)


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day in England at `moment` (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(LONDON).date()


# --- working days -----------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays in `year`, substitute days included.

    Cached as an immutable set per year: the `holidays` object fills itself lazily on lookup, which is
    not safe to share between worker threads.
    """
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a bank holiday."""
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after `day`."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The Nth working day after `day`, counting from the day after (as councils do).

    n = 0 gives `day` itself when it is a working day, else the next working day (so "by close of
    today" asked on a Saturday means Monday).
    """
    if n < 0:
        raise ValueError("n must be zero or more")
    if n == 0:
        return day if is_working_day(day) else next_working_day(day)
    for _ in range(n):
        day = next_working_day(day)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def end_of_working_day(day: dt.date, closes: dt.time = CLOSES) -> dt.datetime:
    """Closing time on `day` in England, as a UTC-aware datetime (BST handled by the zone)."""
    return dt.datetime.combine(day, closes, tzinfo=LONDON).astimezone(dt.UTC)


def working_seconds_between(
    start: dt.datetime, end: dt.datetime, *, opens: dt.time = OPENS, closes: dt.time = CLOSES
) -> float:
    """Office-hours seconds from `start` to `end` (negative when `end` is earlier).

    Used for "time left, counted in working hours" in the duty queue: a callback due Monday 10:00 seen
    on Friday 16:00 has 2 working hours left, not 66 hours.
    """
    if end < start:
        return -working_seconds_between(end, start, opens=opens, closes=closes)
    start_l = _aware(start).astimezone(LONDON)
    end_l = _aware(end).astimezone(LONDON)
    total = 0.0
    day = start_l.date()
    while day <= end_l.date():
        if is_working_day(day):
            day_open = dt.datetime.combine(day, opens, tzinfo=LONDON)
            day_close = dt.datetime.combine(day, closes, tzinfo=LONDON)
            lo = max(day_open, start_l)
            hi = min(day_close, end_l)
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += dt.timedelta(days=1)
    return total


def working_hours_between(
    start: dt.datetime, end: dt.datetime, *, opens: dt.time = OPENS, closes: dt.time = CLOSES
) -> float:
    """Office hours (as a float) from `start` to `end`; see working_seconds_between."""
    return working_seconds_between(start, end, opens=opens, closes=closes) / 3600


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


# --- calendar arithmetic ----------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day N months later, clamped to the month's end (29 Feb + 12 months = 28 Feb).

    Clamping moves the date earlier, never later, which is the safe side for "at least every 12 months".
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = _stdcal.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def age_on(dob: dt.date, day: dt.date) -> int:
    """Age in whole years on `day`. A 29 February birthday counts from 1 March in other years."""
    age = day.year - dob.year
    if (day.month, day.day) < (dob.month, dob.day):
        age -= 1
    return age


# --- school years (England: 1 September to 31 August) ------------------------------------------------


def academic_year(day: dt.date) -> int:
    """The calendar year in which the school year containing `day` began (Sep 2025 - Aug 2026 -> 2025)."""
    return day.year if day.month >= 9 else day.year - 1


def academic_year_start(year: int) -> dt.date:
    return dt.date(year, 9, 1)


def academic_year_end(year: int) -> dt.date:
    """31 August ending the school year that began in September `year`."""
    return dt.date(year + 1, 8, 31)


def reception_year(dob: dt.date) -> int:
    """The school year (by start year) in which the child turns 5: their Reception year.

    Children born 1 September to the following 31 August share a year group, so this is the school
    year of their birth plus five.
    """
    return academic_year(dob) + 5


def year_group(dob: dt.date, day: dt.date) -> int:
    """The national curriculum year on `day`: 0 = Reception, N = Year N, negative = before Reception.

    By age only (chronological year group); a child taught out of year group is not modelled.
    """
    return academic_year(day) - reception_year(dob)


def year_group_label(group: int) -> str:
    if group == 0:
        return "Reception"
    if group < 0:
        return "Pre-school"
    if group > 13:  # school years end at Year 13; beyond that say so rather than "Year 21"
        return "post-school age"
    return f"Year {group}"


def academic_year_turning(dob: dt.date, age: int) -> int:
    """The school year (by start year) in which a child born on `dob` reaches `age`."""
    return academic_year(dob) + age


def format_day(day: dt.date) -> str:
    """Dates as the app says them: 'Tue 3 Mar 2026' (no leading zero, weekday to catch mistakes)."""
    return f"{day:%a} {day.day} {day:%b %Y}"
