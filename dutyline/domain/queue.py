"""The duty officer's queue as values: one row per callback or hand-off, its timing, and team reports.

Pure data and arithmetic so the UI, the CLI and the tests share one idea of "overdue", "due soon" and
"time left" (counted in working hours: a callback due Monday 10:00 seen on Friday 16:00 has two working
hours left, not 66 hours). Built by `dutyline.services.queue`; nothing here touches the database.

The queue's rules live here too, as pure functions the use cases apply:

- Team scope (`Scope`): a duty officer works only their own teams' queues, plus the team safeguarding
  alerts are queued for (a concern must top every duty queue, not wait for one team's desk). A team
  manager (anyone granted REASSIGN_ACROSS_TEAM) oversees every team.
- Leases: a claim carries a fresh random token (`new_token`); a completion must present it, so a desk
  whose lease lapsed cannot finish late.
- Refusals in plain words (`refusal_text`): who holds the item and until when, staff logins and times
  only, never anything about the child.
- The manager's report (`build_report`): promises kept and broken over a window.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from dutyline.domain.calendar import LONDON, working_hours_between
from dutyline.domain.model import Frozen, ItemStatus, Priority
from dutyline.domain.text import sanitize

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


#: Working hours in a working day (09:00-17:00), to say a long wait in days.
WORKING_DAY_HOURS = 8.0


def working_amount(hours: float) -> str:
    """A span of working time in the unit a person reads at a glance: '45 wm' under an hour, '2.5 wh'
    under a working day, '3.2 wd' beyond (wm/wh/wd = working minutes/hours/days). '1488.0 wh' for an
    item a year old told nobody anything."""
    hours = abs(hours)
    if hours < 1:
        return f"{round(hours * 60)} wm"
    if hours < WORKING_DAY_HOURS:
        return f"{hours:.1f} wh"
    days = hours / WORKING_DAY_HOURS
    return f"{days:.1f} wd" if days < 10 else f"{round(days)} wd"


def time_left_text(item: QueueItem) -> str:
    """'2.5 wh left', '45 wm left', 'OVERDUE 3.2 wd' (see `working_amount`)."""
    if not item.is_open_state:
        return item.status.value
    hours = abs(item.hours_left)
    amount = working_amount(hours)
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


def build_report(team: str, now: dt.datetime, items: Sequence[QueueItem]) -> TeamReport:
    """Count kept/broken promises; durations are working hours from booking to completion."""
    on_time = late = open_ok = overdue = escalated = cancelled = 0
    durations: list[float] = []
    for item in items:
        if item.status is ItemStatus.DONE and item.completed_at is not None:
            if as_utc(item.completed_at) <= as_utc(item.due_at):
                on_time += 1
            else:
                late += 1
            durations.append(working_hours_between(as_utc(item.created_at), as_utc(item.completed_at)))
        elif item.status is ItemStatus.CANCELLED:
            cancelled += 1
        elif item.overdue:
            overdue += 1
            escalated += item.escalated
        else:
            open_ok += 1
    overdue_items = tuple(sorted((i for i in items if i.overdue), key=sort_key))
    return TeamReport(
        team_code=team,
        as_of=now,
        completed_on_time=on_time,
        completed_late=late,
        open_on_time=open_ok,
        overdue_open=overdue,
        escalated_open=escalated,
        cancelled=cancelled,
        p50_hours_to_complete=percentile(durations, 50),
        p95_hours_to_complete=percentile(durations, 95),
        overdue_items=overdue_items,
    )


# --- rules ---------------------------------------------------------------------------------------------


def new_token() -> str:
    """A fresh random lease token: a completion must present it, so a lapsed desk cannot finish late.

    Hex, not URL-safe base64: one token in 32 of those began with '-', and `--token -Xy…` on the command
    line is read as another option (the CLI refused the holder's own release).
    """
    return secrets.token_hex(24)


@dataclass(frozen=True)
class Scope:
    """Whose queues a person may see and work: their own teams plus the alert team, or every team."""

    own_teams: tuple[str, ...]
    alert_team: str
    every_team: bool = False

    def work_teams(self) -> list[str] | None:
        """The teams whose items this person may act on (None = every team)."""
        if self.every_team:
            return None
        return list(dict.fromkeys([*self.own_teams, self.alert_team]))

    def includes(self, team: str) -> bool:
        return self.every_team or team in self.own_teams or team == self.alert_team

    def outside(self, requested: Sequence[str]) -> list[str]:
        """The requested teams this person may not see."""
        return [] if self.every_team else [t for t in requested if not self.includes(t)]


def clean_notes(text: str, limit: int = 4000) -> str:
    return sanitize(text, multiline=True).strip()[:limit]


def hhmm(moment: dt.datetime | None) -> str:
    """Local (UK) clock time, as refusals and the CLI show a lease's end."""
    return "" if moment is None else as_utc(moment).astimezone(LONDON).strftime("%H:%M")


@dataclass(frozen=True)
class ItemState:
    """What a refusal needs to know about an item as it is now."""

    status: str
    claimed_by: str | None
    lease_expires: dt.datetime | None
    team_code: str
    case_id: int | None


def refusal_text(
    kind: ItemKind, item_id: int, state: ItemState | None, *, verb: str, login: str, now: dt.datetime, scope: Scope
) -> str:
    """Why `verb` was refused (the guarded statement matched nothing), in words an officer can act on."""
    label = kind.label.lower()
    if state is None:
        return f"There is no {label} {item_id}."
    status, claimed_by, expires, team = state.status, state.claimed_by, state.lease_expires, state.team_code
    if not scope.includes(team):
        return f"Cannot {verb}: {label} {item_id} is in the {team} queue, which is not one of your teams."
    live = status == ItemStatus.CLAIMED.value and expires is not None and as_utc(expires) > now
    if status == ItemStatus.DONE.value:
        return f"Cannot {verb}: {label} {item_id} is already done."
    if status == ItemStatus.CANCELLED.value:
        return f"Cannot {verb}: {label} {item_id} was cancelled."
    if live and claimed_by != login:
        return (
            f"Cannot {verb}: {label} {item_id} is claimed by {claimed_by} until {hhmm(expires)}. "
            "If you had claimed it, your claim lapsed and it was taken by someone else."
        )
    if live:
        return f"Cannot {verb}: you claimed {label} {item_id} again at another desk or window; finish it there."
    if status == ItemStatus.CLAIMED.value:
        return (
            f"Cannot {verb}: the claim on {label} {item_id} lapsed at {hhmm(expires)} and it is back in "
            "the queue. Claim it again first."
        )
    return f"Cannot {verb}: nobody holds {label} {item_id} (the claim lapsed or was released). Claim it first."
