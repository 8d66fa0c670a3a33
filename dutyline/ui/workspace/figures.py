"""The three figure tabs, Promises, Calls and Quality: each loads its report in a thread worker (the
service audits the read) and shows it twice, a terminal chart and the same figures as tables that fit
80 columns, with every figure's definition underneath.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from dutyline.domain.policy import Policy
from dutyline.domain.quality.report import DEFINITIONS as QUALITY_DEFS
from dutyline.domain.quality.report import QualityReport
from dutyline.domain.reports.call_figures import DEFINITIONS as CALL_DEFS
from dutyline.domain.reports.call_figures import CallsReport
from dutyline.domain.reports.period import Period
from dutyline.domain.reports.promises import DEFINITIONS as PROMISE_DEFS
from dutyline.domain.reports.promises import PromiseItem, PromisesReport
from dutyline.services import quality_report, reports
from dutyline.ui.safe import plain
from dutyline.ui.workspace import charts
from dutyline.ui.workspace import figure_tables as tables
from dutyline.ui.workspace.pane import Pane, definitions, fill


def figure_help() -> str:
    """Every figure's one-line definition for the help screen (F1), from the same tables the tabs show."""
    lines = ["FIGURES (each is shown with its count N)"]
    for title, defs in (("Promises", PROMISE_DEFS), ("Calls", CALL_DEFS), ("Quality", QUALITY_DEFS)):
        lines.append(f"  {title}")
        lines += [f"    {key.replace('_', ' ')}: {text}" for key, text in defs.items()]
    return "\n".join(lines)


class FigurePane(Pane):
    """A tab of figures: `fetch` runs in a worker thread (the service audits the read), `show` on the UI."""

    #: The first words of the tab's heading ("Calls · all teams · last 4 weeks").
    WHAT: ClassVar[str]

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self, team: str | None, period: Period, head: str) -> None:
        report = self.fetch(team, period)
        self.app.call_from_thread(self.show, report, head)

    def fetch(self, team: str | None, period: Period) -> Any:
        raise NotImplementedError

    def show(self, report: Any, head: str) -> None:
        raise NotImplementedError


def caption(text: str) -> Static:
    return Static(Text(text), markup=False, classes="ws-caption")


def summary(id: str) -> Static:
    return Static(Text("Loading…"), markup=False, id=id, classes="ws-summary")


