"""Log the call: caller (for calls with no case), reason in plain words, urgent reason, notes, outcome, with
the case in brief beside the form (one key away on a narrow screen).

Ctrl+S saves. If the outcome needs a hand-off or a callback that is not chosen yet, saving opens that
dialog first (Enter accepts the proposed team), so the usual call is: type notes, Ctrl+S, Enter. Every
keystroke lands in the call draft at once, so the autosave always has the latest notes.
"""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.events import Resize
from textual.widgets import Footer, Input, Label, Select, Static, TextArea

from dutyline.domain.calendar import local_date
from dutyline.domain.call_draft import CallDraft, ChildDetails
from dutyline.domain.call_form import OUTCOME_LABELS, FormProblems, dob_problem, postcode_problem
from dutyline.domain.call_record import CaseActivity
from dutyline.domain.model import CallerKind, Outcome, Reason
from dutyline.domain.reasons import reasons_for
from dutyline.domain.routing import RoutingDecision
from dutyline.domain.summary import CaseSummary
from dutyline.ui.actions import Where, bindings, hint
from dutyline.ui.desk import Desk
from dutyline.ui.messages import CallEnded, CallSaved, SafeguardingRequested
from dutyline.ui.safe import join, plain, when
from dutyline.ui.screens.base import DeskScreen
from dutyline.ui.screens.callback import CallbackScreen, phone_problem
from dutyline.ui.screens.handoff import HandoffScreen
from dutyline.ui.widgets.case_brief import CaseBrief

_NO_CASE_CALLERS = [
    ("The young person", CallerKind.YOUNG_PERSON.value),
    ("A parent, carer or someone else", CallerKind.OTHER.value),
    ("A professional (school, health…)", CallerKind.PROFESSIONAL.value),
]
#: Child field ids -> ChildDetails attributes.
_CHILD_FIELDS = {
    "child-name": "name",
    "child-dob": "date_of_birth",
    "child-postcode": "postcode",
    "child-district": "district",
}
#: Below this width the case brief is hidden until F2 shows it (it takes the form's place).
NARROW_BELOW = 110


def _value(select: Select[str]) -> str | None:
    return select.value if isinstance(select.value, str) else None


