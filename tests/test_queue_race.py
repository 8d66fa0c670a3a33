"""Many desks racing for one queue (docs/RELIABILITY.md, B1, B3 and B4), with real processes.

- 12 spawned processes race to claim 400 callbacks through `claim_next`: every callback is claimed exactly
  once and none is lost, on PostgreSQL and on SQLite, and no "database is locked" reaches a desk.
- The same race with a deliberately naive read-then-write claimer is kept as a control on PostgreSQL: it
  MUST produce double claims, which shows the harness can see the bug it guards against.
- A lease test: a desk claims in a child process and is SIGKILLed; after the lease expires another desk
  claims, and the dead desk's completion (with its token) is refused.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from dutyline.services import queue
from dutyline.services.context import utc_now
from dutyline.services.queue import QueueRefused
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Callback
from tests.test_queue_support import context, guarded_desk, lease_holder, naive_desk, seed_callbacks, seed_teams

DESKS = 12
ITEMS = 400
SPAWN = mp.get_context("spawn")


@pytest.fixture(scope="module")
def desks() -> Iterator[tuple[ProcessPoolExecutor, Any]]:
    """12 spawned desk processes, started once and reused by every race in this module.

    Spawning and importing 12 interpreters costs more than a race itself on a small machine, so the races
    share one pool; each task opens its own Database, as a desk would.
    """
    manager = SPAWN.Manager()
    with ProcessPoolExecutor(max_workers=DESKS, mp_context=SPAWN) as pool:
        yield pool, manager
    manager.shutdown()


def race(
    desks: tuple[ProcessPoolExecutor, Any], url: str, target: Any, timeout: float = 180
) -> list[tuple[str, list[int], list[str]]]:
    """Run `target` on every desk at once: a barrier holds them until all are connected."""
    pool, manager = desks
    start = manager.Barrier(DESKS + 1)
    futures = [pool.submit(target, url, f"desk{i:02d}", start) for i in range(DESKS)]
    start.wait(timeout=timeout)
    return [f.result(timeout=timeout) for f in futures]


@pytest.mark.slow
def test_guarded_claims_race_exactly_once(db: Database, desks: tuple[ProcessPoolExecutor, Any]) -> None:
    seed_teams(db)
    ids = seed_callbacks(db, ITEMS)
    results = race(desks, db.url, guarded_desk)
    errors = [e for _, _, errs in results for e in errs]
    assert errors == [], errors[:5]  # on SQLite this includes "database is locked": none may reach a desk
    counts = Counter(i for _, claimed, _ in results for i in claimed)
    assert sorted(counts) == ids, "every callback claimed (none lost)"
    assert max(counts.values()) == 1, "no callback claimed twice"
    assert sum(1 for _, claimed, _ in results if claimed) >= 2, "the desks really did race"
    with db.read() as s:
        owners = dict(s.execute(select(Callback.id, Callback.claimed_by)).all())
        claims = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "claim"))
    by_desk = {i: login for login, claimed, _ in results for i in claimed}
    assert owners == by_desk and claims == ITEMS


@pytest.mark.slow
@pytest.mark.pg
def test_naive_control_double_claims(db: Database, desks: tuple[ProcessPoolExecutor, Any]) -> None:
    """The harness must be able to catch the bug: the read-then-write claimer double-claims on PostgreSQL."""
    if not db.is_postgres:
        pytest.skip("the control race is the PostgreSQL READ COMMITTED case (SQLite serialises writers)")
    seed_teams(db)
    seed_callbacks(db, ITEMS, team="resolution")
    results = race(desks, db.url, naive_desk)
    counts = Counter(i for _, claimed, _ in results for i in claimed)
    doubled = sum(1 for c in counts.values() if c > 1)
    assert len(counts) == ITEMS
    assert doubled > 0, "the naive claimer should have handed some callbacks to two desks"


def test_lease_returns_item_after_sigkill_and_refuses_late_completion(db: Database) -> None:
    seed_teams(db)
    [cb] = seed_callbacks(db, 1)
    out = SPAWN.Queue()
    child = SPAWN.Process(target=lease_holder, args=(db.url, cb, 2.0, out))
    child.start()
    token = out.get(timeout=60)
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=10)
    assert child.exitcode == -signal.SIGKILL
    other = context(db, "live")
    other.clock = utc_now  # real time: the child's lease was stamped with it
    with pytest.raises(QueueRefused, match="claimed by dead"):
        queue.claim(other, "callback", cb)
    deadline = time.monotonic() + 10
    while True:  # the lease was 2 s: poll rather than sleep a fixed guess
        try:
            ticket = queue.claim(other, "callback", cb)
            break
        except QueueRefused:
            assert time.monotonic() < deadline, "lease never expired"
            time.sleep(0.2)
    dead = context(db, "dead")
    dead.clock = utc_now
    with pytest.raises(QueueRefused, match="claimed by live"):
        queue.complete(dead, "callback", cb, token, "resolved", "late")
    queue.complete(other, "callback", cb, ticket.token, "resolved")
    with db.read() as s:
        row = s.get(Callback, cb)
        assert row is not None and (row.status, row.completed_by) == ("done", "live")
