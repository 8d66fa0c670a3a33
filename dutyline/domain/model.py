"""Core domain vocabulary shared by every layer.

Enums are `StrEnum` so their values are the stable codes used in CSV files, the database, the CLI and
JSON output; the plain-English labels live beside them so the UI never invents its own wording.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Stage(StrEnum):
    """Where a case is in the statutory EHC process."""

    REQUEST_RECEIVED = "request_received"
    ASSESSMENT = "assessment"
    DRAFT_PLAN = "draft_plan"
    PLAN_ISSUED = "plan_issued"
    ANNUAL_REVIEW = "annual_review"
    AMENDMENT = "amendment"
    NOT_ASSESSING = "not_assessing"
    NOT_ISSUING = "not_issuing"
    MEDIATION = "mediation"
    TRIBUNAL = "tribunal"
    CEASED = "ceased"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS: dict[Stage, str] = {
    Stage.REQUEST_RECEIVED: "Request for assessment received",
    Stage.ASSESSMENT: "Needs assessment under way",
    Stage.DRAFT_PLAN: "Draft plan issued",
    Stage.PLAN_ISSUED: "Plan in place",
    Stage.ANNUAL_REVIEW: "Annual review held",
    Stage.AMENDMENT: "Plan being amended",
    Stage.NOT_ASSESSING: "Decided not to assess",
    Stage.NOT_ISSUING: "Decided not to issue a plan",
    Stage.MEDIATION: "In mediation",
    Stage.TRIBUNAL: "Tribunal appeal",
    Stage.CEASED: "Plan ceased",
}

#: Stages inside the first 20 weeks (request to final plan).
FIRST_20_WEEKS = frozenset({Stage.REQUEST_RECEIVED, Stage.ASSESSMENT, Stage.DRAFT_PLAN})
#: Stages where a plan is in place.
PLAN_IN_PLACE = frozenset({Stage.PLAN_ISSUED, Stage.ANNUAL_REVIEW, Stage.AMENDMENT})
#: Stages with an open disagreement (kept from retention, routed to resolution).
DISAGREEMENT = frozenset({Stage.MEDIATION, Stage.TRIBUNAL})


class District(StrEnum):
    """Hertfordshire's ten districts (the value is the name as written in council exports)."""

    BROXBOURNE = "Broxbourne"
    DACORUM = "Dacorum"
    EAST_HERTFORDSHIRE = "East Hertfordshire"
    HERTSMERE = "Hertsmere"
    NORTH_HERTFORDSHIRE = "North Hertfordshire"
    ST_ALBANS = "St Albans"
    STEVENAGE = "Stevenage"
    THREE_RIVERS = "Three Rivers"
    WATFORD = "Watford"
    WELWYN_HATFIELD = "Welwyn Hatfield"


def parse_district(text: str) -> District | None:
    """Match a district name leniently (case, spacing, 'Herts' for 'Hertfordshire', 'St.' for 'St')."""
    key = " ".join(text.replace(".", " ").split()).casefold()
    # Expand the word "herts" only ("Hertsmere" is a district in its own right).
    key = " ".join("hertfordshire" if w == "herts" else w for w in key.split())
    for d in District:
        if d.value.casefold() == key:
            return d
    return None


