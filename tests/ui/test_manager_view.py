"""The old manager view (M on the duty screen): 'All my teams' reports on every team, and its overdue
table's headers sit over the right cells. Both failed before: it reported the first team only (OVERDUE
open: 1 here, with 2 overdue in the queue) and put a case reference under "Due"."""

from __future__ import annotations

import datetime as dt
import re

from textual.widgets import DataTable

from dutyline.domain.model import Role
from dutyline.store.engine import Database
from dutyline.ui.duty.manager import ManagerScreen
from tests.test_queue_support import T0, add_callback
from tests.ui.conftest import screen_text, settle
from tests.ui.test_duty import DutyApp, duty_ctx, ids  # noqa: F401 - the fixture is used by name


async def test_all_my_teams_reports_every_team(sqlite_db: Database, ids: dict[str, int]) -> None:  # noqa: F811
    with sqlite_db.write() as s:
        add_callback(s, team="resolution", due=T0 - dt.timedelta(hours=3))
    app = DutyApp(duty_ctx(sqlite_db, "mo", Role.TEAM_MANAGER))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ManagerScreen) and app.screen.team is None
        text = screen_text(app)
        assert "Team all teams" in text and "OVERDUE open: 2" in text
        assert app.screen.query_one("#mgr-overdue", DataTable).row_count == 2


async def test_overdue_columns_line_up(sqlite_db: Database, ids: dict[str, int]) -> None:  # noqa: F811
    app = DutyApp(duty_ctx(sqlite_db, "mo", Role.TEAM_MANAGER))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        table = app.screen.query_one("#mgr-overdue", DataTable)
        labels = [str(c.label) for c in table.ordered_columns]
        row = dict(zip(labels, (c.plain for c in table.get_row_at(0)), strict=True))
        assert re.fullmatch(r"EHC-\d{6}", row["Case"])
        assert row["Child"] == "Olivia Smith"
        assert re.fullmatch(r"(\w{3} )?\d{1,2}(:\d\d| \w{3} \d\d:\d\d)|\d\d:\d\d", row["Due"])
        assert row["What"] == "Callback" and row["Flag"].startswith("OVERDUE")
        assert row["Status"].startswith("open")
