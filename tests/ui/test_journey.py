"""The call handler's whole journey, driven with the keyboard, checked against what was STORED.

Search with a misspelt name, open, verify the caller, log, hand off (accepting the proposal and choosing
another team with a reason), book a callback, raise safeguarding; and "No case" calls.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Select, TextArea

from dutyline.store.engine import Database
from dutyline.store.tables import Call, Callback, Handoff
from dutyline.ui.app import DutylineApp
from dutyline.ui.screens.call import CallScreen
from dutyline.ui.screens.callback import CallbackScreen
from dutyline.ui.screens.handoff import HandoffScreen
from dutyline.ui.screens.log_call import LogCallScreen
from dutyline.ui.screens.safeguarding import SafeguardingScreen
from dutyline.ui.screens.search import SearchScreen
from dutyline.ui.widgets.case_card import CaseCard
from dutyline.ui.widgets.results import ResultsTable
from tests.ui.conftest import AppFactory, enter_text, screen_text, send_burst, settle
from tests.ui.seed import Seeded


def calls(db: Database) -> list[Call]:
    with db.read() as s:
        return list(s.scalars(select(Call).order_by(Call.id)))


def handoffs(db: Database) -> list[Handoff]:
    with db.read() as s:
        return list(s.scalars(select(Handoff).order_by(Handoff.id)))


async def open_and_verify(
    pilot: Pilot[Any], seeded: Seeded, query: str = "olivai smyth", *, keys: bool = False
) -> None:
    """Find Olivia by a misspelt name, open her case and verify the caller. `keys=True` types the query key
    by key (the journey test does); otherwise it is entered in one edit (enter_text)."""
    app = pilot.app
    assert isinstance(app, DutylineApp)
    await settle(pilot)
    if keys:
        await pilot.press(*query)
    else:
        await enter_text(pilot, query)
    await settle(pilot)
    table = app.screen.query_one(ResultsTable)
    assert table.chosen_key == str(seeded.olivia), "the misspelt name should put Olivia Smith first"
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, CallScreen)
    text = screen_text(app)
    assert "Check who is calling" in text and "Sat 14 May 2016" in text
    assert "Stage:" not in text and "Tom Baker" not in text, "nothing but the checks before verification"
    assert not app.screen.query(CaseCard)
    await pilot.press("enter")  # the first caller in the list: Sarah Smith, mother
    await pilot.press("tab", "space", "tab", "space")  # date of birth and postcode confirmed
    await settle(pilot)
    assert app.call is not None and app.call.verified
    assert app.screen.query(CaseCard)


async def test_log_and_accept_handoff(make_app: AppFactory, seeded: Seeded, sqlite_db: Database) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:  # the one journey typed key by key, as a person would
        await open_and_verify(pilot, seeded, keys=True)
        text = screen_text(app)
        assert "covering today: Priya Shah" in text and "week 15 of 20" in text
        assert "[DUE SOON]" in text  # the state in words, not colour alone
        assert "Tell the family: If the council decides not to issue a plan, it must tell you by Tue 24 Feb" in text
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, LogCallScreen)
        assert app.focused is not None and app.focused.id == "reason"
        await pilot.press("enter", "down", "enter")  # blank, assessment progress (the stage's reasons first)
        await pilot.press("tab", "tab")  # urgent (left blank) -> notes
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"Asked when the decision is due.")
        await pilot.press("enter", *"Told her the date.")
        await pilot.press("tab", "enter", "down", "down", "enter")  # outcome: handed off
        await settle(pilot)
        assert app.call is not None and app.call.outcome == "handed_off"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HandoffScreen)
        assert "Assessment and SEND Front Door" in screen_text(app)
        await pilot.press("enter")  # accept the proposed team
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen) and app.call is None
    [call] = calls(sqlite_db)
    assert (call.case_id, call.reason, call.outcome) == (seeded.olivia, "assessment_progress", "handed_off")
    assert call.notes == "Asked when the decision is due.\nTold her the date."
    assert call.caller_contact_id == seeded.olivia_mum and call.caller_has_pr
    assert call.verified_dob and call.verified_postcode and not call.safeguarding
    [h] = handoffs(sqlite_db)
    assert (h.team_code, h.proposed_team_code, h.override_reason, h.call_id) == (
        "front_door",
        "front_door",
        "",
        call.id,
    )
    assert h.notes == call.notes and "rule 'assessment'" in h.explanation


async def test_other_team_callback_and_safeguarding(make_app: AppFactory, seeded: Seeded, sqlite_db: Database) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_and_verify(pilot, seeded)
        await pilot.press("f9")  # safeguarding, one key, from the case view
        await settle(pilot)
        assert isinstance(app.screen, SafeguardingScreen)
        text = screen_text(app)
        assert "999" in text and "0300 123 4043" in text and "0300 123 4042" in text
        await enter_text(pilot, "Mum says dad hit him")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogCallScreen)
        assert app.call is not None and app.call.reason == "safeguarding" and app.call.safeguarding
        await enter_text(pilot, "Referred to Children's Services.")
        await pilot.press("f4")  # book a callback
        await settle(pilot)
        assert isinstance(app.screen, CallbackScreen)
        await pilot.press("tab", "tab")
        await enter_text(pilot, "Grandma")
        await pilot.press("tab")
        await enter_text(pilot, "after 3pm")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogCallScreen) and app.call.outcome == "callback_booked"
        await pilot.press("f3")  # hand off as well, to another team with a reason
        await settle(pilot)
        assert isinstance(app.screen, HandoffScreen)
        await pilot.press("f7")
        await settle(pilot)
        app.screen.query_one("#other-team", Select).value = "resolution"
        await pilot.press("tab")
        await enter_text(pilot, "Family dispute ongoing")
        await pilot.press("enter")
        await settle(pilot)
        assert app.call.handoff is not None and app.call.handoff.team == "resolution"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen), screen_text(app)
    [call] = calls(sqlite_db)
    assert call.safeguarding and call.safeguarding_summary == "Mum says dad hit him"
    assert call.reason == "safeguarding" and call.outcome == "callback_booked"
    assert call.notes == "Referred to Children's Services."
    rows = {h.team_code: h for h in handoffs(sqlite_db)}
    assert set(rows) == {"resolution", "safeguarding"}
    assert (rows["resolution"].proposed_team_code, rows["resolution"].override_reason) == (
        "safeguarding",
        "Family dispute ongoing",
    )
    alert = rows["safeguarding"]
    # Due by the urgent standard the handler was shown (end of the next working day), not "now".
    assert alert.priority == "urgent" and alert.due_at.replace(tzinfo=dt.UTC) == dt.datetime(
        2026, 2, 11, 17, 0, tzinfo=dt.UTC
    )
    with sqlite_db.read() as s:
        [cb] = s.scalars(select(Callback)).all()
    assert (cb.phone, cb.contact_name, cb.preferred_time) == ("07700 900123", "Grandma", "after 3pm")
    assert cb.priority == "urgent"  # safeguarding calls are urgent: due by close of the next working day
    assert cb.due_at.replace(tzinfo=dt.UTC) == dt.datetime(2026, 2, 11, 17, 0, tzinfo=dt.UTC)


async def test_safeguarding_cannot_be_signposted(make_app: AppFactory, seeded: Seeded, sqlite_db: Database) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_and_verify(pilot, seeded)
        await pilot.press("f9")
        await enter_text(pilot, "Concern")
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.screen.query_one("#outcome", Select).value = "signposted"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogCallScreen)
        assert "cannot be closed as signposted" in screen_text(app)
    assert calls(sqlite_db) == []


async def start_no_case_call(pilot: Pilot[Any]) -> LogCallScreen:
    """Ctrl+N, fill a signposted general enquiry from "Pat Jones", and leave the cursor in the notes."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, LogCallScreen)
    screen.query_one("#no-case-kind", Select).value = "other"
    screen.query_one("#reason", Select).value = "general_enquiry"
    screen.query_one("#outcome", Select).value = "signposted"
    screen.query_one("#no-case-name").focus()
    await enter_text(pilot, "Pat Jones")
    screen.query_one("#notes").focus()
    return screen


async def test_no_case_call(make_app: AppFactory, seeded: Seeded, sqlite_db: Database) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_no_case_call(pilot)
        await enter_text(pilot, "Asked about SENDIASS.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen), screen_text(app)
    [call] = calls(sqlite_db)
    assert (call.case_id, call.caller_kind, call.caller_name, call.outcome) == (
        None,
        "other",
        "Pat Jones",
        "signposted",
    )


async def test_esc_backs_out_and_asks_before_discarding(make_app: AppFactory, seeded: Seeded) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_and_verify(pilot, seeded)
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#notes").focus()
        await enter_text(pilot, "keep me")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert "End this call without saving it?" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen) and app.call is not None and app.call.notes == "keep me"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen) and app.call is None


async def test_notes_typed_in_one_burst_with_the_save_are_stored_whole(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    """A fast typist (or a paste) delivers the last words of the notes and Ctrl+S in one terminal read; the
    save must see every character (a priority Ctrl+S binding would run before the notes box took them)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_no_case_call(pilot)
        await settle(pilot)
        note = "Asked about SENDIASS and the local offer"
        send_burst(app, note)
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen), screen_text(app)
    [call] = calls(sqlite_db)
    assert call.notes == note
