"""Changing a contact's details from a call (F8), checked against what was STORED.

A saved phone reaches the contact row (with its search key and a new version) and the case's updated_at
(so search sees the new number); someone else's earlier save is shown, never overwritten; validation
speaks plain words; hostile names stay literal and inert in the dialog.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Select

from dutyline.services import calls as call_service
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Case, Contact
from dutyline.ui.screens.call import CallScreen
from dutyline.ui.screens.contact_edit import ContactEditScreen, contact_problems
from tests.ui.conftest import AppFactory, enter_text, screen_actions, screen_text, send_burst, settle
from tests.ui.seed import NOW, Seeded, handler_ctx
from tests.ui.test_journey import open_and_verify


def contact(db: Database, contact_id: int) -> Contact:
    with db.read() as s:
        row = s.get(Contact, contact_id)
        assert row is not None
        return row


def case_updated(db: Database, case_id: int) -> dt.datetime:
    with db.read() as s:
        value = s.scalar(select(Case.updated_at).where(Case.id == case_id))
        assert value is not None
        return value.replace(tzinfo=value.tzinfo or dt.UTC)


def phone_box(app: App[Any]) -> Input:
    return app.screen.query_one("#ce-phone", Input)


async def open_contact_form(pilot: Pilot[Any], seeded: Seeded) -> ContactEditScreen:
    """Open Olivia's case, verify her mother as the caller, press F8."""
    await open_and_verify(pilot, seeded)
    await pilot.press("f8")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ContactEditScreen)
    return screen


async def test_f8_changes_the_callers_phone(make_app: AppFactory, seeded: Seeded, sqlite_db: Database) -> None:
    before = contact(sqlite_db, seeded.olivia_mum)
    updated_before = case_updated(sqlite_db, seeded.olivia)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await enter_text(pilot, "olivai smyth")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f8")  # not before the caller is verified: contact details are case details
        await settle(pilot)
        assert isinstance(app.screen, CallScreen) and "f8" not in app.screen.active_bindings
        await pilot.press("enter", "tab", "space", "tab", "space")
        await settle(pilot)
        assert "f8 Contact" in screen_text(app).replace("\xa0", " "), "the key shows in the footer once verified"
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ContactEditScreen)
        text = screen_text(app)
        assert "Change contact details" in text and "Sarah Smith (mother)" in text, "the caller is chosen"
        assert app.focused is phone_box(app) and phone_box(app).value == "07700 900123"
        await pilot.press(*"12345", "ctrl+s")  # focusing selected the old number, so typing replaced it
        await settle(pilot)
        assert isinstance(app.screen, ContactEditScreen)
        assert "Phone: this is not a UK number" in screen_text(app)
        assert contact(sqlite_db, seeded.olivia_mum).phone == "07700 900123"
        phone_box(app).value = ""
        await enter_text(pilot, "+44 7700 900555")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen), screen_text(app)
        assert app.call is not None and app.call.caller_phone == "+44 7700 900555"
        assert app.screen.summary is not None
        assert any(c.phone == "+44 7700 900555" for c in app.screen.summary.case.contacts), "the case view reloaded"
    after = contact(sqlite_db, seeded.olivia_mum)
    assert (after.phone, after.phone_key, after.version) == ("+44 7700 900555", "07700900555", before.version + 1)
    assert (after.name, after.relation, after.email) == (before.name, before.relation, before.email)
    assert case_updated(sqlite_db, seeded.olivia) == NOW != updated_before
    with sqlite_db.read() as s:
        audits = s.scalars(select(AuditEvent).where(AuditEvent.action == "update_contact")).all()
    assert [(a.case_id, a.detail) for a in audits] == [(seeded.olivia, f"contact={seeded.olivia_mum} fields=phone")]


async def test_someone_elses_save_is_shown_not_overwritten(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contact_form(pilot, seeded)
        # Another desk saves Sarah's phone while this dialog is open.
        loaded = contact(sqlite_db, seeded.olivia_mum).version
        call_service.update_contact(
            handler_ctx(sqlite_db, "omar"), seeded.olivia_mum, loaded, {"phone": "07700 900999"}
        )
        await enter_text(pilot, "07700 900111")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactEditScreen), "the dialog stays open to show the conflict"
        text = screen_text(app)
        assert "Someone else changed this contact" in text
        assert "Phone changed by someone else: now 07700 900999, was 07700 900123" in text
        assert "Not saved, your phone: 07700 900111" in text
        assert phone_box(app).value == "07700 900999", "the form shows the stored details"
        assert contact(sqlite_db, seeded.olivia_mum).phone == "07700 900999"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        assert app.screen.summary is not None
        assert any(c.phone == "07700 900999" for c in app.screen.summary.case.contacts), "the case view reloaded"
        await pilot.press("f8")  # and now, knowing the new number, the handler can still change it
        await settle(pilot)
        await enter_text(pilot, "07700 900111")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen), screen_text(app)
    final = contact(sqlite_db, seeded.olivia_mum)
    assert (final.phone, final.version) == ("07700 900111", loaded + 2)


