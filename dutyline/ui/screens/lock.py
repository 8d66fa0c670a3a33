"""The idle lock: a full screen that shows nothing about any child, and the warning before it.

The lock screen is a full (opaque) screen pushed over whatever was open, so the compositor renders only it.
It names nobody and holds no case data; the call in progress stays in memory (and was saved as a draft just
before locking). Unlocking needs a login and PIN: the same login carries on where they were; a different
login starts fresh (the app drops the call from memory and that person cannot load the other's draft).
"""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from dutyline.services.context import Actor
from dutyline.ui.errors import describe
from dutyline.ui.screens.base import DeskModal, DeskScreen


class LockScreen(DeskScreen[Actor]):
    """Dismissed with the Actor who unlocked."""

    BINDINGS = [Binding("escape", "noop", show=False)]

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box", classes="dialog"):
            yield Static(Text("dutyline is locked", style="bold"), markup=False)
            yield Static(
                Text(
                    "Locked after a while with no typing, to protect children's data. Sign in with your login and PIN."
                ),
                markup=False,
            )
            yield Input(placeholder="Login", id="lock-login")
            yield Input(placeholder="PIN", password=True, id="lock-pin")
            yield Static(id="lock-problem", classes="problems", markup=False)

    def on_mount(self) -> None:
        self.query_one("#lock-login").focus()

    def action_noop(self) -> None:
        """Esc does nothing here: the only way out of the lock is to sign in."""

    @on(Input.Submitted, "#lock-login")
    def _to_pin(self) -> None:
        self.query_one("#lock-pin").focus()

    @on(Input.Submitted, "#lock-pin")
    def _submit(self) -> None:
        login = self.query_one("#lock-login", Input).value.strip()
        pin = self.query_one("#lock-pin", Input).value
        if not login or not pin:
            self._problem("Type your login and your PIN.")
            return
        self.unlock(login, pin)

    @work(exclusive=True, group="unlock", exit_on_error=False)
    async def unlock(self, login: str, pin: str) -> None:
        try:
            actor = await asyncio.to_thread(self.desk_app.desk.authenticate, login, pin)
        except Exception as exc:  # noqa: BLE001 - every refusal is shown in words, the lock stays
            self.query_one("#lock-pin", Input).value = ""
            self._problem(describe(exc))
            return
        self.dismiss(actor)

    def _problem(self, text: str) -> None:
        self.query_one("#lock-problem", Static).update(Text(f"! {text}"))


class IdleWarning(DeskModal[None]):
    """Shown 30 seconds before the lock; any key keeps the desk unlocked (WCAG 2.2.1)."""

    BINDINGS = [Binding("enter", "cancel", "Stay signed in"), Binding("escape", "cancel", "Stay signed in")]

    def __init__(self, seconds: int) -> None:
        super().__init__()
        self.seconds = seconds

    def compose(self) -> ComposeResult:
        with Vertical(id="idle-box", classes="dialog"):
            yield Static(Text("Still there?", style="bold"), markup=False)
            yield Static(
                Text(
                    f"The screen will lock in {self.seconds} seconds to protect children's data. "
                    "Press any key to stay signed in. Your call is saved either way."
                ),
                id="idle-text",
                markup=False,
            )
