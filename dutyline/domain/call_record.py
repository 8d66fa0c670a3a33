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


class NoCaseCall(Frozen):
    """A past call about no case, as the "rang before" list shows it (search, and the call form)."""

    id: int
    started_at: dt.datetime
    staff_login: str
    caller_kind: CallerKind
    caller_name: str = ""
    caller_phone: str = ""
    reason: Reason
    outcome: Outcome
    notes: str = ""
    safeguarding: bool = False
    child_name: str = ""
    child_dob: dt.date | None = None
    child_postcode: str = ""
    child_district: str = ""


class EarlierCaller(Frozen):
    """Someone who rang before about a child with no case, found again by their number or a name.

    One caller is one phone number (or, with no number, one caller name): their calls newest first, and
    what the search matched ("phone", "caller", "child"), in words."""

    calls: tuple[NoCaseCall, ...]
    matched: tuple[str, ...] = ()

    @property
    def latest(self) -> NoCaseCall:
        return self.calls[0]

    @property
    def key(self) -> str:
        """Stable row key for a screen: the newest call's id."""
        return f"call:{self.latest.id}"

    def first(self, field: str) -> str:
        """The newest non-empty value of a text field across the calls ('' when never given)."""
        return next((str(v) for c in self.calls if (v := getattr(c, field))), "")

    @property
    def child_dob(self) -> dt.date | None:
        return next((c.child_dob for c in self.calls if c.child_dob is not None), None)


def group_callers(calls: list[tuple[NoCaseCall, str, tuple[str, ...]]], limit: int) -> list[EarlierCaller]:
    """Group matching calls (each with its caller key and what matched) into callers, newest caller first.

    `calls` come newest first; the caller key is the number's digits, or the folded caller name when no
    number was given, so one parent ringing three times is one row with three calls."""
    groups: dict[str, tuple[list[NoCaseCall], dict[str, None]]] = {}
    for call, key, matched in calls:
        found, words = groups.setdefault(key or f"#{call.id}", ([], {}))
        found.append(call)
        words.update(dict.fromkeys(matched))
    out = [EarlierCaller(calls=tuple(found), matched=tuple(words)) for found, words in groups.values()]
    return out[:limit]
