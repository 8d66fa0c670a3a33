"""Live queue updates (docs/RELIABILITY.md, B6 and B7): NOTIFY on commit only, ids only, refresh on reconnect."""

from __future__ import annotations

import queue as stdqueue
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dutyline.domain.model import Role
from dutyline.domain.queue import PAYLOAD_RE, ItemKind, parse_payload, payload
from dutyline.services import queue
from dutyline.services.live import QueueWatcher, watch_queue
from dutyline.store import queue_repo
from dutyline.store.engine import Database
from tests.test_queue_support import add_callback, add_case, add_handoff, context, seed_teams

Events = stdqueue.Queue[frozenset[str] | None]


def start_watcher(db: Database, **kw: float) -> tuple[QueueWatcher, Events]:
    events: Events = stdqueue.Queue()
    watcher = watch_queue(context(db), events.put, **kw)
    assert watcher.connected.wait(10)
    assert events.get(timeout=5) is None  # the first event is always "refresh everything"
    return watcher, events


def next_event(events: Events, timeout: float = 2.0) -> frozenset[str] | None:
    return events.get(timeout=timeout)


def drain(events: Events, seconds: float) -> list[frozenset[str] | None]:
    out: list[frozenset[str] | None] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            out.append(events.get(timeout=left))
        except stdqueue.Empty:
            break
    return out


@given(st.sampled_from(list(ItemKind)), st.integers(min_value=0, max_value=10**18))
def test_payload_is_table_and_id_only(kind: ItemKind, item_id: int) -> None:
    text = payload(kind, item_id)
    assert PAYLOAD_RE.fullmatch(text) and len(text.encode()) < 8000
    assert parse_payload(text) == (kind, item_id)


@given(st.text(max_size=60))
def test_parse_payload_rejects_anything_else(text: str) -> None:
    parsed = parse_payload(text)
    assert parsed is None or PAYLOAD_RE.fullmatch(text)


def test_payload_refuses_names() -> None:
    with pytest.raises(ValueError):
        payload("Amara Okafor", 1)
    with pytest.raises(ValueError):
        payload(ItemKind.CALLBACK, "12; Amara")  # type: ignore[arg-type]  # the wrong type is the test


@pytest.mark.pg
def test_every_queue_change_notifies_ids_only_within_2s(db: Database) -> None:
    if not db.is_postgres:
        pytest.skip("LISTEN/NOTIFY is PostgreSQL")
    seed_teams(db)
    with db.write() as s:
        case = add_case(s, first="Zzcanary", last="Qx")
        a, b = add_callback(s, case=case).id, add_callback(s, case=case).id
        ho = add_handoff(s, case=case).id
    watcher, events = start_watcher(db)
    try:
        dora = context(db, "dora")
        seen: list[str] = []

        def expect(key: str) -> None:
            started = time.monotonic()
            while True:
                got = next_event(events)
                if got is not None:
                    seen.extend(got)
                    if key in got:
                        assert time.monotonic() - started < 2.0
                        return

        t = queue.claim(dora, "callback", a)
        expect(f"callback:{a}")
        queue.record_attempt(dora, a, t.token, "no_answer", "Zzcanary out")
        expect(f"callback:{a}")
        t = queue.claim(dora, "callback", a)
        queue.complete(dora, "callback", a, t.token, "resolved", "Zzcanary fine")
        expect(f"callback:{a}")
        t = queue.claim(dora, "callback", b)
        queue.release(dora, "callback", b, t.token)
        expect(f"callback:{b}")
        queue.reassign(dora, "callback", b, "resolution", "wrong team")
        expect(f"callback:{b}")
        queue.accept_handoff(dora, ho)
        expect(f"handoff:{ho}")
        assert seen and all(PAYLOAD_RE.fullmatch(p) for p in seen)
        assert not any("zzcanary" in p.lower() for p in seen)
    finally:
        watcher.stop()


@pytest.mark.pg
def test_rolled_back_change_never_notifies(db: Database) -> None:
    if not db.is_postgres:
        pytest.skip("LISTEN/NOTIFY is PostgreSQL")
    seed_teams(db)
    with db.write() as s:
        cb = add_callback(s).id
    watcher, events = start_watcher(db)
    try:
        with pytest.raises(RuntimeError), db.write() as s:
            queue_repo.notify(s, ItemKind.CALLBACK, cb)
            raise RuntimeError("roll back")
        assert drain(events, 1.0) == []
        with db.write() as s:
            queue_repo.notify(s, ItemKind.CALLBACK, cb)
        assert next_event(events) == frozenset({f"callback:{cb}"})
    finally:
        watcher.stop()


@pytest.mark.pg
def test_reconnect_triggers_full_refresh(db: Database) -> None:
    """Notifications sent while the listener is disconnected are lost; the reconnect refresh covers them."""
    if not db.is_postgres:
        pytest.skip("LISTEN/NOTIFY is PostgreSQL")
    seed_teams(db)
    watcher, events = start_watcher(db)
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'dutyline-live' AND datname = current_database()"
            )
        with db.write() as s:
            for _ in range(3):
                add_callback(s)
        got = drain(events, 6.0)
        assert None in got, "a reconnect must ask for a full refresh"
        assert watcher.connected.is_set()
    finally:
        watcher.stop()
    assert not watcher.running


def test_sqlite_poll_sees_a_claim_within_2s(sqlite_db: Database) -> None:
    db = sqlite_db  # SQLite only: PostgreSQL desks listen instead of polling
    seed_teams(db)
    with db.write() as s:
        cb = add_callback(s).id
    watcher, events = start_watcher(db, poll_s=0.5)
    try:
        assert drain(events, 0.8) == []
        started = time.monotonic()
        queue.claim(context(db, "dora"), "callback", cb)
        assert next_event(events, 2.0) is None
        assert time.monotonic() - started < 2.0
    finally:
        watcher.stop()


def test_watch_requires_queue_permission(db: Database) -> None:
    from dutyline.services.context import PermissionDenied

    with pytest.raises(PermissionDenied):
        watch_queue(context(db, "hana", Role.CALL_HANDLER), lambda keys: None)


@pytest.mark.pg
def test_a_logged_call_notifies_its_new_items(db: Database) -> None:
    """A handler's new callback and hand-off appear at the duty desks at once, not at the next backstop."""
    if not db.is_postgres:
        pytest.skip("LISTEN/NOTIFY is PostgreSQL")
    from dutyline.domain.call_form import build_call_form
    from dutyline.domain.model import Outcome, Priority
    from dutyline.services import calls
    from tests.test_calls_service import calls_decide, form
    from tests.ui.seed import handler_ctx, seed

    s = seed(db)
    ctx = handler_ctx(db)
    decision = calls_decide(ctx, s)
    watcher, events = start_watcher(db)
    try:
        logged = calls.log_call(
            ctx,
            build_call_form(
                form(
                    s,
                    outcome=Outcome.HANDED_OFF,
                    handoff=dict(
                        team="resolution",
                        proposed_team=decision.team,
                        explanation=decision.explanation,
                        override_reason="disputing",
                        priority=Priority.STANDARD,
                    ),
                    callback=dict(
                        phone="07700 900123",
                        contact_name="Sarah Smith",
                        due_at=decision.callback_due,
                        team="resolution",
                    ),
                )
            ),
        )
        seen: set[str] = set()
        want = {f"handoff:{logged.handoff_id}", f"callback:{logged.callback_id}"}
        deadline = time.monotonic() + 2.0
        while not want <= seen:
            got = events.get(timeout=max(0.01, deadline - time.monotonic()))
            seen |= got or set()
    finally:
        watcher.stop()
