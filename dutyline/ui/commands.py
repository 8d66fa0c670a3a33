"""The command palette (Ctrl+P): every action by name, and "open case" by typing a child's name.

Case search from the palette uses the same audited search service as the search box, in a thread (the
palette's search is async, so it must not block the event loop). Names shown are sanitised literal text.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from dutyline.domain.text import one_line
from dutyline.ui.safe import day

if TYPE_CHECKING:
    from dutyline.ui.app import DutylineApp

#: (title, help, app action) — the palette's list of actions.
ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("Search for a case", "Go back to the search box", "search"),
    ("Start a call with no case", "New request, general enquiry or an unknown caller", "no_case"),
    ("Log the call", "Open the call form for the call in progress", "log_call"),
    ("Hand off the call", "Choose the team (the proposed team is explained)", "handoff"),
    ("Book a callback", "Number, best time, owning team; due by the service standard", "callback"),
    ("Change a contact's details", "Phone, email, name or relationship (caller verified first)", "edit_contact"),
    ("Raise a safeguarding concern", "999 script, Children's Services numbers, record and alert duty", "safeguarding"),
    ("End the call", "Back to search (asks before throwing anything away)", "end_call"),
    ("Lock the screen", "Lock now; sign in with login and PIN to come back", "lock"),
    ("Switch between call handler and duty officer", "Change mode", "toggle_mode"),
    ("Help", "Keys and how the screens work", "help"),
)


class DeskCommands(Provider):
    """Actions by name, plus 'Open case: …' hits from the case search."""

    @property
    def desk_app(self) -> DutylineApp:
        from dutyline.ui.app import DutylineApp

        assert isinstance(self.app, DutylineApp)
        return self.app

    def _run(self, action: str) -> Callable[[], None]:
        return partial(self.desk_app.palette_action, action)

    async def discover(self) -> Hits:
        for title, help_text, action in ACTIONS:
            yield DiscoveryHit(title, self._run(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in ACTIONS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._run(action), help=help_text)
        async for hit in self._cases(query):
            yield hit

    async def _cases(self, query: str) -> AsyncIterator[Hit]:
        text = query.strip()
        if len(text) < 3 or self.desk_app.index_count is None or self.desk_app.locked:
            return
        try:
            hits = await asyncio.to_thread(self.desk_app.desk.search, text, 8)
        except Exception:  # noqa: BLE001 - the palette just shows no case hits; the search box reports errors
            return
        for rank, hit in enumerate(hits):
            # Text / Content, never str: the palette parses str prompts and help as markup.
            title = Text(
                f"Open case: {one_line(hit.display_name)} · born {day(hit.date_of_birth)} · {one_line(hit.postcode)}"
            )
            help_text = Content(one_line(" · ".join(p for p in (hit.case_ref, hit.school) if p.strip())))
            yield Hit(
                0.9 - rank * 0.01,
                title,
                partial(self.desk_app.open_case_from_palette, hit.case_id),
                # Textual types `help` as str, but Content.from_markup passes Content through unparsed:
                # a str would be read as markup, and this is a child's school and case reference.
                help=help_text,  # type: ignore[arg-type]
            )
