"""Correct a past call's note from the case view ("I wrote Oak Hill; it is Oak Hall").

Saved calls are append-only: the correction is a new row, and the note as first saved stays on record,
shown as superseded. The form starts from the note that stands now (the last correction, else the
original), so a second correction builds on the first. Returns True when a correction was saved (the
case view reloads), else None. The note is user text: it is shown and edited as data, never markup.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static, TextArea

from dutyline.domain.call_form import MAX_NOTES
from dutyline.domain.call_record import CallRecord
from dutyline.domain.text import sanitize
from dutyline.ui.actions import Where, bindings
from dutyline.ui.desk import Desk
from dutyline.ui.errors import describe
from dutyline.ui.safe import join, plain, when
from dutyline.ui.screens.base import DeskModal


class CorrectNoteScreen(DeskModal[bool | None]):
    """The call's note in a text box; Ctrl+S saves the correction (in a thread worker), Esc goes back."""

    BINDINGS = bindings(Where.CORRECT)
    DEFAULT_CSS = """
    CorrectNoteScreen { align: center middle; }
    CorrectNoteScreen #cn-note { height: 8; }
    CorrectNoteScreen #cn-problem { margin-top: 1; }
    """

    def __init__(self, desk: Desk, call: CallRecord) -> None:
        super().__init__()
        self.desk = desk
        self.record = call
        self.saving = False

    def compose(self) -> ComposeResult:
        call = self.record
        with VerticalScroll(id="cn-dialog", classes="dialog"):
            yield Static(
                join(
                    Text("Correct the note of the call on ", style="bold"),
                    Text(when(call.started_at), style="bold"),
                    " taken by ",
                    plain(call.staff_login),
                ),
                markup=False,
            )
            yield Static(
                Text("The note as first saved stays on record, marked superseded.", style="italic"), markup=False
            )
            # An imported or old note could hold a terminal escape: the box shows its value raw.
            yield TextArea(sanitize(call.current_notes, multiline=True), id="cn-note", soft_wrap=True)
            yield Static(id="cn-problem", classes="problems", markup=False)
            yield Static(Text("Ctrl+S: save the correction · Esc: back, nothing changed", style="italic"))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#cn-dialog").styles.padding = (0, 1)
        self._problem("")
        self.query_one("#cn-note", TextArea).focus()

    def _problem(self, text: str) -> None:
        box = self.query_one("#cn-problem", Static)
        box.display = bool(text)
        box.update(Text(text, end=""))

    def action_save(self) -> None:
        if self.saving:
            return
        text = sanitize(self.query_one("#cn-note", TextArea).text, multiline=True).strip()
        if not text:
            self._problem("! Write the corrected note: it replaces the note shown for the call.")
            return
        if text == sanitize(self.record.current_notes, multiline=True).strip():
            self._problem("! Nothing to save: the note is unchanged.")
            return
        if len(text) > MAX_NOTES:
            self._problem(f"! Shorten the note to {MAX_NOTES} characters or fewer (it has {len(text)}).")
            return
        self.saving = True
        self._problem("Saving…")
        self.save(self.record.id, text)

    @work(thread=True, exclusive=True, group="note-correct", exit_on_error=False)
    def save(self, call_id: int, text: str) -> None:
        try:
            self.desk.correct_call(call_id, text)
        except Exception as exc:  # noqa: BLE001 - told in plain words inside the dialog; nothing is lost
            self.app.call_from_thread(self._failed, describe(exc))
            return
        self.app.call_from_thread(self._saved)

    def _failed(self, message: str) -> None:
        self.saving = False
        self._problem(f"! Not saved: {message} Your text is still here.")

    def _saved(self) -> None:
        self.notify("Correction saved; the first note stays on record, superseded.", markup=False)
        self.dismiss(True)
