"""Common behaviour of every dutyline screen: worker failures become a plain-words notification.

Why: `Worker.StateChanged` does not bubble, so each screen that runs workers needs a handler; putting it
in one base class means no screen can forget it (and no traceback ever reaches a handler). Screens get
what they need through their constructor (the `Desk` façade, the call in progress) and post messages up
(`dutyline.ui.messages`); none of them knows the app class.
"""

from __future__ import annotations

from typing import Any, TypeVar

from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from dutyline.ui.errors import describe

R = TypeVar("R")


def _report(screen: Screen[Any], event: Worker.StateChanged) -> None:
    if event.state == WorkerState.ERROR and event.worker.error is not None:
        screen.notify(describe(event.worker.error), title="Not done", severity="error", markup=False, timeout=10)


class DeskScreen(Screen[R]):
    """A full screen of the app."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        _report(self, event)


class DeskModal(ModalScreen[R]):
    """A dialog over the current screen; Esc always backs out (returns None)."""

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        _report(self, event)
