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
from textual.containers import Vertical
from textual.widgets import Input, Static

from dutyline.services.context import Actor
from dutyline.ui.actions import Where, bindings
from dutyline.ui.desk import Desk
from dutyline.ui.errors import describe
from dutyline.ui.screens.base import DeskModal, DeskScreen


class LockScreen(DeskScreen[Actor]):
    """Dismissed with the Actor who unlocked. The login box starts with the locked person's login, so the
    usual unlock is just the PIN; Tab and Shift+Tab move between the boxes."""

    # No bindings of its own: Tab and Shift+Tab are the screen's own focus keys (the app lets them through
    # while locked), and nothing else leads out of the lock but a login and PIN.

    def __init__(self, desk: Desk, login: str = "") -> None:
        super().__init__()
        self.desk = desk
        self.login = login

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box", classes="dialog"):
            yield Static(Text("dutyline is locked", style="bold"), markup=False)
            yield Static(
                Text(
                    "Locked after a while with no typing, to protect children's data. Sign in with your login and PIN."
                ),
                markup=False,
            )
            yield Input(self.login, placeholder="Login", id="lock-login")
            yield Input(placeholder="PIN", password=True, id="lock-pin")
            yield Static(id="lock-problem", classes="problems", markup=False)
            yield Static(Text("Tab: next box · Enter: unlock", style="italic"), markup=False)

    def on_mount(self) -> None:
        self.query_one("#lock-pin" if self.login else "#lock-login").focus()

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
            actor = await asyncio.to_thread(self.desk.authenticate, login, pin)
        except Exception as exc:  # noqa: BLE001 - every refusal is shown in words, the lock stays
            self.query_one("#lock-pin", Input).value = ""
            # Never echo what was typed as the login: it may be a PIN typed into the wrong box.
            self._problem(describe(exc).replace(login, "…") if len(login) > 1 else describe(exc))
            return
        self.dismiss(actor)

    def _problem(self, text: str) -> None:
        self.query_one("#lock-problem", Static).update(Text(f"! {text}"))


class IdleWarning(DeskModal[None]):
    """Shown 30 seconds before the lock; any key keeps the desk unlocked (WCAG 2.2.1)."""

    BINDINGS = bindings(Where.IDLE)

    def __init__(self, seconds: int) -> None:
        super().__init__()
        self.seconds = seconds

    def compose(self) -> ComposeResult:
        with Vertical(id="idle-box", classes="dialog"):
            yield Static(Text("Still there?", style="bold"), markup=False)
            yield Static(
                Text(
                    f"The screen will lock in {self.seconds} seconds to protect children's data. "
                    "Press any key to stay signed in. An unfinished call is kept as a draft (not logged) either way."
                ),
                id="idle-text",
                markup=False,
            )
