"""The manager's workspace: Promises, Calls and Quality for a team (or all teams) over a period, and the
review queue and "My reviews".

Every figure is loaded by a service in a thread worker (each load is audited there) and shown twice: a
terminal chart, and the same figures as a table that fits 80 columns. Tabs the person's role does not
allow are not shown; "My reviews" is there for everyone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Select, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState
from textual_plotext import PlotextPlot

from dutyline.domain.permissions import Action
from dutyline.domain.policy import Policy
from dutyline.domain.quality.record import QueueEntry, ReviewView
from dutyline.domain.quality.report import DEFINITIONS as QUALITY_DEFS
from dutyline.domain.quality.sampling import SampledItem
from dutyline.domain.reports.call_figures import DEFINITIONS as CALL_DEFS
from dutyline.domain.reports.period import Period, Preset, make_period
from dutyline.domain.reports.promises import DEFINITIONS as PROMISE_DEFS
from dutyline.domain.reports.promises import PromiseItem
from dutyline.services import quality, quality_assign, quality_report, reports
from dutyline.services.context import Context
from dutyline.ui.actions import Where, bindings
from dutyline.ui.errors import describe
from dutyline.ui.messages import LeaveWorkspace
from dutyline.ui.safe import plain
from dutyline.ui.workspace import charts
from dutyline.ui.workspace import figure_tables as tables
from dutyline.ui.workspace.resolve import AssignForm, ResolveScreen
from dutyline.ui.workspace.review import DisputeForm, ItemModal, ReviewScreen

ALL = "all"


def definitions(defs: dict[str, str]) -> Text:
    """Every figure's one-line definition, under its tab (and in `dutyline report --help`)."""
    out = Text("Definitions\n", style="bold", end="")
    for key, text in defs.items():
        out.append(f"{key.replace('_', ' ')}: ", style="italic")
        out.append(text + "\n")
    return out


def figure_help() -> str:
    """Every figure's one-line definition for the help screen (F1), from the same tables the tabs show."""
    lines = ["FIGURES (each is shown with its count N)"]
    for title, defs in (("Promises", PROMISE_DEFS), ("Calls", CALL_DEFS), ("Quality", QUALITY_DEFS)):
        lines.append(f"  {title}")
        lines += [f"    {key.replace('_', ' ')}: {text}" for key, text in defs.items()]
    return "\n".join(lines)


PERIODS = [(p.label, p.value) for p in Preset]


def fill(table: DataTable[Any], data: tables.Table, *, empty: str = "Nothing to show") -> None:
    """Replace a table's columns and rows from one (header, rows) pair, so they can never disagree."""
    header, rows = data
    table.clear(columns=True)
    table.add_columns(*header)
    for i, row in enumerate(rows):
        table.add_row(*row, key=str(i))
    if not rows:
        table.add_row(Text(empty, style="italic"), *(Text("") for _ in header[1:]))


