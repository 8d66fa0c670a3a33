"""Small dialogs: restore an unfinished call, confirm ending a call, and help."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Static

from dutyline.ui.call_state import CallState
from dutyline.ui.safe import join, plain, when
from dutyline.ui.screens.base import DeskModal


class DraftOffer(DeskModal[bool]):
    """An unfinished call was found at start-up (or after unlocking): restore it whole, or discard it."""

    BINDINGS = [
        Binding("r", "restore", "Restore call"),
        Binding("d", "discard", "Discard"),
        Binding("escape", "restore", "Restore call"),
    ]

    def __init__(self, state: CallState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        s = self.state
        about = (
            join("about ", plain(s.case_name or "a case"), f" ({s.case_ref})")
            if s.case_id
            else Text("not about a known case")
        )
        notes = f"{len(s.notes)} characters of notes" if s.notes else "no notes yet"
        with Vertical(id="draft-box", classes="dialog"):
            yield Static(Text("Unfinished call found", style="bold"), markup=False)
            yield Static(
                join(
                    f"A call started {when(s.started_at)}, ",
                    about,
                    f", with {notes}",
                    ", and a safeguarding concern" if s.safeguarding else "",
                    ". It was not saved.",
                ),
                markup=False,
            )
            yield Static(Text("R: restore it exactly as it was · D: discard it"), markup=False)
        yield Footer()

    def action_restore(self) -> None:
        self.dismiss(True)

    def action_discard(self) -> None:
        self.dismiss(False)


class ConfirmEnd(DeskModal[bool]):
    """Ending a call that has something typed in it."""

    BINDINGS = [
        Binding("y", "yes", "End and discard"),
        Binding("n", "no", "Keep the call"),
        Binding("escape", "no", "Keep the call"),
    ]

    def __init__(self, safeguarding: bool) -> None:
        super().__init__()
        self.safeguarding = safeguarding

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            if self.safeguarding:
                yield Static(
                    Text(
                        "! A safeguarding concern is recorded on this call. Save the call (F2, "
                        "then Ctrl+S) so the duty officer is alerted.",
                        style="bold",
                    ),
                    markup=False,
                )
            yield Static(Text("End this call without saving it? What was typed will be discarded."), markup=False)
            yield Static(Text("Y: end and discard · N or Esc: keep the call"), markup=False)
        yield Footer()

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


HELP = """dutyline: the SEND duty line desk

FIND THE CASE
  Type any of: name (misspellings are fine), date of birth, postcode, phone, school, case ref.
  Up/Down choose a result, Enter opens it, Ctrl+N starts a call with no case, Esc clears.

DURING A CALL
  Check who is calling: pick the caller, tick date of birth and postcode. The case opens when both are ticked.
  F6 goes on without verifying (case details stay hidden).
  F8 changes a contact's name, phone or email once the caller is verified (Ctrl+S saves, Esc backs out).
  F2 opens the call form. Ctrl+S saves the call; if it needs a hand-off or callback you are asked first.
  F3 hand off (Enter accepts the proposed team, F7 chooses another with a reason).
  F4 book a callback.   F9 SAFEGUARDING, from anywhere in a call.
  Esc goes back one step; it never throws away a call without asking.

ANYWHERE
  Ctrl+P command palette (every action, and "open case" by name).   F1 or ? this help.
  Ctrl+L lock the screen now.   F10 switch between call handler and duty officer mode.   Ctrl+Q quit.

Your typing is saved as a draft every few seconds; if the app stops, the next start offers the call back.
The screen locks after a few minutes without typing; a warning comes 30 seconds before.
"""


class HelpScreen(DeskModal[None]):
    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("f1", "cancel", "Close", show=False),
        Binding("question_mark", "cancel", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="dialog"):
            yield Static(Text(HELP), markup=False)
        yield Footer()
