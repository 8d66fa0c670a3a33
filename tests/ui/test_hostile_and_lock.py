"""Names and notes are data (docs/PRIVACY.md, C1 and C2), and an unattended desk locks (C8).

Hostile text (markup, click actions, terminal escapes, bidi overrides) must show literally, run nothing
and never reach the terminal as control characters. The idle lock is driven by a fake clock.
"""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, TextArea

from dutyline.domain.call_form import build_call_form
from dutyline.services import calls as call_service
from dutyline.services import drafts
from dutyline.store.engine import Database
from dutyline.ui.screens.call import CallScreen
from dutyline.ui.screens.lock import IdleWarning, LockScreen
from dutyline.ui.screens.log_call import LogCallScreen
from dutyline.ui.screens.search import SearchScreen
from tests.ui.conftest import AppFactory, FakeClock, enter_text, screen_actions, screen_text, settle
from tests.ui.seed import HOSTILE_NOTE, NOW, Seeded, handler_ctx


async def test_hostile_names_and_notes_show_literally(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    call_service.log_call(
        handler_ctx(sqlite_db),
        build_call_form(
            dict(
                case_id=seeded.hostile,
                started_at=NOW - dt.timedelta(hours=2),
                caller_kind="other",
                caller_name="[b]Caller[/b]",
                reason="general_enquiry",
                notes=HOSTILE_NOTE,
                outcome="resolved",
            )
        ),
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await enter_text(pilot, "Evil Smyth")
        await settle(pilot)
        text = screen_text(app)
        assert "[bold]Evil[/] [@click=" in text  # (the name column is cut at 26 characters)
        assert "[red]School[/]" in text and "\x1b" not in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        assert "[@click=app.quit]Mum[/]" in screen_text(app)
        assert "[bold]Evil[/] [@click=app.quit]Click[/]" in screen_text(app)
        await pilot.press("enter", "tab", "space", "tab", "space")
        await settle(pilot)
        text = screen_text(app)
        assert "[red]School[/]" in text and "[b]Caller[/b]" in text
        assert "Mum said [/] and [@click=app.quit]x[/]" in text
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
        assert "]0;" not in text  # the OSC sequence was removed whole, not left as junk
        assert screen_actions(app) == [], "hostile markup must not create clickable actions"
        for y in range(2, 30):  # clicking anywhere on the hostile text does nothing
            await pilot.click(offset=(10, y))
        await settle(pilot)
        assert app.is_running and app.return_code is None


async def test_idle_warning_lock_and_unlock_rules(make_app: AppFactory, seeded: Seeded, sqlite_db: Database) -> None:
    clock = FakeClock()
    app = make_app(monotonic=clock, idle_lock_s=300)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        app.screen.query_one("#notes").focus()
        await enter_text(pilot, "Private words about Olivia")
        clock.t += 269
        app.idle_tick()
        await settle(pilot)
        assert not isinstance(app.screen, IdleWarning)
        clock.t += 2  # 271 s idle: inside the last 30 s
        app.idle_tick()
        await settle(pilot)
        assert isinstance(app.screen, IdleWarning)
        assert "lock in 29 seconds" in screen_text(app)
        # It is a draft, not a logged call: the warning must not suggest the call was saved (issue 12).
        assert "kept as a draft (not logged)" in screen_text(app)
        assert "Your call is saved" not in screen_text(app)
        await pilot.press("x")  # any key extends
        await settle(pilot)
        assert isinstance(app.screen, LogCallScreen) and not app.locked
        clock.t += 301
        app.idle_tick()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen) and app.locked
        text = screen_text(app)
        for private in ("Private", "Olivia", "Smith", "HCC-", "Hana"):
            assert private not in text, f"{private!r} visible on the lock screen"
        # The login box is prefilled with the locked person's login (a staff login, not a child's data),
        # and the PIN box has the focus: the usual unlock is just the PIN.
        assert app.screen.query_one("#lock-login", Input).value == "hana"
        assert app.focused is not None and app.focused.id == "lock-pin"
        assert drafts.load_draft(handler_ctx(sqlite_db, "hana"))["notes"] == "Private words about Olivia"
        await pilot.press("f9", "ctrl+p")  # no way round the lock
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        await pilot.press(*"9999", "enter")  # wrong PIN
        await settle(pilot)
        assert isinstance(app.screen, LockScreen) and "PIN is not right" in screen_text(app)
        await pilot.press(*"1111", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LogCallScreen) and app.call is not None
        assert app.call.notes == "Private words about Olivia"
        app.action_lock()
        await settle(pilot)
        # someone else sits down: Shift+Tab back to the login box, clear it, type theirs, Tab to the PIN
        await pilot.press("shift+tab", "ctrl+u", *"omar", "tab", *"2222", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen) and app.call is None
        assert app.desk.actor.login == "omar"
        assert "Private words" not in screen_text(app)
    assert drafts.load_draft(handler_ctx(sqlite_db, "omar")) is None
    assert drafts.load_draft(handler_ctx(sqlite_db, "hana"))["notes"] == "Private words about Olivia"


async def test_draft_offered_back_whole(make_app: AppFactory, seeded: Seeded, sqlite_db: Database) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await enter_text(pilot, "olivia smith")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter", "tab", "space", "tab", "space", "f2")
        await settle(pilot)
        app.screen.query_one("#notes").focus()
        await enter_text(pilot, "Line one\n[b]line two[/b]")
        app.autosave()
        await settle(pilot)
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Unfinished call found" in screen_text(again)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(again.screen, LogCallScreen)
        assert again.screen.query_one("#notes", TextArea).text == "Line one\n[b]line two[/b]"
        assert again.call is not None and again.call.verified and again.call.caller_contact_id == seeded.olivia_mum


def test_an_unknown_login_is_never_echoed(sqlite_db: Database) -> None:
    """A PIN typed into the login box ('root9999') must not come back on screen in the refusal."""
    from dutyline.services.staff import NotAuthorised, verify_pin
    from dutyline.store.uow import SqlUnitOfWork

    try:
        verify_pin(SqlUnitOfWork(sqlite_db), "root9999", "1234")
    except NotAuthorised as exc:
        assert "9999" not in str(exc) and "root" not in str(exc)
    else:  # pragma: no cover - the login does not exist
        raise AssertionError("an unknown login was let in")
