"""Every workspace figure on a hand-built dataset (tests/reports_data.py), on SQLite and PostgreSQL.

The expected values are worked out by hand in the comments; they are not computed by the code under test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from dutyline.domain.model import Role
from dutyline.domain.reports.promises import PromiseState, promise_state
from dutyline.services import reports
from dutyline.services.context import Actor, Context, PermissionDenied, ServiceError
from dutyline.store import reports_repo
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Callback, Handoff
from tests.contexts import make_context
from tests.reports_data import NOW, OVERRIDE, PERIOD, seed


def ctx_for(db: Database, role: Role = Role.TEAM_MANAGER) -> Context:
    actor = Actor(login="mona", roles=frozenset({role}), teams=("front_door",), desk="desk-test")
    return make_context(db, actor=actor, clock=lambda: NOW)


@pytest.fixture
def seeded(db: Database) -> Database:
    seed(db)
    return db


def test_promises_figures(seeded: Database) -> None:
    r = reports.promises(ctx_for(seeded), PERIOD)
    # Due 16-27 Nov: callbacks 1-6, hand-off 7, the complaint's hand-off (due 25th) and the safeguarding
    # alert (due Fri 15:00, done 17:05, so late).
    assert (r.total_due, r.kept_on_time, r.kept_late, r.broken, r.cancelled, r.open_not_yet_due) == (9, 2, 2, 1, 1, 3)
    assert r.on_time_rate == pytest.approx(2 / 5)
    team = {
        k: (v.total_due, v.kept_on_time, v.kept_late, v.broken, v.cancelled, v.open_not_yet_due)
        for k, v in r.by_team.items()
    }
    assert team == {
        "annual_review_east": (1, 1, 0, 0, 0, 0),
        "front_door": (5, 1, 1, 0, 1, 2),
        "resolution": (2, 0, 0, 1, 0, 1),
        "safeguarding": (1, 0, 1, 0, 0, 0),
    }
    assert {k: (v.kept_on_time, v.kept_late, v.total_due) for k, v in r.by_officer.items()} == {
        "dora": (1, 1, 2),
        "eve": (1, 1, 2),
        "unassigned": (0, 0, 5),
    }
    assert {k: v.total_due for k, v in r.by_urgency.items()} == {"standard": 8, "urgent": 1}
    assert r.by_urgency["urgent"].broken == 1
    assert {k: v.total_due for k, v in r.by_kind.items()} == {"callback": 6, "handoff": 3}
    assert r.by_reason["complaint"].total_due == 2  # callback 3 and the complaint call's hand-off
    # Return times of callbacks 1 and 2: 10 and 20 working hours; nearest rank p50 = 10, p90 = 20.
    assert (r.return_time.n, r.return_time.p50_hours, r.return_time.p90_hours) == (2, 10.0, 20.0)


def test_promises_lists_and_trend(seeded: Database) -> None:
    r = reports.promises(ctx_for(seeded), PERIOD)
    # Overdue, oldest first: hand-off 8 (due Tue 10 Nov 12:00: 5 + 24 + 40 + 1 = 70 wh ago), callback 3
    # (due Thu 19 Nov 17:00: Fri 8 + Mon 1 = 9 wh ago).
    assert [(i.kind, i.hours) for i in r.overdue] == [("handoff", -70.0), ("callback", -9.0)]
    assert r.overdue_total == 2
    assert [(i.kind, i.hours) for i in r.due_soon] == [("callback", 0.5)]
    assert r.due_soon_total == 1
    assert len(r.trend) == 13 and r.trend[-1].week_of == dt.date(2026, 11, 23)
    assert (r.trend[-1].kept_on_time, r.trend[-1].decided) == (0, 0)
    assert (r.trend[-2].kept_on_time, r.trend[-2].decided) == (2, 5)
    assert (r.trend[-3].kept_on_time, r.trend[-3].decided) == (0, 1)
    assert all(w.decided == 0 for w in r.trend[:-3])


def test_promises_one_team(seeded: Database) -> None:
    r = reports.promises(ctx_for(seeded), PERIOD, "resolution")
    assert (r.total_due, r.broken, r.open_not_yet_due) == (2, 1, 1)
    assert [i.team for i in r.overdue] == ["resolution"]


def test_calls_figures(seeded: Database) -> None:
    r = reports.calls(ctx_for(seeded), PERIOD)
    assert r.total_calls == 6  # the return call and the calls outside the period are not counted
    assert {s.key: s.n for s in r.by_reason} == {
        "assessment_progress": 2,
        "complaint": 1,
        "general_enquiry": 1,
        "new_request": 1,
        "safeguarding": 1,
    }
    cells = r.heatmap.cells
    assert (cells[0][9], cells[1][10], cells[2][14], cells[3][11], cells[4][15]) == (1, 2, 1, 1, 1)
    assert r.heatmap.total == 6
    assert [(s.key, s.n) for s in r.routed] == [("annual_review_east", 1), ("resolution", 1), ("safeguarding", 1)]
    assert (r.overrides.handoffs, r.overrides.overridden) == (3, 1)
    assert [(s.key, s.n) for s in r.overrides.reasons] == [(OVERRIDE, 1)]
    # Only the signposted enquiry on case B: case A's first call was followed by another within 10 working days.
    assert (r.first_contact_resolution.n, r.first_contact_resolution.of) == (1, 6)
    assert r.repeat_callers.rate == pytest.approx(100 / 6)  # case A: 3 calls in 4 days
    assert (r.safeguarding.calls, r.safeguarding.referred, r.safeguarding.p50_hours) == (1, 1, 2.0)
    # 4 open cases (A, B, C, D at tribunal; E ceased). Complaints: Oct 2025, Jan 2026, Nov 2026.
    rates = [(m.month, m.complaints_12m, m.rate) for m in r.complaint_rate]
    assert rates[0] == (dt.date(2025, 12, 1), 1, 25.0)
    assert rates[1] == (dt.date(2026, 1, 1), 2, 50.0)
    assert rates[9] == (dt.date(2026, 9, 1), 2, 50.0)
    assert rates[10] == (dt.date(2026, 10, 1), 1, 25.0)
    assert rates[11] == (dt.date(2026, 11, 1), 2, 50.0)
    assert [(y.year_ending, y.n) for y in r.appeals] == [
        (dt.date(2024, 11, 27), 0),
        (dt.date(2025, 11, 27), 0),
        (dt.date(2026, 11, 27), 1),
    ]


def test_calls_one_team(seeded: Database) -> None:
    r = reports.calls(ctx_for(seeded), PERIOD, "resolution")
    assert r.total_calls == 1 and [s.key for s in r.by_reason] == ["complaint"]


@pytest.mark.parametrize("teams", [None, ["resolution"], ["annual_review_east", "front_door"]])
def test_one_walk_gives_both_per_case_figures(seeded: Database, teams: list[str] | None) -> None:
    """The Calls tab reads first-contact resolution and repeat callers from one walk over each case's calls
    (speed); it must agree with each figure read on its own, over its own window."""
    from dutyline.store import reports_calls_repo as repo

    with seeded.read() as s:
        both = repo.case_figures(s, start=PERIOD.start, end=PERIOD.end, teams=teams, calls=3, days=14)
        fcr = repo.fcr_groups(s, start=PERIOD.start, end=PERIOD.end, teams=teams)
        repeats = repo.repeat_cases(s, start=PERIOD.start, end=PERIOD.end, teams=teams, calls=3, days=14)
    assert sorted(both.fcr, key=repr) == sorted(fcr, key=repr)
    assert both.repeat_cases == repeats
    if teams is None:
        assert repeats == 1 and sum(n for *_, n in fcr) == 6


@pytest.mark.parametrize("teams", [None, ["resolution"], ["annual_review_east", "front_door"]])
def test_one_read_gives_every_per_call_figure(seeded: Database, teams: list[str] | None) -> None:
    """The Calls tab reads volume, hand-offs, first-contact resolution and repeat callers from one read of
    the period's calls (speed); each must agree with the figure read on its own."""
    from dutyline.store import reports_calls_repo as repo

    with seeded.read() as s:
        one = repo.period_calls(s, start=PERIOD.start, end=PERIOD.end, teams=teams, calls=3, days=14)
        volume = repo.volume(s, start=PERIOD.start, end=PERIOD.end, teams=teams)
        handoffs = repo.handoff_groups(s, start=PERIOD.start, end=PERIOD.end, teams=teams)
        fcr = repo.fcr_groups(s, start=PERIOD.start, end=PERIOD.end, teams=teams)
        repeats = repo.repeat_cases(s, start=PERIOD.start, end=PERIOD.end, teams=teams, calls=3, days=14)
        other = {
            n: (
                repo.period_calls(s, start=PERIOD.start, end=PERIOD.end, teams=teams, calls=n, days=14).repeat_cases,
                repo.repeat_cases(s, start=PERIOD.start, end=PERIOD.end, teams=teams, calls=n, days=14),
            )
            for n in (1, 2, 4)
        }
    assert sorted(one.volume) == sorted(volume)
    assert sorted(one.handoffs) == sorted(handoffs)
    assert sorted(one.fcr, key=repr) == sorted(fcr, key=repr)
    assert one.repeat_cases == repeats
    assert all(mine == alone for mine, alone in other.values()), other
    if teams is None:
        assert sum(n for *_, n in one.volume) == 6 and repeats == 1 and other[2][1] >= 1


def test_sql_state_matches_the_domain_rule(seeded: Database) -> None:
    """The store's CASE and promise_state() agree on every row (including past-period ones)."""
    with seeded.read() as s:
        for m in (Callback, Handoff):
            sql = reports_repo.state_case(m, NOW)
            for status, due, done, state in s.execute(select(m.status, m.due_at, m.completed_at, sql)):
                assert promise_state(status, due, done, NOW) is PromiseState(state)


def test_refused_below_team_manager_and_audited(seeded: Database) -> None:
    with pytest.raises(PermissionDenied):
        reports.promises(ctx_for(seeded, Role.DUTY_OFFICER), PERIOD)
    reports.calls(ctx_for(seeded), PERIOD)
    with seeded.read() as s:
        rows = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "team_report")))
    assert [r.outcome for r in rows] == ["refused", "ok"]
    assert rows[-1].detail == "calls team:all from:2026-11-16 to:2026-11-27 n:6"


def test_unknown_team_is_named(seeded: Database) -> None:
    with pytest.raises(ServiceError, match="no team 'nope'"):
        reports.promises(ctx_for(seeded), PERIOD, "nope")
