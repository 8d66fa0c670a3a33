"""The line above the results describes the results on screen, and nothing else.

Clearing the box (Escape, or deleting the text) used to leave the last search's "N children alike: ask
for the date of birth · 30 of 80 shown" above an empty list: a handler glancing up read a band and a count
for a search that was gone. With the box empty the line is the idle one again.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widgets import Static

from tests.ui.conftest import AppFactory, enter_text, settle
from tests.ui.seed import Seeded


def status(app: App[Any]) -> str:
    return str(app.screen.query_one("#search-status", Static).render())


async def test_clearing_the_box_clears_the_last_searchs_line(make_app: AppFactory, seeded: Seeded) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        idle = status(app)
        assert "cases · signed in as" in idle
        await enter_text(pilot, "olivia smith")
        await settle(pilot)
        assert "found" in status(app)
        await pilot.press("escape")
        await settle(pilot)
        assert status(app) == idle
        await enter_text(pilot, "olivia")
        await settle(pilot)
        await pilot.press("ctrl+u")  # the input's own delete-to-start
        await settle(pilot)
        assert status(app) == idle
