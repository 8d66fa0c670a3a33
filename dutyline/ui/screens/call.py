"""A call about a case: check who is calling, then the case at a glance, then log the call.

The case is loaded in a thread worker (audited as a view by the service). Until the caller is verified
only the verification panel is on screen; the case card is mounted after, so nothing else about the
child is rendered before then, not even off-screen.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Static

from dutyline.domain.call_draft import CallDraft
from dutyline.domain.call_record import CaseActivity
from dutyline.domain.model import CallerKind
from dutyline.domain.summary import CaseSummary
from dutyline.ui.actions import Where, bindings
from dutyline.ui.desk import Desk
from dutyline.ui.messages import CallEnded, OpenCallForm
from dutyline.ui.safe import duration, join, plain
from dutyline.ui.screens.base import DeskScreen
from dutyline.ui.screens.contact_edit import ContactEditScreen
from dutyline.ui.screens.correct_note import CorrectNoteScreen
from dutyline.ui.widgets.case_card import CaseCard
from dutyline.ui.widgets.verify import VerifyPanel


class CallScreen(DeskScreen[None]):
    """Verification, then the case view, for the call in progress."""

    BINDINGS = bindings(Where.VERIFY, Where.CASE)

    def __init__(self, desk: Desk, call: CallDraft) -> None:
        super().__init__()
        assert call.case_id is not None, "a case view is for a call about a case"
        self.desk = desk
        self.call = call
        self.case_id: int = call.case_id
        #: A restored draft was on the call form: reopen it once the case has loaded.
        self._reopen_form = call.screen == "log"
        self.summary: CaseSummary | None = None
        self.activity: CaseActivity | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Loading the case…"), id="call-header", markup=False)
        yield Vertical(id="call-body")
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        state = self.call
        if state is None or self.summary is None:
            return
        secs = (self.desk.now() - state.started_at).total_seconds()
        verified = (
            "caller verified"
            if state.may_see_case
            else "caller NOT VERIFIED"
            if state.verify_skipped
            else "checking who is calling"
        )
        self.query_one("#call-header", Static).update(
            join(
                "Call about ",
                plain(self.summary.case.display_name, style="bold"),
                f" ({self.summary.case.case_ref})",
                f" · on the call {duration(secs)} · {verified}",
            )
        )

    @work(thread=True, exclusive=True, group="case-load", exit_on_error=False)
    def load(self) -> None:
        desk = self.desk
        summary = desk.case_summary(self.case_id)
        activity = desk.case_activity(self.case_id)
        self.app.call_from_thread(self._loaded, summary, activity)

    def _loaded(self, summary: CaseSummary, activity: CaseActivity) -> None:
        self.summary, self.activity = summary, activity
        state = self.call
        if state is not None and not state.case_ref:
            state.case_ref, state.case_name = summary.case.case_ref, summary.case.display_name
        self._tick()
        self._render_body()
        if self._reopen_form:
            self._reopen_form = False
            self.post_message(OpenCallForm(summary, activity))

    def _render_body(self) -> None:
        state = self.call
        if self.summary is None or self.activity is None or state is None:
            return
        body = self.query_one("#call-body", Vertical)
        if state.may_see_case:
            if not body.query(CaseCard):
                body.remove_children()
                body.mount(CaseCard((self.summary, self.activity, state, self._team_names()), id="case-card"))
            else:
                self._fill_card()
        elif state.verify_skipped:
            body.remove_children()
            body.mount(
                Static(
                    Text(
                        "The caller was not verified, so the case details stay hidden. F2 logs the call; "
                        "F9 raises a safeguarding concern."
                    ),
                    classes="banner -warning",
                    markup=False,
                )
            )
        elif not body.query(VerifyPanel):
            body.remove_children()
            body.mount(VerifyPanel(self.summary.case, state, id="verify"))
            self.call_after_refresh(lambda: self.query_one("#verify-caller").focus())
        self.refresh_bindings()

    def _fill_card(self) -> None:
        state = self.call
        if self.summary is None or self.activity is None or state is None:
            return
        self.query_one(CaseCard).show(self.summary, self.activity, state, self._team_names())

    def _team_names(self) -> dict[str, str]:
        return {code: team.name for code, team in self.desk.policy.teams.items()}

    @on(VerifyPanel.Changed)
    def _verify_changed(self) -> None:
        state = self.call
        if state is not None and state.may_see_case:
            self._render_body()
        self._tick()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.call
        if action == "skip_verify":
            return state is not None and not state.verified and not state.verify_skipped
        if action in ("edit_contact", "correct_note"):  # case details: only for a verified caller
            return state is not None and state.may_see_case and self.summary is not None
        return True

    # --- actions ------------------------------------------------------------------------------------------
    def action_log_call(self) -> None:
        self.post_message(OpenCallForm(self.summary, self.activity))

    def action_handoff(self) -> None:
        """From the palette: the hand-off is chosen in the call form, so open it and go straight on."""
        self.post_message(OpenCallForm(self.summary, self.activity, then="handoff"))

    def action_callback(self) -> None:
        self.post_message(OpenCallForm(self.summary, self.activity, then="callback"))

    def action_skip_verify(self) -> None:
        state = self.call
        if state is not None:
            state.verify_skipped = True
            self._render_body()
            self._tick()

    def action_reload(self) -> None:
        self.load()

    def action_edit_contact(self) -> None:
        state = self.call
        if self.summary is None or state is None or not state.may_see_case:
            return
        contacts = tuple(c for c in self.summary.case.contacts if c.id is not None)
        if not contacts:
            self.notify("This case has no listed contacts to change.", markup=False)
            return
        caller = state.caller_contact_id if state.caller_kind == CallerKind.CONTACT.value else None
        self.app.push_screen(
            ContactEditScreen(self.desk, self.call, self.case_id, contacts, caller), self._reload_if_changed
        )

    def _reload_if_changed(self, changed: bool | None) -> None:
        if changed:
            self.load()

    def action_correct_note(self) -> None:
        """Correct the highlighted past call's note (a new version; the first stays, superseded)."""
        cards = self.query(CaseCard)
        call = cards.first().highlighted_call() if cards else None
        if call is None:
            self.notify("No earlier call on this case to correct.", markup=False)
            return
        self.app.push_screen(CorrectNoteScreen(self.desk, call), self._reload_if_changed)

    def action_end_call(self) -> None:
        self.post_message(CallEnded(ask=True))

    def on_screen_resume(self) -> None:
        if self.summary is not None:
            self._render_body()
