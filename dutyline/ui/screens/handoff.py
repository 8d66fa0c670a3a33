"""Hand off: the routing proposal with its explanation; Enter accepts, or pick another team with a reason.

Returns a `HandoffChoice` (kept in the call draft, so the choice is autosaved with the rest of the call),
or None when the handler backs out.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Input, Select, Static

from dutyline.domain.call_form import HandoffChoice
from dutyline.domain.policy import Policy
from dutyline.domain.routing import RoutingDecision
from dutyline.ui.actions import Where, bindings, hint
from dutyline.ui.safe import join, plain, when
from dutyline.ui.screens.base import DeskModal


class HandoffScreen(DeskModal[HandoffChoice | None]):
    #: Nothing is focused at first, so Enter reaches the screen's "accept" binding.
    AUTO_FOCUS = None
    BINDINGS = bindings(Where.HANDOFF)

    def __init__(self, decision: RoutingDecision, policy: Policy, current: HandoffChoice | None = None) -> None:
        super().__init__()
        self.decision = decision
        self.policy = policy
        self.current = current
        self.choosing_other = bool(current and current.team != decision.team)

    def compose(self) -> ComposeResult:
        d = self.decision
        with Vertical(id="handoff-dialog", classes="dialog"):
            yield Static(Text("Hand off the call", style="bold"), markup=False)
            yield Static(
                join(
                    "Proposed team: ",
                    plain(d.team_name, style="bold"),
                    " (urgent)" if d.priority.value == "urgent" else "",
                ),
                markup=False,
            )
            yield Static(join("Why: ", plain(d.explanation)), classes="explanation", markup=False)
            if d.inbox:
                yield Static(join("Inbox: ", plain(d.inbox)), markup=False)
            if d.callback_due is not None:
                yield Static(Text(f"If they need a callback, it is due by {when(d.callback_due)}."), markup=False)
            yield Vertical(id="handoff-other")  # filled on F7, so until then Enter can only mean "accept"
            yield Static(id="handoff-problem", classes="problems", markup=False)
            yield Static(
                Text(hint("accept", "other", "cancel"), style="italic"),
                markup=False,
            )
        yield Footer()

    def on_mount(self) -> None:
        if self.choosing_other:
            self.action_other()

    def action_other(self) -> None:
        self.choosing_other = True
        box = self.query_one("#handoff-other", Vertical)
        if not box.children:
            d = self.decision
            teams = [(t.name, code) for code, t in self.policy.teams.items() if code != d.team]
            chosen = self.current.team if self.current and self.current.team != d.team else Select.NULL
            reason = self.current.override_reason if self.current else ""
            box.mount(
                Select(teams, prompt="Choose another team", id="other-team", value=chosen),
                Input(reason, placeholder="Why this team instead? (recorded for the duty officer)", id="other-reason"),
            )
        self.call_after_refresh(lambda: self.query_one("#other-team").focus())

    def action_accept(self) -> None:
        d = self.decision
        if not self.choosing_other:
            self.dismiss(
                HandoffChoice(team=d.team, proposed_team=d.team, explanation=d.explanation, priority=d.priority)
            )
            return
        team = self.query_one("#other-team", Select).value
        reason = self.query_one("#other-reason", Input).value.strip()
        if not isinstance(team, str):
            self._problem("Choose the team, or press Esc and then Enter to accept the proposed one.")
            self.query_one("#other-team").focus()
            return
        if not reason:
            self._problem("Say why the call goes to this team instead of the proposed one.")
            self.query_one("#other-reason").focus()
            return
        self.dismiss(
            HandoffChoice(
                team=team, proposed_team=d.team, explanation=d.explanation, override_reason=reason, priority=d.priority
            )
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_accept()

    def _problem(self, text: str) -> None:
        self.query_one("#handoff-problem", Static).update(Text(f"! {text}"))
