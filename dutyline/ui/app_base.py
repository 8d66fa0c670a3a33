"""What DutylineApp's mixins (the idle lock, the command palette) share with the app, declared once.

The mixins live in their own modules so app.py stays about the call and autosave; they need the app's
state and a few of its operations. Declaring those here, on an `App` subclass both mixins inherit, lets a
type checker check every mixin line against real types (and lets `super()` reach `App`), with no import of
app.py from the modules app.py itself imports. DutylineApp sets the attributes in `__init__` and
implements the abstract operations.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from textual.app import App
from textual.screen import Screen

from dutyline.ui.call_state import CallState
from dutyline.ui.desk import Desk
from dutyline.ui.idle import IdleWatch


class DeskAppBase(App[int]):
    desk: Desk
    call: CallState | None
    idle: IdleWatch
    locked: bool
    #: How many cases the search index holds, once built (None until then).
    index_count: int | None
    #: The last draft payload saved, so an unchanged call is not saved again.
    _last_payload: dict[str, Any] | None

    @abstractmethod
    def autosave(self) -> None:
        """Save the call in progress as a draft, if it changed."""

    @abstractmethod
    def check_draft(self) -> object:
        """Offer back a draft left by a previous session (runs in a worker, hence `object`)."""

    @abstractmethod
    def begin_call(self, case_id: int | None) -> None:
        """Start a call on a case, or with no case."""

    @abstractmethod
    def open_log_form(self) -> None:
        """Open the call form for the call in progress."""

    @abstractmethod
    def end_call_asking(self) -> None:
        """End the call, asking first if anything would be thrown away."""

    @abstractmethod
    def action_toggle_mode(self) -> None:
        """Switch between the call handler's and the duty officer's screens."""

    @abstractmethod
    def _back_to_search(self) -> None:
        """Pop the handler's screens back to an empty search."""

    @abstractmethod
    def _handler_stack(self) -> list[Screen[Any]]:
        """The call handler mode's screens, bottom first."""
