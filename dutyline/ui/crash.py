"""What the app prints if it ever stops on an unexpected error.

Textual's default crash report is a rich traceback with `show_locals=True`: it would print local
variables (a child's name, a call note) to the terminal and any captured stderr (docs/PRIVACY.md, C4).
This mixin replaces it with one line naming the exception type, logs the type (ids only), and reminds
the handler that the call was autosaved. `DUTYLINE_DEBUG=1` restores Textual's report for a developer
working on test data.
"""

from __future__ import annotations

import os

from rich.text import Text
from textual.app import App

from dutyline.logs import Code, get_logger


class SafeCrashMixin(App[int]):
    """Mix into the app before `App` so these overrides win."""

    _crash_type = "Exception"

    def _handle_exception(self, error: Exception) -> None:
        self._crash_type = type(error).__name__
        get_logger("dutyline.ui").error("app stopped on an unexpected error: %s", Code(self._crash_type))
        super()._handle_exception(error)  # sets the return code, then _fatal_error

    def _fatal_error(self) -> None:
        if os.environ.get("DUTYLINE_DEBUG") == "1":
            super()._fatal_error()
            return
        self.bell()
        self._exit_renderables.append(
            Text(
                f"dutyline stopped after an unexpected error ({self._crash_type}). The call you were on was "
                "autosaved and will be offered back when you start dutyline again. Please tell your "
                "dutyline administrator the time this happened."
            )
        )
        self._close_messages_no_wait()
