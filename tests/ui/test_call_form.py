"""The call form and the case view while writing notes (issue 12): the case beside the form, past calls in
full with who took them, contact numbers, the final-plan date, the promise in the save toast, and the
callback dialog keeping what was typed."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select

from dutyline.domain.call_draft import CallDraft
from dutyline.domain.model import CallerKind, Outcome, Reason
from dutyline.store.engine import Database
from dutyline.ui.screens.call import CallScreen
from dutyline.ui.screens.callback import CallbackScreen
from dutyline.ui.screens.log_call import LogCallScreen
from tests.ui.conftest import AppFactory, screen_text, settle
from tests.ui.seed import NOW, Seeded, handler_ctx
from tests.ui.test_safeguarding import open_case


def olivia_call_by_omar(db: Database, seeded: Seeded, notes: str) -> int:
    """A saved call about Olivia, taken by omar, with `notes`."""
    from dutyline.services import calls

    draft = CallDraft(
        started_at=NOW,
        case_id=seeded.olivia,
        caller_kind=CallerKind.CONTACT,
        caller_contact_id=seeded.olivia_mum,
        verified_dob=True,
        verified_postcode=True,
        reason=Reason.ASSESSMENT_PROGRESS,
        outcome=Outcome.RESOLVED,
        notes=notes,
    )
    return calls.log_call(handler_ctx(db, "omar"), draft.to_form()).call_id


async def test_the_case_stays_beside_the_form_and_one_key_away_when_narrow(
    make_app: AppFactory, seeded: Seeded
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_case(pilot, verify=True)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, LogCallScreen)
        text = screen_text(app)
        for seen in ("Priya Shah", "Stage:", "week 15 of 20", "Tell the family", "On the call", "Sarah Smith"):
            assert seen in text, f"{seen!r} hidden while writing notes"
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert "Tell the family" not in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        assert "Tell the family" in screen_text(app) and "Priya Shah" in screen_text(app)


async def test_case_card_shows_contacts_final_plan_and_past_calls_in_full(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    note = "Mum explained the school cannot meet the speech and language needs set out in section F; wants a call"
    olivia_call_by_omar(sqlite_db, seeded, note)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_case(pilot, verify=True)
        assert isinstance(app.screen, CallScreen)
        text = screen_text(app)
        assert "07700 900123" in text and "01727 555010" in text, "contact numbers on the case card"
        assert "Final plan due" in text
        app.screen.query_one("#case-calls", DataTable).focus()
        await settle(pilot)
        text = screen_text(app)
        assert "taken by omar" in text
        assert "wants a call" in text, "the whole note, not 40 characters of it"


async def test_save_toast_repeats_the_promise(make_app: AppFactory, seeded: Seeded) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_case(pilot, verify=True)
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#reason", Select).value = "assessment_progress"
        app.screen.query_one("#outcome", Select).value = "callback_booked"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CallbackScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any(
            "callback by Fri 13 Feb, 17:00, from the Assessment and SEND Front Door team" in m for m in messages
        ), messages


async def test_callback_dialog_keeps_the_best_time_and_checks_the_number(make_app: AppFactory, seeded: Seeded) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_case(pilot, verify=True)
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#reason", Select).value = "assessment_progress"
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, CallbackScreen)
        app.screen.query_one("#cb-time", Input).value = "after 3pm"
        app.screen.query_one("#cb-phone", Input).value = "12345"
        await settle(pilot)
        assert "cannot be dialled" in screen_text(app), "the number is checked in the field"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert app.screen.query_one("#cb-time", Input).value == "after 3pm", "Esc lost the best time"


async def test_a_bad_number_in_the_no_case_form_is_flagged_in_the_field(make_app: AppFactory, seeded: Seeded) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        app.screen.query_one("#no-case-phone", Input).value = "0770"
        await settle(pilot)
        assert "cannot be dialled" in screen_text(app)


async def test_case_card_shows_a_correction_with_the_superseded_note_beside_it(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    from dutyline.services.call_corrections import correct_call

    call_id = olivia_call_by_omar(sqlite_db, seeded, "Mum says the annual review is on Tuesday")
    correct_call(handler_ctx(sqlite_db, "hana"), call_id, "Annual review moved to Thursday 12 March")
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await open_case(pilot, verify=True)
        app.screen.query_one("#case-calls", DataTable).focus()
        await settle(pilot)
        text = screen_text(app)
        assert "(corrected)" in text, "the list says the call was corrected"
        assert "Corrected by hana" in text and "Thursday 12 March" in text, "the correction that stands"
        assert "SUPERSEDED" in text and "annual review is on Tuesday" in text, "and the text it replaced"


async def test_ctrl_e_corrects_the_highlighted_past_call_and_keeps_the_first_note(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    """Corrections were CLI-only: a handler on a call could see a wrong note but not fix it. Ctrl+E on a
    past call opens its note; an unchanged or empty note is refused in words; Ctrl+S saves a new row."""
    from sqlalchemy import select
    from textual.widgets import TextArea

    from dutyline.store.tables import Call, CallCorrection
    from dutyline.ui.screens.correct_note import CorrectNoteScreen

    call_id = olivia_call_by_omar(sqlite_db, seeded, "Mum says the school is [b]Oak Hill[/b]")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_case(pilot, verify=True)
        app.screen.query_one("#case-calls", DataTable).focus()
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, CorrectNoteScreen)
        box = app.screen.query_one("#cn-note", TextArea)
        assert box.text == "Mum says the school is [b]Oak Hill[/b]"  # as data, never markup
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Nothing to save" in screen_text(app) and isinstance(app.screen, CorrectNoteScreen)
        box.text = "Mum says the school is Oak Hall, not Oak Hill"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        text = screen_text(app)
        assert "(corrected)" in text and "SUPERSEDED" in text
    with sqlite_db.read() as session:
        fixes = list(session.scalars(select(CallCorrection).where(CallCorrection.call_id == call_id)))
        original = session.get(Call, call_id)
    assert [(f.notes, f.staff_login) for f in fixes] == [("Mum says the school is Oak Hall, not Oak Hill", "hana")]
    assert original is not None and original.notes == "Mum says the school is [b]Oak Hill[/b]"


async def test_ctrl_e_is_not_offered_before_the_caller_is_verified(make_app: AppFactory, seeded: Seeded) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_case(pilot, verify=False)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
