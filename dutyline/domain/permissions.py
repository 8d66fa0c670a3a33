"""Who may do what: the one role x action table. The services layer enforces it; the tests read it too.

Least privilege (ICO access-control toolkit): each of call handler, duty officer, team manager and admin
adds to the one below it; quality reviewer stands beside the ladder (a call handler's rights plus
reviewing). A disabled account has no roles at all, so it can do nothing.
"""

from __future__ import annotations

from enum import StrEnum

from dutyline.domain.model import Role


class Action(StrEnum):
    """Every audited, permission-checked action. Values are the audit trail's `action` codes."""

    SEARCH = "search"
    VIEW_CASE = "view_case"
    LOG_CALL = "log_call"
    HAND_OFF = "hand_off"
    BOOK_CALLBACK = "book_callback"
    RAISE_SAFEGUARDING = "raise_safeguarding"
    UPDATE_CONTACT = "update_contact"
    SAVE_DRAFT = "save_draft"
    VIEW_QUEUE = "view_queue"
    CLAIM = "claim"
    COMPLETE = "complete"
    RECORD_ATTEMPT = "record_attempt"
    RELEASE = "release"
    REASSIGN = "reassign"
    ACCEPT_HANDOFF = "accept_handoff"
    EDIT_CASE = "edit_case"
    TEAM_REPORT = "team_report"
    REASSIGN_ACROSS_TEAM = "reassign_across_team"
    IMPORT = "import"
    MANAGE_STAFF = "manage_staff"
    MANAGE_POLICY = "manage_policy"
    RETENTION = "retention"
    AUDIT_EXPORT = "audit_export"
    AUDIT_VERIFY = "audit_verify"
    QA_SAMPLE = "qa_sample"  # draw a month's sample and assign reviewers
    QA_REVIEW = "qa_review"  # score assigned items (first or blind second review)
    QA_RESOLVE = "qa_resolve"  # resolve someone else's dispute of a review
    QA_REPORT = "qa_report"  # quality pass rates, agreement and exports
    QA_MY_REVIEWS = "qa_my_reviews"  # see, acknowledge or dispute reviews of one's own work
    LOGIN = "login"  # recorded for refused logins; everyone active may log in


_HANDLER = frozenset(
    {
        Action.LOGIN,
        Action.SEARCH,
        Action.VIEW_CASE,
        Action.LOG_CALL,
        Action.HAND_OFF,
        Action.BOOK_CALLBACK,
        Action.RAISE_SAFEGUARDING,
        Action.UPDATE_CONTACT,
        Action.SAVE_DRAFT,
        Action.QA_MY_REVIEWS,
    }
)
_DUTY = _HANDLER | {
    Action.VIEW_QUEUE,
    Action.CLAIM,
    Action.COMPLETE,
    Action.RECORD_ATTEMPT,
    Action.RELEASE,
    Action.REASSIGN,
    Action.ACCEPT_HANDOFF,
    Action.EDIT_CASE,
}
_QA = {Action.QA_REVIEW, Action.QA_RESOLVE, Action.QA_REPORT}
_MANAGER = _DUTY | {Action.TEAM_REPORT, Action.REASSIGN_ACROSS_TEAM, Action.QA_SAMPLE} | _QA
_ADMIN = _MANAGER | {
    Action.IMPORT,
    Action.MANAGE_STAFF,
    Action.MANAGE_POLICY,
    Action.RETENTION,
    Action.AUDIT_EXPORT,
    Action.AUDIT_VERIFY,
}

#: THE policy table. Tests iterate over it; do not duplicate it elsewhere.
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.CALL_HANDLER: _HANDLER,
    Role.DUTY_OFFICER: frozenset(_DUTY),
    Role.TEAM_MANAGER: frozenset(_MANAGER),
    Role.ADMIN: frozenset(_ADMIN),
    #: Not in the ladder: a reviewer handles calls like anyone else and scores others' work, but does not
    #: work the duty queue or draw samples.
    Role.QUALITY_REVIEWER: frozenset(_HANDLER | _QA),
}


def allowed(roles: frozenset[Role] | set[Role], action: Action, *, active: bool = True) -> bool:
    """True when any of `roles` grants `action` and the account is active."""
    return active and any(action in ROLE_ACTIONS[r] for r in roles)
