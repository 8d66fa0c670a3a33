"""Queue use cases and their refusals, on SQLite and PostgreSQL (docs/RELIABILITY.md, B1 and B4;
docs/PRIVACY.md, C5 and C6)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from dutyline.domain.model import ItemStatus, Role
from dutyline.domain.queue import ItemKind, StatusFilter, time_left_text, working_amount
from dutyline.services import queue
from dutyline.services.context import PermissionDenied, ServiceError
from dutyline.services.queue import QueueRefused
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Call, Callback, Handoff, Team
from tests.test_queue_support import T0, FakeClock, add_callback, add_case, add_handoff, context, seed_teams


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def seeded(db: Database) -> Database:
    seed_teams(db)
    return db


def audit_rows(db: Database, action: str) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def callback(db: Database, cb_id: int) -> Callback:
    with db.read() as s:
        row = s.get(Callback, cb_id)
        assert row is not None
        return row


def test_list_orders_urgent_first_then_due_with_flags(seeded: Database, clock: FakeClock) -> None:
    with seeded.write() as s:
        case = add_case(s, first="Amara", last="Okafor")
        late = add_callback(s, due=T0 - dt.timedelta(hours=1), case=case).id
        soon = add_callback(s, due=T0 + dt.timedelta(minutes=30)).id
        later = add_callback(s, due=T0 + dt.timedelta(days=1)).id
        urgent = add_callback(s, due=T0 + dt.timedelta(days=2), urgent=True).id
        ho = add_handoff(s, due=T0 + dt.timedelta(hours=2), case=case).id
        add_callback(s, team="resolution")  # another team: not shown to a front-door officer
    items = queue.list_items(context(seeded, clock=clock))
    assert [(i.kind, i.id) for i in items] == [
        (ItemKind.CALLBACK, urgent),
        (ItemKind.CALLBACK, late),
        (ItemKind.CALLBACK, soon),
        (ItemKind.HANDOFF, ho),
        (ItemKind.CALLBACK, later),
    ]
    by_id = {(i.kind, i.id): i for i in items}
    overdue, due_soon = by_id[(ItemKind.CALLBACK, late)], by_id[(ItemKind.CALLBACK, soon)]
    assert overdue.overdue and not overdue.due_soon and time_left_text(overdue) == "OVERDUE 1.0 wh"
    assert due_soon.due_soon and not due_soon.overdue and time_left_text(due_soon) == "30 wm left"
    assert overdue.case_ref.startswith("EHC-") and overdue.child_name == "Amara Okafor"
    assert by_id[(ItemKind.CALLBACK, later)].hours_left == pytest.approx(8.0)  # 10:00 -> 10:00 next day
    assert [a.detail for a in audit_rows(seeded, "view_queue")] == ["status:available items:5"]


def test_time_left_counts_working_hours_over_a_weekend(seeded: Database) -> None:
    friday_4pm = dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.UTC)
    with seeded.write() as s:
        add_callback(s, due=dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC))
    [item] = queue.list_items(context(seeded, clock=FakeClock(friday_4pm)), record_view=False)
    assert item.hours_left == pytest.approx(2.0)
    assert audit_rows(seeded, "view_queue") == []


def test_call_handler_may_not_view_or_claim(seeded: Database) -> None:
    with seeded.write() as s:
        cb = add_callback(s).id
    handler = context(seeded, "hana", Role.CALL_HANDLER)
    with pytest.raises(PermissionDenied):
        queue.list_items(handler)
    with pytest.raises(PermissionDenied):
        queue.claim(handler, "callback", cb)
    assert [a.outcome for a in audit_rows(seeded, "claim")] == ["refused"]
    assert callback(seeded, cb).claimed_by is None


def test_duty_officer_sees_only_own_teams(seeded: Database) -> None:
    with seeded.write() as s:
        other = add_callback(s, team="resolution").id
    officer = context(seeded)
    with pytest.raises(PermissionDenied):
        queue.list_items(officer, teams=["resolution"])
    with pytest.raises(QueueRefused, match="not one of your teams"):
        queue.claim(officer, ItemKind.CALLBACK, other)
    manager = context(seeded, "mo", Role.TEAM_MANAGER, teams=())
    assert [i.id for i in queue.list_items(manager, teams=["resolution"])] == [other]


def test_claim_is_exclusive_and_names_the_holder(seeded: Database, clock: FakeClock) -> None:
    with seeded.write() as s:
        cb = add_callback(s).id
    ticket = queue.claim(context(seeded, "dora", clock=clock), "callback", cb)
    assert ticket.lease_expires == T0 + dt.timedelta(minutes=15) and len(ticket.token) >= 30
    with pytest.raises(QueueRefused, match="claimed by dora until 10:15"):
        queue.claim(context(seeded, "ed", clock=clock), "callback", cb)
    row = callback(seeded, cb)
    assert (row.status, row.claimed_by, row.lease_token) == ("claimed", "dora", ticket.token)
    assert [a.outcome for a in audit_rows(seeded, "claim")] == ["ok", "refused"]
    # Other officers no longer see it as available; the claimer does.
    assert queue.list_items(context(seeded, "ed", clock=clock)) == []
    assert [i.id for i in queue.list_items(context(seeded, "dora", clock=clock))] == [cb]


def test_complete_logs_the_return_call_on_the_case(seeded: Database, clock: FakeClock) -> None:
    with seeded.write() as s:
        case = add_case(s)
        cb = add_callback(s, case=case).id
        case_id = case.id
    dora = context(seeded, "dora", clock=clock)
    ticket = queue.claim(dora, "callback", cb)
    clock.advance(minutes=5)
    call_id = queue.complete(dora, "callback", cb, ticket.token, "resolved", "Explained the [b]timeline[/b]\x1b[2J")
    row = callback(seeded, cb)
    assert (row.status, row.completed_by, row.outcome) == ("done", "dora", "resolved")
    assert row.notes.endswith("Explained the [b]timeline[/b]")  # stored literally, escape sequence removed
    with seeded.read() as s:
        call = s.get(Call, call_id)
        assert call is not None
        assert (call.case_id, call.staff_login, call.callback_id, call.outcome) == (case_id, "dora", cb, "resolved")
        assert call.caller_name == "Ngozi Okafor" and call.reason == "assessment_progress"
    [audit] = audit_rows(seeded, "complete")
    assert audit.case_id == case_id and audit.detail == f"callback:{cb} call:{call_id}"


def test_complete_rejects_unknown_outcome(seeded: Database) -> None:
    with seeded.write() as s:
        cb = add_callback(s).id
    dora = context(seeded)
    ticket = queue.claim(dora, "callback", cb)
    with pytest.raises(ServiceError, match="Outcome must be one of"):
        queue.complete(dora, "callback", cb, ticket.token, "sorted")


def test_late_completion_after_lease_lapsed_and_reclaimed_is_refused(seeded: Database, clock: FakeClock) -> None:
    with seeded.write() as s:
        cb = add_callback(s).id
    dora, ed = context(seeded, "dora", clock=clock), context(seeded, "ed", clock=clock)
    old = queue.claim(dora, "callback", cb)
    clock.advance(minutes=16)
    with pytest.raises(QueueRefused, match="lapsed at 10:15"):
        queue.complete(dora, "callback", cb, old.token, "resolved")
    with pytest.raises(QueueRefused, match="lapsed"):
        queue.renew(dora, old)
    new = queue.claim(ed, "callback", cb)
    with pytest.raises(QueueRefused, match="claimed by ed"):
        queue.complete(dora, "callback", cb, old.token, "resolved")
    queue.complete(ed, "callback", cb, new.token, "signposted")
    with pytest.raises(QueueRefused, match="already done"):
        queue.complete(dora, "callback", cb, old.token, "resolved")
    row = callback(seeded, cb)
    assert (row.completed_by, row.outcome) == ("ed", "signposted")
    with seeded.read() as s:
        assert s.scalar(select(func.count()).select_from(Call)) == 1


def test_token_guard_and_cli_rule(seeded: Database, clock: FakeClock) -> None:
    with seeded.write() as s:
        cb = add_callback(s).id
    dora = context(seeded, "dora", clock=clock)
    ticket = queue.claim(dora, "callback", cb)
    with pytest.raises(QueueRefused, match="again at another desk"):
        queue.release(dora, "callback", cb, "not-the-token")
    with pytest.raises(QueueRefused, match="claimed by dora"):
        queue.release(context(seeded, "ed", clock=clock), "callback", cb, None)
    queue.release(dora, "callback", cb, None)  # CLI rule: same login, live lease
    row = callback(seeded, cb)
    assert (row.status, row.claimed_by, row.lease_token) == ("open", None, None)
    with pytest.raises(QueueRefused, match="nobody holds"):
        queue.complete(dora, "callback", cb, ticket.token, "resolved")


def test_renew_extends_the_lease(seeded: Database, clock: FakeClock) -> None:
    with seeded.write() as s:
        cb = add_callback(s).id
    dora = context(seeded, "dora", clock=clock)
    ticket = queue.claim(dora, "callback", cb)
    clock.advance(minutes=10)
    renewed = queue.renew(dora, ticket)
    assert renewed.lease_expires == T0 + dt.timedelta(minutes=25) and renewed.token == ticket.token
    clock.advance(minutes=10)  # 20 min after the claim: alive only thanks to the renewal
    queue.complete(dora, "callback", cb, ticket.token, "resolved")


def test_failed_attempt_keeps_it_open_and_counts(seeded: Database, clock: FakeClock) -> None:
    with seeded.write() as s:
        cb = add_callback(s).id
    dora = context(seeded, "dora", clock=clock)
    for expected in (1, 2):
        ticket = queue.claim(dora, "callback", cb)
        assert queue.record_attempt(dora, cb, ticket.token, "voicemail", "left [red]msg[/red]") == expected
    row = callback(seeded, cb)
    assert (row.status, row.attempts, row.claimed_by) == ("open", 2, None)
    assert row.notes.count("attempt by dora: Voicemail left. left [red]msg[/red]") == 2
    with pytest.raises(ServiceError, match="Attempt result"):
        queue.record_attempt(dora, cb, None, "gave up")
    assert [a.detail for a in audit_rows(seeded, "record_attempt")] == [
        f"callback:{cb} attempt:1",
        f"callback:{cb} attempt:2",
    ]


def test_claim_next_takes_urgent_then_earliest_across_kinds(seeded: Database) -> None:
    with seeded.write() as s:
        cb_late = add_callback(s, due=T0 + dt.timedelta(hours=5)).id
        ho_early = add_handoff(s, due=T0 + dt.timedelta(hours=1)).id
        cb_urgent = add_callback(s, due=T0 + dt.timedelta(days=3), urgent=True).id
    dora = context(seeded)
    got = [queue.claim_next(dora, "front_door") for _ in range(4)]
    assert [(t.kind, t.id) if t else None for t in got] == [
        (ItemKind.CALLBACK, cb_urgent),
        (ItemKind.HANDOFF, ho_early),
        (ItemKind.CALLBACK, cb_late),
        None,
    ]
    with pytest.raises(PermissionDenied):
        queue.claim_next(dora, "resolution")


def test_reassign_rules(seeded: Database, clock: FakeClock) -> None:
    with seeded.write() as s:
        cb = add_callback(s).id
        other = add_callback(s, team="resolution").id
    dora, ed = context(seeded, "dora", clock=clock), context(seeded, "ed", clock=clock)
    with pytest.raises(ServiceError, match="Give a reason"):
        queue.reassign(dora, "callback", cb, "resolution", "  ")
    with pytest.raises(ServiceError, match="no team"):
        queue.reassign(dora, "callback", cb, "nowhere", "wrong team")
    with pytest.raises(QueueRefused, match="not one of your teams"):
        queue.reassign(dora, "callback", other, "front_door", "mine now")
    queue.claim(ed, "callback", cb)
    with pytest.raises(QueueRefused, match="claimed by ed"):
        queue.reassign(dora, "callback", cb, "resolution", "tribunal question")
    manager = context(seeded, "mo", Role.TEAM_MANAGER, teams=("front_door",), clock=clock)
    queue.reassign(manager, "callback", cb, "resolution", "tribunal question")
    row = callback(seeded, cb)
    assert (row.team_code, row.status, row.claimed_by) == ("resolution", "open", None)
    assert row.notes.endswith("reassigned to resolution by mo: tribunal question")
    assert [a.detail for a in audit_rows(seeded, "reassign") if a.outcome == "ok"] == [f"callback:{cb} to:resolution"]


def test_accept_handoff(seeded: Database, clock: FakeClock) -> None:
    with seeded.write() as s:
        ho = add_handoff(s).id
        ho2 = add_handoff(s).id
    dora, ed = context(seeded, "dora", clock=clock), context(seeded, "ed", clock=clock)
    queue.accept_handoff(dora, ho, notes="on it")
    queue.claim(ed, "handoff", ho2)
    with pytest.raises(QueueRefused, match="claimed by ed"):
        queue.accept_handoff(dora, ho2)
    with seeded.read() as s:
        row = s.get(Handoff, ho)
        assert row is not None and (row.status, row.outcome, row.completed_by) == ("done", "accepted", "dora")


def test_escalation_and_manager_view(seeded: Database, clock: FakeClock) -> None:
    with seeded.write() as s:
        on_time = add_callback(s, due=T0 + dt.timedelta(hours=2), created=T0 - dt.timedelta(hours=1)).id
        friday_2pm = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
        late = add_callback(s, due=friday_2pm + dt.timedelta(hours=2), created=friday_2pm).id
        broken = add_callback(s, due=T0 - dt.timedelta(hours=1)).id
        add_handoff(s, due=T0 + dt.timedelta(days=2))
    dora = context(seeded, "dora", clock=clock)
    for cb in (on_time, late):
        queue.complete(dora, "callback", cb, queue.claim(dora, "callback", cb).token, "resolved")
    with pytest.raises(PermissionDenied):
        queue.manager_view(dora, "front_door")
    report = queue.manager_view(context(seeded, "mo", Role.TEAM_MANAGER, clock=clock), "front_door")
    assert (report.completed_on_time, report.completed_late, report.overdue_open, report.open_on_time) == (1, 1, 1, 1)
    assert report.escalated_open == 1 and [i.id for i in report.overdue_items] == [broken]
    assert report.p50_hours_to_complete == pytest.approx(1.0)
    assert report.p95_hours_to_complete == pytest.approx(4.0)  # Fri 14:00-17:00 + Mon 09:00-10:00
    assert callback(seeded, broken).escalated and not callback(seeded, on_time).escalated
    assert queue.escalate_overdue(dora) == 0  # already flagged: nothing new, no audit row
    assert len(audit_rows(seeded, "escalate")) == 1


def test_promises_for_case_shows_open_items_only(seeded: Database, clock: FakeClock) -> None:
    with seeded.write() as s:
        case = add_case(s)
        overdue = add_callback(s, case=case, due=T0 - dt.timedelta(hours=2)).id
        done = add_callback(s, case=case).id
        ho = add_handoff(s, case=case, team="resolution").id
        case_id = case.id
    dora = context(seeded, "dora", clock=clock)
    queue.complete(dora, "callback", done, queue.claim(dora, "callback", done).token, "resolved")
    handler = context(seeded, "hana", Role.CALL_HANDLER, teams=(), clock=clock)
    items = queue.promises_for_case(handler, case_id)
    assert [(i.kind, i.id, i.overdue) for i in items] == [
        (ItemKind.CALLBACK, overdue, True),
        (ItemKind.HANDOFF, ho, False),
    ]


def test_status_filters(seeded: Database, clock: FakeClock) -> None:
    with seeded.write() as s:
        a, b, c = (add_callback(s, due=T0 + dt.timedelta(hours=h)).id for h in (1, 2, 3))
    dora, ed = context(seeded, "dora", clock=clock), context(seeded, "ed", clock=clock)
    queue.claim(dora, "callback", a)
    queue.complete(ed, "callback", b, queue.claim(ed, "callback", b).token, "resolved")

    def ids(status: StatusFilter) -> list[int]:
        return [i.id for i in queue.list_items(dora, status=status, record_view=False)]

    assert ids(StatusFilter.AVAILABLE) == [a, c]
    assert ids(StatusFilter.OPEN) == [c]
    assert ids(StatusFilter.MINE) == [a]
    assert ids(StatusFilter.CLAIMED) == [a]
    assert ids(StatusFilter.DONE) == [b]
    assert ids(StatusFilter.ALL) == [a, b, c]
    done = queue.get_item(dora, "callback", b)
    assert done is not None and done.status is ItemStatus.DONE and done.completed_by == "ed"


def test_audit_rows_hold_ids_only(seeded: Database, clock: FakeClock) -> None:
    with seeded.write() as s:
        case = add_case(s, first="Zzcanary", last="Qx")
        cb = add_callback(s, case=case, contact="Zzcanary Parent", phone="07700 900999").id
    dora = context(seeded, "dora", clock=clock)
    t = queue.claim(dora, "callback", cb)
    queue.record_attempt(dora, cb, t.token, "no_answer", "Zzcanary not home")
    t = queue.claim(dora, "callback", cb)
    queue.complete(dora, "callback", cb, t.token, "resolved", "Zzcanary happy")
    with seeded.read() as s:
        details = [d for (d,) in s.execute(select(AuditEvent.detail))]
    assert details and not any("zzcanary" in d.lower() or "900999" in d for d in details)


def test_safeguarding_alerts_top_every_duty_officers_queue(seeded: Database, clock: FakeClock) -> None:
    """A concern is queued for Children's Services routing, but every duty officer sees and can take it."""
    with seeded.write() as s:
        from dutyline.store.tables import Team

        s.add(Team(code="safeguarding", name="Children's Services", inbox=""))
        s.flush()
        own = add_handoff(s, team="front_door", due=T0 - dt.timedelta(hours=3)).id
        alert = add_handoff(s, team="safeguarding", due=T0, urgent=True).id
        add_handoff(s, team="resolution")  # still not theirs
    officer = context(seeded, clock=clock)  # a front-door duty officer, no policy: default alert team
    items = queue.list_items(officer)
    assert [(i.kind, i.id) for i in items] == [(ItemKind.HANDOFF, alert), (ItemKind.HANDOFF, own)]
    ticket = queue.claim(officer, ItemKind.HANDOFF, alert)
    assert ticket.id == alert


