"""Drafts per desk session (issue 12): two windows with the same login each keep their own call, and a
window that closes hands its unfinished call to the next window of that person, never to one that is
still working."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import TextArea

from dutyline.store.engine import Database
from dutyline.store.tables import Draft
from dutyline.ui.app import DutylineApp
from dutyline.ui.screens.dialogs import DraftOffer
from dutyline.ui.screens.log_call import LogCallScreen
from tests.ui.conftest import AppFactory, enter_text, settle
from tests.ui.seed import Seeded


async def _no_case_call(pilot: Pilot[Any], notes: str) -> None:
    app = pilot.app
    assert isinstance(app, DutylineApp)
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, LogCallScreen)
    pilot.app.screen.query_one("#notes", TextArea).focus()
    await enter_text(pilot, notes)
    app.autosave()
    await settle(pilot)


def _stored_notes(db: Database) -> list[str]:
    with db.read() as session:
        return sorted(p for p in session.scalars(select(Draft.payload)))


async def test_two_windows_with_one_login_keep_a_draft_each(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    first, second = make_app(), make_app()
    async with first.run_test(size=(120, 40)) as one:
        async with second.run_test(size=(120, 40)) as two:
            await _no_case_call(one, "Notes typed in the first window")
            await _no_case_call(two, "Notes typed in the second window")
            stored = _stored_notes(sqlite_db)
            assert len(stored) == 2, "one window overwrote the other's draft"
            assert any("first window" in p for p in stored) and any("second window" in p for p in stored)
            # A third window of the same person, while both are open: nothing is offered (both are live).
            third = make_app()
            async with third.run_test(size=(120, 40)) as three:
                await settle(three)
                assert not isinstance(third.screen, DraftOffer), "a live window's call was offered elsewhere"
        # The second window has closed: its call is offered to the next window, and only its call.
        fourth = make_app()
        async with fourth.run_test(size=(120, 40)) as four:
            await settle(four)
            assert isinstance(fourth.screen, DraftOffer)
            await four.press("r")
            await settle(four)
            assert fourth.call is not None and fourth.call.notes == "Notes typed in the second window"
            assert first.call is not None and first.call.notes == "Notes typed in the first window"
    with sqlite_db.read() as session:
        rows = session.scalars(select(Draft)).all()
    assert len(rows) == 2 and len({r.session for r in rows}) == 2
