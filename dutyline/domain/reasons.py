"""Which call reasons fit a case's stage, so the reason list offers those first.

Why: the fourteen reasons were the same for every case, in one fixed order, so a handler on a call
about a plan in place scrolled past "new request" and "assessment progress" to find "annual review".
The statutory stage says which questions a family is likely to have; the general reasons (progress,
the officer, a complaint, contact details, a general enquiry, safeguarding) fit any stage and come next.
Reasons for other stages stay at the end, marked, because the stage on file can be out of date.

This is about the statutory process, not a council's routing (which team gets the call is the
policy's `routing.rules`), so it lives here rather than in the policy file.
"""

from __future__ import annotations

from dutyline.domain.model import REASON_LABELS, Reason, Stage

#: Reasons a caller may have at any stage, in the order offered.
GENERAL: tuple[Reason, ...] = (
    Reason.PROGRESS,
    Reason.OFFICER_CONTACT,
    Reason.CHANGE_OF_NEED,
    Reason.COMPLAINT,
    Reason.CONTACT_DETAILS_CHANGE,
    Reason.GENERAL_ENQUIRY,
    Reason.SAFEGUARDING,
)

#: Reasons that belong to a stage (None: a call about no known case), most likely first.
BY_STAGE: dict[Stage | None, tuple[Reason, ...]] = {
    None: (Reason.NEW_REQUEST,),
    Stage.REQUEST_RECEIVED: (Reason.ASSESSMENT_PROGRESS,),
    Stage.ASSESSMENT: (Reason.ASSESSMENT_PROGRESS, Reason.PROVISION_OR_PLACEMENT),
    Stage.DRAFT_PLAN: (Reason.DRAFT_PLAN_RESPONSE, Reason.PROVISION_OR_PLACEMENT),
    Stage.PLAN_ISSUED: (Reason.REVIEW_ARRANGEMENTS, Reason.PROVISION_OR_PLACEMENT, Reason.PHASE_TRANSFER),
    Stage.ANNUAL_REVIEW: (
        Reason.REVIEW_ARRANGEMENTS,
        Reason.AMENDMENT_RESPONSE,
        Reason.PHASE_TRANSFER,
        Reason.PROVISION_OR_PLACEMENT,
    ),
    Stage.AMENDMENT: (Reason.AMENDMENT_RESPONSE, Reason.PROVISION_OR_PLACEMENT, Reason.PHASE_TRANSFER),
    Stage.NOT_ASSESSING: (Reason.DISAGREEMENT, Reason.NEW_REQUEST),
    Stage.NOT_ISSUING: (Reason.DISAGREEMENT,),
    Stage.MEDIATION: (Reason.DISAGREEMENT,),
    Stage.TRIBUNAL: (Reason.DISAGREEMENT,),
    Stage.CEASED: (Reason.NEW_REQUEST, Reason.DISAGREEMENT),
}

#: Added to the label of a reason that usually belongs to another stage (or to a known case).
OTHER_STAGE = " (usually another stage)"
NEEDS_CASE = " (usually about a known case)"


def reasons_for(stage: Stage | None) -> list[tuple[Reason, str]]:
    """Every reason with the label to show: the stage's own first, then the general ones, then the rest
    marked as belonging to another stage (still choosable: the stage on file may be out of date)."""
    first = list(dict.fromkeys((*BY_STAGE.get(stage, ()), *GENERAL)))
    rest = [r for r in Reason if r not in first]
    mark = NEEDS_CASE if stage is None else OTHER_STAGE
    return [(r, REASON_LABELS[r]) for r in first] + [(r, REASON_LABELS[r] + mark) for r in rest]
