"""Stage mix and dates that agree with each other and with the child's age.

Why care: the app shows "week 14 of 20", overdue drafts and late reviews from these dates, so a demo whose
assessment began before the child was born, or whose draft plan is dated in the future, would teach the
wrong thing and hide bugs. Every date produced here satisfies
    date_of_birth < request_date <= stage_since <= today,  request_date <= plan_issued_date,
    plan_issued_date <= last_review_date <= stage_since (where present),
and each stage sits where the statutory timetable puts it relative to `today`.
All arithmetic is on date ordinals (ints) because it is the hot loop of a million-row file.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from functools import lru_cache

from dutyline.demo.rand import between, weighted_index
from dutyline.domain.model import Stage

_YEAR = 365

#: Rough county mix: ~8% in the first 20 weeks, ~80% with a plan, ~3% in disagreement, the rest decided
#: against, or ceased.
STAGE_WEIGHTS: dict[Stage, float] = {
    Stage.REQUEST_RECEIVED: 3.0,
    Stage.ASSESSMENT: 3.0,
    Stage.DRAFT_PLAN: 2.0,
    Stage.PLAN_ISSUED: 52.0,
    Stage.ANNUAL_REVIEW: 20.0,
    Stage.AMENDMENT: 8.0,
    Stage.NOT_ASSESSING: 2.5,
    Stage.NOT_ISSUING: 1.5,
    Stage.MEDIATION: 2.0,
    Stage.TRIBUNAL: 1.0,
    Stage.CEASED: 5.0,
}
_STAGES = tuple(STAGE_WEIGHTS)
_STAGE_CUM = tuple(itertools.accumulate(STAGE_WEIGHTS.values()))

#: Youngest age (days) at which a stage's dates can all fall after birth.
MIN_AGE_DAYS: dict[Stage, int] = {
    Stage.REQUEST_RECEIVED: 60,
    Stage.ASSESSMENT: 90,
    Stage.DRAFT_PLAN: 240,
    Stage.NOT_ASSESSING: 120,
    Stage.NOT_ISSUING: 300,
    Stage.PLAN_ISSUED: _YEAR,
    Stage.ANNUAL_REVIEW: 2 * _YEAR,
    Stage.AMENDMENT: 2 * _YEAR,
    Stage.MEDIATION: 2 * _YEAR,
    Stage.TRIBUNAL: 2 * _YEAR,
    Stage.CEASED: 2 * _YEAR,
}

#: Children with plans are mostly of school age: weights by age in whole years, 0..25.
_AGE_WEIGHTS = (1, 1, 2, 3, 5, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9, 9, 8, 6, 5, 4, 3, 2, 2, 1.5, 1, 0.5)
_AGE_CUM = tuple(itertools.accumulate(_AGE_WEIGHTS))
#: Plans cease mostly for older young people (leaving education, reaching 25).
_CEASED_AGE_WEIGHTS = (
    0,
    0,
    0.2,
    0.2,
    0.3,
    0.4,
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
    0.6,
    0.6,
    0.8,
    1,
    3,
    5,
    6,
    6,
    5,
    4,
    4,
    3,
    3,
    2,
)
_CEASED_AGE_CUM = tuple(itertools.accumulate(_CEASED_AGE_WEIGHTS))

Dates = tuple[int, int | None, int | None, int | None]  # stage_since, request, plan_issued, last_review


def pick_stage(rng: random.Random, age_days: int) -> Stage:
    """A stage from the county mix that is possible at this age (a baby cannot be at annual review)."""
    for _ in range(8):
        stage = _STAGES[weighted_index(rng, _STAGE_CUM)]
        if age_days >= MIN_AGE_DAYS[stage]:
            return stage
    return Stage.REQUEST_RECEIVED


def pick_age_days(rng: random.Random, stage: Stage) -> int:
    """Age today in days for the first child of a family, given the stage drawn for them."""
    cum = _CEASED_AGE_CUM if stage is Stage.CEASED else _AGE_CUM
    years = weighted_index(rng, cum)
    return max(MIN_AGE_DAYS[stage], years * _YEAR + int(rng.random() * _YEAR))


def _old_plan(rng: random.Random, dob: int, before: int, min_gap: int) -> int:
    """A plan issued at least `min_gap` days before `before`, at least 6 months after birth."""
    earliest = dob + 180
    latest = before - min_gap
    if latest <= earliest:
        return earliest
    return latest - between(rng, 0, min(latest - earliest, 12 * _YEAR))


def _request_before(rng: random.Random, dob: int, plan: int) -> int | None:
    """The request that led to a plan: about 20 weeks earlier, or unknown (older records lack it)."""
    if rng.random() < 0.6:
        return None
    req = plan - between(rng, 110, 140)
    return req if req > dob + 30 else None


def stage_dates(rng: random.Random, stage: Stage, dob: int, today: int) -> Dates:
    """Dates for a case at `stage`, as ordinals (see the module docstring for the guarantees)."""
    age = today - dob
    young = age - 31  # the request is at least a month after birth
    if stage is Stage.REQUEST_RECEIVED:
        req = today - between(rng, 0, min(41, young))
        return req, req, None, None
    if stage is Stage.ASSESSMENT:
        req = today - between(rng, 42, max(42, min(111, young)))
        return req + between(rng, 28, 42), req, None, None
    if stage is Stage.DRAFT_PLAN:
        latest = 139 if rng.random() < 0.85 else 200  # a few drafts are past the 20-week deadline
        elapsed = between(rng, 98, max(98, min(latest, young)))
        req = today - elapsed
        return req + between(rng, 91, elapsed), req, None, None
    if stage is Stage.NOT_ASSESSING:
        req = today - between(rng, 42, max(42, min(230, young)))
        return req + between(rng, 28, 42), req, None, None
    if stage is Stage.NOT_ISSUING:
        req = today - between(rng, 112, max(112, min(300, young)))
        return req + between(rng, 98, 112), req, None, None
    if stage is Stage.PLAN_ISSUED:
        if age < 545 or rng.random() < 0.45:  # issued within the last year, no review yet
            plan = today - between(rng, 0, min(364, age - 180))
            return plan, _request_before(rng, dob, plan), plan, None
        plan = _old_plan(rng, dob, today, 365)
        if rng.random() < 0.1:  # review overdue: nothing recorded since the plan
            return plan, _request_before(rng, dob, plan), plan, None
        review = min(today, max(today - between(rng, 200, 420), plan + 300))
        since = min(today, review + between(rng, 14, 28))  # the decision to maintain the plan
        return since, _request_before(rng, dob, plan), plan, review
    if stage is Stage.ANNUAL_REVIEW:
        plan = _old_plan(rng, dob, today, 365)
        review = today - between(rng, 0, 56)
        return review, _request_before(rng, dob, plan), plan, review
    if stage is Stage.AMENDMENT:
        plan = _old_plan(rng, dob, today, 365)
        review = today - between(rng, 28, 150)
        return review + between(rng, 14, 28), _request_before(rng, dob, plan), plan, review
    if stage in (Stage.MEDIATION, Stage.TRIBUNAL):
        since = today - (between(rng, 0, 90) if stage is Stage.MEDIATION else between(rng, 30, 330))
        if rng.random() < 0.4:  # appealing a refusal to assess or to issue: no plan yet
            return since, since - between(rng, 50, min(200, since - dob - 31)), None, None
        plan = _old_plan(rng, dob, since, 60)
        reviewed = since - between(rng, 20, 100) if since - plan >= 420 else None
        return since, _request_before(rng, dob, plan), plan, reviewed
    # CEASED: the plan ended some time in the last three years, at least a year after it was issued.
    since = today - between(rng, 0, min(3 * _YEAR, age - 2 * _YEAR))
    plan = _old_plan(rng, dob, since, 365)
    reviewed = max(since - between(rng, 30, 200), plan + 300) if rng.random() < 0.7 else None
    return since, _request_before(rng, dob, plan), plan, reviewed


@lru_cache(maxsize=16384)
def iso(ordinal: int) -> str:
    """ISO text for a date ordinal (cached: a demo uses a few thousand distinct days many times)."""
    return dt.date.fromordinal(ordinal).isoformat()
