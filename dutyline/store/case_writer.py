"""Bulk upsert of validated import rows, in the caller's transaction (all or nothing).

Core statements in batches rather than ORM objects: a nightly re-export of 15k-1M rows must be quick, and
unchanged rows (same digest) must cost one indexed read, not an update. Contacts are updated in place by
position so calls that point at a contact keep their link across re-imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from dutyline.domain.import_row import CaseRow, ContactRow
from dutyline.domain.model import FIRST_20_WEEKS, PLAN_IN_PLACE, Stage
from dutyline.store.tables import Case, Contact, Officer, Team, utcnow

#: The Core tables, for executemany inserts without ORM overhead (`Case.__table__` is typed as any
#: FromClause; the metadata's entry is the Table itself).
CASE_TABLE = Case.metadata.tables[Case.__tablename__]
CONTACT_TABLE = Contact.metadata.tables[Contact.__tablename__]

EAST = {"Broxbourne", "East Hertfordshire", "North Hertfordshire", "Stevenage", "Welwyn Hatfield"}


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def default_team_for(row: CaseRow) -> str:
    """Team for an officer first seen in an import (the export does not say): the team owning the stage."""
    if row.stage in FIRST_20_WEEKS or row.stage in {Stage.NOT_ASSESSING, Stage.NOT_ISSUING}:
        return "front_door"
    if row.stage in {Stage.MEDIATION, Stage.TRIBUNAL}:
        return "resolution"
    if row.stage in PLAN_IN_PLACE or row.stage == Stage.CEASED:
        return "annual_review_east" if row.district.value in EAST else "annual_review_west"
    return "front_door"


class OfficerResolver:
    """Maps an officer's email (or name, when the export has no email) to an id, creating unknown officers."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        for oid, name, email in session.execute(select(Officer.id, Officer.name, Officer.email)):
            self.by_email[email.lower()] = oid
            self.by_name.setdefault(name.casefold(), oid)
        self.teams = dict(session.execute(select(Team.code, Team.id)).all())

    def resolve(self, row: CaseRow) -> int:
        email = row.named_officer_email
        if email and email in self.by_email:
            return self.by_email[email]
        if not email and row.named_officer.casefold() in self.by_name:
            return self.by_name[row.named_officer.casefold()]
        # Unknown officer: create with a placeholder-free synthetic address only when the export has none.
        email = email or f"{row.named_officer.casefold().replace(' ', '.')}@unknown.invalid"
        oid = self.session.execute(
            insert(Officer)
            .values(name=row.named_officer, email=email, team_id=self.teams.get(default_team_for(row)), active=True)
            .returning(Officer.id)
        ).scalar_one()
        self.by_email[email] = oid
        self.by_name.setdefault(row.named_officer.casefold(), oid)
        return oid


def _case_values(row: CaseRow, officer_id: int) -> dict[str, object]:
    return {
        "case_ref": row.case_ref,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "known_as": row.known_as,
        "date_of_birth": row.date_of_birth,
        "postcode": row.postcode,
        "postcode_key": row.postcode_key,
        "district": row.district.value,
        "school": row.school,
        "stage": row.stage.value,
        "stage_since": row.stage_since,
        "request_date": row.request_date,
        "plan_issued_date": row.plan_issued_date,
        "last_review_date": row.last_review_date,
        "named_officer_id": officer_id,
        "import_digest": row.digest,
    }


def _contact_values(case_id: int, c: ContactRow) -> dict[str, object]:
    return {
        "case_id": case_id,
        "position": c.position,
        "name": c.name,
        "relationship": c.relationship,
        "phone": c.phone,
        "phone_key": c.phone_key,
        "email": c.email,
        "parental_responsibility": c.parental_responsibility,
    }


def upsert_batch(session: Session, rows: Sequence[CaseRow], officers: OfficerResolver, counts: Counts) -> None:
    """Insert new cases, update changed ones (bumping version), skip identical ones."""
    refs = [r.case_ref for r in rows]
    existing = {
        ref: (cid, digest)
        for cid, ref, digest in session.execute(
            select(Case.id, Case.case_ref, Case.import_digest).where(Case.case_ref.in_(refs))
        )
    }
    now = utcnow()
    new_rows = [r for r in rows if r.case_ref not in existing]
    if new_rows:
        values = [
            _case_values(r, officers.resolve(r)) | {"created_at": now, "updated_at": now, "version": 1}
            for r in new_rows
        ]
        session.execute(CASE_TABLE.insert(), values)  # Core executemany: no ORM overhead
        ids = dict(
            session.execute(
                select(Case.case_ref, Case.id).where(Case.case_ref.in_([r.case_ref for r in new_rows]))
            ).all()
        )
        contacts = [_contact_values(ids[r.case_ref], c) | {"version": 1} for r in new_rows for c in r.contacts]
        if contacts:
            session.execute(CONTACT_TABLE.insert(), contacts)
        counts.added += len(new_rows)
    for r in rows:
        if r.case_ref not in existing:
            continue
        case_id, digest = existing[r.case_ref]
        if digest == r.digest:
            counts.unchanged += 1
            continue
        session.execute(
            update(Case)
            .where(Case.id == case_id)
            .values(**_case_values(r, officers.resolve(r)), updated_at=now, version=Case.version + 1)
            .execution_options(synchronize_session=False)
        )
        _replace_contacts(session, case_id, r)
        counts.updated += 1


def _replace_contacts(session: Session, case_id: int, row: CaseRow) -> None:
    current = dict(session.execute(select(Contact.position, Contact.id).where(Contact.case_id == case_id)).all())
    for c in row.contacts:
        values = _contact_values(case_id, c)
        values["relation"] = values.pop("relationship")  # ORM statements use the attribute name
        if c.position in current:
            session.execute(
                update(Contact)
                .where(Contact.id == current.pop(c.position))
                .values(**values, version=Contact.version + 1)
                .execution_options(synchronize_session=False)
            )
        else:
            session.execute(insert(Contact).values(**values, version=1))
    # Imported positions are 1 and 2; contacts added at the desk (position > 2) are kept.
    stale = [cid for pos, cid in current.items() if pos <= 2]
    if stale:
        session.execute(delete(Contact).where(Contact.id.in_(stale)))
