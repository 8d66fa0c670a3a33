"""Call use cases: log a call (with its hand-off, callback and safeguarding alert), read a case's calls and
open promises, find callers with no case again, and change a contact's details without losing someone else's edit.

Every use case checks the actor's permission first. Writes record one audit row with ids and codes only,
never what was said. Reads of a case's calls check the view permission but add no audit row of their own:
the case view they belong to is audited once by `services.cases.case_summary`, and a row per panel would
bury the real trail in noise. Drafts are not audited either: an autosave every few seconds is not an act
on a child's record, and the call it becomes is.

Safeguarding alert (docs/ARCHITECTURE.md, Safeguarding alert): when a call carries a safeguarding concern, the same
transaction adds an URGENT hand-off to the team the policy routes safeguarding to (the `safeguarding` rule;
Children's Services in Hertfordshire) with `due_at = now`. Due now and urgent, it sorts above everything in
any duty queue that shows it, and it is already overdue a moment later, which is the point: someone must
look at it today. If the handler also hands the call to that same team, one hand-off serves both.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from dutyline.domain.call_form import CallForm
from dutyline.domain.call_record import (
    REPEAT_THRESHOLD,
    REPEAT_WINDOW_DAYS,
    CallRecord,
    CaseActivity,
    EarlierCaller,
    LoggedCall,
    OpenItem,
)
from dutyline.domain.model import ContactInfo, Priority, Reason
from dutyline.domain.permissions import Action
from dutyline.domain.queue import ItemKind
from dutyline.domain.routing import callback_due, route
from dutyline.domain.search.query import parse_query
from dutyline.domain.text import one_line
from dutyline.services.context import Conflict, Context, ServiceError
from dutyline.store.calls_repo import CONTACT_FIELDS, ItemOrigin
from dutyline.store.uow import Work

#: How many past calls the case view lists.
RECENT_LIMIT = 5


def safeguarding_team(ctx: Context) -> str:
    """The team the policy routes a safeguarding concern to (its routing rules decide, not this code)."""
    return route(ctx.policy, Reason.SAFEGUARDING).team


def log_call(ctx: Context, draft: CallForm) -> LoggedCall:
    """Write the call and, as the form says, its hand-off, its callback and a safeguarding alert: all or
    nothing, in one transaction. Returns the new ids."""
    ctx.require(Action.LOG_CALL, case_id=draft.case_id)
    if draft.handoff is not None:
        ctx.require(Action.HAND_OFF, case_id=draft.case_id)
    if draft.callback is not None:
        ctx.require(Action.BOOK_CALLBACK, case_id=draft.case_id)
    if draft.is_safeguarding:
        ctx.require(Action.RAISE_SAFEGUARDING, case_id=draft.case_id)
    policy = ctx.policy
    for code in filter(None, (draft.handoff and draft.handoff.team, draft.callback and draft.callback.team)):
        if code not in policy.teams:
            raise ServiceError(f"There is no team '{code}' in the council policy: choose another team.")
    if draft.urgent_reason is not None and draft.urgent_reason not in policy.urgent_reasons:
        raise ServiceError(f"'{draft.urgent_reason}' is not an urgent reason in the council policy.")
    now = ctx.now()
    duration = max(0, int((now - draft.started_at).total_seconds()))
    alert_team = safeguarding_team(ctx) if draft.is_safeguarding else None

    def write(work: Work) -> LoggedCall:
        if draft.case_id is not None and not work.calls.case_exists(draft.case_id):
            raise ServiceError(
                "This case is no longer on the system (it may have been erased). Log the call as 'No case'."
            )
        if draft.caller_contact_id is not None and (
            draft.case_id is None or not work.calls.contact_on_case(draft.caller_contact_id, draft.case_id)
        ):
            raise ServiceError("The chosen contact is no longer on this case: choose the caller again.")
        call_id = work.calls.insert_call(draft, login=ctx.actor.login, ended_at=now, duration_s=duration)
        handoff_id = callback_id = alert_id = None
        origin = ItemOrigin(
            call_id=call_id,
            case_id=draft.case_id,
            reason=draft.reason.value,
            urgent_reason=draft.urgent_reason,
            notes=draft.notes,
            login=ctx.actor.login,
            now=now,
        )
        if draft.handoff is not None:
            h = draft.handoff
            merged = h.team == alert_team
            reason = Reason.SAFEGUARDING if merged else draft.reason
            due = callback_due(policy, reason, now, urgent_reason=draft.urgent_reason)
            handoff_id = work.calls.insert_handoff(
                origin,
                team=h.team,
                proposed_team=h.proposed_team,
                priority=Priority.URGENT if merged else h.priority,
                due_at=due,
                explanation=h.explanation,
                override_reason=h.override_reason,
            )
            if merged:
                alert_id = handoff_id
        if draft.callback is not None:
            callback_id = work.calls.insert_callback(origin, draft.callback)
        if alert_team is not None and alert_id is None:
            when = draft.safeguarding.raised_at if draft.safeguarding else now
            # Due when the handler was told (the urgent service standard), not "now": an alert shown
            # OVERDUE the minute it is raised teaches officers to ignore the flag. It tops every duty
            # queue because it is a safeguarding concern, whatever its due time.
            alert_id = work.calls.insert_handoff(
                dataclasses.replace(origin, reason=Reason.SAFEGUARDING.value),
                team=alert_team,
                proposed_team=alert_team,
                priority=Priority.URGENT,
                due_at=callback_due(policy, Reason.SAFEGUARDING, now, urgent_reason=draft.urgent_reason),
                explanation=_alert_text(when, draft.safeguarding.referral_ref if draft.safeguarding else ""),
                override_reason="",
            )
        # Live queues: tell every duty desk (ids only, sent only if this transaction commits).
        for kind, item_id in (
            (ItemKind.HANDOFF, handoff_id),
            (ItemKind.CALLBACK, callback_id),
            (ItemKind.HANDOFF, alert_id),
        ):
            if item_id is not None:
                work.queue.notify(kind, item_id)
        ctx.audit(
            work,
            Action.LOG_CALL,
            case_id=draft.case_id,
            detail=_detail(call_id, draft, handoff_id, callback_id, alert_id),
        )
        return LoggedCall(
            call_id=call_id,
            handoff_id=handoff_id,
            callback_id=callback_id,
            safeguarding_alert_id=alert_id,
            duration_s=duration,
        )

    return ctx.uow.run(write)


def _alert_text(when: dt.datetime, referral_ref: str) -> str:
    from dutyline.domain.calendar import LONDON

    local = when.astimezone(LONDON) if when.tzinfo else when
    ref = f"; referral reference {one_line(referral_ref)}" if referral_ref else "; no referral reference yet"
    return f"Safeguarding concern raised on a call at {local:%H:%M} on {local:%a %d %b %Y}{ref}. Check it first."


def _detail(call_id: int, form: CallForm, handoff: int | None, callback: int | None, alert: int | None) -> str:
    """Ids and codes only (the audit trail never holds what was said)."""
    parts = [f"call={call_id}", f"outcome={form.outcome.value}", f"reason={form.reason.value}"]
    if handoff:
        parts.append(f"handoff={handoff}")
    if callback:
        parts.append(f"callback={callback}")
    if alert:
        parts.append(f"safeguarding_alert={alert}")
    return " ".join(parts)


# --- reading a case's calls ------------------------------------------------------------------------------


def recent_calls(ctx: Context, case_id: int, limit: int = RECENT_LIMIT) -> list[CallRecord]:
    """The last `limit` calls about this child, newest first."""
    ctx.require(Action.VIEW_CASE, case_id=case_id)
    with ctx.uow.read() as work:
        return work.calls.recent_calls(case_id, limit)


def repeat_caller(ctx: Context, case_id: int) -> bool:
    """True when there have been 3 or more calls about this child in the last 14 days."""
    ctx.require(Action.VIEW_CASE, case_id=case_id)
    with ctx.uow.read() as work:
        return work.calls.count_calls_since(case_id, _window_start(ctx)) >= REPEAT_THRESHOLD


def open_items(ctx: Context, case_id: int) -> list[OpenItem]:
    """Open and claimed callbacks and hand-offs on the case, soonest first, each flagged when overdue."""
    ctx.require(Action.VIEW_CASE, case_id=case_id)
    with ctx.uow.read() as work:
        return work.calls.open_items(case_id, ctx.now())


def case_activity(ctx: Context, case_id: int, limit: int = RECENT_LIMIT) -> CaseActivity:
    """Recent calls, open items and the repeat-caller flag in one read (what the case view shows)."""
    ctx.require(Action.VIEW_CASE, case_id=case_id)
    with ctx.uow.read() as work:
        count = work.calls.count_calls_since(case_id, _window_start(ctx))
        return CaseActivity(
            recent=tuple(work.calls.recent_calls(case_id, limit)),
            open_items=tuple(work.calls.open_items(case_id, ctx.now())),
            repeat_caller=count >= REPEAT_THRESHOLD,
            calls_in_window=count,
        )


def _window_start(ctx: Context) -> dt.datetime:
    return ctx.now() - dt.timedelta(days=REPEAT_WINDOW_DAYS)


# --- callers with no case ------------------------------------------------------------------------------

#: Most earlier callers listed under the search results.
CALLERS_SHOWN = 5


def find_callers(ctx: Context, query: str, limit: int = CALLERS_SHOWN) -> list[EarlierCaller]:
    """Callers with no case who rang before, found by their number (or its last digits) or by the
    caller's or the child's name, each with their calls. The same query as the case search.

    Audited like a search (the number found, never the query), and only when something was found: a
    search that shows no earlier caller has shown nothing beyond the case search, which has its own row."""
    ctx.require(Action.SEARCH)
    parsed = parse_query(query, today=ctx.today())
    words = [w for w in parsed.words if len(w) >= 2]
    if not (parsed.phones or parsed.phone_tails or words):
        return []
    with ctx.uow.read() as work:
        found = work.calls.find_no_case_callers(
            phones=parsed.phones, tails=parsed.phone_tails, words=words, limit=limit
        )
    if found:
        ctx.audited_read(Action.SEARCH, detail=f"no_case_callers={len(found)}")
    return found


# --- contact details -------------------------------------------------------------------------------------


def update_contact(ctx: Context, contact_id: int, expected_version: int, changes: Mapping[str, object]) -> ContactInfo:
    """Change a contact's details if nobody saved them since the handler loaded version `expected_version`.

    Raises Conflict (nothing written) naming the fields whose stored value differs from the handler's,
    so the screen can show both and let the handler decide.
    """
    unknown = sorted(set(changes) - set(CONTACT_FIELDS))
    if unknown:
        raise ServiceError(f"These contact fields cannot be changed here: {', '.join(unknown)}.")
    clean = {k: (v if isinstance(v, bool) else one_line(str(v))) for k, v in changes.items()}
    with ctx.uow.read() as work:
        case_id = work.calls.contact_case_id(contact_id)
    ctx.require(Action.UPDATE_CONTACT, case_id=case_id)  # outside the write: a refusal writes its own row

    def write(work: Work) -> ContactInfo:
        if work.calls.contact_now(contact_id) is None:
            raise ServiceError("This contact is no longer on the case.")
        if not work.calls.update_contact_guarded(contact_id, expected_version, clean, ctx.now()):
            current = work.calls.contact_now(contact_id)
            assert current is not None  # it was there a moment ago, inside this transaction
            differs = {k: (str(v), str(getattr(current, k))) for k, v in clean.items() if getattr(current, k) != v}
            raise Conflict(
                "Someone else changed this contact since you opened it. Check the details and save again.", differs
            )
        saved = work.calls.contact_now(contact_id)
        assert saved is not None
        ctx.audit(
            work,
            Action.UPDATE_CONTACT,
            case_id=work.calls.contact_case_id(contact_id),
            detail=f"contact={contact_id} fields={','.join(sorted(clean))}",
        )
        return saved

    return ctx.uow.run(write)
