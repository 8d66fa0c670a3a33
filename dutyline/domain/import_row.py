"""Validation of one row of the council's case export (the import CSV format).

Pure: the importer service streams rows through `validate_row` and collects `RowProblem`s. Messages name
the column and the reason only, never the value, because values are children's personal data.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import unicodedata
from dataclasses import dataclass

from dutyline.domain.model import PARENTAL_RELATIONSHIPS, District, Stage, parse_district
from dutyline.domain.text import format_postcode, one_line, phone_digits, shown, valid_uk_phone

COLUMNS: tuple[str, ...] = (
    "case_ref",
    "first_name",
    "last_name",
    "known_as",
    "date_of_birth",
    "postcode",
    "district",
    "school",
    "stage",
    "stage_since",
    "request_date",
    "plan_issued_date",
    "last_review_date",
    "named_officer",
    "named_officer_email",
    "contact1_name",
    "contact1_relationship",
    "contact1_phone",
    "contact1_email",
    "contact2_name",
    "contact2_relationship",
    "contact2_phone",
    "contact2_email",
)
REQUIRED: frozenset[str] = frozenset(
    {
        "case_ref",
        "first_name",
        "last_name",
        "date_of_birth",
        "postcode",
        "district",
        "stage",
        "stage_since",
        "named_officer",
        "contact1_name",
        "contact1_phone",
    }
)
#: Longest value accepted per column; anything longer is an export fault, not a name.
MAX_LEN: dict[str, int] = {c: 100 for c in COLUMNS} | {
    "case_ref": 40,
    "date_of_birth": 10,
    "postcode": 10,
    "stage": 32,
    "stage_since": 10,
    "request_date": 10,
    "plan_issued_date": 10,
    "last_review_date": 10,
    "school": 200,
    "named_officer": 200,
    "named_officer_email": 254,
    "contact1_name": 200,
    "contact2_name": 200,
    "contact1_email": 254,
    "contact2_email": 254,
    "contact1_phone": 40,
    "contact2_phone": 40,
}
#: Oldest plausible date of birth: plans end at 25, so records beyond ~30 years are an export error.
MAX_AGE_YEARS = 30


@dataclass(frozen=True, slots=True)
class RowProblem:
    column: str
    reason: str


@dataclass(frozen=True, slots=True)
class ContactRow:
    position: int
    name: str
    relationship: str
    phone: str
    phone_key: str
    email: str
    parental_responsibility: bool


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A validated, normalised row, ready to store."""

    case_ref: str
    first_name: str
    last_name: str
    known_as: str
    date_of_birth: dt.date
    postcode: str
    postcode_key: str
    district: District
    school: str
    stage: Stage
    stage_since: dt.date
    request_date: dt.date | None
    plan_issued_date: dt.date | None
    last_review_date: dt.date | None
    named_officer: str
    named_officer_email: str
    contacts: tuple[ContactRow, ...]
    digest: str


#: Column names are echoed only when the first line is recognisably a header, and then at most this long.
COLUMN_NAME_SHOWN = 40


def check_header(header: list[str]) -> list[RowProblem]:
    """Problems with the header row: unknown, duplicated or missing required columns.

    A file without its header row has a child's record on line 1. Listing its fields as "unexpected
    columns" would print that child's name, date of birth, postcode and phone, so when fewer than half
    of the required columns are named the line is refused as "not a header" and nothing of it is shown.
    Otherwise an unknown column's name is shown (the admin needs it to fix a typo), sanitised and cut.
    """
    names = [raw.strip().lower() for raw in header]
    if len(REQUIRED.intersection(names)) * 2 < len(REQUIRED):
        return [
            RowProblem(
                "(header)",
                f"line 1 is not a header row: it names {len(REQUIRED.intersection(names))} of the "
                f"{len(REQUIRED)} required columns. The first line must name the columns (case_ref, "
                "first_name, last_name, …); if the export left it out, add it. Line 1 is not shown: "
                "without a header it is a child's record",
            )
        ]
    problems: list[RowProblem] = []
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.append(RowProblem(shown(name, COLUMN_NAME_SHOWN), "column appears twice in the header"))
        elif name not in COLUMNS:
            problems.append(RowProblem(shown(name, COLUMN_NAME_SHOWN) or "(blank)", "unexpected column"))
        seen.add(name)
    for col in COLUMNS:
        if col in REQUIRED and col not in seen:
            problems.append(RowProblem(col, "required column is missing from the header"))
    return problems


def _text(value: str) -> str:
    """NFC, no controls, single spaces. Fast path for the common plain-ASCII, already-tidy value."""
    if not value:
        return ""
    if value.isascii() and value.isprintable() and "  " not in value and value == value.strip():
        return value
    return unicodedata.normalize("NFC", one_line(value))


