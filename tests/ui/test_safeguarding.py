"""Safeguarding end to end (issue 12): the script at once from anywhere, a typed summary never thrown away
without asking, and the duty officer reading the concern itself at the top of every queue."""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len
from rich.text import Text
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, TextArea

from dutyline.domain.model import Role
from dutyline.services.context import Actor, Context
from dutyline.store.engine import Database
from dutyline.store.tables import Call, Handoff
from dutyline.ui.duty import DutyScreen
from dutyline.ui.screens.call import CallScreen
from dutyline.ui.screens.dialogs import ConfirmEnd
from dutyline.ui.screens.handoff import HandoffScreen
from dutyline.ui.screens.log_call import LogCallScreen
from dutyline.ui.screens.safeguarding import SafeguardingScreen
from dutyline.ui.screens.search import SearchScreen
from tests.ui.conftest import AppFactory, screen_text, settle
from tests.ui.seed import Seeded, handler_ctx

SUMMARY = "Child said he is scared to go home"


async def open_case(pilot: Pilot[Any], *, verify: bool) -> None:
    await settle(pilot)
    await pilot.press(*"olivia smith")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    if verify:
        await pilot.press("enter", "tab", "space", "tab", "space")
        await settle(pilot)


async def type_concern(pilot: Pilot[Any], summary: str = SUMMARY, ref: str = "") -> None:
    await pilot.press("f9")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SafeguardingScreen)
    screen.query_one("#sg-summary", TextArea).text = summary  # posts Changed, as typing does
    if ref:
        screen.query_one("#sg-ref", Input).value = ref
    await settle(pilot)


async def test_f9_on_an_empty_search_shows_the_script_at_once(make_app: AppFactory, seeded: Seeded) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, SafeguardingScreen), "a concern can come before anything else is known"
        text = screen_text(app)
        assert "999" in text and "0300 123 4043" in text
        assert app.call is not None and app.call.case_id is None


@pytest.mark.parametrize("where", ["verify", "case", "form"])
async def test_a_typed_summary_is_never_discarded_without_asking(
    where: str, make_app: AppFactory, seeded: Seeded
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_case(pilot, verify=where != "verify")
        if where == "form":
            await pilot.press("f2")
            await settle(pilot)
            assert isinstance(app.screen, LogCallScreen)
        await type_concern(pilot)
        await pilot.press("escape")  # out of the safeguarding dialog, the summary not recorded
        await settle(pilot)
        if where == "form":
            await pilot.press("escape")  # the form, back to the case
            await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        await pilot.press("escape")  # end the call
        await settle(pilot)
        assert isinstance(app.screen, ConfirmEnd), f"ended without asking from the {where} view"
        assert "SAFEGUARDING summary was typed but not recorded" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert app.call is not None and app.call.safeguarding_notes is not None
        assert app.call.safeguarding_notes.summary == SUMMARY


async def test_choosing_the_safeguarding_reason_shows_the_script(make_app: AppFactory, seeded: Seeded) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, LogCallScreen)
        app.screen.query_one("#reason", Select).value = "safeguarding"
        await settle(pilot)
        assert isinstance(app.screen, SafeguardingScreen)
        assert "999" in screen_text(app)


async def show_queue(pilot: Pilot[Any], db: Database) -> DutyScreen:
    """Push the duty screen and wait until the queue and the highlighted item's case have loaded."""
    screen = DutyScreen(duty_ctx(db), live_updates=False)
    pilot.app.push_screen(screen)
    for _ in range(100):
        await settle(pilot, rounds=1)
        if screen.loads and screen._case_cache is not None:
            break
    # The pane's last layout passes (its height changes when the case fills in): wait until two frames in
    # a row are the same rather than for a fixed time, which a loaded machine outran (a flaky snapshot).
    # A DataTable measures new rows' widths when it is next idle: until then a column is as wide as its
    # header ("SAFE" for SAFEGUARDING); and the case pane says "Loading the case summary…" until its
    # worker is back. Wait for both, or a run snapshots a passing state (it did, one run in three).
    table = screen.query_one("#duty-queue", DataTable)
    previous = None
    for _ in range(60):
        await settle(pilot)
        await pilot.pause(0.05)
        frame = pilot.app.export_screenshot()
        case_text = str(screen.query_one("#dd-case").render())  # the pane may be too short to show it
        if frame == previous and columns_measured(table) and "Loading" not in case_text:
            break
        previous = frame
    return screen


def columns_measured(table: DataTable[Any]) -> bool:
    """Every auto-width column at least as wide as its widest cell."""
    for i in range(table.row_count):
        for column, cell in zip(table.ordered_columns, table.get_row_at(i), strict=False):
            text = cell.plain if isinstance(cell, Text) else str(cell)
            if column.auto_width and column.content_width < cell_len(text):
                return False
    return True


def duty_ctx(db: Database) -> Context:
    """A front-door duty officer at the same frozen moment as the handler."""
    handler = handler_ctx(db)
    actor = Actor(login="dora", display_name="Dora", roles=frozenset({Role.DUTY_OFFICER}), teams=("front_door",))
    return handler.as_actor(actor)


async def test_the_duty_officer_reads_the_concern_first_in_the_queue(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_case(pilot, verify=True)
        await type_concern(pilot, ref="CS-77")
        await pilot.press("ctrl+s")  # record it: the call form opens with the reason set
        await settle(pilot)
        assert isinstance(app.screen, LogCallScreen)
        app.screen.query_one("#outcome", Select).value = "handed_off"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HandoffScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert app.call is None
    with sqlite_db.read() as s:
        call = s.scalars(select(Call)).one()
        alert = s.scalars(select(Handoff)).one()
        assert call.safeguarding and call.referral_ref == "CS-77" and alert.team_code == "safeguarding"
    duty = make_app(login="dora")
    async with duty.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await show_queue(pilot, sqlite_db)
        text = screen_text(duty)
        rows = [line for line in text.splitlines() if "Hand-off" in line or "Callback" in line]
        assert rows and "SAFEGUARDING" in rows[0], "flagged at the top of the queue"
        assert "OVERDUE" not in rows[0], "due when the handler was told, not the minute it was raised"
        assert SUMMARY in text and "07700 900123" in text and "CS-77" in text
