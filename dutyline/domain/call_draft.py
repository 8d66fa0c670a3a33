"""The call in progress: everything the handler has chosen or typed so far, as one pydantic model.

Why one model, every field optional: the screens write each change here as it happens (not only on save),
so the autosave can copy the whole call into the draft table at any moment and a restart can rebuild the
screens from it exactly as they were. The same object is what the forms read and what `to_form()` turns
into a validated `CallForm` for the save, so the call is described once, not as screen dicts plus a
`form_data()` mapping plus the form model.

It reuses the hand-off, callback and safeguarding choices of `call_form` (they are validated when the
dialog returns them, so a draft never holds a half-made choice), and round-trips through JSON
(`to_payload`/`from_payload`); an old or damaged draft loses only the fields that no longer parse.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from dutyline.domain.calendar import local_date
from dutyline.domain.call_form import (
    CallbackChoice,
    CallForm,
    FormProblems,
    HandoffChoice,
    NoCaseChild,
    SafeguardingRecord,
    build_call_form,
    dob_problem,
    postcode_problem,
)
from dutyline.domain.call_record import EarlierCaller
from dutyline.domain.model import CallerKind, Outcome, Reason

PAYLOAD_VERSION = 2


class SafeguardingNotes(BaseModel):
    """A safeguarding concern typed but not yet recorded (Ctrl+S in the dialog records it)."""

    model_config = ConfigDict(extra="ignore")

    raised_at: dt.datetime | None = None
    summary: str = ""
    referral_ref: str = ""

    @property
    def has_content(self) -> bool:
        return bool(self.summary.strip() or self.referral_ref.strip())


class CallbackNotes(BaseModel):
    """What was typed in the callback dialog before it was booked (kept if the handler backs out)."""

    model_config = ConfigDict(extra="ignore")

    phone: str = ""
    contact_name: str = ""
    preferred_time: str = ""


class ChildDetails(BaseModel):
    """What a caller says about a child who has no case yet (new requests, general enquiries), as typed:
    a half-typed date of birth or postcode is kept as it is and checked when the call is saved."""

    model_config = ConfigDict(extra="ignore")

    name: str = ""
    date_of_birth: str = ""
    postcode: str = ""
    district: str = ""

    @property
    def has_content(self) -> bool:
        return bool(self.name.strip() or self.date_of_birth.strip() or self.postcode.strip() or self.district.strip())

    def checked(self, today: dt.date) -> NoCaseChild:
        """The structured child for the saved call, or `FormProblems` saying what to fix."""
        dob, dob_wrong = dob_problem(self.date_of_birth, today=today)
        postcode, postcode_wrong = postcode_problem(self.postcode)
        problems = [p for p in (dob_wrong, postcode_wrong) if p]
        if problems:
            raise FormProblems(problems)
        return NoCaseChild(name=self.name, date_of_birth=dob, postcode=postcode, district=self.district)


class CallDraft(BaseModel):
    """One call as far as it has got. Mutable on purpose: the screens write into it as the handler types."""

    model_config = ConfigDict(extra="ignore", validate_assignment=False)

    started_at: dt.datetime
    case_id: int | None = None
    #: Case reference and name as shown when the call began (for the "restore this call?" question).
    case_ref: str = ""
    case_name: str = ""
    caller_kind: CallerKind | None = None
    caller_contact_id: int | None = None
    caller_name: str = ""
    caller_phone: str = ""
    caller_has_pr: bool = False
    verified_dob: bool = False
    verified_postcode: bool = False
    #: The handler chose to go on without verifying: case details stay hidden, the call can still be logged.
    verify_skipped: bool = False
    reason: Reason | None = None
    urgent_reason: str | None = None
    notes: str = ""
    outcome: Outcome | None = None
    handoff: HandoffChoice | None = None
    callback: CallbackChoice | None = None
    #: Typed in the callback dialog but not booked yet (Esc keeps it; the next F4 shows it again).
    callback_notes: CallbackNotes | None = None
    safeguarding: SafeguardingRecord | None = None
    #: Typed in the safeguarding dialog but not recorded yet: kept (and autosaved) so it is never lost.
    safeguarding_notes: SafeguardingNotes | None = None
    child: ChildDetails | None = None
    #: The earlier no-case calls of this caller, when the call began from their row in the search (shown
    #: beside the form; never saved with the call).
    rang_before: EarlierCaller | None = None
    #: Which screen the handler was on ("case" or "log"), so a restore reopens it.
    screen: str = "case"

    @classmethod
    def ringing_back(cls, started_at: dt.datetime, earlier: EarlierCaller) -> CallDraft:
        """A new no-case call from someone who rang before: who they are and the child, as last given."""
        dob = earlier.child_dob
        return cls(
            started_at=started_at,
            caller_kind=earlier.latest.caller_kind,
            caller_name=earlier.first("caller_name"),
            caller_phone=earlier.first("caller_phone"),
            child=ChildDetails(
                name=earlier.first("child_name"),
                date_of_birth=f"{dob.day}/{dob.month}/{dob.year}" if dob else "",
                postcode=earlier.first("child_postcode"),
                district=earlier.first("child_district"),
            ),
            rang_before=earlier,
        )

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
    def unrecorded_safeguarding(self) -> bool:
        """A safeguarding summary was typed and neither recorded nor saved with the call."""
        return self.safeguarding is None and self.safeguarding_notes is not None and self.safeguarding_notes.has_content

    @property
    def has_content(self) -> bool:
        """Anything worth asking about before throwing the call away."""
        return bool(
            self.notes.strip()
            or self.safeguarding
            or self.unrecorded_safeguarding
            or self.handoff
            or self.callback
            or self.reason
            or (self.child is not None and self.child.has_content)
        )

    @property
    def any_safeguarding(self) -> bool:
        return self.safeguarding is not None or self.unrecorded_safeguarding or self.reason == Reason.SAFEGUARDING

    # --- persistence ------------------------------------------------------------------------------------
    def to_payload(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["payload_version"] = PAYLOAD_VERSION
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any], *, now: dt.datetime | None = None) -> CallDraft:
        """Rebuild from a saved draft. A field that no longer parses is dropped, never the whole call."""
        values = dict(data)
        values.pop("payload_version", None)
        extra = values.pop("extra", None)  # version 1 kept the unrecorded safeguarding text here
        if isinstance(extra, dict) and isinstance(extra.get("safeguarding_draft"), dict):
            values.setdefault("safeguarding_notes", extra["safeguarding_draft"])
        for _ in range(len(values) + 1):
            try:
                return cls.model_validate(values)
            except ValidationError as exc:
                bad = {str(err["loc"][0]) for err in exc.errors(include_input=False) if err["loc"]}
                if not bad or "started_at" in bad:
                    values["started_at"] = now or dt.datetime.now(dt.UTC)
                    bad.discard("started_at")
                for name in bad:
                    values.pop(name, None)
        return cls(started_at=now or dt.datetime.now(dt.UTC))

    # --- saving -----------------------------------------------------------------------------------------
    def to_form(self) -> CallForm:
        """The validated call, or `FormProblems` saying in words what to fix."""
        kind = self.caller_kind
        data = self.model_dump(
            exclude={
                "case_ref",
                "case_name",
                "verify_skipped",
                "screen",
                "safeguarding_notes",
                "callback_notes",
                "rang_before",
            }
        )
        data["caller_contact_id"] = self.caller_contact_id if kind == CallerKind.CONTACT else None
        data.pop("child")
        child_problems: list[str] = []
        if self.case_id is None and self.child is not None and self.child.has_content:
            try:
                data["child"] = self.child.checked(local_date(self.started_at))
            except FormProblems as exc:
                child_problems = exc.problems
        try:
            form = build_call_form(data)
        except FormProblems as exc:
            raise FormProblems(child_problems + exc.problems) from None
        if child_problems:
            raise FormProblems(child_problems)
        return form
