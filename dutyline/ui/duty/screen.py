"""The duty officer's screen: the team queue, the selected item and its case, and one key per action.

Every database call runs in a thread worker; results come back through `call_from_thread`. The queue is
live: a QueueWatcher (services.queue_watch) posts `QueueChanged` from its thread whenever any desk changes an
item, and the screen reloads (without a new audit row: the person already opened this queue). Claims made
here keep their lease tokens and are renewed while the screen is up, so a desk that dies simply lets its
leases lapse and the items return to the queue.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable, Footer, Select, Static
from textual.worker import Worker, WorkerState, get_current_worker

from dutyline.domain.permissions import Action
from dutyline.domain.queue import ClaimTicket, QueueItem, StatusFilter
from dutyline.services import queue, queue_watch
from dutyline.services.context import Context
from dutyline.services.queue import lease_duration
from dutyline.ui.actions import Where, bindings
from dutyline.ui.desk import Desk
from dutyline.ui.duty.actions import ALL_TEAMS, DutyActions
from dutyline.ui.duty.detail import DutyDetail
from dutyline.ui.duty.rows import COLUMNS, counts_line, row_cells, team_name
from dutyline.ui.errors import describe

STATUS_LABELS = {
    StatusFilter.AVAILABLE: "Available to me",
    StatusFilter.OPEN: "Open (unclaimed)",
    StatusFilter.MINE: "Claimed by me",
    StatusFilter.CLAIMED: "Claimed by anyone",
    StatusFilter.DONE: "Done",
    StatusFilter.ALL: "Everything",
}
#: How long the cursor must rest on a row before its case summary is loaded (and audited as a view).
CASE_DELAY_S = 0.35
ESCALATE_EVERY_S = 60.0
#: Below this width the case pane goes under the queue instead of beside it.
NARROW_BELOW = 150


class DutyScreen(DutyActions):
    """The queue of callbacks and hand-offs for the officer's teams."""

    class QueueChanged(Message):
        """Posted from the watcher thread; `keys` None means refresh everything."""

        def __init__(self, keys: frozenset[str] | None) -> None:
            super().__init__()
            self.keys = keys

    BINDINGS = bindings(Where.DUTY)
    DEFAULT_CSS = """
    DutyScreen #duty-bar { height: 3; }
    DutyScreen #duty-bar Select { width: 1fr; }
    DutyScreen #duty-counts { height: 1; padding: 0 1; color: $text-muted; }
    DutyScreen #duty-main { height: 1fr; }
    DutyScreen #duty-queue { width: 1fr; height: 1fr; }
    DutyScreen DutyDetail { width: 48; height: 1fr; }
    DutyScreen.-narrow #duty-main { layout: vertical; }
    DutyScreen.-narrow #duty-queue { width: 1fr; height: 1fr; }
    DutyScreen.-narrow DutyDetail { width: 1fr; height: 40%; min-height: 8; border-left: none;
                                    border-top: solid $accent; }
    """

    def __init__(self, desk: Desk | Context, *, live_updates: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._source = desk
        self.live_updates = live_updates
        self.items: dict[str, QueueItem] = {}
        self.tickets: dict[str, ClaimTicket] = {}
        self.selected_key: str | None = None
        self.team_filter: str = ALL_TEAMS
        self.status_filter = StatusFilter.AVAILABLE
        self.loads = 0  # completed loads, for tests and the status line
        self._watcher: queue_watch.QueueWatcher | None = None
        self._case_timer: Any = None
        self._case_cache: tuple[int, Any] | None = None  # (case_id, CaseSummary) last shown

    @property
    def ctx(self) -> Context:
        """The current person's Context: a Desk follows whoever unlocked the desk last."""
        return self._source.ctx if isinstance(self._source, Desk) else self._source

    @property
    def selected(self) -> QueueItem | None:
        return self.items.get(self.selected_key) if self.selected_key else None

    # --- layout -------------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="duty-bar"):
            yield Select([("All my teams", ALL_TEAMS)], value=ALL_TEAMS, allow_blank=False, id="duty-team")
            yield Select(
                [(label, s.value) for s, label in STATUS_LABELS.items()],
                value=StatusFilter.AVAILABLE.value,
                allow_blank=False,
                id="duty-status",
            )
        yield Static(Text("Loading the queue…"), id="duty-counts", markup=False)
        with Horizontal(id="duty-main"):
            yield DataTable(id="duty-queue", cursor_type="row", zebra_stripes=True)
            yield DutyDetail()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#duty-queue", DataTable)
        for key, header in COLUMNS:
            table.add_column(Text(header), key=key)
        self.set_class(self.app.size.width < NARROW_BELOW, "-narrow")
        self.load_teams()
        self.load(record_view=True)
        self.escalate()
        self.set_interval(ESCALATE_EVERY_S, self.escalate)
        self.set_interval(max(1.0, lease_duration(self.ctx).total_seconds() / 3), self.renew_claims)
        if self.live_updates:
            self._watcher = queue_watch.watch_queue(self.ctx, self._queue_changed_elsewhere)
        table.focus()

    def _queue_changed_elsewhere(self, keys: frozenset[str] | None) -> None:
        """Called on the watcher's thread: hand the change to the screen's own message loop."""
        self.post_message(self.QueueChanged(keys))

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_BELOW, "-narrow")

    # --- loading ------------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="duty-teams", exit_on_error=False)
    def load_teams(self) -> None:
        ctx = self.ctx
        names = dict(queue.team_choices(ctx))
        codes = sorted(names) if ctx.actor.may(Action.REASSIGN_ACROSS_TEAM) else list(ctx.actor.teams)
        options = [("All my teams", ALL_TEAMS)] + [(Text(names.get(c, c)), c) for c in codes]
        self.app.call_from_thread(self._set_team_options, options)

    def _set_team_options(self, options: list[tuple[Any, str]]) -> None:
        select = self.query_one("#duty-team", Select)
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = self.team_filter if any(v == self.team_filter for _, v in options) else ALL_TEAMS

    @work(thread=True, exclusive=True, group="duty-load", exit_on_error=False)
    def load(self, record_view: bool = False) -> None:
        teams = None if self.team_filter == ALL_TEAMS else [self.team_filter]
        items = queue.list_items(self.ctx, teams=teams, status=self.status_filter, record_view=record_view)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_items, items)

    def show_items(self, items: list[QueueItem]) -> None:
        table = self.query_one("#duty-queue", DataTable)
        keep = self.selected_key
        self.items = {i.key: i for i in items}
        login = self.ctx.actor.login
        rows = [(item.key, row_cells(item, login, self.ctx.policy)) for item in items]
        # Columns as wide as their widest cell, set here rather than measured by the table when it is next
        # idle: until that pass ran, a column was as wide as its header ("SAFE" for SAFEGUARDING).
        widths = [
            max([len(header), *(cells[i].cell_len for _key, cells in rows)]) for i, (_k, header) in enumerate(COLUMNS)
        ]
        table.clear(columns=True)
        for (key, header), width in zip(COLUMNS, widths, strict=True):
            table.add_column(Text(header), key=key, width=width)
        for key, cells in rows:
            table.add_row(*cells, key=key)
        self.query_one("#duty-counts", Static).update(counts_line(items))
        self.loads += 1
        if keep in self.items:
            table.move_cursor(row=table.get_row_index(keep))
        elif items:
            table.move_cursor(row=0)
        if not items:
            self.selected_key = None
            self.query_one(DutyDetail).clear()
        else:
            self._select(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_duty_screen_queue_changed(self, _message: QueueChanged) -> None:
        self.load()

    @on(Select.Changed, "#duty-team")
    def _team_changed(self, event: Select.Changed) -> None:
        self.team_filter = str(event.value)
        self.load(record_view=True)

    @on(Select.Changed, "#duty-status")
    def _status_changed(self, event: Select.Changed) -> None:
        self.status_filter = StatusFilter(str(event.value))
        self.load(record_view=True)

    def action_reload(self) -> None:
        self.load(record_view=True)

    # --- the selected item and its case -----------------------------------------------------------------
    @on(DataTable.RowHighlighted, "#duty-queue")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._select(event.row_key.value)

    def _select(self, key: str | None) -> None:
        item = self.items.get(key) if key else None
        if item is None:
            return
        self.selected_key = key
        detail = self.query_one(DutyDetail)
        detail.show_item(item, self.ctx.actor.login, team_name(self.ctx.policy, item.team_code))
        if item.case_id is None:
            return
        if self._case_cache is not None and self._case_cache[0] == item.case_id:
            detail.show_case(self._case_cache[1])  # a live refresh of the same item: no new case view
            return
        if self._case_timer is not None:
            self._case_timer.stop()
        case_id = item.case_id
        self._case_timer = self.set_timer(CASE_DELAY_S, lambda: self.load_case(item.key, case_id))

    @work(thread=True, exclusive=True, group="duty-case", exit_on_error=False)
    def load_case(self, key: str, case_id: int) -> None:
        from dutyline.services.cases import case_summary

        try:
            summary = case_summary(self.ctx, case_id=case_id)
        except Exception as exc:  # noqa: BLE001 - shown beside the item, never a crash
            self.app.call_from_thread(self._case_failed, key, describe(exc))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._case_loaded, key, summary)

    def _case_loaded(self, key: str, summary: Any) -> None:
        if key == self.selected_key:
            self._case_cache = (summary.case.id, summary)
            self.query_one(DutyDetail).show_case(summary)

    def _case_failed(self, key: str, message: str) -> None:
        if key == self.selected_key:
            self.query_one(DutyDetail).case_unavailable(message)

    # --- background upkeep ------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="duty-renew", exit_on_error=False)
    def renew_claims(self) -> None:
        for key, ticket in list(self.tickets.items()):
            try:
                self.tickets[key] = queue.renew(self.ctx, ticket)
            except queue.QueueRefused as exc:
                self.tickets.pop(key, None)
                self.app.call_from_thread(self.notify, str(exc), severity="warning", markup=False)

    @work(thread=True, exclusive=True, group="duty-escalate", exit_on_error=False)
    def escalate(self) -> None:
        queue.escalate_overdue(self.ctx)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(describe(event.worker.error), title="Not done", severity="error", markup=False, timeout=10)