def test_claim_next_across_three_teams_takes_most_urgent_then_most_overdue(seeded: Database) -> None:
    """'All my teams' means all of them: N used to claim from the officer's first team only (issue 12)."""
    with seeded.write() as s:
        s.add(Team(code="outside", name="Outside", inbox="outside@example.gov.uk"))
        s.flush()
        first_team_soon = add_callback(s, team="front_door", due=T0 + dt.timedelta(hours=1)).id
        second_overdue = add_handoff(s, team="resolution", due=T0 - dt.timedelta(hours=3)).id
        third_overdue_more = add_callback(s, team="annual_review_east", due=T0 - dt.timedelta(days=1)).id
        third_urgent = add_callback(s, team="annual_review_east", due=T0 + dt.timedelta(days=2), urgent=True).id
        add_callback(s, team="outside", due=T0 - dt.timedelta(days=5))  # not one of dora's teams
    dora = context(seeded, teams=("front_door", "resolution", "annual_review_east"))
    got = [queue.claim_next(dora) for _ in range(5)]
    assert [(t.kind, t.id) if t else None for t in got] == [
        (ItemKind.CALLBACK, third_urgent),
        (ItemKind.CALLBACK, third_overdue_more),
        (ItemKind.HANDOFF, second_overdue),
        (ItemKind.CALLBACK, first_team_soon),
        None,
    ]
    # One team still means that team only.
    with seeded.write() as s:
        mine = add_callback(s, team="resolution", due=T0 + dt.timedelta(days=1)).id
        add_callback(s, team="front_door", due=T0 - dt.timedelta(days=9), urgent=True)
    ticket = queue.claim_next(dora, "resolution")
    assert ticket is not None and ticket.id == mine