async def test_choose_another_contact_and_nothing_changed(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_contact_form(pilot, seeded)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Nothing to save" in screen_text(app)
        screen.query_one("#ce-contact", Select).value = seeded.olivia_dad
        await settle(pilot)
        assert screen.query_one("#ce-name", Input).value == "Mark Smith"
        screen.query_one("#ce-email", Input).value = "mark.smith@example.org"
        screen.query_one("#ce-contact").focus()  # Ctrl+S works wherever the focus is
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen), screen_text(app)
        assert app.call is not None and app.call.caller_contact_id == seeded.olivia_mum
        assert app.call.caller_name == "Sarah Smith", "editing another contact leaves the caller alone"
    dad = contact(sqlite_db, seeded.olivia_dad)
    assert (dad.email, dad.phone, dad.version) == ("mark.smith@example.org", "01727 555010", 2)
    assert contact(sqlite_db, seeded.olivia_mum).version == 1


async def test_hostile_contact_name_is_literal_and_inert(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    hostile = "[bold]Mum[/] [@click=app.quit]x[/] \x1b]0;pwned\x07\x1b[2J"
    with sqlite_db.write() as s:
        row = s.get(Contact, seeded.hostile_contact)
        assert row is not None
        row.name, row.relation = hostile, "[red]carer[/]"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.begin_call(seeded.hostile)
        await settle(pilot)
        await pilot.press("enter", "tab", "space", "tab", "space")
        await settle(pilot)
        assert app.call is not None and app.call.verified
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ContactEditScreen)
        text = screen_text(app)
        assert "[bold]Mum[/] [@click=app.quit]x[/] ([red]carer[/])" in text  # the chooser
        assert app.screen.query_one("#ce-name", Input).value == "[bold]Mum[/] [@click=app.quit]x[/]"
        assert "\x1b" not in text and "\x07" not in text and "]0;" not in text
        assert screen_actions(app) == []
        await enter_text(pilot, "07700 900321")
        await pilot.press("ctrl+s")  # saving the phone leaves the stored name alone
        await settle(pilot)
        assert isinstance(app.screen, CallScreen) and app.is_running
    row = contact(sqlite_db, seeded.hostile_contact)
    assert (row.phone, row.name) == ("07700 900321", hostile)


async def test_keys_arriving_in_one_burst_are_typed_before_the_save(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    """A paste or a fast typist delivers the number and Ctrl+S in one read from the terminal. The save
    must see the whole number: a priority binding would run before the box had taken the keys."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contact_form(pilot, seeded)
        send_burst(app, "01727 555099")  # (the old number is selected on focus: the first key replaces it)
        await settle(pilot)
        assert isinstance(app.screen, CallScreen), screen_text(app)
    assert contact(sqlite_db, seeded.olivia_mum).phone == "01727 555099"


def test_problems_in_plain_words() -> None:
    ok = {
        "name": "Sarah Smith",
        "relationship": "mother",
        "phone": "07700 900123",
        "alt_phone": "",
        "email": "sarah@example.org",
    }
    assert contact_problems(ok) == []
    assert contact_problems(ok | {"phone": "+33 1 23 45 67 89"}) == []  # abroad, with a country code
    assert contact_problems(ok | {"name": ""}) == ["Give the contact's name."]
    assert contact_problems(ok | {"alt_phone": "0770"})[0].startswith("Other phone: this is not a UK number")
    assert contact_problems(ok | {"email": "sarah at home"})[0].startswith("Email: this does not look like")
    assert contact_problems(ok | {"phone": "0" * 41}) == [
        "Phone: this is not a UK number we can ring. Type 10 or 11 digits starting 0 (or +44 / +country "
        "code), or leave it empty.",
        "Phone: too long (40 characters at most).",
    ]


async def test_palette_opens_the_contact_form(make_app: AppFactory, seeded: Seeded) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_and_verify(pilot, seeded)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await enter_text(pilot, "change a contact")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactEditScreen), screen_text(app)
