"""Reasons in the call form follow the case's stage (issue 12): the stage's own reasons first, a general
"progress" reason for any stage, and that reason routed to the team that owns the stage."""

from __future__ import annotations

from sqlalchemy import select
from textual.widgets import Select

from dutyline.store.engine import Database
from dutyline.store.tables import Handoff
from dutyline.ui.screens.handoff import HandoffScreen
from dutyline.ui.screens.log_call import LogCallScreen
from tests.ui.conftest import AppFactory, screen_text, settle
from tests.ui.seed import Seeded


async def test_a_plan_case_offers_review_reasons_first_and_progress_routes_to_the_area_team(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"jayden okafor")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter", "tab", "space", "tab", "space")  # the young person, DOB and postcode
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LogCallScreen)
        reason = screen.query_one("#reason", Select)
        reason.focus()
        await pilot.press("enter")  # open the list as a handler does
        await settle(pilot)
        text = screen_text(app)
        first = text.index("Annual review arrangements")
        assert first < text.index("Asking about progress (any stage)")
        assert text.find("New request for an assessment") in (-1, *range(first + 1, len(text))), "new request first"
        await pilot.press("escape")
        await settle(pilot)
        reason.value = "progress"
        screen.query_one("#outcome", Select).value = "handed_off"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HandoffScreen)
        assert "Annual Review West" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
    with sqlite_db.read() as session:
        handoff = session.scalars(select(Handoff)).one()
    assert (handoff.team_code, handoff.reason) == ("annual_review_west", "progress")
