"""Retention: erase or anonymise records kept longer than the council's schedule (UK GDPR Art 5(1)(e)).

Record classes and their periods come from the policy file's `[retention]` table (defaults below):

- `case_years_after_birth` (31): a case is due on the child's date of birth + N years. 31 is the IRMS
  schools toolkit figure for SEN files, from secondary sources: CONFIRM WITH THE COUNCIL'S SCHEDULE.
  A due case is DELETED with its contacts and recorded deadline exceptions. Its calls are anonymised.
- `call_without_case_years` (2): a call with no case is anonymised N years after it started.
- `draft_days` (30): an autosaved call draft untouched for N days is deleted.

"Anonymised" means the call row stays, for the council's counts (when, who took it, reason, outcome,
team), with every personal field blanked: notes, caller name and phone, safeguarding summary, referral
reference, the links to the case and to the contact. Its hand-offs and callbacks lose their notes, names
and phone numbers the same way. Deleting them instead would silently change past service-standard figures.

Kept whatever the date: cases in stage mediation or tribunal (an open disagreement), and any case or call
with an open or claimed hand-off or callback (someone still has to ring back). They are listed as kept.

`apply` does everything in ONE transaction and writes one audit row per record (case, call, draft) with
its id and no content; erasure is logged as metadata only (ICO logging guidance).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dutyline.domain.model import DISAGREEMENT
from dutyline.domain.permissions import Action
from dutyline.domain.policy import Policy
from dutyline.services.context import Context, ServiceError
from dutyline.store.uow import Work

DEFAULTS: dict[str, int] = {"case_years_after_birth": 31, "call_without_case_years": 2, "draft_days": 30}
_LIMITS: dict[str, tuple[int, int]] = {
    "case_years_after_birth": (18, 100),
    "call_without_case_years": (1, 100),
    "draft_days": (1, 3650),
}


@dataclass(frozen=True)
class Periods:
    case_years_after_birth: int = DEFAULTS["case_years_after_birth"]
    call_without_case_years: int = DEFAULTS["call_without_case_years"]
    draft_days: int = DEFAULTS["draft_days"]

    @classmethod
    def from_policy(cls, policy: Policy) -> Periods:
        """Read `[retention]` from the policy, refusing unknown keys and implausible periods."""
        given: dict[str, int] = dict(policy.retention or {})
        for key, value in given.items():
            if key not in DEFAULTS:
                raise ServiceError(f"policy [retention]: unknown key {key!r}; keys: {', '.join(DEFAULTS)}")
            low, high = _LIMITS[key]
            if not isinstance(value, int) or not low <= value <= high:
                raise ServiceError(f"policy [retention]: {key} must be a whole number from {low} to {high}")
        return cls(**{**DEFAULTS, **given})


def years_before(day: dt.date, years: int) -> dt.date:
    """`day` minus whole years; 29 February becomes 28 February in a non-leap year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def case_due_date(dob: dt.date, years: int) -> dt.date:
    """Date of birth + N years; a 29 February birthday falls due on 1 March in a non-leap year.

    Consistent with `years_before`: `dob <= years_before(today, N)` exactly when `case_due_date(dob, N) <= today`.
    """
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return dt.date(dob.year + years, 3, 1)


@dataclass
class RetentionPlan:
    """What is due on `today`. Holds ids and case refs only, never names."""

    today: dt.date
    periods: Periods
    cases: list[tuple[int, str]] = field(default_factory=list)  # (case id, case_ref)
    case_calls: list[int] = field(default_factory=list)  # calls of those cases, to anonymise
    calls: list[int] = field(default_factory=list)  # calls with no case, past their period
    drafts: list[int] = field(default_factory=list)
    kept_disagreement: list[tuple[int, str]] = field(default_factory=list)
    kept_open_work: list[tuple[int, str]] = field(default_factory=list)
    kept_calls_open_work: int = 0

    @property
    def total(self) -> int:
        return len(self.cases) + len(self.calls) + len(self.drafts)


def _plan(work: Work, today: dt.date, now: dt.datetime, periods: Periods) -> RetentionPlan:
    plan = RetentionPlan(today=today, periods=periods)
    cutoff = years_before(today, periods.case_years_after_birth)
    for case_id, ref, stage, busy in work.retention.cases_born_on_or_before(cutoff):
        if stage in {s.value for s in DISAGREEMENT}:
            plan.kept_disagreement.append((case_id, ref))
        elif busy:
            plan.kept_open_work.append((case_id, ref))
        else:
            plan.cases.append((case_id, ref))
    ids = [c for c, _ in plan.cases]
    plan.case_calls = work.retention.calls_of_cases(ids)
    call_cutoff = dt.datetime.combine(years_before(today, periods.call_without_case_years), dt.time(), dt.UTC)
    old_calls = work.retention.caseless_calls_before(call_cutoff)
    plan.calls = [cid for cid, busy in old_calls if not busy]
    plan.kept_calls_open_work = sum(1 for _cid, busy in old_calls if busy)
    plan.drafts = work.retention.drafts_due(now - dt.timedelta(days=periods.draft_days), ids)
    return plan


def plan(ctx: Context) -> RetentionPlan:
    """What `apply` would do today (the dry run). Audited as a retention check with counts only."""
    ctx.require(Action.RETENTION)
    periods = Periods.from_policy(ctx.policy)
    with ctx.uow.read() as work:
        result = _plan(work, ctx.today(), ctx.now(), periods)
    ctx.uow.run(lambda work: ctx.audit(work, Action.RETENTION, outcome="dry_run", detail=_counts(result)))
    return result


def _counts(p: RetentionPlan) -> str:
    return (
        f"cases={len(p.cases)} case_calls={len(p.case_calls)} calls={len(p.calls)} drafts={len(p.drafts)} "
        f"kept={len(p.kept_disagreement) + len(p.kept_open_work) + p.kept_calls_open_work}"
    )


def apply(ctx: Context) -> RetentionPlan:
    """Erase and anonymise everything due, in one transaction, one audit row per record."""
    ctx.require(Action.RETENTION)
    periods = Periods.from_policy(ctx.policy)
    with ctx.uow.write() as work:
        result = _plan(work, ctx.today(), ctx.now(), periods)
        case_ids = [c for c, _ in result.cases]
        work.retention.blank_case_items(case_ids)
        work.retention.anonymise_calls(result.case_calls + result.calls)
        work.retention.delete_drafts(result.drafts)
        work.retention.delete_cases(case_ids)
        for case_id, _ref in result.cases:
            ctx.audit(work, Action.RETENTION, case_id=case_id, outcome="erased", detail="case deleted")
        for call_id in result.case_calls:
            ctx.audit(work, Action.RETENTION, outcome="anonymised", detail=f"call={call_id} case erased")
        for call_id in result.calls:
            ctx.audit(work, Action.RETENTION, outcome="anonymised", detail=f"call={call_id} no case")
        for draft_id in result.drafts:
            ctx.audit(work, Action.RETENTION, outcome="erased", detail=f"draft={draft_id}")
        ctx.audit(work, Action.RETENTION, outcome="applied", detail=_counts(result))
    return result
