"""Hand-off routing: which team owns this call, and why, in words a handler can repeat.

The rules are data in the policy file (first match wins). This module applies them to the facts of
the call: the reason, and from the case (or what the caller said) the stage, the district and the team
of the officer acting on it. A rule whose target cannot be found (no district for an area team, no
officer for "their officer") is passed over and the explanation says so, rather than guessing.
"""

from __future__ import annotations

import datetime as dt

from dutyline.domain.calendar import add_working_days, end_of_working_day, local_date
from dutyline.domain.model import (
    DISAGREEMENT,
    FIRST_20_WEEKS,
    PLAN_IN_PLACE,
    CaseInfo,
    District,
    Frozen,
    Priority,
    Reason,
    Stage,
)
from dutyline.domain.policy import Policy, RoutingRule


class UnknownCode(ValueError):
    """A code (urgent reason, team) that the policy does not define."""


#: The reason as a fact: "the caller is ...".
REASON_FACTS: dict[Reason, str] = {
    Reason.NEW_REQUEST: "the caller is making a new request for an assessment",
    Reason.PROGRESS: "the caller is asking how the case is progressing",
    Reason.ASSESSMENT_PROGRESS: "the caller is asking how the assessment is going",
    Reason.DRAFT_PLAN_RESPONSE: "the caller is responding to a draft plan",
    Reason.REVIEW_ARRANGEMENTS: "the caller is asking about annual review arrangements",
    Reason.AMENDMENT_RESPONSE: "the caller is responding to a draft amended plan",
    Reason.CHANGE_OF_NEED: "the caller says the child's needs have changed",
    Reason.PROVISION_OR_PLACEMENT: "the caller is asking about provision or a school placement",
    Reason.PHASE_TRANSFER: "the caller is asking about a move to the next school phase",
    Reason.DISAGREEMENT: "the caller disagrees with a decision",
    Reason.COMPLAINT: "the caller is making a complaint",
    Reason.OFFICER_CONTACT: "the caller wants to speak to their officer",
    Reason.CONTACT_DETAILS_CHANGE: "the caller is changing contact details",
    Reason.GENERAL_ENQUIRY: "the caller has a general enquiry",
    Reason.SAFEGUARDING: "the caller has raised a safeguarding concern",
}


class RoutingFacts(Frozen):
    """What routing may use. Stage/district come from the case when there is one."""

    reason: Reason
    stage: Stage | None = None
    district: District | None = None
    has_case: bool = False
    #: Team code of the officer acting on the case (named officer, or cover while absent).
    acting_officer_team: str | None = None
    acting_officer_name: str | None = None
    acting_is_cover: bool = False


class RoutingDecision(Frozen):
    team: str
    team_name: str
    inbox: str
    explanation: str
    priority: Priority
    rule: str
    urgent_reason: str | None = None
    #: Set by the service (needs "now"); the domain decision alone has no time.
    callback_due: dt.datetime | None = None


def priority_for(policy: Policy, reason: Reason, urgent_reason: str | None) -> Priority:
    """Urgent when an urgent reason is given or the call reason is urgent in itself (safeguarding)."""
    if urgent_reason is not None:
        if urgent_reason not in policy.urgent_reasons:
            known = ", ".join(policy.urgent_reasons)
            raise UnknownCode(f"unknown urgent reason '{urgent_reason}'; known: {known}")
        return Priority.URGENT
    return Priority.URGENT if reason in policy.service_standards.urgent_call_reasons else Priority.STANDARD


def route(
    policy: Policy,
    reason: Reason,
    case: CaseInfo | None = None,
    *,
    today: dt.date | None = None,
    urgent_reason: str | None = None,
    acting_officer_team: str | None = None,
    stage: Stage | None = None,
    district: District | None = None,
    acting_officer_name: str | None = None,
    acting_is_cover: bool = False,
) -> RoutingDecision:
    """Apply the policy's rules to a call. `case` (when given) supplies stage and district.

    `today` is accepted for callers that route as of a day; the rules themselves use only the stage.
    `stage`/`district` are what the caller said when there is no case.
    """
    del today  # the default rules do not depend on the date (the case's stage carries it)
    facts = RoutingFacts(
        reason=reason,
        stage=case.stage if case is not None else stage,
        district=case.district if case is not None else district,
        has_case=case is not None,
        acting_officer_team=acting_officer_team,
        acting_officer_name=acting_officer_name,
        acting_is_cover=acting_is_cover,
    )
    return decide_from_facts(policy, facts, urgent_reason=urgent_reason)


