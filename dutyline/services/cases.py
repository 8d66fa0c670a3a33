"""Case summary use case: the child, the officers and their teams, and the statutory clock.

Every view is permission-checked and audited (Action.VIEW_CASE) before anything is read, because a view of
a child's record must leave a trace even if the handler only glances at it (DPA 2018 s.170).
"""

from __future__ import annotations

import datetime as dt

from dutyline.domain.clock import compute_clock
from dutyline.domain.permissions import Action
from dutyline.domain.policy import Policy, load_policy
from dutyline.domain.summary import CaseSummary, TeamInfo, acting_officer
from dutyline.domain.text import shown
from dutyline.services.context import Context, ServiceError
from dutyline.store import cases_repo


def policy_of(ctx: Context) -> Policy:
    """The context's policy, or the built-in one (tests may build a Context without a policy)."""
    return ctx.policy if isinstance(ctx.policy, Policy) else load_policy(None)


class CaseNotFound(ServiceError):
    """No case has that reference; the message names the database searched (it may be the wrong one)."""


def resolve_case_id(ctx: Context, case_ref: str) -> int:
    """The id for a case reference, or ServiceError (a reference is not personal data, so it is named)."""
    with ctx.db.read() as session:
        case_id = cases_repo.find_case_id(session, case_ref)
    if case_id is None:
        raise CaseNotFound(f"No case with reference {shown(case_ref.strip(), 40)!r} in {ctx.db.describe()}.")
    return case_id


def case_summary(
    ctx: Context, *, case_ref: str | None = None, case_id: int | None = None, as_of: dt.date | None = None
) -> CaseSummary:
    """Load and summarise one case as of `as_of` (default: today in England). Audited as a view."""
    if case_id is None:
        if case_ref is None:
            raise ServiceError("Give a case reference.")
        case_id = resolve_case_id(ctx, case_ref)
    ctx.audited_read(Action.VIEW_CASE, case_id=case_id)
    day = as_of or ctx.today()
    policy = policy_of(ctx)
    with ctx.db.read() as session:
        case = cases_repo.load_case(session, case_id=case_id)
        if case is None:
            raise ServiceError(f"No case with id {case_id}.")
        exceptions = cases_repo.load_exceptions(session, case_id)
        named = case.named_officer
        acting = acting_officer(named, lambda oid: cases_repo.load_officer(session, oid), day)
        teams: dict[str, TeamInfo | None] = {}
        for officer in (named, acting):
            if officer is not None and officer.team_code and officer.team_code not in teams:
                teams[officer.team_code] = _team(policy, officer.team_code) or cases_repo.team_info(
                    session, officer.team_code
                )
    clock = compute_clock(
        case,
        day,
        exceptions,
        due_soon_working_days=policy.clock.due_soon_working_days,
        under_five_review_months=policy.clock.under_five_review_months,
    )
    return CaseSummary(
        case=case,
        as_of=day,
        named_officer=named,
        named_officer_team=teams.get(named.team_code) if named else None,
        acting_officer=acting,
        acting_officer_team=teams.get(acting.team_code) if acting else None,
        exceptions=exceptions,
        clock=clock,
    )


def _team(policy: Policy, code: str) -> TeamInfo | None:
    """Team details from the policy (the source of truth), falling back to the table for old codes."""
    spec = policy.teams.get(code)
    if spec is None:
        return None
    return TeamInfo(code=code, name=spec.name, inbox=spec.inbox, area=spec.area, phone=spec.phone)