def normalise_ref(value: str) -> str:
    """A case reference as stored and compared: tidy text, upper case."""
    return _text(value).upper()


@functools.lru_cache(maxsize=256)
def _district(value: str) -> District | None:
    return parse_district(value)


def _date(value: str) -> dt.date:
    """Strict ISO YYYY-MM-DD (exports are machine-written; ambiguity is an error, not a guess)."""
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise ValueError("not a date in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a real calendar date") from None


def validate_row(row: dict[str, str], today: dt.date) -> CaseRow | list[RowProblem]:
    """Validate and normalise one row (keys are header names, lower-cased). Returns the row or problems."""
    problems: list[RowProblem] = []
    v: dict[str, str] = {}
    for col in COLUMNS:
        raw = row.get(col) or ""
        if len(raw) > MAX_LEN[col]:
            problems.append(RowProblem(col, f"longer than {MAX_LEN[col]} characters"))
            raw = ""
        value = _text(raw)
        if col in REQUIRED and not value:
            problems.append(RowProblem(col, "required but empty"))
        v[col] = value

    dates: dict[str, dt.date | None] = {}
    for col in ("date_of_birth", "stage_since", "request_date", "plan_issued_date", "last_review_date"):
        dates[col] = None
        if v[col]:
            try:
                dates[col] = _date(v[col])
            except ValueError as exc:
                problems.append(RowProblem(col, str(exc)))
    dob = dates["date_of_birth"]
    if dob is not None:
        if dob > today:
            problems.append(RowProblem("date_of_birth", "is in the future"))
        elif dob.year < today.year - MAX_AGE_YEARS:
            problems.append(RowProblem("date_of_birth", f"is more than {MAX_AGE_YEARS} years ago"))
    for col in ("stage_since", "request_date", "plan_issued_date", "last_review_date"):
        d = dates[col]
        if d is not None and dob is not None and d < dob:
            problems.append(RowProblem(col, "is before the date of birth"))
        if d is not None and d > today:
            problems.append(RowProblem(col, "is in the future"))

    postcode = format_postcode(v["postcode"]) if v["postcode"] else None
    if v["postcode"] and postcode is None:
        problems.append(RowProblem("postcode", "not a valid UK postcode"))
    district = _district(v["district"]) if v["district"] else None
    if v["district"] and district is None:
        problems.append(RowProblem("district", "not one of Hertfordshire's ten districts"))
    stage: Stage | None = None
    if v["stage"]:
        try:
            stage = Stage(v["stage"].lower())
        except ValueError:
            problems.append(RowProblem("stage", "not a known stage code"))
    if v["named_officer_email"] and "@" not in v["named_officer_email"]:
        problems.append(RowProblem("named_officer_email", "not an email address"))

    contacts: list[ContactRow] = []
    for n in (1, 2):
        name, phone = v[f"contact{n}_name"], v[f"contact{n}_phone"]
        email, rel = v[f"contact{n}_email"], v[f"contact{n}_relationship"]
        if not (name or phone or email or rel):
            continue
        if not name and n != 1:  # contact1_name is already reported as required
            problems.append(RowProblem(f"contact{n}_name", "required when other contact details are given"))
        key = phone_digits(phone) if phone else ""
        if phone and not valid_uk_phone(key):
            problems.append(RowProblem(f"contact{n}_phone", "not a valid phone number"))
        if email and "@" not in email:
            problems.append(RowProblem(f"contact{n}_email", "not an email address"))
        contacts.append(ContactRow(n, name, rel, phone, key, email, rel.lower() in PARENTAL_RELATIONSHIPS))

    if problems:
        return problems
    assert dob is not None and postcode is not None and district is not None and stage is not None
    stage_since = dates["stage_since"]
    assert stage_since is not None
    digest = hashlib.sha256("\x1f".join(v[c] for c in COLUMNS).encode()).hexdigest()
    return CaseRow(
        case_ref=normalise_ref(v["case_ref"]),
        first_name=v["first_name"],
        last_name=v["last_name"],
        known_as=v["known_as"],
        date_of_birth=dob,
        postcode=postcode,
        postcode_key=postcode.replace(" ", ""),
        district=district,
        school=v["school"],
        stage=stage,
        stage_since=stage_since,
        request_date=dates["request_date"],
        plan_issued_date=dates["plan_issued_date"],
        last_review_date=dates["last_review_date"],
        named_officer=v["named_officer"],
        named_officer_email=v["named_officer_email"].lower(),
        contacts=tuple(contacts),
        digest=digest,
    )
