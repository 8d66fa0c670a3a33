"""The no-case call form as a handler uses it (issue 12): the child's name, date of birth, postcode or
district as fields checked where they are typed, and a caller who rang before found by their number in
the search, opened as a new call that starts with who they are and shows their earlier calls."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from textual.message import Message
from textual.widgets import Input, Select, TextArea

from dutyline.store.engine import Database
from dutyline.store.tables import Call
from dutyline.ui.messages import CaseChosen
from dutyline.ui.screens.log_call import LogCallScreen
from dutyline.ui.widgets.results import ResultsTable
from tests.ui.conftest import AppFactory, enter_text, screen_text, settle
from tests.ui.seed import Seeded


async def _fill_no_case_call(pilot: Any, **fields: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, LogCallScreen)
    for field_id, value in fields.items():
        box = screen.query_one(f"#{field_id}", Input)
        box.focus()
        await enter_text(pilot, value)
    screen.query_one("#no-case-kind", Select).value = "other"
    screen.query_one("#reason", Select).value = "new_request"
    screen.query_one("#outcome", Select).value = "resolved"
    screen.query_one("#notes", TextArea).focus()
    await enter_text(pilot, "Wants to know how to ask for an assessment.")
    await settle(pilot)


async def test_the_child_is_saved_as_fields_and_a_bad_date_is_flagged_in_the_field(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await _fill_no_case_call(
            pilot,
            **{
                "no-case-name": "Joanne Whitfield",
                "no-case-phone": "07700 900456",
                "child-name": "Kai Whitfield",
                "child-dob": "31/2/2016",
                "child-postcode": "al1 3ab",
                "child-district": "St Albans",
            },
        )
        assert "date of birth as day/month/year" in screen_text(app), "the date is checked when the field is left"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogCallScreen), "a call with an impossible date of birth was saved"
        dob = app.screen.query_one("#child-dob", Input)
        dob.value = "3/7/2016"
        await settle(pilot)
        assert "day/month/year" not in screen_text(app), "the problem stays after it was fixed"
        await pilot.press("ctrl+s")
        await settle(pilot)
    with sqlite_db.read() as session:
        row = session.scalars(select(Call).where(Call.case_id.is_(None))).one()
        assert (row.child_name, str(row.child_dob), row.child_postcode, row.child_district) == (
            "Kai Whitfield",
            "2016-07-03",
            "AL1 3AB",
            "St Albans",
        )
        assert (row.caller_name, row.caller_phone_digits) == ("Joanne Whitfield", "07700900456")


async def test_a_caller_who_rang_before_is_found_by_number_with_their_calls(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await _fill_no_case_call(
            pilot,
            **{"no-case-name": "Joanne Whitfield", "no-case-phone": "07700 900456", "child-name": "Kai Whitfield"},
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
    posted: list[Message] = []
    app = make_app()
    async with app.run_test(size=(120, 40), message_hook=posted.append) as pilot:
        await settle(pilot)
        app.screen.query_one("#search", Input).focus()
        await enter_text(pilot, "07700 900456")
        await settle(pilot)
        table = app.screen.query_one(ResultsTable)
        assert len(table.callers) == 1
        text = screen_text(app)
        assert "Joanne Whitfield · Kai" in text and "rang before: phone" in text and "1 earlier caller" in text
        table.move_cursor(row=table.get_row_index(next(iter(table.callers))))
        await pilot.press("enter")
        await settle(pilot)
        chosen = [m for m in posted if isinstance(m, CaseChosen)]
        assert chosen and chosen[-1].case_id is None and chosen[-1].earlier is not None
        assert isinstance(app.screen, LogCallScreen)
        assert app.screen.query_one("#no-case-phone", Input).value == "07700 900456"
        assert app.screen.query_one("#child-name", Input).value == "Kai Whitfield"
        text = screen_text(app)
        assert "Rang before: 1 call" in text and "Wants to know how to ask" in text
