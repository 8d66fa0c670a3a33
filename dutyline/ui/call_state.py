"""The call in progress: everything the handler has chosen or typed so far, in one plain object.

Why one object: the screens write every change here at once (not only on save), so an autosave can copy
the whole call into the draft table at any moment, and a restart can rebuild the screens from it exactly
as they were ("offered back whole"). It is JSON-safe by construction (`to_payload`/`from_payload`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from dutyline.domain.model import CallerKind

PAYLOAD_VERSION = 1


@dataclass
class CallState:
    started_at: dt.datetime
    case_id: int | None = None
    #: Case reference and name as shown when the call began (for the "restore this call?" question).
    case_ref: str = ""
    case_name: str = ""
    caller_kind: str | None = None
    caller_contact_id: int | None = None
    caller_name: str = ""
    caller_phone: str = ""
    caller_has_pr: bool = False
    verified_dob: bool = False
    verified_postcode: bool = False
    #: The handler chose to go on without verifying: case details stay hidden, the call can still be logged.
    verify_skipped: bool = False
    reason: str | None = None
    urgent_reason: str | None = None
    notes: str = ""
    outcome: str | None = None
    handoff: dict[str, Any] | None = None
    callback: dict[str, Any] | None = None
    safeguarding: dict[str, Any] | None = None
    #: Which screen the handler was on ("case" or "log"), so a restore reopens it.
    screen: str = "case"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        """Caller chosen and both date of birth and postcode confirmed (or there is no case to protect)."""
        if self.case_id is None:
            return True
        return self.caller_kind is not None and self.verified_dob and self.verified_postcode

    @property
    def may_see_case(self) -> bool:
        return self.verified and not self.verify_skipped

    @property
    def has_content(self) -> bool:
        """Anything worth asking about before throwing the call away."""
        return bool(self.notes.strip() or self.safeguarding or self.handoff or self.callback or self.reason)

    def to_payload(self) -> dict[str, Any]:
        data = asdict(self)
        data["started_at"] = self.started_at.isoformat()
        data["payload_version"] = PAYLOAD_VERSION
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> CallState:
        """Rebuild from a saved draft, ignoring keys this version does not know."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        started = values.get("started_at")
        try:
            values["started_at"] = dt.datetime.fromisoformat(str(started))
        except ValueError:
            values["started_at"] = dt.datetime.now(dt.UTC)
        return cls(**values)

    def form_data(self) -> dict[str, Any]:
        """The fields `dutyline.domain.call_form.build_call_form` validates."""
        kind = self.caller_kind
        return {
            "case_id": self.case_id,
            "started_at": self.started_at,
            "caller_kind": kind,
            "caller_contact_id": self.caller_contact_id if kind == CallerKind.CONTACT.value else None,
            "caller_name": self.caller_name,
            "caller_phone": self.caller_phone,
            "caller_has_pr": self.caller_has_pr,
            "verified_dob": self.verified_dob,
            "verified_postcode": self.verified_postcode,
            "reason": self.reason,
            "urgent_reason": self.urgent_reason,
            "notes": self.notes,
            "outcome": self.outcome,
            "handoff": self.handoff,
            "callback": self.callback,
            "safeguarding": self.safeguarding,
        }
