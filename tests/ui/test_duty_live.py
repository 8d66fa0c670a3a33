"""Two desks on PostgreSQL, each running the duty screen: a claim at one leaves the other's queue in 2 s.

Both apps run in one event loop (two `run_test` contexts); each has its own LISTEN connection, exactly
as two desks would, so the only path between them is the database's NOTIFY.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from textual.widgets import DataTable

from dutyline.store.engine import Database
from dutyline.ui.duty import DutyScreen
from tests.test_queue_support import add_callback, context, seed_teams
from tests.ui.conftest import settle
from tests.ui.test_duty import DutyApp


def listening(app: DutyApp) -> bool:
    """The duty screen's queue watcher is connected (LISTEN is in place)."""
    screen = app.screen
    assert isinstance(screen, DutyScreen)
    return screen._watcher is not None and screen._watcher.connected.is_set()


def row_keys(app: DutyApp) -> list[str]:
    return [str(k.value) for k in app.screen.query_one("#duty-queue", DataTable).rows]


@pytest.mark.pg
async def test_claim_at_one_desk_disappears_at_the_other_within_2s(db: Database) -> None:
    if not db.is_postgres:
        pytest.skip("two desks share a PostgreSQL database; a SQLite desk is on its own")
    seed_teams(db)
    with db.write() as s:
        first, second = add_callback(s).id, add_callback(s).id
    one = DutyApp(context(db, "dora"), live_updates=True)
    two = DutyApp(context(db, "ed"), live_updates=True)
    async with one.run_test(size=(120, 40)) as p1, two.run_test(size=(120, 40)) as p2:
        await settle(p1)
        await settle(p2)
        deadline = time.monotonic() + 10
        while not (listening(one) and listening(two)):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        key = f"callback:{first}"
        assert key in row_keys(one) and key in row_keys(two)
        table = one.screen.query_one("#duty-queue", DataTable)
        table.move_cursor(row=table.get_row_index(key))
        await settle(p1)
        started = time.monotonic()
        await p1.press("c")
        while key in row_keys(two):
            assert time.monotonic() - started < 2.0, "the other desk still shows the claimed callback"
            await asyncio.sleep(0.05)
        assert f"callback:{second}" in row_keys(two)
        assert key in row_keys(one)  # still shown to the desk that holds it
