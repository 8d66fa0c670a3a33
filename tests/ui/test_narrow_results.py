"""Search results at 80x24 (issue 12): the columns a caller confirms and why the row is there (name, born,
postcode, matched on) stay on screen; school, stage and officer move to the line under the table, for the
highlighted row. At 120 columns every column is in the table."""

from __future__ import annotations

from dutyline.ui.widgets.results import ResultsTable
from tests.ui.conftest import AppFactory, enter_text, screen_text, settle
from tests.ui.seed import Seeded


async def test_narrow_results_keep_matched_on_and_show_the_rest_under_the_table(
    make_app: AppFactory, seeded: Seeded
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await enter_text(pilot, "olivia smith")
        await settle(pilot)
        table = app.screen.query_one(ResultsTable)
        assert [str(c.label) for c in table.columns.values()] == ["Name", "Born (age)", "Postcode", "Matched on"]
        text = screen_text(app)
        assert "Matched on" in text and "14 May 2016 (9)" in text and "AL1 3AB" in text
        assert "Stage: Assessing" in text and "Officer: Tom Baker" in text and "School: Maple Primary" in text
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert len(table.columns) == 7 and "Stage: Assessing" not in screen_text(app)
        assert "Officer" in screen_text(app)
