"""Working days (England and Wales bank holidays with substitutes), month arithmetic, school years."""

from __future__ import annotations

import datetime as dt

import pytest

from dutyline.domain.calendar import (
    LONDON,
    academic_year,
    add_months,
    add_working_days,
    age_on,
    end_of_working_day,
    format_day,
    is_working_day,
    next_working_day,
    reception_year,
    working_days_between,
    working_hours_between,
    year_group,
    year_group_label,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 12, 24), True),
        (D(2026, 12, 25), False),  # Christmas Day (Friday)
        (D(2026, 12, 28), False),  # Boxing Day falls on Saturday: substitute Monday 28 Dec
        (D(2026, 12, 29), True),
        (D(2027, 12, 27), False),  # Christmas Day on Saturday -> Monday substitute
        (D(2027, 12, 28), False),  # Boxing Day on Sunday -> Tuesday substitute
        (D(2026, 4, 3), False),  # Good Friday
        (D(2026, 4, 6), False),  # Easter Monday
        (D(2026, 8, 31), False),  # late summer bank holiday
        (D(2026, 1, 3), False),  # Saturday
        (D(2026, 1, 4), False),  # Sunday
        (D(2026, 1, 2), True),
    ],
)
def test_is_working_day(day: dt.date, working: bool) -> None:
    assert is_working_day(day) is working


def test_2026_has_253_working_days() -> None:
    assert sum(is_working_day(D(2026, 1, 1) + dt.timedelta(days=i)) for i in range(365)) == 253


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 12, 24), D(2026, 12, 29)),
        (D(2026, 4, 2), D(2026, 4, 7)),
        (D(2026, 1, 2), D(2026, 1, 5)),
        (D(2026, 12, 31), D(2027, 1, 4)),
    ],
)
def test_next_working_day(day: dt.date, expected: dt.date) -> None:
    assert next_working_day(day) == expected


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2026, 12, 23), 3, D(2026, 12, 30)),  # 24, 29 (after 25/26/27/28), 30
        (D(2026, 12, 23), 1, D(2026, 12, 24)),
        (D(2026, 1, 3), 0, D(2026, 1, 5)),  # Saturday, 0 days -> Monday
        (D(2026, 1, 5), 0, D(2026, 1, 5)),
        (D(2026, 1, 30), 10, D(2026, 2, 13)),
    ],
)
def test_add_working_days(day: dt.date, n: int, expected: dt.date) -> None:
    assert add_working_days(day, n) == expected


def test_add_working_days_refuses_negative() -> None:
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 5), -1)


def test_working_days_between() -> None:
    assert working_days_between(D(2026, 12, 23), D(2026, 12, 30)) == 3
    assert working_days_between(D(2026, 12, 30), D(2026, 12, 23)) == -3


@pytest.mark.parametrize(
    ("day", "utc"),
    [
        (D(2026, 1, 5), dt.datetime(2026, 1, 5, 17, 0, tzinfo=dt.UTC)),  # GMT
        (D(2026, 7, 1), dt.datetime(2026, 7, 1, 16, 0, tzinfo=dt.UTC)),  # BST
    ],
)
def test_end_of_working_day_is_utc_aware(day: dt.date, utc: dt.datetime) -> None:
    assert end_of_working_day(day) == utc


def _london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (_london(2026, 1, 9, 16), _london(2026, 1, 12, 10), 2.0),  # Friday 16:00 -> Monday 10:00
        (_london(2026, 4, 2, 16), _london(2026, 4, 7, 10), 2.0),  # over Good Friday and Easter Monday
        (_london(2026, 1, 12, 9, 30), _london(2026, 1, 12, 12), 2.5),
        (_london(2026, 1, 12, 7), _london(2026, 1, 12, 8), 0.0),  # before opening
        (_london(2026, 1, 12, 18), _london(2026, 1, 13, 18), 8.0),
        (_london(2026, 1, 12, 10), _london(2026, 1, 9, 16), -2.0),  # reversed: negative (overdue)
    ],
)
def test_working_hours_between(start: dt.datetime, end: dt.datetime, hours: float) -> None:
    assert working_hours_between(start, end) == pytest.approx(hours)


def test_working_hours_custom_hours() -> None:
    assert working_hours_between(
        _london(2026, 1, 12, 0), _london(2026, 1, 13, 0), opens=dt.time(8), closes=dt.time(18)
    ) == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # leap day + 12 months clamps to 28 Feb
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 12, 31), 2, D(2026, 2, 28)),  # over the year end
        (D(2025, 11, 15), 2, D(2026, 1, 15)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("dob", "day", "age"),
    [
        (D(2008, 2, 29), D(2026, 2, 28), 17),
        (D(2008, 2, 29), D(2026, 3, 1), 18),
        (D(2010, 3, 4), D(2026, 3, 3), 15),
        (D(2010, 3, 4), D(2026, 3, 4), 16),
    ],
)
def test_age_on(dob: dt.date, day: dt.date, age: int) -> None:
    assert age_on(dob, day) == age


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (D(2026, 8, 31), 2025),
        (D(2026, 9, 1), 2026),
        (D(2026, 1, 1), 2025),
        (D(2025, 12, 31), 2025),
    ],
)
def test_academic_year(day: dt.date, year: int) -> None:
    assert academic_year(day) == year


@pytest.mark.parametrize(
    ("dob", "day", "group"),
    [
        (D(2019, 8, 31), D(2024, 9, 2), 1),  # summer-born: turned 5 in 2023/24, so Year 1 now
        (D(2019, 9, 1), D(2024, 9, 2), 0),  # oldest in the year: Reception
        (D(2014, 8, 31), D(2026, 1, 15), 7),
        (D(2014, 9, 1), D(2026, 1, 15), 6),
        (D(2020, 1, 1), D(2024, 1, 1), -1),
    ],
)
def test_year_group(dob: dt.date, day: dt.date, group: int) -> None:
    assert year_group(dob, day) == group


def test_reception_is_the_year_they_turn_five() -> None:
    for dob in (D(2019, 9, 1), D(2020, 2, 29), D(2020, 8, 31)):
        fifth = add_months(dob, 60)
        assert reception_year(dob) == academic_year(fifth)


def test_labels() -> None:
    assert [year_group_label(g) for g in (-1, 0, 6)] == ["Pre-school", "Reception", "Year 6"]
    assert format_day(D(2026, 3, 3)) == "Tue 3 Mar 2026"
