"""The duty queue names teams as the policy does ("Assessment and SEND Front Door"), not by code.

The Team column cuts long names at TEAM_WIDTH with "…" so the queue stays narrow; the pane beside it
shows the whole name. A team code the policy no longer knows is shown as it is.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import App
from textual.widgets import DataTable

from dutyline.domain.model import ItemStatus, Priority
from dutyline.domain.policy import load_policy
from dutyline.domain.queue import ItemKind, QueueItem
from dutyline.services.context import Context
from dutyline.store.engine import Database
from dutyline.ui.duty import DutyScreen
from dutyline.ui.duty.rows import TEAM_WIDTH, clip, row_cells, team_name
from tests.contexts import make_context
from tests.test_queue_support import T0, FakeClock, actor, add_callback, add_case, seed_teams
from tests.ui.conftest import screen_text, settle

POLICY = load_policy(None)


def test_team_name_and_clip() -> None:
    assert team_name(POLICY, "front_door") == "Assessment and SEND Front Door"
    assert team_name(POLICY, "gone_team") == "gone_team"
    assert team_name(None, "front_door") == "front_door"
    assert clip("Annual Review East", TEAM_WIDTH) == "Annual Review East"
    assert clip("Assessment and SEND Front Door", TEAM_WIDTH) == "Assessment and SEND F…"
    assert clip("Provision, Outcomes and Placement", TEAM_WIDTH) == "Provision, Outcomes a…"
    assert len(clip("x" * 40, TEAM_WIDTH)) == TEAM_WIDTH


def test_row_team_cell_uses_the_policy() -> None:
    item = QueueItem(
        kind=ItemKind.CALLBACK,
        id=1,
        team_code="resolution",
        priority=Priority.STANDARD,
        due_at=T0,
        status=ItemStatus.OPEN,
        created_at=T0,
        as_of=T0,
    )
    cells = row_cells(item, "dora", POLICY)
    assert isinstance(cells[-1], Text) and cells[-1].plain == "Resolution and Reconc…"
    assert row_cells(item, "dora")[-1].plain == "resolution"  # no policy: the code


class DutyApp(App[None]):
    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx

    def on_mount(self) -> None:
        self.push_screen(DutyScreen(self.ctx, live_updates=False))


async def test_queue_and_pane_show_team_names(sqlite_db: Database) -> None:
    seed_teams(sqlite_db)
    with sqlite_db.write() as s:
        case = add_case(s, first="Olivia", last="Smith")
        cb = add_callback(s, case=case, due=T0 + dt.timedelta(hours=1)).id
    ctx = make_context(sqlite_db, actor=actor("dora"), clock=FakeClock(), policy=POLICY)
    app = DutyApp(ctx)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#duty-queue", DataTable)
        cell = table.get_cell(f"callback:{cb}", "team")
        assert isinstance(cell, Text) and cell.plain == "Assessment and SEND F…"
        text = screen_text(app)
        assert "Assessment and SEND F…" in text and "front_door" not in text
        assert "Assessment and SEND Front Door" in text  # whole, in the pane beside the queue
