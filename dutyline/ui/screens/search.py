"""Find the case: the screen the app opens on, with the search box focused.

Typing starts an exclusive worker that waits a moment (the debounce: a newer keystroke cancels it) and then
searches the in-memory index in a thread, so typing never waits for a search. A result that arrives for a
query the handler has already changed is dropped (thread workers cannot be stopped, only ignored).
"""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Resize
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import get_current_worker

from dutyline.domain.call_record import EarlierCaller
from dutyline.domain.search import SearchResults
from dutyline.ui.actions import Where, bindings, hint
from dutyline.ui.desk import Desk
from dutyline.ui.messages import CaseChosen
from dutyline.ui.safe import static
from dutyline.ui.screens.base import DeskScreen
from dutyline.ui.widgets.results import NARROW_BELOW, NO_CASE_KEY, ResultsTable

DEBOUNCE_S = 0.12


class SearchScreen(DeskScreen[None]):
    """Search box, results, and the way into a call."""

    BINDINGS = bindings(Where.SEARCH)

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.index_count: int | None = None
        self._shown_query = ""
        self._open_when_ready = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-bar"):
            yield Static(Text("Find"), id="search-label", markup=False)
            yield Input(placeholder="Loading cases…", id="search", disabled=False)
        yield static("", id="search-status")
        yield ResultsTable(id="results")
        yield static("", id="result-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search", Input).focus()
        self.set_status("Loading the case list…")
        self._fit(self.app.size.width)

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        """At 80 columns the table keeps name, born, postcode and matched on; the line under it shows the
        highlighted row's school, stage and officer."""
        narrow = width < NARROW_BELOW
        self.set_class(narrow, "-narrow")
        self.query_one(ResultsTable).set_narrow(narrow)
        self._show_detail()

    @on(DataTable.RowHighlighted, "#results")
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        table = self.query_one(ResultsTable)
        self.query_one("#result-detail", Static).update(table.detail(table.chosen_key) if table.narrow else "")

    # --- status -----------------------------------------------------------------------------------------
    def set_status(self, text: str) -> None:
        self.query_one("#search-status", Static).update(Text(text))

    def index_ready(self, count: int) -> None:
        """Called by the app once the search index is built."""
        self.index_count = count
        box = self.query_one("#search", Input)
        box.placeholder = "Name, date of birth, postcode, phone, school or case ref"
        self._idle_status()
        if box.value.strip():
            self.run_search(box.value)

    def _idle_status(self) -> None:
        """The line shown while the box is empty: how many cases, who is signed in, what to do."""
        if self.index_count is None:
            self.set_status("Loading the case list…")
            return
        actor = self.desk.actor
        who = actor.display_name or actor.login
        self.set_status(f"{self.index_count:,} cases · signed in as {who} · type to search · {hint('open', 'no_case')}")

    # --- searching --------------------------------------------------------------------------------------
    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def run_search(self, query: str) -> None:
        await asyncio.sleep(DEBOUNCE_S)
        if not query.strip():
            self.show_hits(SearchResults(), query)
            return
        results = await asyncio.to_thread(self.desk.search_results, query)
        callers = await asyncio.to_thread(self.desk.find_callers, query)
        if get_current_worker().is_cancelled or query != self.query_one("#search", Input).value:
            return  # the handler has typed on; a newer search is coming
        self.show_hits(results, query, callers=callers)

    def show_hits(self, results: SearchResults, query: str, *, callers: list[EarlierCaller] | None = None) -> None:
        """The hits, and above them how sure they are and what is not shown (`SearchResults.header`).
        `results.total` counts the plausible rows: more than are shown, the header already says "30 of
        166 shown"; fewer, the line says "30 shown, 9 likely", because the rows below the likely ones are
        there to choose from, not because they answer the query. For an outward code alone the header
        says how many on its own ("361 children in AL8").
        `callers`: no-case callers who rang before, matching the same query."""
        hits, header, likely = list(results.hits), results.header(), results.total
        self.query_one(ResultsTable).show_hits(hits, callers)
        self._shown_query = query
        if self._open_when_ready:
            self._open_when_ready = False
            if hits:  # nothing found: stay, so "No case" is a choice the handler makes, not a fallback
                self.call_after_refresh(self.action_open)
        if query.strip():
            found = f"{len(hits)} case{'s' if len(hits) != 1 else ''} found" if hits else "No case found"
            if hits and 0 < likely < len(hits):
                found = f"{len(hits)} shown, {likely} likely"
            if header and hits:
                found = header if results.area or likely > len(hits) else f"{found} · {header}"
            if callers:
                found = f"{found} · {len(callers)} earlier caller{'s' if len(callers) != 1 else ''} (no case)"
            self.set_status(f"{found} · ↑↓ choose · {hint('open', 'no_case', 'clear', 'safeguarding')}")
        else:  # the box was cleared: the last search's "30 of 212 shown" no longer describes anything
            self._idle_status()

    # --- choosing ---------------------------------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        table = self.query_one(ResultsTable)
        if table.row_count:
            row = max(0, min(table.row_count - 1, table.cursor_row + step))
            table.move_cursor(row=row)

    def action_clear(self) -> None:
        self._open_when_ready = False
        box = self.query_one("#search", Input)
        box.value = ""
        box.focus()

    def action_open(self) -> None:
        key = self.query_one(ResultsTable).chosen_key
        if key is not None:
            self._choose(key)

    def action_no_case(self) -> None:
        self._choose(NO_CASE_KEY)

    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        if self._shown_query != self.query_one("#search", Input).value:
            self._open_when_ready = True  # Enter typed before the results: open the best one when it lands
            return
        self.action_open()

    @on(DataTable.RowSelected, "#results")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self._choose(event.row_key.value)

    def _choose(self, key: str) -> None:
        earlier = self.query_one(ResultsTable).callers.get(key)
        if earlier is not None:
            self.post_message(CaseChosen(None, earlier))
            return
        self.post_message(CaseChosen(None if key == NO_CASE_KEY else int(key)))

    def reset(self) -> None:
        """Back to an empty search (after a call is logged, or when someone else unlocks the desk)."""
        box = self.query_one("#search", Input)
        with box.prevent(Input.Changed):
            box.value = ""
        self._open_when_ready = False
        self._shown_query = ""
        self.query_one(ResultsTable).show_hits([])
        if self.index_count is not None:
            self.index_ready(self.index_count)  # back to the "N cases · signed in as" line
        box.focus()
