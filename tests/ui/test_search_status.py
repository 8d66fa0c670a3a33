"""The line above the results describes the results on screen, and nothing else.

Clearing the box (Escape, or deleting the text) used to leave the last search's "N children alike: ask
for the date of birth · 30 of 80 shown" above an empty list: a handler glancing up read a band and a count
for a search that was gone. With the box empty the line is the idle one again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.app import App
from textual.widgets import Static

from dutyline.domain.search.hits import SearchHit, SearchResults
from dutyline.ui.screens.search import SearchScreen
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
        assert status(app).startswith("2 shown, 1 likely · Match")
        await pilot.press("escape")
        await settle(pilot)
        assert status(app) == idle
        await enter_text(pilot, "olivia")
        await settle(pilot)
        await pilot.press("ctrl+u")  # the input's own delete-to-start
        await settle(pilot)
        assert status(app) == idle


def _hit(i: int) -> SearchHit:
    return SearchHit(
        case_id=i,
        case_ref=f"EHC-{100000 + i}",
        score=1.0,
        first_name="Jamie",
        last_name=f"Bell{i}",
        date_of_birth=dt.date(2014, 7, 3),
        age=12,
        postcode="AL1 3AB",
        stage="assessment",
    )


async def test_the_line_counts_the_likely_rows_apart_from_the_rest(make_app: AppFactory, seeded: Seeded) -> None:
    """30 rows shown of which 9 are plausible said "30 cases found": a handler read thirty candidates
    for what was nine, and the rest only filling the list. It says "30 shown, 9 likely"; all likely, it
    says "N cases found"; more likely than shown, the header's "30 of 212 shown" says it once; an outward
    code alone, the header's "N children in AL8" does."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        hits = tuple(_hit(i) for i in range(30))
        screen.show_hits(SearchResults(hits=hits, total=9, band="match"), "jamie bell")
        assert status(app).startswith("30 shown, 9 likely · Match · ")
        screen.show_hits(SearchResults(hits=hits[:2], total=2, band="match"), "jamie bell")
        assert status(app).startswith("2 cases found · Match · ")
        screen.show_hits(SearchResults(hits=hits, total=212, band="possible"), "jamie bell")
        assert status(app).startswith("Possible · 30 of 212 shown — add a date of birth or postcode · ")
        assert "found" not in status(app) and "likely" not in status(app)
        area = SearchResults(hits=hits[:3], total=3, band="several_alike", alike=3, area="AL8")
        screen.show_hits(area, "al8")
        assert status(app).startswith("3 children in AL8 · ↑↓ choose")