class Reason(StrEnum):
    """Why the caller rang (routing input)."""

    NEW_REQUEST = "new_request"
    #: Asking how things are going, whatever the stage (routed by the case's stage).
    PROGRESS = "progress"
    ASSESSMENT_PROGRESS = "assessment_progress"
    DRAFT_PLAN_RESPONSE = "draft_plan_response"
    REVIEW_ARRANGEMENTS = "review_arrangements"
    AMENDMENT_RESPONSE = "amendment_response"
    CHANGE_OF_NEED = "change_of_need"
    PROVISION_OR_PLACEMENT = "provision_or_placement"
    PHASE_TRANSFER = "phase_transfer"
    DISAGREEMENT = "disagreement"
    COMPLAINT = "complaint"
    OFFICER_CONTACT = "officer_contact"
    CONTACT_DETAILS_CHANGE = "contact_details_change"
    GENERAL_ENQUIRY = "general_enquiry"
    SAFEGUARDING = "safeguarding"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS: dict[Reason, str] = {
    Reason.NEW_REQUEST: "New request for an assessment",
    Reason.PROGRESS: "Asking about progress (any stage)",
    Reason.ASSESSMENT_PROGRESS: "Asking how the assessment is going",
    Reason.DRAFT_PLAN_RESPONSE: "Responding to a draft plan",
    Reason.REVIEW_ARRANGEMENTS: "Annual review arrangements",
    Reason.AMENDMENT_RESPONSE: "Responding to a draft amended plan",
    Reason.CHANGE_OF_NEED: "Child's needs have changed",
    Reason.PROVISION_OR_PLACEMENT: "Provision or school placement",
    Reason.PHASE_TRANSFER: "Moving school phase",
    Reason.DISAGREEMENT: "Disagrees with a decision",
    Reason.COMPLAINT: "Complaint",
    Reason.OFFICER_CONTACT: "Wants to speak to their officer",
    Reason.CONTACT_DETAILS_CHANGE: "Change of contact details",
    Reason.GENERAL_ENQUIRY: "General enquiry",
    Reason.SAFEGUARDING: "Safeguarding concern",
}


class CallerKind(StrEnum):
    """Who is on the phone, relative to the case."""

    CONTACT = "contact"  # a listed contact on the case
    YOUNG_PERSON = "young_person"
    PROFESSIONAL = "professional"
    OTHER = "other"


class Outcome(StrEnum):
    """How a call ended."""

    RESOLVED = "resolved"
    HANDED_OFF = "handed_off"
    CALLBACK_BOOKED = "callback_booked"
    SIGNPOSTED = "signposted"


class Priority(StrEnum):
    URGENT = "urgent"
    STANDARD = "standard"


class ItemStatus(StrEnum):
    """Life of a callback or hand-off in a team's queue."""

    OPEN = "open"
    CLAIMED = "claimed"
    DONE = "done"
    CANCELLED = "cancelled"


class Role(StrEnum):
    CALL_HANDLER = "call_handler"
    DUTY_OFFICER = "duty_officer"
    TEAM_MANAGER = "team_manager"
    ADMIN = "admin"
    #: Scores call records against the ACT scorecard and resolves disputes; sees quality reports only.
    QUALITY_REVIEWER = "quality_reviewer"


#: Relationships that normally carry parental responsibility when an export does not say.
PARENTAL_RELATIONSHIPS = frozenset(
    {"mother", "father", "parent", "mum", "dad", "guardian", "special guardian", "adoptive parent", "step-parent"}
)


class Frozen(BaseModel):
    """Base for immutable value objects passed between layers (never ORM rows)."""

    model_config = ConfigDict(frozen=True, hide_input_in_errors=True)


class ContactInfo(Frozen):
    id: int | None = None
    name: str
    relationship: str = ""
    phone: str = ""
    alt_phone: str = ""
    email: str = ""
    parental_responsibility: bool = False
    #: The stored row's version when this was read: an edit sends it back so a later save by someone
    #: else is detected instead of overwritten.
    version: int = 1


class OfficerInfo(Frozen):
    id: int
    name: str
    email: str
    team_code: str
    active: bool = True
    cover_officer_id: int | None = None
    absent_from: dt.date | None = None
    absent_until: dt.date | None = None

    def absent_on(self, day: dt.date) -> bool:
        """True when the officer is marked absent on `day` (open-ended absence if no end date)."""
        if self.absent_from is None or day < self.absent_from:
            return False
        return self.absent_until is None or day <= self.absent_until


class CaseInfo(Frozen):
    """Everything the rules need to know about a case (no history)."""

    id: int | None = None
    case_ref: str
    first_name: str
    last_name: str
    known_as: str = ""
    date_of_birth: dt.date
    postcode: str
    district: District
    school: str = ""
    stage: Stage
    stage_since: dt.date
    request_date: dt.date | None = None
    plan_issued_date: dt.date | None = None
    last_review_date: dt.date | None = None
    named_officer: OfficerInfo | None = None
    contacts: tuple[ContactInfo, ...] = ()
    version: int = 1

    @property
    def display_name(self) -> str:
        known = f" ({self.known_as})" if self.known_as and self.known_as != self.first_name else ""
        return f"{self.first_name}{known} {self.last_name}"
