"""What the call services hand back: logged calls, past calls on a case, and its open promises.

Plain frozen values (never ORM rows) so the screen can hold them after the session has closed.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from dutyline.domain.model import CallerKind, Frozen, Outcome, Priority, Reason

#: Calls about one child within this many days that make a "repeat caller".
REPEAT_WINDOW_DAYS = 14
REPEAT_THRESHOLD = 3


class LoggedCall(Frozen):
    """Ids of everything one `log_call` wrote, in one transaction."""

    call_id: int
    handoff_id: int | None = None
    callback_id: int | None = None
    #: The urgent hand-off that alerts the duty officer to a safeguarding concern (may be `handoff_id`).
    safeguarding_alert_id: int | None = None
    duration_s: int = 0


class CallCorrection(Frozen):
    """A correction of a saved call's notes: a new row, never an edit; the earlier text stays, superseded."""

    id: int
    call_id: int
    staff_login: str
    created_at: dt.datetime
    notes: str = ""


class CallRecord(Frozen):
    """A past call as the case view lists it, with its corrections (oldest first; the last one stands)."""

    id: int
    started_at: dt.datetime
    staff_login: str
    caller_kind: CallerKind
    caller_name: str = ""
    reason: Reason
    outcome: Outcome
    notes: str = ""
    safeguarding: bool = False
    duration_s: int = 0
    corrections: tuple[CallCorrection, ...] = ()

    @property
    def current_notes(self) -> str:
        """The notes that stand: the newest correction's, else the call's own."""
        return self.corrections[-1].notes if self.corrections else self.notes


class OpenItem(Frozen):
    """An open callback or hand-off on a case: a promise someone still has to keep."""

    kind: Literal["callback", "handoff"]
    id: int
    team_code: str
    priority: Priority
    due_at: dt.datetime
    status: str
    reason: str = ""
    overdue: bool = False
    claimed_by: str | None = None
    #: For callbacks: who to ask for (never the number: the list is read at a glance on a shared screen).
    contact_name: str = ""


class CaseActivity(Frozen):
    """Everything about a case's calls the case view shows, read together."""

    recent: tuple[CallRecord, ...] = ()
    open_items: tuple[OpenItem, ...] = ()
    repeat_caller: bool = False
    calls_in_window: int = 0
