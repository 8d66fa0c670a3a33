"""Call use cases against both databases: one transaction per call, hand-offs, callbacks, safeguarding
alerts, the repeat-caller rule, drafts per login and desk, and version-checked contact edits."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from dutyline.domain.call_form import FormProblems, build_call_form
from dutyline.domain.model import CallerKind, Outcome, Priority, Reason
from dutyline.domain.routing import RoutingDecision, callback_due
from dutyline.services import calls, drafts
from dutyline.services.context import Conflict, Context, PermissionDenied, ServiceError
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Call, Callback, Contact, Draft, Handoff
from tests.ui.seed import NOW, Seeded, handler_ctx, seed


def form(s: Seeded, **over: object) -> dict[str, object]:
    data: dict[str, object] = dict(
        case_id=s.olivia,
        started_at=NOW - dt.timedelta(minutes=4),
        caller_kind=CallerKind.CONTACT,
        caller_contact_id=s.olivia_mum,
        caller_has_pr=True,
        verified_dob=True,
        verified_postcode=True,
        reason=Reason.ASSESSMENT_PROGRESS,
        notes="Asked when the decision is due.",
        outcome=Outcome.RESOLVED,
    )
    data.update(over)
    return data


def count(db: Database, model: type) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_log_resolved_call_stores_call_and_audit(db: Database) -> None:
    s = seed(db)
    ctx = handler_ctx(db)
    logged = calls.log_call(ctx, build_call_form(form(s)))
    assert logged.duration_s == 240 and logged.handoff_id is None and logged.callback_id is None
    with db.read() as session:
        row = session.get(Call, logged.call_id)
        assert row is not None
        assert (row.case_id, row.outcome, row.reason, row.staff_login) == (
            s.olivia,
            "resolved",
            "assessment_progress",
            "hana",
        )
        assert row.verified_dob and row.verified_postcode and row.caller_contact_id == s.olivia_mum
        assert row.notes == "Asked when the decision is due."
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "log_call")).all()
    assert len(audit) == 1 and audit[0].case_id == s.olivia
    assert "decision" not in audit[0].detail  # ids and codes only


def test_handoff_and_callback_written_with_the_call(db: Database) -> None:
    s = seed(db)
    ctx = handler_ctx(db)
    decision = calls_decide(ctx, s)
    data = form(
        s,
        outcome=Outcome.HANDED_OFF,
        handoff=dict(
            team="resolution",
            proposed_team=decision.team,
            explanation=decision.explanation,
            override_reason="Mum is disputing the refusal",
            priority=Priority.STANDARD,
        ),
        callback=dict(
            phone="07700 900123",
            contact_name="Sarah Smith",
            preferred_time="after 3pm",
            due_at=decision.callback_due,
            team="resolution",
        ),
    )
    logged = calls.log_call(ctx, build_call_form(data))
    with db.read() as session:
        h = session.get(Handoff, logged.handoff_id)
        cb = session.get(Callback, logged.callback_id)
        assert h is not None and cb is not None
        assert (h.team_code, h.proposed_team_code, h.override_reason) == (
            "resolution",
            "front_door",
            "Mum is disputing the refusal",
        )
        assert h.call_id == logged.call_id and h.notes == "Asked when the decision is due."
        assert h.status == "open" and h.explanation.startswith("Assessment and SEND Front Door")
        assert (cb.phone, cb.contact_name, cb.preferred_time, cb.team_code) == (
            "07700 900123",
            "Sarah Smith",
            "after 3pm",
            "resolution",
        )
        # Standard: close of the 3rd working day after Tue 10 Feb 2026 -> Fri 13 Feb 17:00 UK.
        assert cb.due_at.replace(tzinfo=dt.UTC) == dt.datetime(2026, 2, 13, 17, 0, tzinfo=dt.UTC)


def calls_decide(ctx: Context, s: Seeded) -> RoutingDecision:
    from dutyline.services.routing import decide

    return decide(ctx, Reason.ASSESSMENT_PROGRESS, case_id=s.olivia)


def test_safeguarding_alerts_duty_with_urgent_handoff_due_when_the_handler_was_told(db: Database) -> None:
    s = seed(db)
    ctx = handler_ctx(db)
    data = form(
        s,
        reason=Reason.CHANGE_OF_NEED,
        outcome=Outcome.CALLBACK_BOOKED,
        callback=dict(phone="07700 900123", due_at=NOW + dt.timedelta(days=1), team="front_door"),
        safeguarding=dict(raised_at=NOW - dt.timedelta(minutes=2), summary="Child hurt at home", referral_ref="CS-123"),
    )
    logged = calls.log_call(ctx, build_call_form(data))
    assert logged.safeguarding_alert_id is not None
    with db.read() as session:
        call = session.get(Call, logged.call_id)
        alert = session.get(Handoff, logged.safeguarding_alert_id)
        assert call is not None and alert is not None
        assert call.safeguarding and call.safeguarding_summary == "Child hurt at home"
        assert call.referral_ref == "CS-123"
        assert (alert.team_code, alert.priority, alert.reason) == ("safeguarding", "urgent", "safeguarding")
        # Due by the urgent service standard the handler's dialogs quote, not "now" (which showed the
        # alert OVERDUE the minute it was raised); it tops the queue because it is safeguarding.
        told = callback_due(ctx.policy, Reason.SAFEGUARDING, NOW)
        assert alert.due_at.replace(tzinfo=dt.UTC) == told > NOW
        assert "CS-123" in alert.explanation


def test_safeguarding_handoff_to_same_team_is_one_row(db: Database) -> None:
    s = seed(db)
    data = form(
        s,
        reason=Reason.SAFEGUARDING,
        outcome=Outcome.HANDED_OFF,
        handoff=dict(team="safeguarding", proposed_team="safeguarding", explanation="x"),
    )
    logged = calls.log_call(handler_ctx(db), build_call_form(data))
    assert logged.handoff_id == logged.safeguarding_alert_id
    assert count(db, Handoff) == 1


def test_form_rules_say_what_to_fix(db: Database) -> None:
    s = seed(db)
    with pytest.raises(FormProblems) as exc:
        build_call_form(form(s, reason=Reason.SAFEGUARDING, outcome=Outcome.SIGNPOSTED))
    assert any("cannot be closed as signposted" in p for p in exc.value.problems)
    with pytest.raises(FormProblems) as exc:
        build_call_form(form(s, outcome=Outcome.HANDED_OFF))
    assert exc.value.problems == ["Choose the team to hand the call to (accept the proposed team or pick another)."]
    with pytest.raises(FormProblems) as exc:
        build_call_form(form(s, outcome=Outcome.CALLBACK_BOOKED))
    assert "Book the callback" in exc.value.problems[0]
    with pytest.raises(FormProblems) as exc:
        build_call_form(
            form(s, outcome=Outcome.HANDED_OFF, handoff=dict(team="resolution", proposed_team="front_door"))
        )
    assert "Say why" in exc.value.problems[0]
    with pytest.raises(FormProblems) as exc:
        build_call_form(form(s, reason=None, notes="secret words"))
    assert exc.value.problems == ["Choose the reason for the call."]
    assert "secret" not in str(exc.value)


def test_failed_write_leaves_nothing(db: Database) -> None:
    s = seed(db)
    data = form(s, outcome=Outcome.HANDED_OFF, handoff=dict(team="no_such_team", proposed_team="no_such_team"))
    with pytest.raises(ServiceError):
        calls.log_call(handler_ctx(db), build_call_form(data))
    data = form(s, caller_contact_id=s.olivia_mum + 1000)
    with pytest.raises(ServiceError):
        calls.log_call(handler_ctx(db), build_call_form(data))
    assert count(db, Call) == 0 and count(db, Handoff) == 0


def test_refused_without_permission(db: Database) -> None:
    s = seed(db)
    ctx = handler_ctx(db, roles=frozenset())
    with pytest.raises(PermissionDenied):
        calls.log_call(ctx, build_call_form(form(s)))
    assert count(db, Call) == 0


def test_repeat_caller_and_recent_and_open_items(db: Database) -> None:
    s = seed(db)
    ctx = handler_ctx(db)
    assert not calls.repeat_caller(ctx, s.olivia)
    for days in (20, 10, 3):  # the one 20 days ago is outside the 14-day window
        calls.log_call(ctx, build_call_form(form(s, started_at=NOW - dt.timedelta(days=days))))
    assert not calls.repeat_caller(ctx, s.olivia)
    calls.log_call(
        ctx,
        build_call_form(
            form(
                s,
                outcome=Outcome.CALLBACK_BOOKED,
                callback=dict(
                    phone="07700 900123",
                    due_at=NOW - dt.timedelta(hours=1) + dt.timedelta(minutes=30),
                    team="front_door",
                ),
                started_at=NOW - dt.timedelta(hours=1),
            )
        ),
    )
    assert calls.repeat_caller(ctx, s.olivia)
    recent = calls.recent_calls(ctx, s.olivia, limit=2)
    assert [c.started_at for c in recent] == [NOW - dt.timedelta(hours=1), NOW - dt.timedelta(days=3)]
    items = calls.open_items(ctx, s.olivia)
    assert len(items) == 1 and items[0].kind == "callback" and items[0].overdue
    activity = calls.case_activity(ctx, s.olivia)
    assert activity.repeat_caller and activity.calls_in_window == 3 and len(activity.recent) == 4


def test_drafts_are_per_login_and_desk(db: Database) -> None:
    seed(db)
    hana, other = handler_ctx(db, "hana"), handler_ctx(db, "omar")
    assert drafts.load_draft(hana) is None
    drafts.save_draft(hana, {"case_id": 1, "notes": "first"})
    drafts.save_draft(hana, {"case_id": 1, "notes": "first and more"})
    assert drafts.load_draft(hana) == {"case_id": 1, "notes": "first and more"}
    assert drafts.load_draft(other) is None
    assert count(db, Draft) == 1
    drafts.discard_draft(hana)
    assert drafts.load_draft(hana) is None


def test_update_contact_checks_version(db: Database) -> None:
    s = seed(db)
    ctx = handler_ctx(db)
    with db.read() as session:
        before = session.get(Contact, s.olivia_mum)
        assert before is not None
        version = before.version
    info = calls.update_contact(ctx, s.olivia_mum, version, {"phone": "07700 900999"})
    assert info.phone == "07700 900999"
    with db.read() as session:
        row = session.get(Contact, s.olivia_mum)
        assert row is not None and row.phone_key == "07700900999" and row.version == version + 1
    with pytest.raises(Conflict) as exc:  # a second desk still holding the old version
        calls.update_contact(ctx, s.olivia_mum, version, {"phone": "07700 900111"})
    assert set(exc.value.changes) == {"phone"}
    assert "07700" not in str(exc.value)
    with db.read() as session:
        row = session.get(Contact, s.olivia_mum)
        assert row is not None and row.phone == "07700 900999"


def test_handler_cannot_update_contact_without_role(db: Database) -> None:
    s = seed(db)
    with pytest.raises(PermissionDenied):
        calls.update_contact(handler_ctx(db, roles=frozenset()), s.olivia_mum, 1, {"phone": "07700 900999"})
