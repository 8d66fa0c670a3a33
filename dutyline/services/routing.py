"""Routing use case: which team owns this call, why, how urgent, and when the callback is due.

Routing reads a case's stage, district and acting officer (not the child's details), so it checks the
view permission without writing an audit row of its own: the call it belongs to is audited when logged.
"""

from __future__ import annotations

from dutyline.domain.model import District, Reason, Stage
from dutyline.domain.permissions import Action
from dutyline.domain.routing import RoutingDecision, RoutingFacts, UnknownCode, callback_due, decide_from_facts
from dutyline.domain.summary import acting_officer
from dutyline.services.cases import resolve_case_id
from dutyline.services.context import Context, ServiceError


def decide(
    ctx: Context,
    reason: Reason,
    *,
    case_id: int | None = None,
    case_ref: str | None = None,
    stage: Stage | None = None,
    district: District | None = None,
    urgent_reason: str | None = None,
) -> RoutingDecision:
    """Route a call, with `callback_due` from ctx.now(). With a case, its stage/district/officer are used
    (and override `stage`/`district`); without one, what the caller said."""
    policy = ctx.policy
    if case_id is None and case_ref is not None:
        case_id = resolve_case_id(ctx, case_ref)
    facts = RoutingFacts(reason=reason, stage=stage, district=district)
    if case_id is not None:
        ctx.require(Action.VIEW_CASE, case_id=case_id)
        day = ctx.today()
        with ctx.uow.read() as work:
            case = work.cases.load_case(case_id=case_id)
            if case is None:
                raise ServiceError(f"No case with id {case_id}.")
            acting = acting_officer(case.named_officer, lambda oid: work.cases.load_officer(oid), day)
        facts = RoutingFacts(
            reason=reason,
            stage=case.stage,
            district=case.district,
            has_case=True,
            acting_officer_team=acting.team_code or None if acting else None,
            acting_officer_name=acting.name if acting else None,
            acting_is_cover=bool(acting and case.named_officer and acting.id != case.named_officer.id),
        )
    try:
        decision = decide_from_facts(policy, facts, urgent_reason=urgent_reason)
        due = callback_due(policy, reason, ctx.now(), urgent_reason=urgent_reason)
    except UnknownCode as exc:
        raise ServiceError(str(exc)[:1].upper() + str(exc)[1:] + ".") from None
    return decision.model_copy(update={"callback_due": due})
