"""The duty officer's queue as values: one row per callback or hand-off, its timing, and team reports.

Pure data and arithmetic so the UI, the CLI and the tests share one idea of "overdue", "due soon" and
"time left" (counted in working hours: a callback due Monday 10:00 seen on Friday 16:00 has two working
hours left, not 66 hours). Built by `dutyline.services.queue`; nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from enum import StrEnum

from dutyline.domain.calendar import working_hours_between
from dutyline.domain.model import Frozen, ItemStatus, Priority

#: An item with this many working hours or fewer left is "due soon" (amber).
DUE_SOON_WORKING_HOURS = 1.0

#: The only shape a NOTIFY payload may take: a table name and an id (docs/RELIABILITY.md, B7). Payloads are
#: visible to every database user, so they carry nothing else.
PAYLOAD_RE = re.compile(r"^[a-z_]+:[0-9]+$")


class ItemKind(StrEnum):
    """The two kinds of queue item. The value is also the table name used in NOTIFY payloads."""

    CALLBACK = "callback"
    HANDOFF = "handoff"

    @property
    def label(self) -> str:
        return "Callback" if self is ItemKind.CALLBACK else "Hand-off"


class AttemptResult(StrEnum):
    """A callback attempt that did not reach anyone: the callback stays open and the attempt is counted."""

    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    ENGAGED = "engaged"
    WRONG_NUMBER = "wrong_number"

    @property
    def label(self) -> str:
        return {
            "no_answer": "No answer",
            "voicemail": "Voicemail left",
            "engaged": "Line engaged",
            "wrong_number": "Wrong number",
        }[self.value]


class StatusFilter(StrEnum):
    """What the queue shows. AVAILABLE = what this officer can work on now (open, expired, or theirs)."""

    AVAILABLE = "available"
    OPEN = "open"
    CLAIMED = "claimed"
    MINE = "mine"
    DONE = "done"
    ALL = "all"


def payload(kind: ItemKind | str, item_id: int) -> str:
    """The NOTIFY payload for one item (`callback:12`); refuses anything that does not match PAYLOAD_RE."""
    text = f"{ItemKind(kind).value}:{int(item_id)}"
    if not PAYLOAD_RE.fullmatch(text) or len(text) >= 8000:
        raise ValueError("queue notification payloads are 'table:id' only")
    return text


def parse_payload(text: str) -> tuple[ItemKind, int] | None:
    """(kind, id) from a payload, or None for anything else (ignored, never echoed)."""
    if not PAYLOAD_RE.fullmatch(text):
        return None
    table, _, number = text.partition(":")
    try:
        return ItemKind(table), int(number)
    except ValueError:
        return None


def as_utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


class QueueItem(Frozen):
    """One row of a team's queue as the duty officer sees it (no ORM row ever leaves the store)."""

    kind: ItemKind
    id: int
    team_code: str
    priority: Priority
    urgent_reason: str | None = None
    reason: str = ""
    due_at: dt.datetime
    status: ItemStatus
    claimed_by: str | None = None
    claimed_at: dt.datetime | None = None
    lease_expires: dt.datetime | None = None
    created_at: dt.datetime
    completed_at: dt.datetime | None = None
    completed_by: str | None = None
    outcome: str | None = None
    escalated: bool = False
    version: int = 1
    case_id: int | None = None
    case_ref: str = ""
    child_name: str = ""
    contact_name: str = ""
    phone: str = ""
    preferred_time: str = ""
    attempts: int = 0
    last_attempt_at: dt.datetime | None = None
    notes: str = ""
    #: The call that raised this item carried a safeguarding concern: what was said, who rang, the referral.
    safeguarding: bool = False
    safeguarding_summary: str = ""
    referral_ref: str = ""
    caller_phone: str = ""
    caller_name: str = ""
    #: Filled in by `with_timing` at the moment the queue was read.
    as_of: dt.datetime | None = None
    hours_left: float = 0.0

    @property
    def key(self) -> str:
        """Stable row key across both tables (`callback:12`), the same text as its NOTIFY payload."""
        return f"{self.kind.value}:{self.id}"

    @property
    def is_open_state(self) -> bool:
        return self.status in (ItemStatus.OPEN, ItemStatus.CLAIMED)

    def lease_live(self, now: dt.datetime) -> bool:
        return (
            self.status is ItemStatus.CLAIMED
            and self.claimed_by is not None
            and self.lease_expires is not None
            and as_utc(self.lease_expires) > now
        )

    def effective_status(self, now: dt.datetime) -> ItemStatus:
        """A claim whose lease lapsed counts as open again: the item is back in the queue."""
        if self.status is ItemStatus.CLAIMED and not self.lease_live(now):
            return ItemStatus.OPEN
        return self.status

    def claimed_by_other(self, login: str, now: dt.datetime) -> bool:
        return self.lease_live(now) and self.claimed_by != login

    @property
    def overdue(self) -> bool:
        return self.is_open_state and self.as_of is not None and as_utc(self.due_at) <= self.as_of

    @property
    def due_soon(self) -> bool:
        return self.is_open_state and not self.overdue and self.hours_left <= DUE_SOON_WORKING_HOURS

    @property
    def urgent(self) -> bool:
        return self.priority is Priority.URGENT

    def with_timing(self, now: dt.datetime) -> QueueItem:
        """A copy with `as_of` and the working hours left until due (negative once overdue)."""
        return self.model_copy(update={"as_of": now, "hours_left": working_hours_between(now, as_utc(self.due_at))})


def sort_key(item: QueueItem) -> tuple[int, int, dt.datetime, str, int]:
    """Open safeguarding concerns first (at the top of every duty queue), then urgent, then by due time
    (earliest first), then kind and id for a stable order."""
    concern = 0 if item.safeguarding and item.is_open_state else 1
    return (concern, 0 if item.urgent else 1, as_utc(item.due_at), item.kind.value, item.id)


def time_left_text(item: QueueItem) -> str:
    """'2.5 wh left', '45 wm left', 'OVERDUE 3 wh' (wh = working hours, wm = working minutes)."""
    if not item.is_open_state:
        return item.status.value
    hours = abs(item.hours_left)
    amount = f"{round(hours * 60)} wm" if hours < 1 else f"{hours:.1f} wh"
    if item.overdue:
        return f"OVERDUE {amount}" if hours >= 1 / 60 else "OVERDUE"
    return f"{amount} left"


def child_display_name(first_name: str, last_name: str, known_as: str = "") -> str:
    """The child's name as the case card shows it (same rule as CaseInfo.display_name)."""
    known = f" ({known_as})" if known_as and known_as != first_name else ""
    return f"{first_name}{known} {last_name}"


class ClaimTicket(Frozen):
    """Proof of a claim: the lease token must come back with complete/release/renew, or they are refused."""

    kind: ItemKind
    id: int
    token: str
    claimed_by: str
    lease_expires: dt.datetime

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.id}"


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None when there are no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


class TeamReport(Frozen):
    """Promises kept and broken for one team: what a team manager reviews each morning."""

    team_code: str
    as_of: dt.datetime
    completed_on_time: int = 0
    completed_late: int = 0
    open_on_time: int = 0
    overdue_open: int = 0
    escalated_open: int = 0
    cancelled: int = 0
    #: Working hours from creation to completion.
    p50_hours_to_complete: float | None = None
    p95_hours_to_complete: float | None = None
    overdue_items: tuple[QueueItem, ...] = ()

    @property
    def kept_ratio(self) -> float | None:
        done = self.completed_on_time + self.completed_late
        return None if not done else self.completed_on_time / done
