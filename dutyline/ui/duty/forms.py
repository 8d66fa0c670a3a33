"""The duty officer's small forms: complete (outcome + notes), failed attempt, reassign (team + reason).

Each is a modal that returns its answer to the screen (or None on Esc); the screen runs the service in a
worker. Notes typed here are the officer's own words: stored as typed (sanitised), shown back literally.
"""

from __future__ import annotations

from typing import Any, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Select, Static, TextArea

from dutyline.domain.model import Outcome
from dutyline.domain.queue import AttemptResult, QueueItem
from dutyline.ui.actions import Where, bindings
from dutyline.ui.safe import join, plain

R = TypeVar("R")

OUTCOME_LABELS = {
    Outcome.RESOLVED: "Resolved on the call",
    Outcome.SIGNPOSTED: "Signposted elsewhere",
    Outcome.HANDED_OFF: "Passed to another team",
    Outcome.CALLBACK_BOOKED: "Another callback booked",
}


class DutyForm(ModalScreen[R]):
    """Esc cancels; Ctrl+S saves; a problem line says what is missing."""

    BINDINGS = bindings(Where.DUTY_FORM)
    DEFAULT_CSS = """
    DutyForm { align: center top; }
    DutyForm .duty-dialog { background: $panel; border: thick $accent; padding: 0 1; width: 90%; max-width: 90;
                            height: auto; max-height: 95%; }
    DutyForm TextArea { height: 6; }
    DutyForm .problem { color: $text-error; text-style: bold; }
    """

    def __init__(self, item: QueueItem) -> None:
        super().__init__()
        self.item = item

    def heading(self, verb: str) -> Static:
        """Says which item, and repeats the number to ring: the dialog must not hide what the officer is
        reading from (it sits at the top, clear of the detail pane below the queue)."""
        it = self.item
        who = join(plain(it.child_name or "no case"), " ", plain(it.case_ref)) if it.case_id else Text("no case")
        line = join(Text(f"{verb} {it.kind.label.lower()} {it.id}", style="bold"), " · ", who)
        phone = it.phone or it.caller_phone
        if phone:
            line.append_text(
                join("\nRing: ", plain(it.contact_name or it.caller_name or "the caller"), " on ", plain(phone))
            )
        return Static(line, markup=False)

    def problem(self, text: str) -> None:
        self.query_one(".problem", Static).update(Text(text))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        raise NotImplementedError  # each form defines it


class CompleteForm(DutyForm[tuple[str, str]]):
    """Outcome and notes for a completed callback or hand-off (logged as a call for a callback)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="duty-dialog"):
            yield self.heading("Complete")
            yield Select(
                [(label, o.value) for o, label in OUTCOME_LABELS.items()],
                prompt="Outcome",
                id="outcome",
                value=Outcome.RESOLVED.value,
                allow_blank=False,
            )
            yield Static(Text("Notes (what was said and agreed)"), markup=False)
            yield TextArea(id="notes")
            yield Static("", classes="problem", markup=False)
            yield Static(Text("Ctrl+S save · Esc cancel"), markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#notes", TextArea).focus()

    def action_save(self) -> None:
        outcome = self.query_one("#outcome", Select).value
        notes = self.query_one("#notes", TextArea).text.strip()
        if outcome is Select.NULL:
            self.problem("Choose an outcome.")
            return
        if not notes:
            self.problem("Add a note of what was said: the next person to ring this family will read it.")
            return
        self.dismiss((str(outcome), notes))


class AttemptForm(DutyForm[tuple[str, str]]):
    """A callback attempt that reached nobody: it stays open and the attempt is counted."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="duty-dialog"):
            yield self.heading("Failed attempt:")
            yield Select(
                [(r.label, r.value) for r in AttemptResult],
                prompt="What happened",
                id="result",
                value=AttemptResult.NO_ANSWER.value,
                allow_blank=False,
            )
            yield Input(placeholder="Note (optional), e.g. 'left message to ring the duty line'", id="note")
            yield Static("", classes="problem", markup=False)
            yield Static(Text("Ctrl+S save · Esc cancel · the callback goes back to the queue"), markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        result = self.query_one("#result", Select).value
        self.dismiss((str(result), self.query_one("#note", Input).value.strip()))


class ReassignForm(DutyForm[tuple[str, str]]):
    """Another team's work: choose the team and say why (the reason goes into the item's notes)."""

    def __init__(self, item: QueueItem, teams: list[tuple[str, str]]) -> None:
        super().__init__(item)
        self.teams = [(code, name) for code, name in teams if code != item.team_code]

    def compose(self) -> ComposeResult:
        with Vertical(classes="duty-dialog"):
            yield self.heading("Reassign")
            yield Select([(Text(f"{name} ({code})"), code) for code, name in self.teams], prompt="To team", id="team")
            yield Input(placeholder="Reason (required), e.g. 'about a tribunal appeal'", id="reason")
            yield Static("", classes="problem", markup=False)
            yield Static(Text("Ctrl+S save · Esc cancel"), markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#team", Select).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        team: Any = self.query_one("#team", Select).value
        reason = self.query_one("#reason", Input).value.strip()
        if team is Select.NULL:
            self.problem("Choose the team to pass it to.")
            return
        if not reason:
            self.problem("Give a reason: the receiving team reads it.")
            return
        self.dismiss((str(team), reason))
