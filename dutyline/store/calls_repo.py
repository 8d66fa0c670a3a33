"""Rows for calls, their hand-offs and callbacks, drafts, and contact edits (SQLAlchemy lives here only).

Functions take the caller's session so a use case can put several writes in one transaction; they return
domain values or ids, never ORM rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, overload

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dutyline.domain.call_form import CallbackChoice, CallForm
from dutyline.domain.call_record import CallRecord, OpenItem
from dutyline.domain.model import CallerKind, ContactInfo, ItemStatus, Outcome, Priority, Reason
from dutyline.domain.text import fold, phone_digits
from dutyline.store.call_corrections_repo import corrections_of
from dutyline.store.tables import Call, Callback, Case, Contact, Handoff

OPEN_STATUSES = (ItemStatus.OPEN.value, ItemStatus.CLAIMED.value)


@overload
def as_utc(moment: dt.datetime) -> dt.datetime: ...
@overload
def as_utc(moment: None) -> None: ...
@overload
def as_utc(moment: dt.datetime | None) -> dt.datetime | None: ...
def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; everything was stored as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def caller_key(caller_name: str, child_name: str) -> str:
    """The folded line a no-case caller is found by: caller's name, a separator no name holds, child's."""
    return f"{fold(caller_name)} | {fold(child_name)}"[:420]


# --- writing a call ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemOrigin:
    """What a hand-off or a callback inherits from the call that made it (one typed value instead of a
    keyword dict splatted into both inserts, so a missing or misspelt field is a type error)."""

    call_id: int
    case_id: int | None
    reason: str
    urgent_reason: str | None
    notes: str
    login: str
    now: dt.datetime


def insert_call(session: Session, form: CallForm, *, login: str, ended_at: dt.datetime, duration_s: int) -> int:
    sg = form.safeguarding
    child = form.child
    row = Call(
        case_id=form.case_id,
        staff_login=login,
        started_at=form.started_at,
        ended_at=ended_at,
        duration_s=duration_s,
        caller_kind=form.caller_kind.value,
        caller_contact_id=form.caller_contact_id,
        caller_name=form.caller_name,
        caller_phone=form.caller_phone,
        caller_has_pr=form.caller_has_pr,
        verified_dob=form.verified_dob,
        verified_postcode=form.verified_postcode,
        reason=form.reason.value,
        urgent_reason=form.urgent_reason,
        notes=form.notes,
        outcome=form.outcome.value,
        safeguarding=form.is_safeguarding,
        safeguarding_at=sg.raised_at if sg else None,
        safeguarding_summary=sg.summary if sg else "",
        referral_ref=sg.referral_ref if sg else "",
        child_name=child.name if child else "",
        child_dob=child.date_of_birth if child else None,
        child_postcode=child.postcode if child else "",
        child_district=child.district if child else "",
        caller_phone_digits=phone_digits(form.caller_phone)[:20],
        caller_key=caller_key(form.caller_name, child.name if child else ""),
    )
    session.add(row)
    session.flush()
    return row.id


def insert_handoff(
    session: Session,
    origin: ItemOrigin,
    *,
    team: str,
    proposed_team: str,
    priority: Priority,
    due_at: dt.datetime,
    explanation: str,
    override_reason: str,
) -> int:
    row = Handoff(
        call_id=origin.call_id,
        case_id=origin.case_id,
        team_code=team,
        proposed_team_code=proposed_team,
        priority=priority.value,
        urgent_reason=origin.urgent_reason,
        reason=origin.reason,
        due_at=due_at,
        status=ItemStatus.OPEN.value,
        created_at=origin.now,
        created_by=origin.login,
        notes=origin.notes,
        explanation=explanation,
        override_reason=override_reason,
    )
    session.add(row)
    session.flush()
    return row.id


def insert_callback(session: Session, origin: ItemOrigin, choice: CallbackChoice) -> int:
    row = Callback(
        call_id=origin.call_id,
        case_id=origin.case_id,
        team_code=choice.team,
        priority=choice.priority.value,
        urgent_reason=origin.urgent_reason,
        reason=origin.reason,
        due_at=choice.due_at,
        status=ItemStatus.OPEN.value,
        created_at=origin.now,
        created_by=origin.login,
        notes=origin.notes,
        contact_name=choice.contact_name,
        phone=choice.phone,
        preferred_time=choice.preferred_time,
    )
    session.add(row)
    session.flush()
    return row.id


def case_exists(session: Session, case_id: int) -> bool:
    return session.scalar(select(Case.id).where(Case.id == case_id)) is not None


def contact_on_case(session: Session, contact_id: int, case_id: int) -> bool:
    return session.scalar(select(Contact.id).where(Contact.id == contact_id, Contact.case_id == case_id)) is not None


# --- reading a case's calls ----------------------------------------------------------------------------


def recent_calls(session: Session, case_id: int, limit: int) -> list[CallRecord]:
    rows = list(
        session.scalars(
            select(Call).where(Call.case_id == case_id).order_by(Call.started_at.desc(), Call.id.desc()).limit(limit)
        )
    )
    fixes = corrections_of(session, [r.id for r in rows])
    return [
        CallRecord(
            id=r.id,
            started_at=as_utc(r.started_at),
            staff_login=r.staff_login,
            caller_kind=CallerKind(r.caller_kind),
            caller_name=r.caller_name,
            reason=Reason(r.reason),
            outcome=Outcome(r.outcome),
            notes=r.notes,
            safeguarding=r.safeguarding,
            duration_s=r.duration_s,
            corrections=tuple(fixes.get(r.id, ())),
        )
        for r in rows
    ]


def count_calls_since(session: Session, case_id: int, since: dt.datetime) -> int:
    return int(
        session.scalar(select(func.count()).select_from(Call).where(Call.case_id == case_id, Call.started_at >= since))
        or 0
    )


def open_items(session: Session, case_id: int, now: dt.datetime) -> list[OpenItem]:
    """Open or claimed callbacks and hand-offs on the case, soonest due first."""
    callbacks = session.scalars(select(Callback).where(Callback.case_id == case_id, Callback.status.in_(OPEN_STATUSES)))
    handoffs = session.scalars(select(Handoff).where(Handoff.case_id == case_id, Handoff.status.in_(OPEN_STATUSES)))
    items = [_open_item(r, "callback", now, contact_name=r.contact_name) for r in callbacks]
    items += [_open_item(r, "handoff", now, contact_name="") for r in handoffs]
    items.sort(key=lambda i: (i.due_at, i.kind, i.id))
    return items


def _open_item(
    r: Callback | Handoff, kind: Literal["callback", "handoff"], now: dt.datetime, *, contact_name: str
) -> OpenItem:
    due = as_utc(r.due_at)
    return OpenItem(
        kind=kind,
        id=r.id,
        team_code=r.team_code,
        priority=Priority(r.priority),
        due_at=due,
        status=r.status,
        reason=r.reason,
        overdue=due < now,
        claimed_by=r.claimed_by,
        contact_name=contact_name,
    )


# --- drafts --------------------------------------------------------------------------------------------


# --- contact details -----------------------------------------------------------------------------------

#: Contact fields a handler may change, mapped to ORM attribute names.
CONTACT_FIELDS = {
    "name": "name",
    "relationship": "relation",
    "phone": "phone",
    "alt_phone": "alt_phone",
    "email": "email",
    "parental_responsibility": "parental_responsibility",
}


def contact_row(session: Session, contact_id: int) -> Contact | None:
    return session.get(Contact, contact_id)


def contact_case_id(session: Session, contact_id: int) -> int | None:
    """The case a contact belongs to (None when the contact is gone)."""
    return session.scalar(select(Contact.case_id).where(Contact.id == contact_id))


def contact_now(session: Session, contact_id: int) -> ContactInfo | None:
    """The contact as stored now (re-read, never a stale copy from earlier in the transaction)."""
    row = session.scalar(select(Contact).where(Contact.id == contact_id).execution_options(populate_existing=True))
    return None if row is None else contact_info(row)


def contact_values(row: Contact) -> dict[str, object]:
    return {field: getattr(row, attr) for field, attr in CONTACT_FIELDS.items()}


def update_contact_guarded(
    session: Session, contact_id: int, expected_version: int, changes: Mapping[str, object], now: dt.datetime
) -> bool:
    """One guarded UPDATE (`AND version = expected`): False when someone else saved first."""
    values: dict[str, object] = {CONTACT_FIELDS[k]: v for k, v in changes.items()}
    if "phone" in changes:
        values["phone_key"] = phone_digits(str(changes["phone"]))
    if "alt_phone" in changes:
        values["alt_phone_key"] = phone_digits(str(changes["alt_phone"]))
    values["version"] = expected_version + 1
    result = session.execute(
        update(Contact)
        .where(Contact.id == contact_id, Contact.version == expected_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]  # a CursorResult at run time (DML)
        return False
    case_id = session.scalar(select(Contact.case_id).where(Contact.id == contact_id))
    # updated_at only (not the case's version): the search index refreshes from it.
    session.execute(
        update(Case).where(Case.id == case_id).values(updated_at=now).execution_options(synchronize_session=False)
    )
    return True


def contact_info(row: Contact) -> ContactInfo:
    return ContactInfo(
        id=row.id,
        name=row.name,
        relationship=row.relation,
        phone=row.phone,
        alt_phone=row.alt_phone,
        email=row.email,
        parental_responsibility=row.parental_responsibility,
        version=row.version,
    )
