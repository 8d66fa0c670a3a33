"""The statutory clock: which EHC deadlines apply to a case, when each is due and how it stands.

EHC limits are **calendar** weeks, days and months (bank holidays do not pause them); working days are
used only to decide `due_soon` (within N working days) and for the appeal shifts. Recorded reg 10(4)
exceptions are attached beside the deadline they excuse and never move it: the family and the officer
see both the legal date and the recorded reason.

When a deadline is `met`: the rules only know the case's stage and its dates, so a deadline counts as met
when the case has moved to a stage that can only be reached by doing it (for example, a case in
`assessment` has had its decision to assess). Deadlines that belong to the family (the 15 days to
comment on a draft, the time to appeal) are never "met" by the council: once passed they show
`overdue`, and `owner="family"` lets the screen say "closed" instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Literal

from dutyline.domain.calendar import (
    academic_year,
    academic_year_end,
    academic_year_start,
    academic_year_turning,
    add_months,
    add_working_days,
    age_on,
    next_working_day,
    year_group,
)
from dutyline.domain.model import FIRST_20_WEEKS, PLAN_IN_PLACE, CaseInfo, Frozen, Stage


class DeadlineStatus(StrEnum):
    MET = "met"
    UPCOMING = "upcoming"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


#: reg 10(4) exception codes as recorded against a case.
EXCEPTION_LABELS: dict[str, str] = {
    "a": "a school was closed for 4 weeks or more when advice was asked (reg 10(4)(a))",
    "b": "an early years setting was closed for 4 weeks or more when advice was asked (reg 10(4)(b))",
    "c": "exceptional personal circumstances of the child or family (reg 10(4)(c))",
    "d": "the family was away from the area for 4 weeks or more (reg 10(4)(d))",
}

DEADLINE_LABELS: dict[str, str] = {
    "decision_to_assess": "Decision whether to assess",
    "no_issue_decision": "Decision not to issue a plan",
    "final_plan": "Final plan",
    "draft_comments": "Comments on the draft plan",
    "annual_review": "Annual review",
    "review_decision": "Decision after the review",
    "amended_plan": "Final amended plan",
    "phase_transfer": "Plan amended for the school move",
    "appeal": "Appeal to the tribunal",
}

#: Year group finished at the end of the school year -> (month, day) the plan must be amended by.
PHASE_TRANSFERS: dict[int, tuple[int, int]] = {2: (2, 15), 6: (2, 15), 11: (3, 31)}


class RecordedException(Frozen):
    """A reg 10(4) exception recorded against one deadline of a case."""

    id: int | None = None
    deadline_key: str
    code: str
    note: str = ""
    starts: dt.date | None = None
    ends: dt.date | None = None
    recorded_by: str = ""

    @property
    def label(self) -> str:
        return EXCEPTION_LABELS.get(self.code, f"exception {self.code}")


class Deadline(Frozen):
    key: str
    label: str
    due: dt.date
    status: DeadlineStatus
    #: Whose deadline it is: the council's duty, or the family's window (comments, appeal).
    owner: Literal["council", "family"] = "council"
    exception: RecordedException | None = None


class Clock(Frozen):
    """Every deadline that applies to a case on `as_of`, soonest first."""

    as_of: dt.date
    #: Week of the 20-week assessment the case is in (1 = the first 7 days), else None.
    week: int | None = None
    deadlines: tuple[Deadline, ...] = ()
    #: The first deadline not yet met (overdue ones first, as they are earliest); a family's
    #: window that has closed is skipped.
    next: Deadline | None = None
    #: 31 August of the school year in which the young person turns 25, when a plan is in place.
    plan_ends: dt.date | None = None
    #: The day the young person makes their own decisions (after the school year they turn 16).
    decision_rights_from: dt.date
    decision_rights_young_person: bool = False
    age: int
    year_group: int


def compute_clock(
    case: CaseInfo,
    as_of: dt.date,
    exceptions: Sequence[RecordedException] = (),
    *,
    due_soon_working_days: int = 10,
    under_five_review_months: int = 6,
) -> Clock:
    """The statutory clock for `case` as of `as_of` (pure: no database, no "today")."""
    soon_limit = add_working_days(as_of, due_soon_working_days)
    by_key = {e.deadline_key: e for e in exceptions}  # the latest recorded exception wins
    out: list[Deadline] = []

    def add(key: str, due: dt.date, *, met: bool = False, owner: Literal["council", "family"] = "council") -> None:
        if met:
            status = DeadlineStatus.MET
        elif as_of > due:
            status = DeadlineStatus.OVERDUE
        elif due <= soon_limit:
            status = DeadlineStatus.DUE_SOON
        else:
            status = DeadlineStatus.UPCOMING
        out.append(
            Deadline(
                key=key, label=DEADLINE_LABELS[key], due=due, status=status, owner=owner, exception=by_key.get(key)
            )
        )

    stage = case.stage
    week: int | None = None
    if stage in FIRST_20_WEEKS and case.request_date is not None:
        req = case.request_date
        add("decision_to_assess", req + dt.timedelta(weeks=6), met=stage != Stage.REQUEST_RECEIVED)
        if stage in (Stage.ASSESSMENT, Stage.DRAFT_PLAN):
            add("no_issue_decision", req + dt.timedelta(weeks=16), met=stage == Stage.DRAFT_PLAN)
        add("final_plan", req + dt.timedelta(weeks=20))
        elapsed = (as_of - req).days
        week = elapsed // 7 + 1 if elapsed >= 0 else None
    if stage == Stage.DRAFT_PLAN:
        add("draft_comments", case.stage_since + dt.timedelta(days=15), owner="family")
    if stage in (Stage.PLAN_ISSUED, Stage.ANNUAL_REVIEW):
        add("annual_review", annual_review_due(case, under_five_review_months))
    if stage == Stage.ANNUAL_REVIEW:
        add("review_decision", (case.last_review_date or case.stage_since) + dt.timedelta(weeks=4))
    if stage == Stage.AMENDMENT:
        if case.last_review_date is not None and case.stage_since >= case.last_review_date:
            add("review_decision", case.last_review_date + dt.timedelta(weeks=4), met=True)
        add("amended_plan", amended_plan_due(case))
    if stage in PLAN_IN_PLACE:
        phase = phase_transfer_due(case.date_of_birth, as_of)
        if phase is not None:
            year_started = academic_year_start(academic_year(as_of))
            met = stage == Stage.PLAN_ISSUED and case.stage_since >= year_started
            add("phase_transfer", phase, met=met)
    if stage in (Stage.NOT_ASSESSING, Stage.NOT_ISSUING):
        add("appeal", appeal_due(case.stage_since), owner="family")

    out.sort(key=lambda d: (d.due, d.key))
    # A family's window that has closed is history, not something to chase: `next` skips it.
    pending = [
        d
        for d in out
        if d.status != DeadlineStatus.MET and not (d.owner == "family" and d.status == DeadlineStatus.OVERDUE)
    ]
    has_plan = stage in PLAN_IN_PLACE or (case.plan_issued_date is not None and stage != Stage.CEASED)
    rights_from = decision_rights_from(case.date_of_birth)
    return Clock(
        as_of=as_of,
        week=week,
        deadlines=tuple(out),
        next=pending[0] if pending else None,
        plan_ends=plan_end(case.date_of_birth) if has_plan else None,
        decision_rights_from=rights_from,
        decision_rights_young_person=as_of >= rights_from,
        age=age_on(case.date_of_birth, as_of),
        year_group=year_group(case.date_of_birth, as_of),
    )


def annual_review_due(case: CaseInfo, under_five_months: int = 6) -> dt.date:
    """12 months after the later of plan issue and last review; `under_five_months` if under 5 then.

    "Under 5" is judged on that base date (the day of issue or of the last review), following
    Hertfordshire's "under-5s are reviewed at least every 6 months". Month arithmetic clamps to the
    month's end, so a review on 29 Feb 2024 is next due by 28 Feb 2025.
    """
    dates = [d for d in (case.plan_issued_date, case.last_review_date) if d is not None]
    base = max(dates) if dates else case.stage_since
    months = under_five_months if age_on(case.date_of_birth, base) < 5 else 12
    return add_months(base, months)


def amended_plan_due(case: CaseInfo) -> dt.date:
    """8 weeks from the amendment notice (stage start), and never later than 12 weeks from the review."""
    due = case.stage_since + dt.timedelta(weeks=8)
    if case.last_review_date is not None:
        due = min(due, case.last_review_date + dt.timedelta(weeks=12))
    return due


def phase_transfer_due(dob: dt.date, as_of: dt.date) -> dt.date | None:
    """The amendment deadline when the child finishes Year 2, 6 or 11 this school year, else None.

    15 February (infant -> junior, primary -> secondary) or 31 March (-> post-16) of the calendar year
    of the move, which is the year the current school year ends.
    """
    rule = PHASE_TRANSFERS.get(year_group(dob, as_of))
    if rule is None:
        return None
    return dt.date(academic_year(as_of) + 1, *rule)


def appeal_due(decision: dt.date) -> dt.date:
    """Two months from the decision letter, shifted out of Christmas and August.

    25 Dec - 1 Jan moves to the first working day after 1 January; any day in August moves to the first
    working day of September. No other shift is applied (a weekend date stays), which errs early.
    """
    due = add_months(decision, 2)
    if (due.month, due.day) >= (12, 25):
        return next_working_day(dt.date(due.year + 1, 1, 1))
    if (due.month, due.day) == (1, 1):
        return next_working_day(due)
    if due.month == 8:
        return add_working_days(dt.date(due.year, 9, 1), 0)
    return due


def plan_end(dob: dt.date) -> dt.date:
    """31 August ending the school year in which the young person turns 25."""
    return academic_year_end(academic_year_turning(dob, 25))


def decision_rights_from(dob: dt.date) -> dt.date:
    """1 September after the school year in which the young person turns 16 (end of compulsory school)."""
    return academic_year_end(academic_year_turning(dob, 16)) + dt.timedelta(days=1)
