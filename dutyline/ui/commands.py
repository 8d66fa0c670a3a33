"""The command palette (Ctrl+P): every action by name, and "open case" by typing a child's name.

Case search from the palette uses the same audited search service as the search box, in a thread (the
palette's search is async, so it must not block the event loop). Names shown are sanitised literal text.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Protocol

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from dutyline.domain.search import SearchHit
from dutyline.domain.text import one_line
from dutyline.ui.actions import ACTIONS, DeskAction
from dutyline.ui.messages import ActionChosen, CaseChosen
from dutyline.ui.safe import day


class _Searcher(Protocol):
    def search(self, query: str, limit: int = 30) -> list[SearchHit]: ...


class PaletteHost(Protocol):
    """What the palette needs from the app (a protocol, so this module does not import the app)."""

    desk: _Searcher
    index_count: int | None
    locked: bool


def _title(action: DeskAction) -> str:
    return f"{action.title} ({action.key_text})"


class DeskCommands(Provider):
    """Every action in `dutyline.ui.actions` by name, plus 'Open case: …' hits from the case search."""

    @property
    def host(self) -> PaletteHost:
        return self.app  # type: ignore[return-value]

    def _run(self, action_id: str) -> Callable[[], None]:
        def run() -> None:
            self.app.post_message(ActionChosen(action_id))

        return run

    async def discover(self) -> Hits:
        for action in ACTIONS:  # the empty prompt lists what works here; typing finds any action
            if not action.move and (hasattr(self.screen, action.method) or hasattr(self.app, action.method)):
                yield DiscoveryHit(_title(action), self._run(action.id), help=action.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action in ACTIONS:
            if action.move:
                continue
            score = matcher.match(_title(action))
            if score > 0:
                yield Hit(score, matcher.highlight(_title(action)), self._run(action.id), help=action.help)
        async for hit in self._cases(query):
            yield hit

    async def _cases(self, query: str) -> AsyncIterator[Hit]:
        text = query.strip()
        if len(text) < 3 or self.host.index_count is None or self.host.locked:
            return
        try:
            hits = await asyncio.to_thread(self.host.desk.search, text, 8)
        except Exception:  # noqa: BLE001 - the palette just shows no case hits; the search box reports errors
            return
        for rank, hit in enumerate(hits):
            # Text / Content, never str: the palette parses str prompts and help as markup.
            title = Text(
                f"Open case: {one_line(hit.display_name)} · born {day(hit.date_of_birth)} · {one_line(hit.postcode)}"
            )
            help_text = Content(one_line(" · ".join(p for p in (hit.case_ref, hit.school) if p.strip())))
            yield Hit(0.9 - rank * 0.01, title, partial(self.app.post_message, CaseChosen(hit.case_id)), help=help_text)  # type: ignore[arg-type]