class WorkspaceScreen(Screen[None]):
    """Team and period at the top; one tab per area; R reloads, Esc goes back."""

    BINDINGS = bindings(Where.WORKSPACE)
    #: Read by the help screen (F1): what every figure means.
    HELP_EXTRA: ClassVar[str] = figure_help()
    DEFAULT_CSS = """
    WorkspaceScreen #ws-bar { height: 3; }
    WorkspaceScreen #ws-bar Select { width: 1fr; }
    WorkspaceScreen #ws-custom { height: 3; display: none; }
    WorkspaceScreen #ws-custom.-shown { display: block; }
    WorkspaceScreen #ws-custom Input { width: 1fr; }
    WorkspaceScreen .ws-summary { height: auto; padding: 0 1; }
    WorkspaceScreen PlotextPlot { height: 12; min-height: 8; }
    WorkspaceScreen DataTable { height: auto; max-height: 16; margin-bottom: 1; }
    WorkspaceScreen .ws-caption { height: 1; padding: 0 1; text-style: bold; }
    WorkspaceScreen .ws-pair { height: auto; }
    WorkspaceScreen .ws-pair DataTable { width: 1fr; }
    """

    def __init__(self, desk: Any, *, team: str = ALL, preset: Preset = Preset.LAST_4_WEEKS) -> None:
        """`desk` is the app's Desk (its `ctx` is read at each load, so an unlock by someone else is seen)
        or a bare Context (tests, tools)."""
        super().__init__()
        self.desk = desk
        self.team = team
        self.preset = preset
        self.period = make_period(preset, self.ctx.today())
        self.queue: list[QueueEntry] = []
        self.mine: list[ReviewView] = []
        self.disputes: list[ReviewView] = []
        self.sampled: list[SampledItem] = []
        self.overdue: list[PromiseItem] = []
        self.due_soon: list[PromiseItem] = []

    @property
    def ctx(self) -> Context:
        ctx = self.desk if isinstance(self.desk, Context) else self.desk.ctx
        assert isinstance(ctx, Context)
        return ctx

    # --- layout ---------------------------------------------------------------------------------------
    def may(self, action: Action) -> bool:
        return self.ctx.actor.may(action)

    def compose(self) -> ComposeResult:
        with Horizontal(id="ws-bar"):
            yield Select([("All teams", ALL)], value=ALL, allow_blank=False, id="ws-team")
            yield Select(PERIODS, value=self.preset.value, allow_blank=False, id="ws-period")
        with Horizontal(id="ws-custom"):
            yield Input(placeholder="From YYYY-MM-DD", id="ws-from")
            yield Input(placeholder="To YYYY-MM-DD (Enter applies)", id="ws-to")
        with TabbedContent(id="ws-tabs"):
            if self.may(Action.TEAM_REPORT):
                with TabPane("Promises", id="tab-promises"), VerticalScroll():
                    yield Static(Text("Loading…"), markup=False, id="pr-summary", classes="ws-summary")
                    yield PlotextPlot(id="pr-chart")
                    yield Static(Text("By team"), markup=False, classes="ws-caption")
                    yield DataTable(id="pr-teams", cursor_type="row")
                    yield Static(Text("Overdue now, oldest first (Enter opens)"), markup=False, classes="ws-caption")
                    yield DataTable(id="pr-overdue", cursor_type="row")
                    yield Static(Text("Due within the next working hour"), markup=False, classes="ws-caption")
                    yield DataTable(id="pr-soon", cursor_type="row")
                    yield Static(Text("By officer"), markup=False, classes="ws-caption")
                    yield DataTable(id="pr-officers", cursor_type="row")
                    yield Static(Text("By reason"), markup=False, classes="ws-caption")
                    yield DataTable(id="pr-reasons", cursor_type="row")
                    yield Static(Text("By urgency"), markup=False, classes="ws-caption")
                    yield DataTable(id="pr-urgency", cursor_type="row")
                    yield Static(definitions(PROMISE_DEFS), markup=False, classes="ws-summary")
                with TabPane("Calls", id="tab-calls"), VerticalScroll():
                    yield Static(Text("Loading…"), markup=False, id="ca-summary", classes="ws-summary")
                    yield PlotextPlot(id="ca-chart")
                    yield Static(Text("Calls by weekday and hour (UK time)"), markup=False, classes="ws-caption")
                    yield DataTable(id="ca-heat", cursor_type="none")
                    yield Static(Text("By reason"), markup=False, classes="ws-caption")
                    yield DataTable(id="ca-reasons", cursor_type="row")
                    yield Static(Text("Hand-offs by team"), markup=False, classes="ws-caption")
                    yield DataTable(id="ca-routed", cursor_type="row")
                    yield Static(Text("Override reasons"), markup=False, classes="ws-caption")
                    yield DataTable(id="ca-overrides", cursor_type="row")
                    yield Static(definitions(CALL_DEFS), markup=False, classes="ws-summary")
            if self.may(Action.QA_REPORT):
                with TabPane("Quality", id="tab-quality"), VerticalScroll():
                    yield Static(Text("Loading…"), markup=False, id="qa-summary", classes="ws-summary")
                    yield PlotextPlot(id="qa-chart")
                    yield Static(Text("By scorecard item"), markup=False, classes="ws-caption")
                    yield DataTable(id="qa-items", cursor_type="row")
                    yield Static(Text("By team and by month (random sample)"), markup=False, classes="ws-caption")
                    with Horizontal(classes="ws-pair"):
                        yield DataTable(id="qa-teams", cursor_type="row")
                        yield DataTable(id="qa-months", cursor_type="row")
                    yield Static(Text("Targeted items, by rule (apart)"), markup=False, classes="ws-caption")
                    yield DataTable(id="qa-rules", cursor_type="row")
                    yield Static(Text("By person (random sample)"), markup=False, classes="ws-caption")
                    yield DataTable(id="qa-people", cursor_type="row")
                    yield Static(Text("Disagreements for the calibration meeting"), markup=False, classes="ws-caption")
                    yield DataTable(id="qa-disagree", cursor_type="row")
                    yield Static(definitions(QUALITY_DEFS), markup=False, classes="ws-summary")
            with TabPane("Reviews", id="tab-reviews"), VerticalScroll():
                if self.may(Action.QA_REVIEW):
                    yield Static(Text("To review (Enter opens)"), markup=False, classes="ws-caption")
                    yield DataTable(id="rv-queue", cursor_type="row")
                yield Static(Text("My reviews (A acknowledges, D disputes)"), markup=False, classes="ws-caption")
                yield DataTable(id="rv-mine", cursor_type="row")
                if self.may(Action.QA_RESOLVE):
                    yield Static(
                        Text("Disputes to resolve (Enter opens it to re-score or uphold, U upholds)"),
                        markup=False,
                        classes="ws-caption",
                    )
                    yield DataTable(id="rv-disputes", cursor_type="row")
                if self.may(Action.QA_SAMPLE):
                    yield Static(
                        Text("Last month's sample (G gives a review to another reviewer)"),
                        markup=False,
                        classes="ws-caption",
                    )
                    yield DataTable(id="rv-sample", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "dutyline — manager's workspace"
        self.load_teams()
        self.action_reload()

    # --- loading --------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="ws-teams", exit_on_error=False)
    def load_teams(self) -> None:
        if not self.may(Action.TEAM_REPORT):
            return
        choices = reports.team_codes(self.ctx)
        self.app.call_from_thread(self._set_teams, choices)

    def _set_teams(self, choices: list[tuple[str, str]]) -> None:
        select = self.query_one("#ws-team", Select)
        with self.prevent(Select.Changed):
            select.set_options([("All teams", ALL), *((Text(name[:40]), code) for code, name in choices)])
            select.value = self.team

    @on(Select.Changed, "#ws-team")
    def _team(self, event: Select.Changed) -> None:
        if event.value != self.team:
            self.team = str(event.value)
            self.action_reload()

    @on(Select.Changed, "#ws-period")
    def _period(self, event: Select.Changed) -> None:
        preset = Preset(str(event.value))
        custom = self.query_one("#ws-custom", Horizontal)
        custom.set_class(preset is Preset.CUSTOM, "-shown")
        if preset is Preset.CUSTOM:
            self.query_one("#ws-from", Input).value = self.period.first.isoformat()
            self.query_one("#ws-to", Input).value = self.period.last.isoformat()
            self.query_one("#ws-from", Input).focus()
            return
        if preset is not self.preset:
            self.preset = preset
            self.period = make_period(preset, self.ctx.today())
            self.action_reload()

    @on(Input.Submitted, "#ws-from, #ws-to")
    def _custom(self, _event: Input.Submitted) -> None:
        """A custom range: both days, written YYYY-MM-DD, the first not after the last."""
        try:
            first = dt.date.fromisoformat(self.query_one("#ws-from", Input).value.strip())
            last = dt.date.fromisoformat(self.query_one("#ws-to", Input).value.strip())
            period = make_period(Preset.CUSTOM, last, first, last)
        except ValueError:
            self.notify("Write both days as YYYY-MM-DD, the first not after the last.", markup=False)
            return
        self.set_period(period)

    def set_period(self, period: Period) -> None:
        """A custom range (from the palette or a test)."""
        self.preset, self.period = Preset.CUSTOM, period
        self.action_reload()

    def action_reload(self) -> None:
        team = None if self.team == ALL else self.team
        if self.may(Action.TEAM_REPORT):
            self.load_promises(team, self.period)
            self.load_calls(team, self.period)
        if self.may(Action.QA_REPORT):
            self.load_quality(team, self.period)
        self.load_reviews()

    @work(thread=True, exclusive=True, group="ws-promises", exit_on_error=False)
    def load_promises(self, team: str | None, period: Period) -> None:
        report = reports.promises(self.ctx, period, team)
        self.app.call_from_thread(self.show_promises, report)

    @work(thread=True, exclusive=True, group="ws-calls", exit_on_error=False)
    def load_calls(self, team: str | None, period: Period) -> None:
        report = reports.calls(self.ctx, period, team)
        self.app.call_from_thread(self.show_calls, report)

    @work(thread=True, exclusive=True, group="ws-quality", exit_on_error=False)
    def load_quality(self, team: str | None, period: Period) -> None:
        report = quality_report.report(self.ctx, period, team)
        self.app.call_from_thread(self.show_quality, report)

    @work(thread=True, exclusive=True, group="ws-reviews", exit_on_error=False)
    def load_reviews(self) -> None:
        queue = quality.review_queue(self.ctx) if self.may(Action.QA_REVIEW) else []
        mine = quality.my_reviews(self.ctx)
        disputes = quality.disputes(self.ctx) if self.may(Action.QA_RESOLVE) else []
        sampled = quality_assign.sample_items(self.ctx, self.last_month()) if self.may(Action.QA_SAMPLE) else []
        self.app.call_from_thread(self.show_reviews, queue, mine, disputes)
        self.app.call_from_thread(self.show_sample, sampled)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(describe(event.worker.error), severity="error", markup=False)

    # --- showing --------------------------------------------------------------------------------------
    def _names(self) -> dict[str, str]:
        policy = self.ctx.policy
        return {c: t.name for c, t in policy.teams.items()} if isinstance(policy, Policy) else {}

    def _head(self, what: str) -> str:
        team = "all teams" if self.team == ALL else self._names().get(self.team, self.team)
        return f"{what} · {team} · {self.period.label()}\n"

    def show_promises(self, r: Any) -> None:
        self.query_one("#pr-summary", Static).update(
            Text(self._head("Promises due"), style="bold") + tables.promise_summary(r)
        )
        plot = self.query_one("#pr-chart", PlotextPlot)
        charts.promises_chart(plot.plt, r)
        plot.refresh()
        names = self._names()
        fill(self.query_one("#pr-teams", DataTable), tables.counts_table(r.by_team, "Team", names))
        self.overdue, self.due_soon = list(r.overdue), list(r.due_soon)
        fill(self.query_one("#pr-overdue", DataTable), tables.item_rows(r.overdue, names), empty="None overdue")
        fill(self.query_one("#pr-soon", DataTable), tables.item_rows(r.due_soon, names), empty="None due soon")
        fill(self.query_one("#pr-officers", DataTable), tables.counts_table(r.by_officer, "Officer"))
        fill(self.query_one("#pr-reasons", DataTable), tables.counts_table(r.by_reason, "Reason"))
        fill(self.query_one("#pr-urgency", DataTable), tables.counts_table(r.by_urgency, "Urgency"))

    def show_calls(self, r: Any) -> None:
        head = Text(self._head("Calls"), style="bold")
        self.query_one("#ca-summary", Static).update(head + tables.calls_summary(r))
        plot = self.query_one("#ca-chart", PlotextPlot)
        charts.calls_chart(plot.plt, r)
        plot.refresh()
        fill(self.query_one("#ca-heat", DataTable), tables.heatmap_table(r))
        fill(self.query_one("#ca-reasons", DataTable), tables.share_table("Reason", r.by_reason))
        fill(self.query_one("#ca-routed", DataTable), tables.share_table("Team", r.routed))
        fill(self.query_one("#ca-overrides", DataTable), tables.share_table("Reason given", r.overrides.reasons))

    def show_quality(self, r: Any) -> None:
        self.query_one("#qa-summary", Static).update(
            Text(self._head("ACT quality"), style="bold") + tables.quality_summary(r)
        )
        plot = self.query_one("#qa-chart", PlotextPlot)
        charts.quality_chart(plot.plt, r)
        plot.refresh()
        policy = self.ctx.policy
        texts = {i.code: i.text for i in policy.quality.items} if isinstance(policy, Policy) and policy.quality else {}
        fill(self.query_one("#qa-items", DataTable), tables.items_table(r, texts))
        fill(self.query_one("#qa-people", DataTable), tables.people_table(r))
        fill(self.query_one("#qa-teams", DataTable), tables.rates_table("Team", r.rates.by_team))
        fill(self.query_one("#qa-months", DataTable), tables.rates_table("Sample month", r.rates.by_month))
        fill(self.query_one("#qa-rules", DataTable), tables.rates_table("Rule", r.rates.by_rule))
        rows = [
            (Text(str(d.qa_item_id), end=""), plain(texts.get(d.code, d.code)[:40]), plain(d.first), plain(d.second))
            for d in r.agreement.disagreements
        ]
        header = ("QA item", "Scorecard item", "First review", "Blind second")
        fill(self.query_one("#qa-disagree", DataTable), (header, rows), empty="No disagreements")

    def show_reviews(self, queue: list[QueueEntry], mine: list[ReviewView], disputes: list[ReviewView]) -> None:
        self.queue, self.mine, self.disputes = queue, mine, disputes
        if self.may(Action.QA_RESOLVE):
            rows = [(plain(d.item), plain(d.person), plain(d.reviewer), plain(d.dispute_reason[:60])) for d in disputes]
            header = ("Item", "Person", "Reviewer", "Why disputed")
            fill(self.query_one("#rv-disputes", DataTable), (header, rows), empty="No open disputes")
        if self.may(Action.QA_REVIEW):
            rows = [
                (
                    plain(e.item),
                    plain(e.period),
                    plain(e.why),
                    Text("blind second review" if e.blind else "first review", end=""),
                )
                for e in queue
            ]
            fill(
                self.query_one("#rv-queue", DataTable),
                (("Item", "Month", "Why picked", "Review"), rows),
                empty="Nothing to review",
            )
        mine_rows = [
            (
                plain(r.item),
                plain(r.period),
                Text("pass" if r.passed else "FAIL", style="" if r.passed else tables.OVERDUE, end=""),
                Text("SUPERSEDED" if r.status == "superseded" else r.status, end=""),
                Text("yes" if r.acknowledged_at else "no", end=""),
            )
            for r in mine
        ]
        fill(
            self.query_one("#rv-mine", DataTable),
            (("Item", "Month", "Result", "Status", "Acknowledged"), mine_rows),
            empty="No reviews of your work yet",
        )

    def show_sample(self, sampled: list[SampledItem]) -> None:
        self.sampled = sampled
        if not self.may(Action.QA_SAMPLE):
            return
        rows = [
            (
                Text(str(i.qa_item_id), end=""),
                plain(f"{i.kind}:{i.ref_id}"),
                plain(i.person),
                plain(i.why),
                plain(i.reviewer or "UNASSIGNED"),
                plain(i.second_reviewer or ""),
            )
            for i in sampled
        ]
        header = ("#", "Item", "Person", "Why picked", "Reviewer", "Blind second")
        fill(self.query_one("#rv-sample", DataTable), (header, rows), empty="No sample drawn for last month")

    def last_month(self) -> str:
        first = self.ctx.today().replace(day=1) - dt.timedelta(days=1)
        return f"{first:%Y-%m}"

    def action_assign(self) -> None:
        table = self.focused
        if not isinstance(table, DataTable) or table.id != "rv-sample" or not self.sampled:
            self.notify("Choose an item in Last month's sample first (Reviews tab).", markup=False)
            return
        row = table.cursor_row
        if not 0 <= row < len(self.sampled):
            return
        self._offer(self.sampled[row])

    @work(thread=True, exclusive=True, group="ws-assign", exit_on_error=False)
    def _offer(self, item: SampledItem) -> None:
        first = quality_assign.eligible(self.ctx, item)
        second = quality_assign.eligible(self.ctx, item, second=True)

        def answered(choice: tuple[str, bool] | None) -> None:
            if choice is not None:
                self._assign(item.qa_item_id, *choice)

        self.app.call_from_thread(
            self.app.push_screen, AssignForm(f"{item.kind}:{item.ref_id}", first, second), answered
        )

    @work(thread=True, exclusive=True, group="ws-assign-save", exit_on_error=False)
    def _assign(self, qa_item_id: int, login: str, second: bool) -> None:
        quality_assign.assign(self.ctx, qa_item_id, login, second=second)
        self.app.call_from_thread(self.notify, f"Review of item {qa_item_id} given to {login}.", markup=False)
        self.load_reviews()

    # --- actions --------------------------------------------------------------------------------------
    def action_close(self) -> None:
        self.post_message(LeaveWorkspace())

    def _mine_selected(self) -> ReviewView | None:
        table = self.focused
        if not isinstance(table, DataTable) or table.id != "rv-mine" or not self.mine:
            self.notify("Choose a review in My reviews first (Reviews tab).", markup=False)
            return None
        row = table.cursor_row
        return self.mine[row] if 0 <= row < len(self.mine) else None

    def action_dispute(self) -> None:
        review = self._mine_selected()
        if review is None:
            return

        def answered(reason: str | None) -> None:
            if reason:
                self._dispute(review.id, reason)

        self.app.push_screen(DisputeForm(review.item), answered)

    @work(thread=True, exclusive=True, group="ws-dispute", exit_on_error=False)
    def _dispute(self, review_id: int, reason: str) -> None:
        quality.dispute(self.ctx, review_id, reason)
        self.app.call_from_thread(self.notify, "Dispute recorded: a different reviewer will resolve it.", markup=False)
        self.load_reviews()

    def action_uphold(self) -> None:
        table = self.focused
        if not isinstance(table, DataTable) or table.id != "rv-disputes" or not self.disputes:
            self.notify("Choose a dispute in Disputes to resolve first (Reviews tab).", markup=False)
            return
        row = table.cursor_row
        if not 0 <= row < len(self.disputes):
            return
        review = self.disputes[row]

        def answered(note: str | None) -> None:
            if note:
                self._uphold(review.id, note)

        self.app.push_screen(DisputeForm(review.item, resolving=True), answered)

    @work(thread=True, exclusive=True, group="ws-resolve", exit_on_error=False)
    def _uphold(self, review_id: int, note: str) -> None:
        quality.resolve(self.ctx, review_id, note)
        self.app.call_from_thread(self.notify, "Dispute resolved: the review stands.", markup=False)
        self.load_reviews()

    def action_sample(self) -> None:
        if not self.may(Action.QA_SAMPLE):
            self.notify("Drawing a quality sample is for team managers.", markup=False)
            return
        self._sample(self.last_month())

    @work(thread=True, exclusive=True, group="ws-sample", exit_on_error=False)
    def _sample(self, month: str) -> None:
        result = quality.sample(self.ctx, month)
        targeted = sum(p.targeted for p in result.items)
        self.app.call_from_thread(
            self.notify,
            f"Sample for {month}: {len(result.items)} items ({targeted} targeted), seed {result.seed}.",
            markup=False,
        )
        self.load_reviews()

    @on(DataTable.RowSelected, "#pr-overdue")
    @on(DataTable.RowSelected, "#pr-soon")
    def _promise_row_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on an overdue or due-soon row opens the item."""
        items = self.overdue if event.data_table.id == "pr-overdue" else self.due_soon
        row = event.cursor_row
        if 0 <= row < len(items):
            self.app.push_screen(ItemModal(self.ctx, items[row].key))

    @on(DataTable.RowSelected, "#rv-queue")
    def _queue_row_chosen(self, _event: DataTable.RowSelected) -> None:
        """Enter on a row: the table handles Enter itself (row selected), so the review opens from here."""
        self.action_open_review()

    @on(DataTable.RowSelected, "#rv-disputes")
    def _dispute_row_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on a dispute: the record beside the disputed scores, to re-score or uphold with a note."""
        row = event.cursor_row
        if 0 <= row < len(self.disputes):
            self.app.push_screen(ResolveScreen(self.ctx, self.disputes[row].id), self._reviewed)

    def action_open_review(self) -> None:
        table = self.focused
        if not isinstance(table, DataTable) or table.id != "rv-queue" or not self.queue:
            return
        row = table.cursor_row
        if 0 <= row < len(self.queue):
            self.app.push_screen(ReviewScreen(self.ctx, self.queue[row].qa_item_id), self._reviewed)

    def _reviewed(self, _saved: bool | None) -> None:
        self.load_reviews()

    def action_acknowledge(self) -> None:
        review = self._mine_selected()
        if review is not None:
            self._acknowledge(review.id)

    @work(thread=True, exclusive=True, group="ws-ack", exit_on_error=False)
    def _acknowledge(self, review_id: int) -> None:
        quality.acknowledge(self.ctx, review_id)
        self.app.call_from_thread(self.notify, "Review acknowledged.", markup=False)
        self.load_reviews()
