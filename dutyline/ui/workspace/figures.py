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
from dutyline.ui.workspace.pane import Pane, caption, definitions, fill


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
    #: Widget ids start with this ("pr-summary", "pr-chart", …).
    PREFIX: ClassVar[str]
    #: Under the chart: each caption with the table(s) below it (two ids: side by side).
    TABLES: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]]
    #: Every figure's one-line definition, shown at the foot of the tab.
    DEFINITIONS: ClassVar[dict[str, str]]
    #: Tables that are read, not chosen from (no row cursor).
    NO_CURSOR: ClassVar[frozenset[str]] = frozenset()

    def compose(self) -> ComposeResult:
        yield Static(Text("Loading…"), markup=False, id=f"{self.PREFIX}-summary", classes="ws-summary")
        yield PlotextPlot(id=f"{self.PREFIX}-chart")
        for text, ids in self.TABLES:
            yield caption(text)
            tables_: list[DataTable[Any]] = [
                DataTable(id=i, cursor_type="none" if i in self.NO_CURSOR else "row") for i in ids
            ]
            if len(tables_) == 1:
                yield tables_[0]
            else:
                with Horizontal(classes="ws-pair"):
                    yield from tables_
        yield Static(definitions(self.DEFINITIONS), markup=False, classes="ws-summary")

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self, team: str | None, period: Period, head: str) -> None:
        report = self.fetch(team, period)
        self.app.call_from_thread(self.show, report, head)

    def fetch(self, team: str | None, period: Period) -> Any:
        raise NotImplementedError

    def show(self, report: Any, head: str) -> None:
        raise NotImplementedError


class PromisesPane(FigurePane):
    """Callbacks and hand-offs due in the period: kept, late, broken; the overdue and due-soon lists open
    their item (Enter)."""

    WHAT = "Promises due"
    overdue: list[PromiseItem]
    due_soon: list[PromiseItem]

    PREFIX = "pr"
    TABLES = (
        ("By team", ("pr-teams",)),
        ("Overdue now, oldest first (Enter opens)", ("pr-overdue",)),
        ("Due within the next working hour", ("pr-soon",)),
        ("By officer", ("pr-officers",)),
        ("By reason", ("pr-reasons",)),
        ("By urgency", ("pr-urgency",)),
    )
    DEFINITIONS = PROMISE_DEFS

    def on_mount(self) -> None:
        self.overdue, self.due_soon = [], []

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

    PREFIX = "ca"
    TABLES = (
        ("Calls by weekday and hour (UK time)", ("ca-heat",)),
        ("By reason", ("ca-reasons",)),
        ("Hand-offs by team", ("ca-routed",)),
        ("Override reasons", ("ca-overrides",)),
    )
    DEFINITIONS = CALL_DEFS
    NO_CURSOR = frozenset({"ca-heat"})

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

    PREFIX = "qa"
    TABLES = (
        ("By scorecard item", ("qa-items",)),
        ("By team and by month (random sample)", ("qa-teams", "qa-months")),
        ("Targeted items, by rule (apart)", ("qa-rules",)),
        ("By person (random sample)", ("qa-people",)),
        ("Disagreements for the calibration meeting", ("qa-disagree",)),
    )
    DEFINITIONS = QUALITY_DEFS

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