def decide_from_facts(policy: Policy, facts: RoutingFacts, *, urgent_reason: str | None = None) -> RoutingDecision:
    """First matching rule wins; skipped rules are noted in the fallback's explanation."""
    priority = priority_for(policy, facts.reason, urgent_reason)
    passed_over: list[str] = []
    for rule in policy.routing.rules:
        if not _matches(rule, facts):
            continue
        team, target_facts, missing = _target(policy, rule, facts)
        if team is None:
            passed_over.append(missing)
            continue
        found = [*_condition_facts(rule, facts), *target_facts]
        if rule.catch_all and passed_over:
            found = [*passed_over, *found]
        return _decision(policy, rule, team, found, priority, urgent_reason)
    raise AssertionError("the policy's last rule matches everything (checked on load)")


def _matches(rule: RoutingRule, facts: RoutingFacts) -> bool:
    if rule.reasons and facts.reason not in rule.reasons:
        return False
    if facts.reason in rule.except_reasons:
        return False
    return not (rule.stages and facts.stage not in rule.stages)


def _target(policy: Policy, rule: RoutingRule, facts: RoutingFacts) -> tuple[str | None, list[str], str]:
    """(team code or None, facts used to find it, why it could not be found)."""
    if rule.team is not None:
        return rule.team, [], ""
    if rule.team_from == "area_review_team":
        if facts.district is None:
            return None, [], "the child's district is not known, so the area team cannot be chosen"
        found = policy.area_of(facts.district)
        if found is None:
            return None, [], f"{facts.district.value} is not in any area of the policy"
        _code, area = found
        return area.review_team, [f"{facts.district.value} is in the {area.name} area"], ""
    # acting_officer
    code = facts.acting_officer_team
    if code is None or code not in policy.teams:
        return None, [], "no officer with a team is acting on the case"
    who = facts.acting_officer_name or "the officer"
    role = "covering while the named officer is absent" if facts.acting_is_cover else "the named officer"
    return code, [f"{who} ({role}) is in {policy.teams[code].name}"], ""


def _condition_facts(rule: RoutingRule, facts: RoutingFacts) -> list[str]:
    """The facts that made the rule match, as phrases."""
    out: list[str] = []
    if rule.reasons or rule.catch_all or rule.except_reasons:
        out.append(REASON_FACTS[facts.reason])
    if rule.stages and facts.stage is not None:
        out.append(_stage_fact(facts.stage))
    if rule.catch_all and not facts.has_case and facts.stage is None:
        out.append("the call is not about a known case")
    return out


def _stage_fact(stage: Stage) -> str:
    if stage in PLAN_IN_PLACE:
        return f"a plan is in place (stage: {stage.label.lower()})"
    if stage in FIRST_20_WEEKS:
        return f"the case is in its first 20 weeks (stage: {stage.label.lower()})"
    if stage in DISAGREEMENT:
        return f"the case is in a disagreement (stage: {stage.label.lower()})"
    return f"the case stage is: {stage.label.lower()}"


def _decision(
    policy: Policy, rule: RoutingRule, team: str, found: list[str], priority: Priority, urgent_reason: str | None
) -> RoutingDecision:
    spec = policy.teams[team]
    facts_text = ", and ".join(found) if len(found) <= 2 else ", ".join(found[:-1]) + ", and " + found[-1]
    explanation = f"{spec.name}: {facts_text} (rule '{rule.id}': {rule.summary})."
    return RoutingDecision(
        team=team,
        team_name=spec.name,
        inbox=spec.inbox,
        explanation=explanation,
        priority=priority,
        rule=rule.id,
        urgent_reason=urgent_reason,
    )


def callback_working_days(policy: Policy, reason: Reason, urgent_reason: str | None) -> int:
    """Working days allowed for the callback: urgent reason's own, else the reason's, else the default."""
    standards = policy.service_standards
    if urgent_reason is not None:
        spec = policy.urgent_reasons.get(urgent_reason)
        if spec is None:
            raise UnknownCode(f"unknown urgent reason '{urgent_reason}'")
        if spec.working_days is not None:
            return spec.working_days
    if reason in standards.reasons:
        override = standards.reasons[reason]
        if priority_for(policy, reason, urgent_reason) == Priority.STANDARD:
            return override
        return min(override, standards.urgent_working_days)
    if priority_for(policy, reason, urgent_reason) == Priority.URGENT:
        return standards.urgent_working_days
    return standards.standard_working_days


def callback_due(policy: Policy, reason: Reason, now: dt.datetime, *, urgent_reason: str | None = None) -> dt.datetime:
    """When the callback must be made: close of the Nth working day after the call's day (UTC-aware).

    Urgent: end of the next working day; standard: within 3 working days (policy defaults). A call on a
    Saturday counts from Saturday, so an urgent one is due by Monday's close.
    """
    days = callback_working_days(policy, reason, urgent_reason)
    due_day = add_working_days(local_date(now), days)
    return end_of_working_day(due_day, policy.working_hours.closes)
