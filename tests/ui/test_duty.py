"""The duty officer's screen, driven with the Pilot on SQLite: layout at 80x24 and 120x40, hostile text,
and every key (claim, complete, failed attempt, release, reassign, accept, manager view)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rich.text import Text
from sqlalchemy import select
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, TextArea

from dutyline.domain.model import Role
from dutyline.services.context import Context
from dutyline.store.engine import Database
from dutyline.store.tables import Call, Callback, Handoff
from dutyline.ui.duty import DutyScreen
from dutyline.ui.duty.detail import DutyDetail
from tests.test_queue_support import T0, FakeClock, add_callback, add_case, add_handoff, context, seed_teams
from tests.ui.conftest import screen_actions, screen_text, settle
from tests.ui.seed import HOSTILE_NAME, HOSTILE_NOTE


class DutyApp(App[None]):
    """A bare app around DutyScreen, as a desk running only duty mode."""

    def __init__(self, ctx: Context, *, live_updates: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.live_updates = live_updates

    def on_mount(self) -> None:
        self.push_screen(DutyScreen(self.ctx, live_updates=self.live_updates))


@pytest.fixture
def ids(sqlite_db: Database) -> dict[str, int]:
    seed_teams(sqlite_db)
    with sqlite_db.write() as s:
        case = add_case(s, first="Olivia", last="Smith", officer="Priya Shah")
        hostile = add_case(s, first=HOSTILE_NAME, last="Smyth\x1b[2J")
        out = {
            "late": add_callback(s, case=case, due=T0 - dt.timedelta(hours=2)).id,
            "soon": add_callback(
                s, due=T0 + dt.timedelta(minutes=40), case=hostile, contact="[@click=app.quit]Mum[/]"
            ).id,
            "urgent": add_callback(s, due=T0 + dt.timedelta(days=2), urgent=True, case=case).id,
            "handoff": add_handoff(s, due=T0 + dt.timedelta(hours=5), case=case).id,
            "other_team": add_callback(s, team="resolution").id,
            "case": case.id,
        }
        s.get(Callback, out["soon"]).notes = HOSTILE_NOTE  # type: ignore[union-attr]  # just inserted
    return out


def duty_ctx(db: Database, login: str = "dora", role: Role = Role.DUTY_OFFICER) -> Context:
    return context(db, login, role, clock=FakeClock())


def table(pilot: Pilot[Any]) -> DataTable[Any]:
    return pilot.app.screen.query_one("#duty-queue", DataTable)


def keys(pilot: Pilot[Any]) -> list[str]:
    return [str(k.value) for k in table(pilot).rows]


def cell(pilot: Pilot[Any], key: str, column: str) -> str:
    value = table(pilot).get_cell(key, column)
    assert isinstance(value, Text)
    return value.plain


async def select_row(pilot: Pilot[Any], key: str) -> None:
    t = table(pilot)
    t.move_cursor(row=t.get_row_index(key))
    await settle(pilot)


@pytest.mark.parametrize("size", [(160, 45), (120, 40), (80, 24)])
async def test_queue_layout_order_and_flags(sqlite_db: Database, ids: dict[str, int], size: tuple[int, int]) -> None:
    app = DutyApp(duty_ctx(sqlite_db))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert keys(pilot) == [
            f"callback:{ids['urgent']}",
            f"callback:{ids['late']}",
            f"callback:{ids['soon']}",
            f"handoff:{ids['handoff']}",
        ]
        cells = table(pilot).get_row(f"callback:{ids['late']}")
        assert all(isinstance(c, Text) for c in cells)
        assert cells[0].plain == "OVERDUE" and "red" in str(cells[0].style)
        soon = table(pilot).get_row(f"callback:{ids['soon']}")
        assert soon[0].plain == "DUE SOON" and soon[1].plain == "40 wm left"
        assert app.screen.has_class("-narrow") is (size[0] < 150)
        text = screen_text(app)
        assert "OVERDUE" in text and "URGENT" in text
        assert "Claim" in text  # footer keys fit
        first_line = text.splitlines()[5]  # the first queue row: flag, time left, case, child, status visible
        assert "URGENT" in first_line and "EHC-" in first_line and "Olivia Smith" in first_line
        assert "open" in first_line


async def test_hostile_text_is_literal_and_inert(sqlite_db: Database, ids: dict[str, int]) -> None:
    app = DutyApp(duty_ctx(sqlite_db))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await select_row(pilot, f"callback:{ids['soon']}")
        await pilot.pause(0.5)
        await settle(pilot)
        text = screen_text(app)
        assert "[@click=app.quit]Mum[/]" in text
        assert "[bold]Evil[/]" in text
        assert screen_actions(app) == []
        assert "\x1b" not in text and "\u202e" not in text


async def test_claim_complete_logs_call(sqlite_db: Database, ids: dict[str, int]) -> None:
    app = DutyApp(duty_ctx(sqlite_db))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        key = f"callback:{ids['late']}"
        await select_row(pilot, key)
        await pilot.press("d")  # not claimed yet: refused with a hint, no form
        await settle(pilot)
        assert isinstance(app.screen, DutyScreen)
        await pilot.press("c")
        await settle(pilot)
        assert cell(pilot, key, "status") == "yours"
        assert key in app.screen.tickets
        await pilot.press("d")
        await settle(pilot)
        app.screen.query_one("#notes", TextArea).insert("Explained next steps")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DutyScreen) and key not in keys(pilot)
    with sqlite_db.read() as s:
        row = s.get(Callback, ids["late"])
        assert row is not None and (row.status, row.outcome, row.completed_by) == ("done", "resolved", "dora")
        call = s.scalar(select(Call).where(Call.callback_id == ids["late"]))
        assert call is not None and call.notes == "Explained next steps" and call.case_id == ids["case"]


async def test_attempt_release_reassign_accept(sqlite_db: Database, ids: dict[str, int]) -> None:
    app = DutyApp(duty_ctx(sqlite_db))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        urgent = f"callback:{ids['urgent']}"
        await select_row(pilot, urgent)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#note", Input).value = "rang twice"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert cell(pilot, urgent, "status") == "open (1 try)"
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert cell(pilot, urgent, "status") == "open (1 try)"
        await pilot.press("t")
        await settle(pilot)
        app.screen.query_one("#team", Select).value = "resolution"
        app.screen.query_one("#reason", Input).value = "tribunal question"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert urgent not in keys(pilot)
        await select_row(pilot, f"handoff:{ids['handoff']}")
        await pilot.press("a")
        await settle(pilot)
        assert f"handoff:{ids['handoff']}" not in keys(pilot)
    with sqlite_db.read() as s:
        cb = s.get(Callback, ids["urgent"])
        ho = s.get(Handoff, ids["handoff"])
        assert cb is not None and (cb.team_code, cb.attempts) == ("resolution", 1)
        assert "rang twice" in cb.notes and "tribunal question" in cb.notes
        assert ho is not None and ho.outcome == "accepted"


async def test_refusal_is_shown_in_plain_words(sqlite_db: Database, ids: dict[str, int]) -> None:
    app = DutyApp(duty_ctx(sqlite_db))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        from dutyline.services import queue

        queue.claim(duty_ctx(sqlite_db, "ed"), "callback", ids["urgent"])  # another desk, same moment
        await select_row(pilot, f"callback:{ids['urgent']}")
        await pilot.press("c")
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("claimed by ed" in m for m in messages)


@pytest.mark.parametrize("size", [(160, 45), (120, 40)])
async def test_case_summary_beside_selected_item(
    sqlite_db: Database, ids: dict[str, int], size: tuple[int, int]
) -> None:
    app = DutyApp(duty_ctx(sqlite_db))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await select_row(pilot, f"callback:{ids['late']}")
        await pilot.pause(0.5)
        await settle(pilot)
        detail = screen_text(app)
        assert "Olivia Smith" in detail and "Priya Shah" in detail and "Stage:" in detail
        assert app.screen.query_one(DutyDetail).display


async def test_manager_view(sqlite_db: Database, ids: dict[str, int]) -> None:
    app = DutyApp(duty_ctx(sqlite_db, "mo", Role.TEAM_MANAGER))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        text = screen_text(app)
        assert "OVERDUE open: 1" in text and "Completed on time: 0" in text
    with sqlite_db.read() as s:
        assert s.get(Callback, ids["late"]).escalated  # type: ignore[union-attr]  # None fails too


async def test_status_filter_shows_done(sqlite_db: Database, ids: dict[str, int]) -> None:
    from dutyline.services import queue

    dora = duty_ctx(sqlite_db)
    queue.complete(dora, "callback", ids["late"], queue.claim(dora, "callback", ids["late"]).token, "resolved")
    app = DutyApp(duty_ctx(sqlite_db))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one("#duty-status", Select).value = "done"
        await settle(pilot)
        assert keys(pilot) == [f"callback:{ids['late']}"]
        assert cell(pilot, f"callback:{ids['late']}", "status") == "done by dora"


async def test_app_opens_straight_into_duty_mode(sqlite_db: Database, ids: dict[str, int]) -> None:
    """`dutyline --mode duty`: the handler app starts on this screen; F10 switches back and forth."""
    from dutyline.domain.policy import load_policy
    from dutyline.services.search import SearchService
    from dutyline.ui.app import DutylineApp

    ctx = duty_ctx(sqlite_db)
    ctx.policy = load_policy(None)
    app = DutylineApp(ctx, SearchService(sqlite_db), mode="duty", idle_lock_s=3600, idle_check_s=3600, autosave_s=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, 5)
        assert isinstance(app.screen, DutyScreen)
        assert f"callback:{ids['late']}" in keys(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert not isinstance(app.screen, DutyScreen)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, DutyScreen)
