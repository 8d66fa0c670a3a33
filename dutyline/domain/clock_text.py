"""Plain-English words for the statutory clock: the headline and "what you can tell the family now".

Kept apart from the rules so the wording can be reviewed (and changed) without touching the law.
Sentences are addressed to the family ("you"), because a handler reads them out as they stand.
"""

from __future__ import annotations

from dutyline.domain.calendar import format_day
from dutyline.domain.clock import Clock, Deadline, DeadlineStatus

#: What to say while a deadline is still ahead ({due} = "Tue 3 Mar 2026").
_AHEAD: dict[str, str] = {
    "decision_to_assess": "The decision whether to assess is due by {due}.",
    "no_issue_decision": "If the council decides not to issue a plan, it must tell you by {due}.",
    "final_plan": "The final plan is due by {due}.",
    "draft_comments": "You have until {due} to comment on the draft plan, ask for a school or ask for a meeting.",
    "annual_review": "The next annual review is due by {due}.",
    "review_decision": "The council's decision after the review is due by {due}.",
    "amended_plan": "The final amended plan is due by {due}.",
    "phase_transfer": "The plan must be amended for the school move by {due}.",
    "appeal": "You can appeal to the tribunal until {due}.",
}

#: What to say once it has passed without being met.
_PASSED: dict[str, str] = {
    "decision_to_assess": "The decision whether to assess was due by {due} and is late.",
    "no_issue_decision": "A decision not to issue a plan was due by {due} at the latest and is late.",
    "final_plan": "The final plan was due by {due} and is late.",
    "draft_comments": "The 15 days to comment on the draft plan ended on {due}.",
    "annual_review": "The annual review was due by {due} and is late.",
    "review_decision": "The council's decision after the review was due by {due} and is late.",
    "amended_plan": "The final amended plan was due by {due} and is late.",
    "phase_transfer": "The plan should have been amended for the school move by {due} and is late.",
    "appeal": "The time to appeal to the tribunal ended on {due}.",
}

_SHORT: dict[str, str] = {
    "decision_to_assess": "decision whether to assess",
    "no_issue_decision": "decision not to issue",
    "final_plan": "final plan",
    "draft_comments": "comments on the draft",
    "annual_review": "annual review",
    "review_decision": "decision after the review",
    "amended_plan": "final amended plan",
    "phase_transfer": "plan amended for the school move",
    "appeal": "appeal window",
}


def tell_family(clock: Clock) -> str:
    """One sentence a handler can read out now, about the next deadline (or that none is running)."""
    deadline = clock.next
    if deadline is None:
        return "There is no statutory deadline running on this case now."
    return deadline_sentence(deadline)


def deadline_sentence(deadline: Deadline) -> str:
    """The sentence for one deadline, with its recorded exception when there is one."""
    passed = deadline.status == DeadlineStatus.OVERDUE
    table = _PASSED if passed else _AHEAD
    sentence = table.get(deadline.key, f"{deadline.label} is due by {{due}}.").format(due=format_day(deadline.due))
    if deadline.exception is not None and deadline.owner == "council":
        sentence += f" The council has recorded an exception: {deadline.exception.label}."
    return sentence


def headline(clock: Clock) -> str:
    """A one-line summary: 'week 14 of 20 — final plan due Tue 3 Mar 2026'."""
    parts: list[str] = []
    if clock.week is not None:
        parts.append(f"week {clock.week} of 20")
    nxt = clock.next
    if nxt is not None:
        name = _SHORT.get(nxt.key, nxt.label.lower())
        when = format_day(nxt.due)
        if nxt.status == DeadlineStatus.OVERDUE:
            parts.append(f"{name} closed {when}" if nxt.owner == "family" else f"{name} overdue (due {when})")
        else:
            parts.append(f"{name} {'open until' if nxt.owner == 'family' else 'due'} {when}")
    if not parts:
        return "no statutory deadline running"
    return " — ".join(parts)


def status_text(deadline: Deadline) -> str:
    """The status in words for lists ('due soon', 'closed' for a family's passed window)."""
    if deadline.status == DeadlineStatus.OVERDUE and deadline.owner == "family":
        return "closed"
    return deadline.status.value.replace("_", " ")
