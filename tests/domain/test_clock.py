"""The statutory clock, rule by rule: every deadline key, its boundaries, and its status."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dutyline.domain.clock import (
    Clock,
    DeadlineStatus,
    RecordedException,
    annual_review_due,
    appeal_due,
    compute_clock,
    decision_rights_from,
    phase_transfer_due,
    plan_end,
)
from dutyline.domain.clock_text import headline, tell_family
from dutyline.domain.model import CaseInfo, District, Stage

D = dt.date
MET, UPCOMING, SOON, OVERDUE = (
    DeadlineStatus.MET,
    DeadlineStatus.UPCOMING,
    DeadlineStatus.DUE_SOON,
    DeadlineStatus.OVERDUE,
)


def case(**kw: Any) -> CaseInfo:
    base: dict[str, Any] = dict(
        case_ref="T1",
        first_name="A",
        last_name="B",
        date_of_birth=D(2015, 5, 5),
        postcode="WD17 1AA",
        district=District.WATFORD,
        stage=Stage.REQUEST_RECEIVED,
        stage_since=D(2026, 1, 13),
    )
    base.update(kw)
    return CaseInfo(**base)


def clock_for(as_of: dt.date, exceptions: tuple[RecordedException, ...] = (), **kw: Any) -> Clock:
    return compute_clock(case(**kw), as_of, exceptions)


def keyed(clock: Clock) -> dict[str, tuple[dt.date, DeadlineStatus]]:
    return {d.key: (d.due, d.status) for d in clock.deadlines}


REQ = D(2026, 1, 13)  # a Tuesday

# (stage, stage_since, as_of, expected {key: (due, status)})
FIRST_20_WEEKS = [
    (
        Stage.REQUEST_RECEIVED,
        REQ,
        D(2026, 1, 14),
        {"decision_to_assess": (D(2026, 2, 24), UPCOMING), "final_plan": (D(2026, 6, 2), UPCOMING)},
    ),
    # within 10 working days of 24 Feb -> due soon; the day after -> overdue
    (
        Stage.REQUEST_RECEIVED,
        REQ,
        D(2026, 2, 10),
        {"decision_to_assess": (D(2026, 2, 24), SOON), "final_plan": (D(2026, 6, 2), UPCOMING)},
    ),
    (
        Stage.REQUEST_RECEIVED,
        REQ,
        D(2026, 2, 9),
        {"decision_to_assess": (D(2026, 2, 24), UPCOMING), "final_plan": (D(2026, 6, 2), UPCOMING)},
    ),
    (
        Stage.REQUEST_RECEIVED,
        REQ,
        D(2026, 2, 24),
        {"decision_to_assess": (D(2026, 2, 24), SOON), "final_plan": (D(2026, 6, 2), UPCOMING)},
    ),
    (
        Stage.REQUEST_RECEIVED,
        REQ,
        D(2026, 2, 25),
        {"decision_to_assess": (D(2026, 2, 24), OVERDUE), "final_plan": (D(2026, 6, 2), UPCOMING)},
    ),
    # in assessment the decision to assess has been made
    (
        Stage.ASSESSMENT,
        D(2026, 2, 20),
        D(2026, 3, 1),
        {
            "decision_to_assess": (D(2026, 2, 24), MET),
            "no_issue_decision": (D(2026, 5, 5), UPCOMING),
            "final_plan": (D(2026, 6, 2), UPCOMING),
        },
    ),
    (
        Stage.ASSESSMENT,
        D(2026, 2, 20),
        D(2026, 6, 3),
        {
            "decision_to_assess": (D(2026, 2, 24), MET),
            "no_issue_decision": (D(2026, 5, 5), OVERDUE),
            "final_plan": (D(2026, 6, 2), OVERDUE),
        },
    ),
    # a draft issued: the decision not to issue can no longer be due; 15 calendar days to comment
    (
        Stage.DRAFT_PLAN,
        D(2026, 4, 20),
        D(2026, 4, 21),
        {
            "decision_to_assess": (D(2026, 2, 24), MET),
            "no_issue_decision": (D(2026, 5, 5), MET),
            "final_plan": (D(2026, 6, 2), UPCOMING),
            "draft_comments": (D(2026, 5, 5), SOON),
        },
    ),
]


@pytest.mark.parametrize(("stage", "since", "as_of", "expected"), FIRST_20_WEEKS)
def test_first_20_weeks(
    stage: Stage, since: dt.date, as_of: dt.date, expected: dict[str, tuple[dt.date, DeadlineStatus]]
) -> None:
    assert keyed(clock_for(as_of, stage=stage, stage_since=since, request_date=REQ)) == expected


def test_weeks_are_calendar_weeks_over_christmas_and_the_year_end() -> None:
    c = clock_for(D(2025, 11, 20), request_date=D(2025, 11, 18), stage_since=D(2025, 11, 18))
    assert keyed(c)["decision_to_assess"][0] == D(2025, 12, 30)  # not paused by bank holidays
    assert keyed(c)["final_plan"][0] == D(2026, 4, 7)


@pytest.mark.parametrize(
    ("as_of", "week"),
    [
        (REQ, 1),
        (REQ + dt.timedelta(days=6), 1),
        (REQ + dt.timedelta(days=7), 2),
        (REQ + dt.timedelta(days=91), 14),
        (REQ + dt.timedelta(days=139), 20),
        (REQ + dt.timedelta(days=140), 21),
        (REQ - dt.timedelta(days=1), None),
    ],
)
def test_week_of_20(as_of: dt.date, week: int | None) -> None:
    assert clock_for(as_of, request_date=REQ, stage_since=REQ).week == week


def test_no_week_outside_the_first_20_weeks() -> None:
    c = clock_for(
        D(2026, 6, 1),
        stage=Stage.PLAN_ISSUED,
        stage_since=D(2026, 5, 1),
        request_date=REQ,
        plan_issued_date=D(2026, 5, 1),
    )
    assert c.week is None


# (dob, plan issued, last review, expected due) -- 12 months, or 6 when under 5 on the base date
ANNUAL = [
    (D(2015, 5, 5), D(2024, 2, 29), None, D(2025, 2, 28)),  # leap day + 12 months
    (D(2015, 5, 5), D(2024, 2, 29), D(2025, 6, 10), D(2026, 6, 10)),  # later of issue and review
    (D(2015, 5, 5), D(2025, 6, 10), D(2024, 1, 1), D(2026, 6, 10)),
    (D(2015, 5, 5), D(2025, 12, 31), None, D(2026, 12, 31)),
    (D(2022, 3, 1), D(2025, 1, 1), D(2026, 2, 28), D(2026, 8, 28)),  # aged 3: 6 months
    (D(2021, 3, 10), None, D(2026, 3, 9), D(2026, 9, 9)),  # the day before turning 5: 6 months
    (D(2021, 3, 10), None, D(2026, 3, 10), D(2027, 3, 10)),  # 5 that day: 12 months
    (D(2020, 1, 1), None, D(2024, 2, 29), D(2024, 8, 29)),  # under 5 on a leap day
    (D(2021, 6, 1), None, D(2025, 8, 31), D(2026, 2, 28)),  # 6 months clamps to February's end
    (D(2022, 1, 1), None, D(2025, 12, 31), D(2026, 6, 30)),  # over the year end
]


@pytest.mark.parametrize(("dob", "issued", "reviewed", "due"), ANNUAL)
def test_annual_review(dob: dt.date, issued: dt.date | None, reviewed: dt.date | None, due: dt.date) -> None:
    c = case(
        date_of_birth=dob,
        stage=Stage.PLAN_ISSUED,
        stage_since=issued or reviewed,
        plan_issued_date=issued,
        last_review_date=reviewed,
    )
    assert annual_review_due(c) == due
    assert keyed(compute_clock(c, D(2024, 1, 1)))["annual_review"][0] == due


def test_annual_review_listed_in_annual_review_stage_with_review_decision() -> None:
    c = clock_for(
        D(2026, 1, 26),
        stage=Stage.ANNUAL_REVIEW,
        stage_since=D(2026, 1, 10),
        plan_issued_date=D(2020, 1, 1),
        last_review_date=D(2026, 1, 10),
        date_of_birth=D(2012, 1, 1),
    )
    assert keyed(c) == {"review_decision": (D(2026, 2, 7), SOON), "annual_review": (D(2027, 1, 10), UPCOMING)}
    assert c.next is not None and c.next.key == "review_decision"


# (stage since = amendment notice, last review, expected due) -- min(notice + 8 weeks, review + 12 weeks)
AMENDED = [
    (D(2026, 2, 1), D(2026, 1, 10), D(2026, 3, 29)),
    (D(2026, 2, 1), D(2025, 12, 1), D(2026, 2, 23)),
    (D(2026, 2, 1), None, D(2026, 3, 29)),
    (D(2025, 11, 20), D(2025, 11, 1), D(2026, 1, 15)),  # over the year end
]


@pytest.mark.parametrize(("notice", "reviewed", "due"), AMENDED)
def test_amended_plan(notice: dt.date, reviewed: dt.date | None, due: dt.date) -> None:
    c = clock_for(
        notice,
        stage=Stage.AMENDMENT,
        stage_since=notice,
        plan_issued_date=D(2020, 1, 1),
        last_review_date=reviewed,
        date_of_birth=D(2012, 1, 1),
    )
    assert keyed(c)["amended_plan"][0] == due
    if reviewed is not None:
        assert keyed(c)["review_decision"] == (reviewed + dt.timedelta(weeks=4), MET)


# (dob, as of, expected due) -- finishing Year 2 or 6: 15 Feb; Year 11: 31 Mar; otherwise none
PHASE = [
    (D(2015, 8, 31), D(2026, 1, 15), D(2026, 2, 15)),  # youngest in Year 6
    (D(2014, 9, 1), D(2026, 1, 15), D(2026, 2, 15)),  # oldest in Year 6
    (D(2015, 9, 1), D(2026, 1, 15), None),  # Year 5
    (D(2014, 8, 31), D(2026, 1, 15), None),  # Year 7
    (D(2019, 8, 31), D(2026, 1, 15), D(2026, 2, 15)),  # Year 2
    (D(2018, 9, 1), D(2026, 1, 15), D(2026, 2, 15)),  # Year 2
    (D(2019, 9, 1), D(2026, 1, 15), None),  # Year 1
    (D(2010, 8, 31), D(2026, 1, 15), D(2026, 3, 31)),  # Year 11
    (D(2009, 9, 1), D(2026, 1, 15), D(2026, 3, 31)),  # Year 11
    (D(2010, 9, 1), D(2026, 1, 15), None),  # Year 10
    (D(2015, 8, 31), D(2026, 8, 31), D(2026, 2, 15)),  # last day of the school year: still Year 6
    (D(2015, 8, 31), D(2026, 9, 1), None),  # now Year 7
    (D(2015, 9, 1), D(2026, 9, 1), D(2027, 2, 15)),  # now Year 6: next calendar year's 15 Feb
    (D(2008, 2, 29), D(2024, 1, 10), D(2024, 3, 31)),  # leap-day birthday in Year 11
]


@pytest.mark.parametrize(("dob", "as_of", "due"), PHASE)
def test_phase_transfer(dob: dt.date, as_of: dt.date, due: dt.date | None) -> None:
    assert phase_transfer_due(dob, as_of) == due
    c = clock_for(
        as_of, date_of_birth=dob, stage=Stage.PLAN_ISSUED, stage_since=D(2020, 1, 1), plan_issued_date=D(2020, 1, 1)
    )
    assert ("phase_transfer" in keyed(c)) is (due is not None)


def test_phase_transfer_status() -> None:
    dob = D(2015, 1, 1)  # Year 6 in 2025/26
    amended_this_year = clock_for(
        D(2026, 1, 20),
        date_of_birth=dob,
        stage=Stage.PLAN_ISSUED,
        stage_since=D(2025, 12, 1),
        plan_issued_date=D(2020, 1, 1),
    )
    assert keyed(amended_this_year)["phase_transfer"] == (D(2026, 2, 15), MET)
    late = clock_for(
        D(2026, 2, 16),
        date_of_birth=dob,
        stage=Stage.PLAN_ISSUED,
        stage_since=D(2025, 3, 1),
        plan_issued_date=D(2020, 1, 1),
    )
    assert keyed(late)["phase_transfer"] == (D(2026, 2, 15), OVERDUE)
    in_amendment = clock_for(
        D(2026, 2, 5),
        date_of_birth=dob,
        stage=Stage.AMENDMENT,
        stage_since=D(2026, 1, 10),
        plan_issued_date=D(2020, 1, 1),
    )
    assert keyed(in_amendment)["phase_transfer"] == (D(2026, 2, 15), SOON)
    no_plan = clock_for(D(2026, 1, 20), date_of_birth=dob, request_date=D(2026, 1, 5))
    assert "phase_transfer" not in keyed(no_plan)


# (decision date, expected appeal deadline) -- 2 months; 25 Dec-1 Jan and August shift
APPEAL = [
    (D(2026, 1, 15), D(2026, 3, 15)),  # a Sunday: no shift beyond the two named in the rules
    (D(2026, 10, 24), D(2026, 12, 24)),  # Christmas Eve: no shift
    (D(2026, 10, 25), D(2027, 1, 4)),  # 25 Dec -> first working day after 1 Jan (Mon 4 Jan 2027)
    (D(2026, 10, 31), D(2027, 1, 4)),  # 31 Dec
    (D(2026, 11, 1), D(2027, 1, 4)),  # 1 Jan
    (D(2026, 11, 2), D(2027, 1, 2)),  # 2 Jan: outside the window
    (D(2025, 10, 26), D(2026, 1, 2)),  # 26 Dec 2025 -> Fri 2 Jan 2026
    (D(2026, 5, 31), D(2026, 7, 31)),  # 31 July: no shift
    (D(2026, 6, 1), D(2026, 9, 1)),  # 1 Aug -> Tue 1 Sep 2026
    (D(2026, 6, 30), D(2026, 9, 1)),  # 30 Aug
    (D(2029, 6, 10), D(2029, 9, 3)),  # 1 Sep 2029 is a Saturday -> Mon 3 Sep
    (D(2026, 7, 1), D(2026, 9, 1)),  # 1 Sep itself
    (D(2025, 12, 31), D(2026, 2, 28)),  # month-end clamp
    (D(2023, 12, 29), D(2024, 2, 29)),  # leap year
]


@pytest.mark.parametrize(("decision", "due"), APPEAL)
def test_appeal(decision: dt.date, due: dt.date) -> None:
    assert appeal_due(decision) == due
    for stage in (Stage.NOT_ASSESSING, Stage.NOT_ISSUING):
        c = clock_for(decision, stage=stage, stage_since=decision, request_date=decision - dt.timedelta(weeks=6))
        assert [(d.key, d.due, d.owner) for d in c.deadlines] == [("appeal", due, "family")]


def test_closed_appeal_window_is_overdue_but_not_next() -> None:
    c = clock_for(D(2026, 5, 1), stage=Stage.NOT_ASSESSING, stage_since=D(2026, 1, 15))
    assert keyed(c) == {"appeal": (D(2026, 3, 15), OVERDUE)}
    assert c.next is None
    assert tell_family(c) == "There is no statutory deadline running on this case now."


@pytest.mark.parametrize(
    ("dob", "ends"),
    [
        (D(2001, 8, 31), D(2026, 8, 31)),
        (D(2001, 9, 1), D(2027, 8, 31)),
        (D(2004, 2, 29), D(2029, 8, 31)),
    ],
)
def test_plan_end(dob: dt.date, ends: dt.date) -> None:
    assert plan_end(dob) == ends
    with_plan = clock_for(
        D(2026, 1, 1),
        date_of_birth=dob,
        stage=Stage.PLAN_ISSUED,
        stage_since=D(2020, 1, 1),
        plan_issued_date=D(2020, 1, 1),
    )
    assert with_plan.plan_ends == ends
    assert clock_for(D(2026, 1, 1), date_of_birth=dob, request_date=D(2025, 12, 1)).plan_ends is None


@pytest.mark.parametrize(
    ("dob", "as_of", "young_person"),
    [
        (D(2010, 8, 31), D(2026, 8, 31), False),  # turned 16 on the last day of Year 11
        (D(2010, 8, 31), D(2026, 9, 1), True),
        (D(2010, 9, 1), D(2026, 9, 1), False),  # turns 16 in 2026/27
        (D(2010, 9, 1), D(2027, 9, 1), True),
    ],
)
def test_decision_rights(dob: dt.date, as_of: dt.date, young_person: bool) -> None:
    c = clock_for(
        as_of, date_of_birth=dob, stage=Stage.PLAN_ISSUED, stage_since=D(2020, 1, 1), plan_issued_date=D(2020, 1, 1)
    )
    assert c.decision_rights_young_person is young_person
    assert decision_rights_from(dob) == D(dob.year + 16 + (dob.month >= 9), 9, 1)


@pytest.mark.parametrize("stage", [Stage.MEDIATION, Stage.TRIBUNAL, Stage.CEASED])
def test_stages_without_a_statutory_deadline(stage: Stage) -> None:
    c = clock_for(D(2026, 3, 1), stage=stage, stage_since=D(2026, 2, 1), request_date=D(2025, 1, 1))
    assert c.deadlines == () and c.next is None and c.week is None


def test_exception_is_shown_beside_its_deadline_and_does_not_move_it() -> None:
    exc = RecordedException(deadline_key="final_plan", code="d", note="away 5 weeks")
    c = clock_for(D(2026, 6, 10), (exc,), stage=Stage.ASSESSMENT, stage_since=D(2026, 2, 1), request_date=REQ)
    final = next(d for d in c.deadlines if d.key == "final_plan")
    assert (final.due, final.status, final.exception) == (D(2026, 6, 2), OVERDUE, exc)
    assert all(d.exception is None for d in c.deadlines if d.key != "final_plan")
    assert "family was away from the area for 4 weeks or more" in tell_family(
        clock_for(D(2026, 6, 3), (exc,), stage=Stage.DRAFT_PLAN, stage_since=D(2026, 4, 1), request_date=REQ)
    )


def test_latest_exception_wins() -> None:
    first = RecordedException(deadline_key="final_plan", code="a")
    second = RecordedException(deadline_key="final_plan", code="c")
    c = clock_for(D(2026, 3, 1), (first, second), request_date=REQ)
    assert next(d for d in c.deadlines if d.key == "final_plan").exception == second


def test_tell_family_and_headline() -> None:
    c = clock_for(D(2026, 1, 21), request_date=D(2026, 1, 20), stage_since=D(2026, 1, 20))
    assert tell_family(c) == "The decision whether to assess is due by Tue 3 Mar 2026."
    assert headline(c) == "week 1 of 20 — decision whether to assess due Tue 3 Mar 2026"
    # week 14, draft comments window closed: the final plan is next
    c = clock_for(D(2026, 1, 15), request_date=D(2025, 10, 14), stage=Stage.DRAFT_PLAN, stage_since=D(2025, 12, 20))
    assert headline(c) == "week 14 of 20 — final plan due Tue 3 Mar 2026"
    assert tell_family(c) == "The final plan is due by Tue 3 Mar 2026."
    late = clock_for(D(2026, 3, 4), request_date=D(2025, 10, 14), stage=Stage.DRAFT_PLAN, stage_since=D(2025, 12, 20))
    assert headline(late) == "week 21 of 20 — final plan overdue (due Tue 3 Mar 2026)"
    assert tell_family(late) == "The final plan was due by Tue 3 Mar 2026 and is late."
    appeal = clock_for(D(2026, 1, 20), stage=Stage.NOT_ISSUING, stage_since=D(2026, 1, 15))
    assert tell_family(appeal) == "You can appeal to the tribunal until Sun 15 Mar 2026."
    assert headline(appeal) == "appeal window open until Sun 15 Mar 2026"
    nothing = clock_for(D(2026, 1, 20), stage=Stage.CEASED, stage_since=D(2026, 1, 15))
    assert headline(nothing) == "no statutory deadline running"


def test_deadlines_sorted_and_age() -> None:
    c = clock_for(
        D(2026, 3, 1), stage=Stage.ASSESSMENT, stage_since=D(2026, 2, 1), request_date=REQ, date_of_birth=D(2015, 3, 2)
    )
    assert [d.due for d in c.deadlines] == sorted(d.due for d in c.deadlines)
    assert c.age == 10 and c.year_group == 6
