"""Safeguarding: one key (F9) from anywhere in a call. Shows the script first (999 for immediate danger,
then the Children's Services and adult lines from the council policy), then records the time, a short
summary and any referral reference. Ctrl+S records it on the call; the duty officer is alerted when the
call is saved (an urgent hand-off due at once, written in the same transaction as the call).

What is typed here is kept in the call draft as it is typed (so it is autosaved even before Ctrl+S), and
ending the call asks before that text is thrown away.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static, TextArea

from dutyline.domain.call_draft import CallDraft, SafeguardingNotes
from dutyline.domain.call_form import SafeguardingRecord
from dutyline.domain.model import Reason
from dutyline.domain.policy import Policy
from dutyline.domain.routing import callback_due
from dutyline.ui.actions import Where, bindings
from dutyline.ui.safe import local_time, when
from dutyline.ui.screens.base import DeskModal


class SafeguardingScreen(DeskModal[SafeguardingRecord | None]):
    BINDINGS = bindings(Where.SAFEGUARDING)

    def __init__(self, policy: Policy, state: CallDraft, now: dt.datetime) -> None:
        super().__init__()
        self.policy = policy
        self.state = state
        self.now = now
        if state.safeguarding is not None:
            rec = state.safeguarding
            self.notes = SafeguardingNotes(raised_at=rec.raised_at, summary=rec.summary, referral_ref=rec.referral_ref)
        else:
            self.notes = state.safeguarding_notes or SafeguardingNotes()
        if self.notes.raised_at is None:
            self.notes.raised_at = now

    def compose(self) -> ComposeResult:
        sg = self.policy.safeguarding
        raised = local_time(self.notes.raised_at or self.now)
        with Vertical(id="sg-dialog", classes="dialog"):
            yield Static(Text(f"SAFEGUARDING · 1. {sg.emergency}", style="bold"), classes="banner -error", markup=False)
            yield Static(Text(f"2. {sg.children_script}"), markup=False)
            yield Static(Text(f"3. {sg.adult_script}"), markup=False)
            due = callback_due(self.policy, Reason.SAFEGUARDING, self.now)
            yield Static(
                Text(
                    "4. Record it here; saving the call alerts the duty officers at once: it goes to the top of "
                    f"every duty queue, due by {when(due)}.",
                    style="italic",
                ),
                markup=False,
            )
            with Horizontal(classes="row"):
                yield Label("Time raised", classes="field-label")
                yield Input(f"{raised:%H:%M}", id="sg-time", max_length=5)
                yield Label("Referral ref", classes="field-label")
                yield Input(self.notes.referral_ref, placeholder="if referred", id="sg-ref")
            yield Label("What was said (brief summary)", classes="field-title")
            yield TextArea(self.notes.summary, id="sg-summary", soft_wrap=True, tab_behavior="focus")
            yield Static(id="sg-problem", classes="problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sg-summary").focus()

    @on(TextArea.Changed, "#sg-summary")
    @on(Input.Changed)
    def _changed(self) -> None:
        self.notes.summary = self.query_one("#sg-summary", TextArea).text
        self.notes.referral_ref = self.query_one("#sg-ref", Input).value
        self.state.safeguarding_notes = self.notes

    def _raised_at(self) -> dt.datetime | None:
        text = self.query_one("#sg-time", Input).value.strip()
        try:
            hour, minute = (int(p) for p in text.split(":"))
            local = local_time(self.now).replace(hour=hour, minute=minute, second=0, microsecond=0)
        except ValueError:
            return None
        return local.astimezone(dt.UTC)

    def action_record(self) -> None:
        raised = self._raised_at()
        summary = self.query_one("#sg-summary", TextArea).text.strip()
        if raised is None:
            self._problem("Type the time as HH:MM (24-hour), for example 14:05.")
            self.query_one("#sg-time").focus()
            return
        if not summary:
            self._problem("Write a short summary of the concern.")
            self.query_one("#sg-summary").focus()
            return
        self.state.safeguarding_notes = None
        self.dismiss(
            SafeguardingRecord(
                raised_at=raised, summary=summary, referral_ref=self.query_one("#sg-ref", Input).value.strip()
            )
        )

    def _problem(self, text: str) -> None:
        self.query_one("#sg-problem", Static).update(Text(f"! {text}"))