class LogCallScreen(DeskScreen[None]):
    BINDINGS = bindings(Where.FORM)
    DEFAULT_CSS = """
    LogCallScreen #log-main { height: 1fr; }
    LogCallScreen #log-form { width: 1fr; }
    LogCallScreen #log-case { width: 44; border-left: solid $accent; }
    LogCallScreen.-narrow #log-case { display: none; width: 1fr; border-left: none; }
    LogCallScreen.-narrow.-show-case #log-case { display: block; }
    LogCallScreen.-narrow.-show-case #log-form { display: none; }
    """

    def __init__(
        self,
        desk: Desk,
        call: CallDraft,
        summary: CaseSummary | None = None,
        activity: CaseActivity | None = None,
        *,
        then: str = "",
    ) -> None:
        super().__init__()
        self.desk = desk
        self.call = call
        self.summary = summary
        self.activity = activity
        self._then = then
        self._problems: dict[str, str] = {}
        self._save_problems: list[str] = []

    @property
    def state(self) -> CallDraft:
        return self.call

    def compose(self) -> ComposeResult:
        state = self.state
        policy = self.desk.policy
        yield Static(id="log-header", markup=False)
        with Horizontal(id="log-main"):
            with VerticalScroll(id="log-form"):
                if state.case_id is None:
                    with Horizontal(classes="row"):
                        yield Label("Caller", classes="field-label")
                        yield Select(
                            _NO_CASE_CALLERS,
                            prompt="Who is calling?",
                            id="no-case-kind",
                            value=state.caller_kind if state.caller_kind else Select.NULL,
                        )
                    with Horizontal(classes="row"):
                        yield Label("Name, number", classes="field-label")
                        yield Input(state.caller_name, placeholder="Caller's name", id="no-case-name")
                        yield Input(state.caller_phone, placeholder="Number", id="no-case-phone")
                    child = state.child or ChildDetails()
                    with Horizontal(classes="row"):
                        yield Label("Child, born", classes="field-label")
                        yield Input(child.name, placeholder="Child's name (if given)", id="child-name")
                        yield Input(child.date_of_birth, placeholder="Born, e.g. 3/7/2014", id="child-dob")
                    with Horizontal(classes="row"):
                        yield Label("Postcode, area", classes="field-label")
                        yield Input(child.postcode, placeholder="Postcode", id="child-postcode")
                        yield Input(child.district, placeholder="Or town / district", id="child-district")
                    yield Static(id="field-problems", classes="problems", markup=False)
                with Horizontal(classes="row"):
                    yield Label("Reason", classes="field-label")
                    stage = self.summary.case.stage if self.summary is not None else None
                    yield Select(
                        [(label, r.value) for r, label in reasons_for(stage)],
                        prompt="Why are they calling?",
                        id="reason",
                        value=state.reason or Select.NULL,
                    )
                with Horizontal(classes="row"):
                    yield Label("Urgent?", classes="field-label")
                    yield Select(
                        [(u.label, code) for code, u in policy.urgent_reasons.items()],
                        prompt="Not urgent",
                        id="urgent",
                        value=state.urgent_reason or Select.NULL,
                    )
                yield Label("Notes (what the caller said, what you told them)", classes="field-title")
                yield TextArea(state.notes, id="notes", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
                with Horizontal(classes="row"):
                    yield Label("Outcome", classes="field-label")
                    yield Select(
                        [(label, o.value) for o, label in OUTCOME_LABELS.items()],
                        prompt="How did it end?",
                        id="outcome",
                        value=state.outcome or Select.NULL,
                    )
                yield Static(id="log-extras", markup=False)
                yield Static(id="log-problems", classes="problems", markup=False)
            yield CaseBrief(self.summary, self.call, id="log-case")
        yield Footer()

    def on_mount(self) -> None:
        self.state.screen = "log"
        self.set_class(self.app.size.width < NARROW_BELOW, "-narrow")
        self._refresh_header()
        self._tick()
        self.set_interval(1.0, self._tick)
        self.query_one("#notes", TextArea).focus() if self.state.reason else self.query_one("#reason").focus()
        if self._then:
            self.call_after_refresh(self.run_action, self._then)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_BELOW, "-narrow")

    def _tick(self) -> None:
        for brief in self.query(CaseBrief):
            brief.tick(self.desk.now())

    def action_toggle_case(self) -> None:
        self.toggle_class("-show-case")

    def _refresh_header(self) -> None:
        s = self.state
        about = (
            join("Call about ", plain(s.case_name, style="bold"), f" ({s.case_ref})")
            if s.case_id
            else Text("Call not about a known case", style="bold")
        )
        self.query_one("#log-header", Static).update(about)
        lines: list[Text] = []
        if s.handoff:
            extra = " (changed from the proposed team)" if s.handoff.overridden else ""
            lines.append(join("Hand-off: ", plain(self.desk.policy.team_name(s.handoff.team)), extra))
        if s.callback:
            lines.append(
                join(
                    "Callback: ",
                    plain(s.callback.phone),
                    " · due by ",
                    when(s.callback.due_at),
                    " · ",
                    plain(self.desk.policy.team_name(s.callback.team)),
                )
            )
        if s.safeguarding:
            lines.append(Text("! SAFEGUARDING concern recorded on this call (F9 to view or change)", style="bold"))
        self.query_one("#log-extras", Static).update(
            Text("\n").join(lines)
            if lines
            else Text(
                f"No hand-off or callback yet ({hint('handoff', 'callback')}; Ctrl+S asks when the outcome needs one)",
                style="italic",
            )
        )

    # --- keeping the state current --------------------------------------------------------------------
    @on(Select.Changed)
    def _selected(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else None
        s = self.state
        key = event.select.id
        if (
            key in ("reason", "urgent")
            and s.handoff
            and value != getattr(s, "reason" if key == "reason" else "urgent_reason")
        ):
            s.handoff = None  # routing depends on these: propose again
        if key == "reason":
            s.reason = Reason(value) if value else None
            if s.reason == Reason.SAFEGUARDING and s.safeguarding is None:
                self.post_message(SafeguardingRequested())  # the script comes first, then the record
        elif key == "urgent":
            s.urgent_reason = value
        elif key == "outcome":
            s.outcome = Outcome(value) if value else None
        elif key == "no-case-kind":
            s.caller_kind = CallerKind(value) if value else None
        self._refresh_header()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        key, value = event.input.id or "", event.value
        s = self.state
        if key == "no-case-name":
            s.caller_name = value
        elif key == "no-case-phone":
            s.caller_phone = value
            self._field_problem(key, phone_problem(value).removeprefix("! "))
        elif key.startswith("child-"):
            child = s.child if s.child is not None else ChildDetails()
            setattr(child, _CHILD_FIELDS[key], value)
            s.child = child
            problem = self._child_problem(key, value)
            if not problem or key in self._problems:  # say it when they leave the field, clear it at once
                self._field_problem(key, problem)

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        key = event.input.id or ""
        if key in ("child-dob", "child-postcode"):
            self._field_problem(key, self._child_problem(key, event.value))

    def _child_problem(self, key: str, value: str) -> str:
        if key == "child-dob":
            return dob_problem(value, today=local_date(self.state.started_at))[1]
        if key == "child-postcode":
            return postcode_problem(value)[1]
        return ""

    def _field_problem(self, key: str, problem: str) -> None:
        """Each field's own problem, shown just under the caller and child fields until it is fixed (on
        a short screen the form's own problem line is below the fold)."""
        if problem:
            self._problems[key] = problem
        elif (fixed := self._problems.pop(key, None)) in self._save_problems:
            self.show_problems([p for p in self._save_problems if p != fixed])  # the save said it too
        self.query_one("#field-problems", Static).update(
            Text("\n".join(f"! {p}" for p in self._problems.values()), end="")
        )

    @on(TextArea.Changed, "#notes")
    def _notes(self, event: TextArea.Changed) -> None:
        self.state.notes = event.text_area.text

    def show_problems(self, problems: list[str]) -> None:
        self._save_problems = problems
        self.query_one("#log-problems", Static).update(
            Text("\n".join(f"! {p}" for p in problems), end="") if problems else Text("")
        )

    # --- actions --------------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.state.screen = "case"
        if self.state.case_id is None:
            self.post_message(CallEnded(ask=True))
        else:
            self.app.pop_screen()

    def action_save(self) -> None:
        self.save()

    def action_handoff(self) -> None:
        self.choose_handoff_then()

    def action_callback(self) -> None:
        self.choose_callback_then()

    @work(exclusive=True, group="call-dialog", exit_on_error=False)
    async def choose_handoff_then(self) -> None:
        await self._choose_handoff()

    @work(exclusive=True, group="call-dialog", exit_on_error=False)
    async def choose_callback_then(self) -> None:
        await self._choose_callback()

    async def _decision(self) -> RoutingDecision | None:
        s = self.state
        if not s.reason:
            self.show_problems(["Choose the reason for the call first: the team depends on it."])
            self.query_one("#reason").focus()
            return None
        return await asyncio.to_thread(self.desk.decide, Reason(s.reason), s.case_id, s.urgent_reason)

    async def _choose_handoff(self) -> bool:
        decision = await self._decision()
        if decision is None:
            return False
        choice = await self.app.push_screen_wait(HandoffScreen(decision, self.desk.policy, self.state.handoff))
        if choice is not None:
            self.state.handoff = choice
            if self.state.outcome is None:
                self.state.outcome = Outcome.HANDED_OFF
                self._set_select("outcome", self.state.outcome)
        self._refresh_header()
        return choice is not None

    async def _choose_callback(self) -> bool:
        decision = await self._decision()
        if decision is None:
            return False
        contacts = self.summary.case.contacts if self.summary is not None else ()
        screen = CallbackScreen(decision, self.desk.policy, contacts, self.state)
        choice = await self.app.push_screen_wait(screen)
        if choice is not None:
            self.state.callback = choice
            if self.state.outcome is None:
                self.state.outcome = Outcome.CALLBACK_BOOKED
                self._set_select("outcome", self.state.outcome)
        self._refresh_header()
        return choice is not None

    def _set_select(self, select_id: str, value: str) -> None:
        select = self.query_one(f"#{select_id}", Select)
        with select.prevent(Select.Changed):
            select.value = value

    @work(exclusive=True, group="call-dialog", exit_on_error=False)
    async def save(self) -> None:
        s = self.state
        self.show_problems([])
        if s.outcome == Outcome.HANDED_OFF.value and s.handoff is None and not await self._choose_handoff():
            return
        if s.outcome == Outcome.CALLBACK_BOOKED.value and s.callback is None and not await self._choose_callback():
            return
        try:
            form = s.to_form()
        except FormProblems as exc:
            self.show_problems(exc.problems)
            return
        logged = await asyncio.to_thread(self.desk.log_call, form)
        self.post_message(CallSaved(logged, form))
