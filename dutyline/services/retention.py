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

from sqlalchemy import ColumnElement, delete, exists, false, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from dutyline.domain.model import DISAGREEMENT, ItemStatus
from dutyline.domain.permissions import Action
from dutyline.services.context import Context, ServiceError
from dutyline.store.tables import Call, Callback, Case, Draft, Handoff

DEFAULTS: dict[str, int] = {"case_years_after_birth": 31, "call_without_case_years": 2, "draft_days": 30}
_LIMITS: dict[str, tuple[int, int]] = {
    "case_years_after_birth": (18, 100),
    "call_without_case_years": (1, 100),
    "draft_days": (1, 3650),
}
_OPEN = (ItemStatus.OPEN.value, ItemStatus.CLAIMED.value)


@dataclass(frozen=True)
class Periods:
    case_years_after_birth: int = DEFAULTS["case_years_after_birth"]
    call_without_case_years: int = DEFAULTS["call_without_case_years"]
    draft_days: int = DEFAULTS["draft_days"]

    @classmethod
    def from_policy(cls, policy: object | None) -> Periods:
        """Read `[retention]` from the policy, refusing unknown keys and implausible periods."""
        given: dict[str, int] = dict(getattr(policy, "retention", None) or {})
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


def _open_items(call_or_case_col: InstrumentedAttribute[int], key: str) -> ColumnElement[bool]:
    """True when a hand-off or callback linked through `key` ('case_id'/'call_id') is still open."""
    return or_(
        exists().where(getattr(Handoff, key) == call_or_case_col, Handoff.status.in_(_OPEN)),
        exists().where(getattr(Callback, key) == call_or_case_col, Callback.status.in_(_OPEN)),
    )


def _has_personal(c: type[Call]) -> ColumnElement[bool]:
    """A call still holding something personal (anonymised calls are not due again)."""
    return or_(
        c.notes != "",
        c.caller_name != "",
        c.caller_phone != "",
        c.safeguarding_summary != "",
        c.referral_ref != "",
        c.caller_contact_id.is_not(None),
        c.case_id.is_not(None),
    )


def _plan(session: Session, today: dt.date, now: dt.datetime, periods: Periods) -> RetentionPlan:
    plan = RetentionPlan(today=today, periods=periods)
    cutoff = years_before(today, periods.case_years_after_birth)
    due = session.execute(
        select(Case.id, Case.case_ref, Case.stage, _open_items(Case.id, "case_id").label("busy"))
        .where(Case.date_of_birth <= cutoff)
        .order_by(Case.id)
    ).all()
    for case_id, ref, stage, busy in due:
        if stage in {s.value for s in DISAGREEMENT}:
            plan.kept_disagreement.append((case_id, ref))
        elif busy:
            plan.kept_open_work.append((case_id, ref))
        else:
            plan.cases.append((case_id, ref))
    ids = [c for c, _ in plan.cases]
    for chunk in _chunks(ids):
        plan.case_calls += session.scalars(select(Call.id).where(Call.case_id.in_(chunk)).order_by(Call.id)).all()
    call_cutoff = dt.datetime.combine(years_before(today, periods.call_without_case_years), dt.time(), dt.UTC)
    old_calls = session.execute(
        select(Call.id, _open_items(Call.id, "call_id").label("busy"))
        .where(Call.case_id.is_(None), Call.started_at < call_cutoff, _has_personal(Call))
        .order_by(Call.id)
    ).all()
    plan.calls = [cid for cid, busy in old_calls if not busy]
    plan.kept_calls_open_work = sum(1 for _cid, busy in old_calls if busy)
    draft_cutoff = now - dt.timedelta(days=periods.draft_days)
    plan.drafts = list(
        session.scalars(
            select(Draft.id)
            .where(or_(Draft.updated_at < draft_cutoff, Draft.case_id.in_(ids) if ids else false()))
            .order_by(Draft.id)
        )
    )
    return plan


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def plan(ctx: Context) -> RetentionPlan:
    """What `apply` would do today (the dry run). Audited as a retention check with counts only."""
    ctx.require(Action.RETENTION)
    periods = Periods.from_policy(ctx.policy)
    with ctx.db.read() as session:
        result = _plan(session, ctx.today(), ctx.now(), periods)
    with ctx.db.write() as session:
        ctx.audit(session, Action.RETENTION, outcome="dry_run", detail=_counts(result))
    return result


def _counts(p: RetentionPlan) -> str:
    return (
        f"cases={len(p.cases)} case_calls={len(p.case_calls)} calls={len(p.calls)} drafts={len(p.drafts)} "
        f"kept={len(p.kept_disagreement) + len(p.kept_open_work) + p.kept_calls_open_work}"
    )


def _anonymise_calls(session: Session, call_ids: list[int]) -> None:
    for chunk in _chunks(call_ids):
        session.execute(
            update(Call)
            .where(Call.id.in_(chunk))
            .values(
                notes="",
                caller_name="",
                caller_phone="",
                safeguarding_summary="",
                referral_ref="",
                caller_contact_id=None,
                case_id=None,
            ),
            execution_options={"synchronize_session": False},
        )
        session.execute(
            update(Handoff)
            .where(Handoff.call_id.in_(chunk))
            .values(notes="", override_reason="", case_id=None, version=Handoff.version + 1),
            execution_options={"synchronize_session": False},
        )
        session.execute(
            update(Callback)
            .where(Callback.call_id.in_(chunk))
            .values(notes="", contact_name="", phone="", preferred_time="", case_id=None, version=Callback.version + 1),
            execution_options={"synchronize_session": False},
        )


def apply(ctx: Context) -> RetentionPlan:
    """Erase and anonymise everything due, in one transaction, one audit row per record."""
    ctx.require(Action.RETENTION)
    periods = Periods.from_policy(ctx.policy)
    with ctx.db.write() as session:
        result = _plan(session, ctx.today(), ctx.now(), periods)
        case_ids = [c for c, _ in result.cases]
        for chunk in _chunks(case_ids):  # queue items linked to the case but not to one of its calls
            session.execute(
                update(Handoff)
                .where(Handoff.case_id.in_(chunk))
                .values(notes="", override_reason="", case_id=None, version=Handoff.version + 1),
                execution_options={"synchronize_session": False},
            )
            session.execute(
                update(Callback)
                .where(Callback.case_id.in_(chunk))
                .values(
                    notes="", contact_name="", phone="", preferred_time="", case_id=None, version=Callback.version + 1
                ),
                execution_options={"synchronize_session": False},
            )
        _anonymise_calls(session, result.case_calls + result.calls)
        for chunk in _chunks(result.drafts):
            session.execute(delete(Draft).where(Draft.id.in_(chunk)), execution_options={"synchronize_session": False})
        for chunk in _chunks(case_ids):  # contacts and deadline exceptions go with the case (ON DELETE CASCADE)
            session.execute(delete(Case).where(Case.id.in_(chunk)), execution_options={"synchronize_session": False})
        for case_id, _ref in result.cases:
            ctx.audit(session, Action.RETENTION, case_id=case_id, outcome="erased", detail="case deleted")
        for call_id in result.case_calls:
            ctx.audit(session, Action.RETENTION, outcome="anonymised", detail=f"call={call_id} case erased")
        for call_id in result.calls:
            ctx.audit(session, Action.RETENTION, outcome="anonymised", detail=f"call={call_id} no case")
        for draft_id in result.drafts:
            ctx.audit(session, Action.RETENTION, outcome="erased", detail=f"draft={draft_id}")
        ctx.audit(session, Action.RETENTION, outcome="applied", detail=_counts(result))
    return result
