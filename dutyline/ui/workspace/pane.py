"""What every workspace tab shares: how it reaches the person's context, how a failed load is told, and
how a table is filled from one (header, rows) pair.

Each tab is its own widget so the screen only arranges them: the screen hands a tab the way to read the
context (attributes go down) and a tab posts a message when the person asks to open something (messages
come up); the screen pushes the modal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from dutyline.domain.permissions import Action
from dutyline.domain.policy import Policy
from dutyline.services.context import Context
from dutyline.ui.errors import describe
from dutyline.ui.workspace import figure_tables as tables

#: The team selector's value for every team the person may see.
ALL = "all"


def definitions(defs: dict[str, str]) -> Text:
    """Every figure's one-line definition, under its tab (and in `dutyline report --help`)."""
    out = Text("Definitions\n", style="bold", end="")
    for key, text in defs.items():
        out.append(f"{key.replace('_', ' ')}: ", style="italic")
        out.append(text + "\n")
    return out


def caption(text: str) -> Static:
    """A table's one-line heading."""
    return Static(Text(text), markup=False, classes="ws-caption")


def fill(table: DataTable[Any], data: tables.Table, *, empty: str = "Nothing to show") -> None:
    """Replace a table's columns and rows from one (header, rows) pair, so they can never disagree."""
    header, rows = data
    table.clear(columns=True)
    table.add_columns(*header)
    for i, row in enumerate(rows):
        table.add_row(*row, key=str(i))
    if not rows:
        table.add_row(Text(empty, style="italic"), *(Text("") for _ in header[1:]))


class Pane(VerticalScroll):
    """A workspace tab's content. `ctx` is called at each load, so an unlock by someone else is seen."""

    class Open(Message):
        """Open something over the workspace: `kind` names the modal, `key` what it shows."""

        def __init__(self, kind: str, key: Any) -> None:
            super().__init__()
            self.kind = kind
            self.key = key

    def __init__(self, ctx: Callable[[], Context], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._ctx = ctx

    @property
    def ctx(self) -> Context:
        return self._ctx()

    def may(self, action: Action) -> bool:
        return self.ctx.actor.may(action)

    def team_names(self) -> dict[str, str]:
        policy = self.ctx.policy
        return {c: t.name for c, t in policy.teams.items()} if isinstance(policy, Policy) else {}

    def say(self, text: str) -> None:
        """A notice from a worker thread (plain text: it may hold an item's name)."""
        self.app.call_from_thread(self.notify, text, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A load or save that failed is told in words (worker state changes do not bubble to the screen)."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(describe(event.worker.error), severity="error", markup=False)
