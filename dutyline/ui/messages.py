"""Messages the screens post up to the app (the UI is a tree: attributes go down, messages come up).

Why: a screen used to reach into the app (`desk_app.begin_call(...)`, `desk_app.call_changed()`), which
tied every screen to `ui/app.py` in an import circle. Now a screen only says what happened; the app, which
owns what outlives a screen (the call, the draft, the lock, the modes), decides what to do about it. The
messages bubble from any widget through its screen to the app.
"""

from __future__ import annotations

from textual.message import Message

from dutyline.domain.call_form import CallForm
from dutyline.domain.call_record import CaseActivity, EarlierCaller, LoggedCall
from dutyline.domain.summary import CaseSummary


class CaseChosen(Message):
    """Start a call about this case (None: a call about no known case; `earlier`: a no-case caller who
    rang before, chosen from the search, whose details and calls the new call starts with)."""

    def __init__(self, case_id: int | None, earlier: EarlierCaller | None = None) -> None:
        super().__init__()
        self.case_id = case_id
        self.earlier = earlier


class CallEnded(Message):
    """The handler wants the call to end; `ask` means ask before discarding anything typed."""

    def __init__(self, *, ask: bool = True) -> None:
        super().__init__()
        self.ask = ask


class OpenCallForm(Message):
    """Open the call form over the case view; `then` is a form action to run at once ("handoff", …)."""

    def __init__(self, summary: CaseSummary | None, activity: CaseActivity | None, then: str = "") -> None:
        super().__init__()
        self.summary = summary
        self.activity = activity
        self.then = then


class CallSaved(Message):
    """The call was logged (the app tells the handler what was promised and ends the call)."""

    def __init__(self, logged: LoggedCall, form: CallForm) -> None:
        super().__init__()
        self.logged = logged
        self.form = form


class IndexReady(Message):
    """The search index is built (posted by the app's index worker)."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


class ActionChosen(Message):
    """An action was chosen in the command palette (by its id in `dutyline.ui.actions`)."""

    def __init__(self, action_id: str) -> None:
        super().__init__()
        self.action_id = action_id


class SafeguardingRequested(Message):
    """Show the safeguarding script and form (e.g. the reason "Safeguarding concern" was chosen)."""


class LeaveWorkspace(Message):
    """Esc in the manager's workspace: back to the mode the person came from."""
