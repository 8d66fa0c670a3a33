"""ORM rows -> domain value objects for cases, officers, teams and recorded exceptions.

The only place that turns `Case`/`Officer`/`Team` rows into `CaseInfo`/`OfficerInfo`/`TeamInfo`, so the
case screen, search results and routing all see the same conversion. Functions take an open session and
never commit.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dutyline.domain.clock import RecordedException
from dutyline.domain.model import CaseInfo, ContactInfo, District, OfficerInfo, Stage
from dutyline.domain.summary import TeamInfo
from dutyline.store.tables import Case, CaseException, Contact, Officer, Team


def officer_info(row: Officer) -> OfficerInfo:
    """An officer row as a value object; `team_code` is "" when the officer has no team."""
    return OfficerInfo(
        id=row.id,
        name=row.name,
        email=row.email,
        team_code=row.team.code if row.team else "",
        active=row.active,
        cover_officer_id=row.cover_officer_id,
        absent_from=row.absent_from,
        absent_until=row.absent_until,
    )


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


def case_info(row: Case) -> CaseInfo:
    """A case row (with contacts and named officer loaded or loadable) as a CaseInfo."""
    return CaseInfo(
        id=row.id,
        case_ref=row.case_ref,
        first_name=row.first_name,
        last_name=row.last_name,
        known_as=row.known_as,
        date_of_birth=row.date_of_birth,
        postcode=row.postcode,
        district=District(row.district),
        school=row.school,
        stage=Stage(row.stage),
        stage_since=row.stage_since,
        request_date=row.request_date,
        plan_issued_date=row.plan_issued_date,
        last_review_date=row.last_review_date,
        named_officer=officer_info(row.named_officer) if row.named_officer else None,
        contacts=tuple(contact_info(c) for c in row.contacts),
        version=row.version,
    )


def find_case_id(session: Session, case_ref: str) -> int | None:
    """The id of the case with this reference (exact, case-insensitive after trimming)."""
    ref = case_ref.strip()
    found = session.scalar(select(Case.id).where(Case.case_ref == ref))
    if found is None:
        found = session.scalar(select(Case.id).where(Case.case_ref == ref.upper()))
    return found


def load_case(session: Session, *, case_id: int | None = None, case_ref: str | None = None) -> CaseInfo | None:
    """The case by id or reference, with contacts and named officer (and their team), or None."""
    if case_id is None:
        if case_ref is None:
            raise ValueError("give case_id or case_ref")
        case_id = find_case_id(session, case_ref)
        if case_id is None:
            return None
    row = session.scalar(
        select(Case)
        .where(Case.id == case_id)
        .options(selectinload(Case.contacts), selectinload(Case.named_officer).selectinload(Officer.team))
    )
    return case_info(row) if row is not None else None


def load_officer(session: Session, officer_id: int) -> OfficerInfo | None:
    row = session.get(Officer, officer_id)
    return officer_info(row) if row is not None else None


def load_exceptions(session: Session, case_id: int) -> tuple[RecordedException, ...]:
    """Recorded reg 10(4) exceptions for a case, oldest first (so the latest per deadline wins)."""
    rows = session.scalars(
        select(CaseException)
        .where(CaseException.case_id == case_id)
        .order_by(CaseException.recorded_at, CaseException.id)
    )
    return tuple(
        RecordedException(
            id=r.id,
            deadline_key=r.deadline_key,
            code=r.code,
            note=r.note,
            starts=r.starts,
            ends=r.ends,
            recorded_by=r.recorded_by,
        )
        for r in rows
    )


def team_info(session: Session, code: str) -> TeamInfo | None:
    row = session.scalar(select(Team).where(Team.code == code))
    if row is None:
        return None
    return TeamInfo(code=row.code, name=row.name, inbox=row.inbox, area=row.area)
