"""The call form: what a handler records about one phone call, validated before anything is written.

Why in the domain: the same rules must hold whether the call is logged from the screen, a test or a
script, and the screen needs the messages *before* it talks to the database (so a handler fixing a form
never waits for a worker). Messages say what to fix in words a handler understands and never repeat what
was typed (`hide_input_in_errors`), so a rejected form cannot leak a child's details into a log.

Rules that are easy to get wrong under pressure are enforced here, not in the screen:
- a safeguarding call can never be closed as "signposted";
- outcome "handed off" needs a hand-off, "callback booked" needs a callback;
- choosing a team other than the proposed one needs a reason (it is recorded for the duty officer);
- a callback needs a number that can be dialled.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dutyline.domain.model import CallerKind, Outcome, Priority, Reason
from dutyline.domain.text import format_postcode, one_line, phone_digits, sanitize, valid_uk_phone

OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.RESOLVED: "Resolved on the call",
    Outcome.HANDED_OFF: "Handed off to a team",
    Outcome.CALLBACK_BOOKED: "Callback booked",
    Outcome.SIGNPOSTED: "Signposted elsewhere",
}

CALLER_LABELS: dict[CallerKind, str] = {
    CallerKind.CONTACT: "A listed contact",
    CallerKind.YOUNG_PERSON: "The young person",
    CallerKind.PROFESSIONAL: "A professional",
    CallerKind.OTHER: "Someone else",
}

#: Longest notes kept (a call note, not a document); longer text is refused with a message, not cut.
MAX_NOTES = 20_000


class FormProblems(ValueError):
    """The form cannot be saved yet; `problems` are sentences saying what to fix (no personal data)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class _Form(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True, str_strip_whitespace=True)


def _line(value: object) -> object:
    return one_line(value) if isinstance(value, str) else value


class HandoffChoice(_Form):
    """The team a call goes to, what routing proposed, and why the handler differed (if they did)."""

    team: str = Field(min_length=1)
    proposed_team: str = Field(min_length=1)
    explanation: str = ""
    override_reason: str = ""
    priority: Priority = Priority.STANDARD

    _clean = field_validator("team", "proposed_team", "explanation", "override_reason", mode="before")(_line)

    @property
    def overridden(self) -> bool:
        return self.team != self.proposed_team


class CallbackChoice(_Form):
    """A promise to ring back: the number, who to ask for, when they prefer, by when, and which team."""

    phone: str
    contact_name: str = ""
    preferred_time: str = ""
    due_at: dt.datetime
    team: str = Field(min_length=1)
    priority: Priority = Priority.STANDARD

    _clean = field_validator("phone", "contact_name", "preferred_time", "team", mode="before")(_line)


class SafeguardingRecord(_Form):
    """A safeguarding concern raised during the call: when, what (in brief) and any referral reference."""

    raised_at: dt.datetime
    summary: str = ""
    referral_ref: str = ""

    @field_validator("summary", mode="before")
    @classmethod
    def _summary(cls, value: object) -> object:
        return sanitize(value, multiline=True).strip() if isinstance(value, str) else value

    _ref = field_validator("referral_ref", mode="before")(_line)


class NoCaseChild(_Form):
    """The child a no-case call is about (new requests, general enquiries), as structured fields so the
    call can be found again by the child's name and the next handler need not re-ask. Every field is
    optional: a caller may not give a date of birth, and an enquiry may not be about one child."""

    name: str = ""
    date_of_birth: dt.date | None = None
    postcode: str = ""
    district: str = ""

    _clean = field_validator("name", "postcode", "district", mode="before")(_line)

    @property
    def has_content(self) -> bool:
        return bool(self.name or self.date_of_birth or self.postcode or self.district)


#: Oldest child the SEND duty line deals with: plans run to the 25th birthday.
OLDEST_AGE = 25


def dob_problem(typed: str, *, today: dt.date) -> tuple[dt.date | None, str]:
    """The date of birth a handler typed ('3/7/2014', '3 July 2014', '2014-07-03'), or what to fix.

    Returns (date, '') when it reads as one plausible date, (None, '') when nothing is typed, and
    (None, sentence) otherwise. The sentence never repeats what was typed."""
    from dutyline.domain.search.query import parse_query  # the same day-first reading as search

    if not typed.strip():
        return None, ""
    dates = parse_query(typed, today=today).dates
    if len(dates) != 1:
        return None, "Type the child's date of birth as day/month/year, e.g. 3/7/2014."
    dob = dates[0]
    if dob > today:
        return None, "The child's date of birth is in the future: check the year."
    if today.year - dob.year > OLDEST_AGE + 1:
        return None, f"The child would be over {OLDEST_AGE}: check the year of birth."
    return dob, ""


def postcode_problem(typed: str) -> tuple[str, str]:
    """('AL1 3AB', '') for a UK postcode in any spacing or case, ('', '') for nothing, else what to fix."""
    if not typed.strip():
        return "", ""
    formatted = format_postcode(typed)
    if formatted is None:
        return "", "That is not a UK postcode (e.g. AL1 3AB): check it, or leave it empty and type the district."
    return formatted, ""


