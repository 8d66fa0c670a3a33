"""Correcting a saved call: a new row that supersedes the call's notes, never an edit of the call.

Why append-only: a call note is evidence of what the council was told and when. On PostgreSQL no desk
role may UPDATE or DELETE a call (the grants say so); what a desk may do is add a correction, stamped
by the server with who wrote it, and the case view shows the correction with the earlier text beside
it, marked superseded. Anyone who may log a call may correct one (the handler who misheard, or the
duty officer returning the call); the correction names its writer and is audited, ids only.
Only the notes are corrected: the reason, outcome and hand-offs of a call are acted on by other desks
as soon as it is saved, so a different reason is a new call, not a rewrite of this one.
"""

from __future__ import annotations

from dutyline.domain.call_form import MAX_NOTES
from dutyline.domain.call_record import CallRecord
from dutyline.domain.permissions import Action
from dutyline.domain.text import sanitize
from dutyline.services.cases import resolve_case_id
from dutyline.services.context import Context, ServiceError
from dutyline.store.uow import Work

#: The audit action of a correction (ids only: `call=12 correction=3`).
CORRECT_CALL = "correct_call"


def correct_call(ctx: Context, call_id: int, notes: str) -> int:
    """Add a correction of call `call_id`'s notes; returns the correction's id. The call is not changed."""
    ctx.require(Action.LOG_CALL)
    text = sanitize(notes, multiline=True).strip()
    if not text:
        raise ServiceError("Give the corrected notes: a correction replaces the notes shown for the call.")
    if len(text) > MAX_NOTES:
        raise ServiceError(f"Shorten the notes to {MAX_NOTES} characters or fewer.")

    def write(work: Work) -> int:
        found, case_id = work.calls.call_exists(call_id)
        if not found:
            raise ServiceError(f"There is no call {call_id} in {ctx.uow.describe()}.")
        new_id = work.calls.insert_correction(call_id, login=ctx.actor.login, notes=text, now=ctx.now())
        ctx.audit(work, CORRECT_CALL, case_id=case_id, detail=f"call={call_id} correction={new_id}")
        return new_id

    return ctx.uow.run(write)


def calls_of_case(ctx: Context, case_ref: str, limit: int) -> list[CallRecord]:
    """A case's last `limit` calls, newest first, each with its corrections (a case view: audited)."""
    case_id = resolve_case_id(ctx, case_ref)
    ctx.audited_read(Action.VIEW_CASE, case_id=case_id, detail="calls")
    with ctx.uow.read() as work:
        return work.calls.recent_calls(case_id, max(1, limit))