class PromisesPane(FigurePane):
    """Callbacks and hand-offs due in the period: kept, late, broken; the overdue and due-soon lists open
    their item (Enter)."""

    WHAT = "Promises due"
    overdue: list[PromiseItem]
    due_soon: list[PromiseItem]

    def compose(self) -> ComposeResult:
        self.overdue, self.due_soon = [], []
        yield summary("pr-summary")
        yield PlotextPlot(id="pr-chart")
        yield caption("By team")
        yield DataTable(id="pr-teams", cursor_type="row")
        yield caption("Overdue now, oldest first (Enter opens)")
        yield DataTable(id="pr-overdue", cursor_type="row")
        yield caption("Due within the next working hour")
        yield DataTable(id="pr-soon", cursor_type="row")
        yield caption("By officer")
        yield DataTable(id="pr-officers", cursor_type="row")
        yield caption("By reason")
        yield DataTable(id="pr-reasons", cursor_type="row")
        yield caption("By urgency")
        yield DataTable(id="pr-urgency", cursor_type="row")
        yield Static(definitions(PROMISE_DEFS), markup=False, classes="ws-summary")

    def fetch(self, team: str | None, period: Period) -> Any:
        return reports.promises(self.ctx, period, team)

    def show(self, r: PromisesReport, head: str) -> None:
        self.query_one("#pr-summary", Static).update(Text(head, style="bold") + tables.promise_summary(r))
        plot = self.query_one("#pr-chart", PlotextPlot)
        charts.promises_chart(plot.plt, r)
        plot.refresh()
        names = self.team_names()
        fill(self.query_one("#pr-teams", DataTable), tables.counts_table(r.by_team, "Team", names))
        self.overdue, self.due_soon = list(r.overdue), list(r.due_soon)
        year = self.ctx.today().year  # an item due in another year says which
        overdue, soon = tables.item_rows(r.overdue, names, year), tables.item_rows(r.due_soon, names, year)
        fill(self.query_one("#pr-overdue", DataTable), overdue, empty="None overdue")
        fill(self.query_one("#pr-soon", DataTable), soon, empty="None due soon")
        fill(self.query_one("#pr-officers", DataTable), tables.counts_table(r.by_officer, "Officer"))
        fill(self.query_one("#pr-reasons", DataTable), tables.counts_table(r.by_reason, "Reason", tables.REASON_NAMES))
        fill(self.query_one("#pr-urgency", DataTable), tables.counts_table(r.by_urgency, "Urgency"))

    @on(DataTable.RowSelected, "#pr-overdue")
    @on(DataTable.RowSelected, "#pr-soon")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on an overdue or due-soon row opens the item."""
        items = self.overdue if event.data_table.id == "pr-overdue" else self.due_soon
        if 0 <= event.cursor_row < len(items):
            self.post_message(self.Open("promise", items[event.cursor_row].key))


class CallsPane(FigurePane):
    """Volume, when calls come, where they go, overrides, first-contact resolution and the committee's
    figures."""

    WHAT = "Calls"

    def compose(self) -> ComposeResult:
        yield summary("ca-summary")
        yield PlotextPlot(id="ca-chart")
        yield caption("Calls by weekday and hour (UK time)")
        yield DataTable(id="ca-heat", cursor_type="none")
        yield caption("By reason")
        yield DataTable(id="ca-reasons", cursor_type="row")
        yield caption("Hand-offs by team")
        yield DataTable(id="ca-routed", cursor_type="row")
        yield caption("Override reasons")
        yield DataTable(id="ca-overrides", cursor_type="row")
        yield Static(definitions(CALL_DEFS), markup=False, classes="ws-summary")

    def fetch(self, team: str | None, period: Period) -> Any:
        return reports.calls(self.ctx, period, team)

    def show(self, r: CallsReport, head: str) -> None:
        self.query_one("#ca-summary", Static).update(Text(head, style="bold") + tables.calls_summary(r))
        plot = self.query_one("#ca-chart", PlotextPlot)
        charts.calls_chart(plot.plt, r)
        plot.refresh()
        fill(self.query_one("#ca-heat", DataTable), tables.heatmap_table(r))
        reasons, teams = tables.REASON_NAMES, self.team_names()
        fill(self.query_one("#ca-reasons", DataTable), tables.share_table("Reason", r.by_reason, reasons))
        fill(self.query_one("#ca-routed", DataTable), tables.share_table("Team", r.routed, teams))
        fill(self.query_one("#ca-overrides", DataTable), tables.share_table("Reason given", r.overrides.reasons))


class QualityPane(FigurePane):
    """ACT pass rates with their intervals, by item, team, month, rule and person, and the calibration
    disagreements."""

    WHAT = "ACT quality"

    def compose(self) -> ComposeResult:
        yield summary("qa-summary")
        yield PlotextPlot(id="qa-chart")
        yield caption("By scorecard item")
        yield DataTable(id="qa-items", cursor_type="row")
        yield caption("By team and by month (random sample)")
        with Horizontal(classes="ws-pair"):
            yield DataTable(id="qa-teams", cursor_type="row")
            yield DataTable(id="qa-months", cursor_type="row")
        yield caption("Targeted items, by rule (apart)")
        yield DataTable(id="qa-rules", cursor_type="row")
        yield caption("By person (random sample)")
        yield DataTable(id="qa-people", cursor_type="row")
        yield caption("Disagreements for the calibration meeting")
        yield DataTable(id="qa-disagree", cursor_type="row")
        yield Static(definitions(QUALITY_DEFS), markup=False, classes="ws-summary")

    def fetch(self, team: str | None, period: Period) -> Any:
        return quality_report.report(self.ctx, period, team)

    def show(self, r: QualityReport, head: str) -> None:
        self.query_one("#qa-summary", Static).update(Text(head, style="bold") + tables.quality_summary(r))
        plot = self.query_one("#qa-chart", PlotextPlot)
        charts.quality_chart(plot.plt, r)
        plot.refresh()
        policy = self.ctx.policy
        texts = {i.code: i.text for i in policy.quality.items} if isinstance(policy, Policy) and policy.quality else {}
        fill(self.query_one("#qa-items", DataTable), tables.items_table(r, texts))
        fill(self.query_one("#qa-people", DataTable), tables.people_table(r))
        fill(self.query_one("#qa-teams", DataTable), tables.rates_table("Team", r.rates.by_team, self.team_names()))
        fill(self.query_one("#qa-months", DataTable), tables.rates_table("Sample month", r.rates.by_month))
        fill(self.query_one("#qa-rules", DataTable), tables.rates_table("Rule", r.rates.by_rule))
        rows = [
            (Text(str(d.qa_item_id), end=""), plain(texts.get(d.code, d.code)[:40]), plain(d.first), plain(d.second))
            for d in r.agreement.disagreements
        ]
        header = ("QA item", "Scorecard item", "First review", "Blind second")
        fill(self.query_one("#qa-disagree", DataTable), (header, rows), empty="No disagreements")
