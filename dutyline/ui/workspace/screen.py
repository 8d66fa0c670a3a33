"""The manager's workspace: Promises, Calls and Quality for a team (or all teams) over a period, and the
Reviews tab (the review queue and "My reviews").

The screen holds what every tab shares, the team and the period, and arranges the tabs; each tab is a
widget of its own that loads and shows its figures (`figures`, `reviews`). Tabs the person's role does
not allow are not shown; "Reviews" is there for everyone, for "My reviews". The keys are bound here,
declared once in `dutyline.ui.actions`; modals open here when a tab asks (`Pane.Open`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, TabbedContent, TabPane

from dutyline.domain.permissions import Action
from dutyline.domain.reports.period import Period, Preset, make_period
from dutyline.services import reports
from dutyline.services.context import Context
from dutyline.ui.actions import Where, bindings
from dutyline.ui.messages import LeaveWorkspace
from dutyline.ui.workspace.figures import CallsPane, FigurePane, PromisesPane, QualityPane, figure_help
from dutyline.ui.workspace.pane import ALL, Pane
from dutyline.ui.workspace.resolve import AssignForm, ResolveScreen
from dutyline.ui.workspace.review import DisputeForm, ItemModal, ReviewScreen
from dutyline.ui.workspace.reviews import ReviewsPane

PERIODS = [(p.label, p.value) for p in Preset]


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

    @property
    def ctx(self) -> Context:
        ctx = self.desk if isinstance(self.desk, Context) else self.desk.ctx
        assert isinstance(ctx, Context)
        return ctx

    def _get_ctx(self) -> Context:
        return self.ctx

    def may(self, action: Action) -> bool:
        return self.ctx.actor.may(action)

    @property
    def reviews(self) -> ReviewsPane:
        return self.query_one(ReviewsPane)

    # --- layout ---------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="ws-bar"):
            yield Select([("All teams", ALL)], value=ALL, allow_blank=False, id="ws-team")
            yield Select(PERIODS, value=self.preset.value, allow_blank=False, id="ws-period")
        with Horizontal(id="ws-custom"):
            yield Input(placeholder="From YYYY-MM-DD", id="ws-from")
            yield Input(placeholder="To YYYY-MM-DD (Enter applies)", id="ws-to")
        with TabbedContent(id="ws-tabs"):
            if self.may(Action.TEAM_REPORT):
                with TabPane("Promises", id="tab-promises"):
                    yield PromisesPane(self._get_ctx)
                with TabPane("Calls", id="tab-calls"):
                    yield CallsPane(self._get_ctx)
            if self.may(Action.QA_REPORT):
                with TabPane("Quality", id="tab-quality"):
                    yield QualityPane(self._get_ctx)
            with TabPane("Reviews", id="tab-reviews"):
                yield ReviewsPane(self._get_ctx)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "dutyline — manager's workspace"
        if self.may(Action.TEAM_REPORT):
            self.run_worker(self._load_teams, thread=True, exclusive=True, group="ws-teams", exit_on_error=False)
        self.action_reload()

    # --- team and period ------------------------------------------------------------------------------
    def _load_teams(self) -> None:
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

    def _head(self, what: str) -> str:
        names = self.reviews.team_names()
        team = "all teams" if self.team == ALL else names.get(self.team, self.team)
        return f"{what} · {team} · {self.period.label()}\n"

    # --- actions (bound here, carried out by the tab that owns them) ----------------------------------
    def action_reload(self) -> None:
        team = None if self.team == ALL else self.team
        for pane in self.query(FigurePane):
            pane.load(team, self.period, self._head(pane.WHAT))
        self.reviews.load()

    def action_close(self) -> None:
        self.post_message(LeaveWorkspace())

    def action_open_review(self) -> None:
        self.reviews.open_review()

    def action_acknowledge(self) -> None:
        self.reviews.acknowledge()

    def action_dispute(self) -> None:
        self.reviews.dispute()

    def action_uphold(self) -> None:
        self.reviews.uphold()

    def action_assign(self) -> None:
        self.reviews.assign()

    def action_sample(self) -> None:
        self.reviews.sample()

    # --- what the tabs ask to open --------------------------------------------------------------------
    @on(Pane.Open)
    def _open(self, message: Pane.Open) -> None:
        """Push the modal a tab asked for; its answer goes back to the Reviews tab to save."""
        reviews, key = self.reviews, message.key

        def reload(_saved: bool | None) -> None:
            reviews.load()

        if message.kind == "promise":
            self.app.push_screen(ItemModal(self.ctx, key))
        elif message.kind == "review":
            self.app.push_screen(ReviewScreen(self.ctx, key), reload)
        elif message.kind == "resolve":
            self.app.push_screen(ResolveScreen(self.ctx, key), reload)
        elif message.kind == "dispute":

            def disputed(reason: str | None) -> None:
                if reason:
                    reviews.save_dispute(key.id, reason)

            self.app.push_screen(DisputeForm(key.item), disputed)
        elif message.kind == "uphold":

            def upheld(note: str | None) -> None:
                if note:
                    reviews.save_uphold(key.id, note)

            self.app.push_screen(DisputeForm(key.item, resolving=True), upheld)
        elif message.kind == "assign":
            item, first, second = key

            def given(choice: tuple[str, bool] | None) -> None:
                if choice is not None:
                    reviews.save_assign(item.qa_item_id, *choice)

            self.app.push_screen(AssignForm(f"{item.kind}:{item.ref_id}", first, second), given)