def test_safeguarding_item_is_flagged_first_with_summary_number_and_referral(
    seeded: Database, clock: FakeClock
) -> None:
    """Issue 12: the alert sat 11th and the duty officer could not read the concern. It now comes before
    even an urgent overdue item, carrying the summary, the caller's number and the referral reference."""
    with seeded.write() as s:
        s.add(Team(code="safeguarding", name="Children's Services", inbox=""))
        s.flush()
        urgent_late = add_callback(s, due=T0 - dt.timedelta(days=2), urgent=True).id
        alert_row = add_handoff(s, team="safeguarding", due=T0 + dt.timedelta(days=1), urgent=True)
        call = s.get(Call, alert_row.call_id)
        assert call is not None
        call.safeguarding, call.safeguarding_summary = True, "Child said he is scared to go home"
        call.referral_ref, call.caller_phone, call.caller_name = "CS-77", "07700 900555", "Sarah Smith"
        alert = alert_row.id
    items = queue.list_items(context(seeded, clock=clock))
    assert [(i.kind, i.id) for i in items] == [(ItemKind.HANDOFF, alert), (ItemKind.CALLBACK, urgent_late)]
    top = items[0]
    assert top.safeguarding and not top.overdue
    assert (top.safeguarding_summary, top.referral_ref, top.caller_phone) == (
        "Child said he is scared to go home",
        "CS-77",
        "07700 900555",
    )


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (0.5, "30 wm"),
        (-0.25, "15 wm"),
        (1.0, "1.0 wh"),
        (7.9, "7.9 wh"),
        (8.0, "1.0 wd"),
        (26.0, "3.2 wd"),
        (-1488.0, "186 wd"),
    ],
)
def test_a_long_wait_is_told_in_working_days(hours: float, text: str) -> None:
    """An item a year overdue read 'OVERDUE 1488.0 wh'; past a working day it is told in days."""
    assert working_amount(hours) == text


def test_a_lease_token_never_reads_as_a_command_line_option() -> None:
    """`callbacks release ID --token T` failed when T began with '-' (about one token in 32)."""
    from dutyline.domain.queue import new_token

    tokens = [new_token() for _ in range(2000)]
    assert all(t[0].isalnum() and len(t) <= 64 for t in tokens) and len(set(tokens)) == len(tokens)
