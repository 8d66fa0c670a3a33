"""Every action is declared once (dutyline.ui.actions) and everything else is derived from it: each screen's
bindings, the command palette, the help screen and the README's key tables."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.screen import Screen

from dutyline.ui.actions import ACTIONS, BY_ID, help_text, readme_rows
from dutyline.ui.commands import DeskCommands
from dutyline.ui.duty.forms import DutyForm
from dutyline.ui.duty.manager import ManagerScreen
from dutyline.ui.duty.screen import DutyScreen
from dutyline.ui.screens.call import CallScreen
from dutyline.ui.screens.callback import CallbackScreen
from dutyline.ui.screens.contact_edit import ContactEditScreen
from dutyline.ui.screens.correct_note import CorrectNoteScreen
from dutyline.ui.screens.dialogs import ConfirmEnd, DraftOffer, HelpScreen
from dutyline.ui.screens.handoff import HandoffScreen
from dutyline.ui.screens.lock import IdleWarning
from dutyline.ui.screens.log_call import LogCallScreen
from dutyline.ui.screens.safeguarding import SafeguardingScreen
from dutyline.ui.screens.search import SearchScreen
from dutyline.ui.workspace.review import DisputeForm, ItemModal, ReviewScreen  # noqa: E402
from dutyline.ui.workspace.screen import WorkspaceScreen  # noqa: E402
from tests.ui.conftest import AppFactory, settle
from tests.ui.seed import Seeded

README = Path(__file__).resolve().parents[2] / "README.md"
SCREENS: list[type[Screen[Any]]] = [
    SearchScreen,
    CallScreen,
    LogCallScreen,
    HandoffScreen,
    CallbackScreen,
    SafeguardingScreen,
    ContactEditScreen,
    CorrectNoteScreen,
    DraftOffer,
    ConfirmEnd,
    HelpScreen,
    IdleWarning,
    DutyScreen,
    DutyForm,
    ManagerScreen,
    WorkspaceScreen,
    ReviewScreen,
    DisputeForm,
    ItemModal,
]


def test_every_action_has_a_key_a_help_line_and_a_palette_title() -> None:
    assert len(BY_ID) == len(ACTIONS), "action ids are unique"
    help_screen = help_text()
    for action in ACTIONS:
        assert action.keys and action.key_text, action.id
        assert action.help and action.help in help_screen, action.id
        assert action.title, action.id
        assert action.where, action.id


def test_every_screen_binding_comes_from_the_action_list() -> None:
    for screen in SCREENS:
        for binding in screen.BINDINGS:
            assert isinstance(binding, Binding), screen
            assert binding.id in BY_ID, f"{screen.__name__}: {binding.key} is not declared in ui/actions.py"
            action = BY_ID[binding.id]
            assert (binding.key, binding.action, binding.description) == (action.keys, action.run, action.label)


def test_every_action_is_bound_on_a_screen_that_runs_it() -> None:
    from dutyline.ui.app import DutylineApp

    for action in ACTIONS:
        candidates: list[type[Screen[Any]] | type[DutylineApp]] = [*SCREENS, DutylineApp]
        hosts = [s for s in candidates if any(isinstance(b, Binding) and b.id == action.id for b in s.BINDINGS)]
        assert hosts, f"{action.id} is bound nowhere"
        for host in hosts:
            assert hasattr(host, action.method), f"{host.__name__} has no {action.method}"


def _readme_table(title: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    keys = text[text.index("## Keys") :]
    section = keys[keys.index(title) :]
    table = section[section.index("| key |") :]
    rows = []
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


@pytest.mark.parametrize(("title", "duty"), [("**Call handler**", False), ("**Duty officer**", True)])
def test_readme_key_tables_match_the_action_list(title: str, duty: bool) -> None:
    assert _readme_table(title) == readme_rows(duty=duty)


async def test_palette_lists_every_action(make_app: AppFactory, seeded: Seeded) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = DeskCommands(app.screen)
        titles = set()
        for action in ACTIONS:
            if action.move:
                continue
            hits = [hit async for hit in provider.search(action.title)]
            titles |= {re.sub(r"\s+", " ", str(h.text)) for h in hits}
            assert any(action.title in str(h.text) for h in hits), action.id