def caller_phone_problem(typed: str) -> str:
    """'' when the caller's number can be dialled (or nothing is typed), else what to fix."""
    if not typed.strip() or valid_uk_phone(phone_digits(typed)):
        return ""
    return "The caller's number cannot be dialled: 10 or 11 digits starting 0, or +country code."


class CallForm(_Form):
    """One call, ready to log. Build it with `build_call_form` to get plain-words problems."""

    case_id: int | None = None
    started_at: dt.datetime
    caller_kind: CallerKind
    caller_contact_id: int | None = None
    caller_name: str = ""
    caller_phone: str = ""
    caller_has_pr: bool = False
    verified_dob: bool = False
    verified_postcode: bool = False
    reason: Reason
    urgent_reason: str | None = None
    notes: str = ""
    outcome: Outcome
    handoff: HandoffChoice | None = None
    callback: CallbackChoice | None = None
    safeguarding: SafeguardingRecord | None = None
    #: Only for calls with no case: who the caller says the child is.
    child: NoCaseChild | None = None

    _clean = field_validator("caller_name", "caller_phone", mode="before")(_line)

    @field_validator("notes", mode="before")
    @classmethod
    def _notes(cls, value: object) -> object:
        return sanitize(value, multiline=True).strip() if isinstance(value, str) else value

    @field_validator("urgent_reason", mode="before")
    @classmethod
    def _urgent(cls, value: object) -> object:
        return value or None

    @model_validator(mode="after")
    def _rules(self) -> CallForm:
        problems = call_problems(self)
        if problems:
            raise ValueError(" | ".join(problems))
        return self

    @property
    def is_safeguarding(self) -> bool:
        return self.safeguarding is not None or self.reason == Reason.SAFEGUARDING


def call_problems(form: CallForm) -> list[str]:
    """Every cross-field rule the form breaks, as sentences saying what to fix."""
    out: list[str] = []
    if form.caller_kind == CallerKind.CONTACT and form.case_id is not None and form.caller_contact_id is None:
        out.append("Choose which listed contact is calling, or pick another kind of caller.")
    if form.caller_kind != CallerKind.CONTACT and form.caller_kind != CallerKind.YOUNG_PERSON and not form.caller_name:
        out.append("Type the caller's name.")
    if len(form.notes) > MAX_NOTES:
        out.append(f"Shorten the notes to {MAX_NOTES} characters or fewer.")
    if form.outcome == Outcome.SIGNPOSTED and form.is_safeguarding:
        out.append("A safeguarding call cannot be closed as signposted: hand it off or book a callback.")
    if form.outcome == Outcome.HANDED_OFF and form.handoff is None:
        out.append("Choose the team to hand the call to (accept the proposed team or pick another).")
    if form.outcome == Outcome.CALLBACK_BOOKED and form.callback is None:
        out.append("Book the callback: the number to call, when, and which team owns it.")
    if form.handoff is not None and form.handoff.overridden and not form.handoff.override_reason:
        out.append("Say why the call goes to a different team from the one proposed.")
    if form.callback is not None:
        if not valid_uk_phone(phone_digits(form.callback.phone)):
            out.append("Give a phone number for the callback (10 or 11 digits starting 0, or +country code).")
        if form.callback.due_at < form.started_at - dt.timedelta(minutes=1):
            out.append("The callback's due time is before the call started: choose a later time.")
    if form.caller_phone and (problem := caller_phone_problem(form.caller_phone)):
        out.append(problem)
    if form.child is not None and form.case_id is not None:
        out.append("The child's details are recorded only for calls with no case.")
    if form.safeguarding is not None and not form.safeguarding.summary:
        out.append("Write a short summary of the safeguarding concern.")
    return out


#: pydantic field names -> what the handler calls them.
_FIELD_WORDS = {
    "caller_kind": "who is calling",
    "reason": "the reason for the call",
    "outcome": "the outcome",
    "started_at": "the call start time",
    "notes": "the notes",
    "team": "the team",
    "phone": "the callback number",
    "due_at": "when the callback is due",
    "raised_at": "when the concern was raised",
}


def build_call_form(data: dict[str, object]) -> CallForm:
    """Validate raw form data; raise FormProblems with one sentence per problem (values never echoed)."""
    try:
        return CallForm.model_validate(data)
    except ValidationError as exc:
        problems: list[str] = []
        for err in exc.errors(include_input=False, include_url=False):
            msg = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "value_error" and len(err["loc"]) == 0:
                problems.extend(msg.split(" | "))
                continue
            name = next((str(p) for p in reversed(err["loc"]) if isinstance(p, str)), "a field")
            words = _FIELD_WORDS.get(name, name.replace("_", " "))
            if err["type"] in ("missing", "enum", "none_required") or "Input should be" in msg:
                problems.append(f"Choose {words}.")
            elif err["type"] == "string_too_short":
                problems.append(f"Fill in {words}.")
            else:
                problems.append(f"Check {words}: {msg}.")
        raise FormProblems(problems or ["The form is not complete."]) from None
