"""Common behaviour of every dutyline screen: worker failures become a plain-words notification.

Why: `Worker.StateChanged` does not bubble, so each screen that runs workers needs a handler; putting it
in one base class means no screen can forget it (and no traceback ever reaches a handler).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from dutyline.ui.errors import describe

if TYPE_CHECKING:
    from dutyline.ui.app import DutylineApp

R = TypeVar("R")


def _report(screen: Screen[Any], event: Worker.StateChanged) -> None:
    if event.state == WorkerState.ERROR and event.worker.error is not None:
        screen.notify(describe(event.worker.error), title="Not done", severity="error", markup=False, timeout=10)


class DeskScreen(Screen[R]):
    """A full screen of the app."""

    @property
    def desk_app(self) -> DutylineApp:
        from dutyline.ui.app import DutylineApp

        assert isinstance(self.app, DutylineApp)
        return self.app

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        _report(self, event)


class DeskModal(ModalScreen[R]):
    """A dialog over the current screen; Esc always cancels (returns None)."""

    BINDINGS = [("escape", "cancel", "Back")]

    @property
    def desk_app(self) -> DutylineApp:
        from dutyline.ui.app import DutylineApp

        assert isinstance(self.app, DutylineApp)
        return self.app

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        _report(self, event)
