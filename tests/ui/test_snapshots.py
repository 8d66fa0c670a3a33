"""SVG snapshots of the main states at 80x24 and 120x40 (syrupy on `export_screenshot`, no plugin).

Deterministic by construction: frozen clock (ages, "on the call 0:00", due dates), fixed seed data, no
cursor blink, notifications off. Review changes with `pytest tests/ui/test_snapshots.py --snapshot-update`
and look at the .svg files under tests/ui/__snapshots__/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.image import SVGImageSnapshotExtension
from textual.pilot import Pilot
from textual.widgets import Select

from dutyline.store.engine import Database
from dutyline.ui.app import DutylineApp
from tests.ui.conftest import AppFactory, enter_text, settle
from tests.ui.seed import Seeded
from tests.ui.test_safeguarding import open_case, show_queue, type_concern

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
STATES = ["empty_search", "results", "case", "log_form", "handoff", "safeguarding", "lock"]


def svg(app: DutylineApp) -> str:
    """The screenshot with anything run-dependent removed (none is expected; this guards against it)."""
    return re.sub(r"terminal-\d+", "terminal", app.export_screenshot(title="dutyline"))


async def drive_to(pilot: Pilot[Any], state: str) -> None:
    app = pilot.app
    await settle(pilot)
    if state == "empty_search":
        return
    if state == "lock":
        await pilot.press("ctrl+l")
        await settle(pilot)
        return
    await enter_text(pilot, "olivia smith")
    await settle(pilot)
    if state == "results":
        return
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter", "tab", "space", "tab", "space")
    await settle(pilot)
    if state == "case":
        return
    if state == "safeguarding":
        await pilot.press("f9")
        await enter_text(pilot, "Child said he is scared to go home")
        await settle(pilot)
        return
    await pilot.press("f2")
    await settle(pilot)
    app.screen.query_one("#reason", Select).value = "assessment_progress"
    app.screen.query_one("#notes").focus()
    await enter_text(pilot, "Mum asked when the decision is due.")
    await settle(pilot)
    if state == "log_form":
        return
    await pilot.press("f3")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", STATES)
async def test_snapshot(
    state: str, size: tuple[int, int], make_app: AppFactory, seeded: Seeded, snapshot: SnapshotAssertion
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await drive_to(pilot, state)
        assert svg(app) == snapshot(extension_class=SVGImageSnapshotExtension)


@pytest.mark.parametrize("size", SIZES)
async def test_snapshot_duty_queue_with_safeguarding_at_top(
    size: tuple[int, int], make_app: AppFactory, seeded: Seeded, sqlite_db: Database, snapshot: SnapshotAssertion
) -> None:
    """The queue as a duty officer sees it after a handler raised a concern: flagged, first, readable."""
    handler = make_app()
    async with handler.run_test(size=(120, 40)) as pilot:
        await open_case(pilot, verify=True)
        await type_concern(pilot, ref="CS-77")
        await pilot.press("ctrl+s")
        await settle(pilot)
        handler.screen.query_one("#outcome", Select).value = "callback_booked"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+s")  # book the callback on the first number
        await settle(pilot)
        assert handler.call is None
    app = make_app(login="dora")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await show_queue(pilot, sqlite_db)
        assert svg(app) == snapshot(extension_class=SVGImageSnapshotExtension)
