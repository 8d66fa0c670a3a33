"""The team manager's view: promises kept and broken, and every overdue item (escalated) to chase."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from dutyline.domain.queue import TeamReport
from dutyline.domain.text import one_line
from dutyline.services import queue
from dutyline.services.context import Context
from dutyline.ui.actions import Where, bindings
from dutyline.ui.duty.rows import COLUMNS, OVERDUE_STYLE, row_cells, team_name
from dutyline.ui.errors import describe
from dutyline.ui.safe import plain, when


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} wh"


def report_lines(report: TeamReport, team: str = "") -> Text:
    """The summary above the overdue list; `team` is the team's name (its code when empty)."""
    kept = report.kept_ratio
    out = Text(end="")
    out.append(f"Team {one_line(team or report.team_code)} · as of {when(report.as_of)} · last 28 days\n", style="bold")
    out.append(
        f"Completed on time: {report.completed_on_time}   Completed late: {report.completed_late}"
        + (f"   Kept: {kept:.0%}" if kept is not None else "")
        + "\n"
    )
    out.append(f"Open, not yet due: {report.open_on_time}   ")
    out.append(
        f"OVERDUE open: {report.overdue_open} (escalated {report.escalated_open})",
        style=OVERDUE_STYLE if report.overdue_open else "",
    )
    out.append(f"   Cancelled: {report.cancelled}\n")
    out.append(
        f"Time to complete (working hours): p50 {_hours(report.p50_hours_to_complete)} · "
        f"p95 {_hours(report.p95_hours_to_complete)}"
    )
    return out


class ManagerScreen(ModalScreen[None]):
    """Loads `manager_view` in a worker; Esc closes, R reloads."""

    BINDINGS = bindings(Where.MANAGER)
    DEFAULT_CSS = """
    ManagerScreen { align: center middle; }
    ManagerScreen > Vertical { background: $panel; border: thick $accent; padding: 0 1; width: 96%;
                               height: 90%; }
    ManagerScreen #mgr-summary { height: auto; margin-bottom: 1; }
    ManagerScreen DataTable { height: 1fr; }
    """

    def __init__(self, ctx: Context, team: str | None) -> None:
        """`team` None: every team the manager oversees ("All my teams" on the duty screen)."""
        super().__init__()
        self.ctx = ctx
        self.team = team

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Loading the team report…"), id="mgr-summary", markup=False)
            yield Static(Text("Overdue promises (oldest first)", style="bold"), markup=False)
            yield DataTable(id="mgr-overdue", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # The headers come from the same list as the cells (they were typed twice here, in another order,
        # so a case reference sat under "Due" and a child's name under "Case").
        table.add_columns(*(header for _key, header in COLUMNS))
        self.action_reload()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="manager", exit_on_error=False)
    def load(self) -> None:
        report = queue.manager_view(self.ctx, self.team)
        self.app.call_from_thread(self.show, report)

    def show(self, report: TeamReport) -> None:
        self.report = report
        self.query_one("#mgr-summary", Static).update(
            report_lines(report, "all teams" if self.team is None else team_name(self.ctx.policy, report.team_code))
        )
        table = self.query_one(DataTable)
        table.clear()
        for item in report.overdue_items:
            table.add_row(*row_cells(item, self.ctx.actor.login, self.ctx.policy), key=item.key)
        if not report.overdue_items:
            table.add_row(Text("None overdue"), *(plain("") for _ in COLUMNS[1:]))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.query_one("#mgr-summary", Static).update(Text(describe(event.worker.error)))
