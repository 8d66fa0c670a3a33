"""The pure report functions on their own: periods, the fast working clock, and edge cases of each figure."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dutyline.domain.calendar import working_hours_between
from dutyline.domain.reports import calls as fig
from dutyline.domain.reports.period import Preset, WorkingClock, make_period, month_boundaries, week_boundaries
from dutyline.domain.reports.promises import PromiseGroup, PromiseState, promises_kept

UTC = dt.UTC


def test_presets() -> None:
    today = dt.date(2026, 11, 26)  # a Thursday
    assert make_period(Preset.THIS_WEEK, today).first == dt.date(2026, 11, 23)
    assert make_period(Preset.LAST_4_WEEKS, today).days == 28
    assert make_period(Preset.LAST_13_WEEKS, today).days == 91
    with pytest.raises(ValueError, match="before its first"):
        make_period(Preset.CUSTOM, today, dt.date(2026, 2, 2), dt.date(2026, 2, 1))


def test_boundaries_are_local_midnights() -> None:
    weeks = week_boundaries(dt.date(2026, 7, 1), 2)  # BST: local midnight is 23:00 UTC the day before
    assert weeks[0] == dt.datetime(2026, 6, 21, 23, 0, tzinfo=UTC)
    assert len(weeks) == 3
    months = month_boundaries(dt.date(2026, 11, 5), 2)
    assert months == [
        dt.datetime(2026, 9, 30, 23, 0, tzinfo=UTC),
        dt.datetime(2026, 11, 1, 0, 0, tzinfo=UTC),
        dt.datetime(2026, 12, 1, 0, 0, tzinfo=UTC),
    ]


moments = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)


@settings(max_examples=200, deadline=None)
@given(moments, moments)
def test_working_clock_matches_the_exact_count(a: dt.datetime, b: dt.datetime) -> None:
    clock = WorkingClock(dt.date(2025, 12, 1), dt.date(2027, 1, 31))
    assert clock.hours_between(a, b) == pytest.approx(working_hours_between(a, b), abs=1e-6)
    assert clock.hours_between_epoch(a.timestamp(), b.timestamp()) == pytest.approx(
        working_hours_between(a, b), abs=1e-6
    )
    assert clock.hours_between_epochs([a.timestamp()], [b.timestamp()])[0] == pytest.approx(
        working_hours_between(a, b), abs=1e-6
    )


@settings(max_examples=100, deadline=None)
@given(moments, st.floats(min_value=0.01, max_value=40))
def test_add_hours_inverts_hours_between(a: dt.datetime, hours: float) -> None:
    clock = WorkingClock(dt.date(2025, 12, 1), dt.date(2027, 3, 31))
    assert clock.hours_between(a, clock.add_hours(a, hours)) == pytest.approx(hours, abs=1e-6)


def test_working_clock_outside_its_range_is_still_right() -> None:
    clock = WorkingClock(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    a, b = dt.datetime(2026, 3, 2, 9, tzinfo=UTC), dt.datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert clock.hours_between(a, b) == 8.0
    inside = (dt.datetime(2026, 1, 5, 9, tzinfo=UTC).timestamp(), dt.datetime(2026, 1, 5, 10, tzinfo=UTC).timestamp())
    assert clock.hours_between_epochs([a.timestamp(), inside[0]], [b.timestamp(), inside[1]]) == [8.0, 1.0]


def test_breakdowns_add_up() -> None:
    groups = [
        PromiseGroup(kind="callback", team="t", officer="", reason="", priority="standard", state=s, n=n)
        for s, n in ((PromiseState.KEPT_ON_TIME, 3), (PromiseState.BROKEN, 1), (PromiseState.CANCELLED, 2))
    ]
    b = promises_kept(groups)
    assert (b.totals.total_due, b.totals.on_time_rate) == (6, 0.75)
    assert list(b.by_officer) == ["unassigned"] and list(b.by_reason) == ["none"]


def test_heatmap_places_hours_in_uk_time() -> None:
    summer = int(dt.datetime(2026, 7, 6, 8, 30, tzinfo=UTC).timestamp()) // 3600  # Mon 09:30 BST
    winter = int(dt.datetime(2026, 12, 8, 9, 30, tzinfo=UTC).timestamp()) // 3600  # Tue 09:30 GMT
    cells = fig.heatmap([(summer, 4), (winter, 1)]).cells
    assert (cells[0][9], cells[1][9]) == (4, 1)


def test_fcr_counts_working_days_across_a_bank_holiday() -> None:
    # Thu 17 Dec 2026: Fri 18, Mon 21 - Thu 24 (5), Tue 29 - Thu 31 (8; 25 and 28 Dec are bank holidays),
    # Mon 4 Jan (9; 1 Jan is one), Tue 5 Jan (10). A call on the 5th is a repeat; on the 6th it is not.
    day = (dt.date(2026, 12, 17) - fig.EPOCH).days
    later = (dt.date(2027, 1, 5) - fig.EPOCH).days
    too_late = (dt.date(2027, 1, 6) - fig.EPOCH).days
    assert fig.first_contact_resolution([(True, day, later, 1)], 1).n == 0
    assert fig.first_contact_resolution([(True, day, too_late, 1)], 1).n == 1
    assert fig.first_contact_resolution([(False, day, None, 1)], 1).n == 0


def test_overrides_list_the_common_reasons_and_group_the_rest() -> None:
    counts = [(f"reason {i}", 20 - i) for i in range(12)]
    o = fig.overrides(200, counts)
    assert len(o.reasons) == 11 and o.reasons[-1].key == "(other reasons)" and o.reasons[-1].n == 10 + 9
    assert o.share == pytest.approx(sum(n for _, n in counts) / 200)


def test_empty_figures_have_no_rate() -> None:
    assert fig.repeat_callers(0, 0).rate is None
    assert fig.safeguarding([]).p50_hours is None
    rates = fig.complaint_rate([dt.date(2026, m, 1) for m in range(1, 13)] * 2, [0] * 24, 0, 12)
    assert all(r.rate is None for r in rates)
