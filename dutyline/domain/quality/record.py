"""What a reviewer sees and what the quality tables hold, as values (no ORM row leaves the store).

`CallRecord` is the read-only call record beside the scorecard: who rang, how they were verified, why,
what was noted and decided, the hand-off or callback and its timings, and what happened next on the case.
Reviewers score the record; nothing they can reach edits it.
"""

from __future__ import annotations

import datetime as dt

from dutyline.domain.call_record import CallCorrection
from dutyline.domain.model import Frozen


class Promise(Frozen):
    kind: str  # callback / handoff
    id: int
    team: str
    due_at: dt.datetime
    status: str
    created_at: dt.datetime
    completed_at: dt.datetime | None = None
    completed_by: str | None = None
    proposed_team: str = ""
    override_reason: str = ""
    attempts: int = 0


class LaterCall(Frozen):
    started_at: dt.datetime
    reason: str
    outcome: str


class CallRecord(Frozen):
    item: str  # call:ID / callback:ID
    call_id: int | None
    handler: str
    started_at: dt.datetime | None
    duration_s: int = 0
    case_ref: str = ""
    stage: str = ""
    caller_kind: str = ""
    caller_name: str = ""
    caller_has_pr: bool = False
    verified_dob: bool = False
    verified_postcode: bool = False
    reason: str = ""
    urgent_reason: str | None = None
    notes: str = ""
    outcome: str = ""
    safeguarding: bool = False
    referral_ref: str = ""
    promises: tuple[Promise, ...] = ()
    later_calls: tuple[LaterCall, ...] = ()
    #: Corrections of the notes, oldest first: the reviewer scores what the record says now, and sees
    #: what was first saved (superseded), as the case view shows it.
    corrections: tuple[CallCorrection, ...] = ()


class QueueEntry(Frozen):
    """An item waiting in a reviewer's queue."""

    qa_item_id: int
    item: str
    person: str
    why: str
    period: str
    blind: bool  # the calibration second review: the first review is hidden from this reviewer


class ReviewView(Frozen):
    """A stored review as its person, a reviewer or a manager sees it."""

    id: int
    qa_item_id: int
    item: str
    person: str
    reviewer: str
    blind: bool
    why: str
    period: str
    scorecard_version: str
    score: float | None
    passed: bool
    sections: dict[str, bool | None]
    answers: dict[str, str]
    auto_codes: tuple[str, ...]
    comment: str
    created_at: dt.datetime
    status: str  # current / disputed / superseded
    supersedes_id: int | None = None
    superseded_by_id: int | None = None
    acknowledged_at: dt.datetime | None = None
    disputed_at: dt.datetime | None = None
    dispute_reason: str = ""
    resolved_at: dt.datetime | None = None
    resolved_by: str | None = None
    resolution: str = ""
