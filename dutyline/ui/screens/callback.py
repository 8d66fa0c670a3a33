"""Book a callback: pick a contact's number or type one, the caller's preferred time, and the owning team.

The due time comes from the service standard via routing (urgent is sooner) and is shown, not typed, so
every callback is promised on the same rule. Returns a `CallbackChoice`, or None.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Input, RadioButton, RadioSet, Select, Static

from dutyline.domain.call_draft import CallbackNotes, CallDraft
from dutyline.domain.call_form import CallbackChoice
from dutyline.domain.model import CallerKind, ContactInfo
from dutyline.domain.policy import Policy
from dutyline.domain.routing import RoutingDecision
from dutyline.domain.text import phone_digits, valid_uk_phone
from dutyline.ui.actions import Where, bindings, hint
from dutyline.ui.safe import join, plain, when
from dutyline.ui.screens.base import DeskModal

PHONE_HELP = "10 or 11 digits starting 0, or +country code"


def phone_problem(typed: str) -> str:
    """'' when the typed number can be dialled (or nothing is typed), else what to fix."""
    if not typed.strip() or valid_uk_phone(phone_digits(typed)):
        return ""
    return f"! That number cannot be dialled: {PHONE_HELP}."


class CallbackScreen(DeskModal[CallbackChoice | None]):
    BINDINGS = bindings(Where.CALLBACK)

    def __init__(
        self, decision: RoutingDecision, policy: Policy, contacts: tuple[ContactInfo, ...], state: CallDraft
    ) -> None:
        super().__init__()
        self.decision = decision
        self.policy = policy
        self.state = state
        self.numbers: list[tuple[str, str]] = []  # (name, phone)
        if state.caller_phone and state.caller_kind != CallerKind.CONTACT:
            self.numbers.append((state.caller_name or "The caller", state.caller_phone))
        for c in contacts:
            for phone in (c.phone, c.alt_phone):
                if phone:
                    self.numbers.append((c.name, phone))

    def compose(self) -> ComposeResult:
        d = self.decision
        current = self.state.callback
        typed_before = self.state.callback_notes or CallbackNotes()
        with Vertical(id="callback-dialog", classes="dialog"):
            yield Static(Text("Book a callback", style="bold"), markup=False)
            if self.numbers:
                buttons = []
                for i, (name, phone) in enumerate(self.numbers):
                    chosen = (current.phone == phone) if current else i == 0
                    buttons.append(RadioButton(join(plain(name), " · ", plain(phone)), value=chosen))
                yield RadioSet(*buttons, id="cb-numbers")
            typed = current.phone if current and current.phone not in [p for _, p in self.numbers] else ""
            typed = typed or typed_before.phone
            yield Input(typed, placeholder="Or type another number", id="cb-phone")
            yield Input(
                current.contact_name if current else typed_before.contact_name,
                placeholder="Who to ask for (if not the contact above)",
                id="cb-name",
            )
            yield Input(
                current.preferred_time if current else typed_before.preferred_time,
                placeholder="Best time to call (e.g. after 3pm)",
                id="cb-time",
            )
            # The proposed team is always a choice: for a safeguarding call that is the team every duty
            # officer sees (a SEND team's queue would hide the concern from the others).
            teams = [(t.name, code) for code, t in self.policy.teams.items() if t.send or code == d.team]
            default_team = current.team if current else d.team
            yield Select(teams, prompt="Owning team", id="cb-team", value=default_team, allow_blank=False)
            urgent = " (urgent)" if d.priority.value == "urgent" else ""
            yield Static(
                Text(f"Due by {when(d.callback_due)}{urgent}: the service standard for this call."), markup=False
            )
            yield Static(id="cb-problem", classes="problems", markup=False)
            yield Static(Text(hint("book", "cancel"), style="italic"), markup=False)
        yield Footer()

    def on_mount(self) -> None:
        target = "#cb-numbers" if self.numbers else "#cb-phone"
        self.query_one(target).focus()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        """Keep what is typed in the draft (Esc must not lose the caller's best time) and check a typed
        number as it is typed, not only when booking."""
        self.state.callback_notes = CallbackNotes(
            phone=self.query_one("#cb-phone", Input).value,
            contact_name=self.query_one("#cb-name", Input).value,
            preferred_time=self.query_one("#cb-time", Input).value,
        )
        if event.input.id == "cb-phone":
            self.query_one("#cb-problem", Static).update(Text(phone_problem(event.value)))

    def action_book(self) -> None:
        typed = self.query_one("#cb-phone", Input).value.strip()
        name = self.query_one("#cb-name", Input).value.strip()
        phone = typed
        if not typed and self.numbers:
            index = self.query_one("#cb-numbers", RadioSet).pressed_index
            if index >= 0:
                contact, phone = self.numbers[index]
                name = name or contact
        if not valid_uk_phone(phone_digits(phone)):
            self.query_one("#cb-problem", Static).update(
                Text("! Choose a number or type one (10 or 11 digits starting 0, or +country code).")
            )
            self.query_one("#cb-phone").focus()
            return
        team = self.query_one("#cb-team", Select).value
        assert self.decision.callback_due is not None
        self.state.callback_notes = None
        self.dismiss(
            CallbackChoice(
                phone=phone,
                contact_name=name,
                preferred_time=self.query_one("#cb-time", Input).value,
                due_at=self.decision.callback_due,
                team=str(team),
                priority=self.decision.priority,
            )
        )
