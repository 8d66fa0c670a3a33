"""What DutylineApp's idle-lock mixin shares with the app, declared once.

The lock lives in its own module so app.py stays about the call and autosave; it needs the app's state
and a few of its operations. Declaring those here, on an `App` subclass the mixin inherits, lets a type
checker check every mixin line against real types (and lets `super()` reach `App`), with no import of
app.py from the modules app.py itself imports. DutylineApp sets the attributes in `__init__` and
implements the abstract operations.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from textual.app import App

from dutyline.domain.call_draft import CallDraft
from dutyline.ui.desk import Desk
from dutyline.ui.idle import IdleWatch
from dutyline.ui.screens.search import SearchScreen


class DeskAppBase(App[int]):
    desk: Desk
    call: CallDraft | None
    idle: IdleWatch
    locked: bool
    #: How many cases the search index holds, once built (None until then).
    index_count: int | None
    #: The handler mode's base screen (kept, so the app never digs in Textual's screen stacks).
    search_screen: SearchScreen
    #: The last draft payload saved, so an unchanged call is not saved again.
    _last_payload: dict[str, Any] | None

    @abstractmethod
    def autosave(self) -> None:
        """Save the call in progress as a draft, if it changed."""

    @abstractmethod
    def check_draft(self) -> object:
        """Offer back a draft left by a previous session (runs in a worker, hence `object`)."""

    @abstractmethod
    def drop_duty_mode(self) -> None:
        """Forget the duty screens (another person unlocked: theirs are built afresh)."""

    @abstractmethod
    def _back_to_search(self) -> None:
        """Pop the handler's screens back to an empty search."""
