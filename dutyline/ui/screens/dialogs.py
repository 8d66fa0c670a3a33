"""Small dialogs: restore an unfinished call, confirm ending a call, and help."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Static

from dutyline.domain.call_draft import CallDraft
from dutyline.ui.actions import Where, bindings, help_text, hint
from dutyline.ui.safe import join, plain, when
from dutyline.ui.screens.base import DeskModal


class DraftOffer(DeskModal[bool]):
    """An unfinished call was found at start-up (or after unlocking): restore it whole, or discard it."""

    BINDINGS = bindings(Where.DRAFT)

    def __init__(self, state: CallDraft) -> None:
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
                    ", and a safeguarding concern" if s.any_safeguarding else "",
                    ". It was not saved.",
                ),
                markup=False,
            )
            yield Static(Text(hint("restore", "discard")), markup=False)
        yield Footer()

    def action_restore(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Esc restores: backing out must never throw a call away."""
        self.dismiss(True)

    def action_discard(self) -> None:
        self.dismiss(False)


class ConfirmEnd(DeskModal[bool]):
    """Ending a call that has something typed in it."""

    BINDINGS = bindings(Where.CONFIRM)

    def __init__(self, safeguarding: bool, unrecorded: bool = False) -> None:
        super().__init__()
        self.safeguarding = safeguarding
        self.unrecorded = unrecorded

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            if self.unrecorded:
                yield Static(
                    Text(
                        "! A SAFEGUARDING summary was typed but not recorded. Keep the call (N), press F9 to "
                        "finish it, then save the call so the duty officer is alerted.",
                        style="bold",
                    ),
                    classes="banner -error",
                    markup=False,
                )
            elif self.safeguarding:
                yield Static(
                    Text(
                        "! A safeguarding concern is recorded on this call. Save the call (F2, "
                        "then Ctrl+S) so the duty officer is alerted.",
                        style="bold",
                    ),
                    markup=False,
                )
            yield Static(Text("End this call without saving it? What was typed will be discarded."), markup=False)
            yield Static(Text(hint("yes", "no")), markup=False)
        yield Footer()

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class HelpScreen(DeskModal[None]):
    """Every key, generated from the one action list (`dutyline.ui.actions`), then whatever the screen
    underneath adds about itself (`HELP_EXTRA`: the workspace lists every figure's definition)."""

    BINDINGS = bindings(Where.HELP)

    def __init__(self, extra: str = "") -> None:
        super().__init__()
        self._extra = extra

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="dialog"):
            yield Static(Text(help_text()), markup=False)
            if self._extra:
                yield Static(Text(self._extra), markup=False, id="help-extra")
        yield Footer()
