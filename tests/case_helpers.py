"""Test helpers: put officers and cases straight into the database through the ORM.

Used by the clock/routing/case CLI tests; dates are explicit so every test states the facts it relies on.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dutyline.domain.policy import load_policy
from dutyline.services.teams import sync_teams
from dutyline.store.engine import Database
from dutyline.store.tables import Case, CaseException, Contact, Officer, Team
from tests.contexts import uow


def add_officer(
    db: Database,
    name: str,
    email: str,
    team: str,
    *,
    cover_id: int | None = None,
    absent_from: dt.date | None = None,
    absent_until: dt.date | None = None,
) -> int:
    """An officer in `team` (teams are synced from the built-in policy first). Returns the id."""
    sync_teams(uow(db), load_policy(None))
    with db.write() as session:
        team_id = session.scalar(select(Team.id).where(Team.code == team))
        row = Officer(
            name=name,
            email=email,
            team_id=team_id,
            cover_officer_id=cover_id,
            absent_from=absent_from,
            absent_until=absent_until,
        )
        session.add(row)
        session.flush()
        return row.id


def add_case(
    db: Database,
    ref: str,
    *,
    stage: str,
    stage_since: dt.date,
    dob: dt.date,
    district: str = "Watford",
    request_date: dt.date | None = None,
    plan_issued_date: dt.date | None = None,
    last_review_date: dt.date | None = None,
    officer_id: int | None = None,
    contacts: int = 1,
) -> int:
    """A case with `contacts` synthetic contacts. Returns the id."""
    with db.write() as session:
        row = Case(
            case_ref=ref,
            first_name="Test",
            last_name="Child",
            date_of_birth=dob,
            postcode="WD17 1AA",
            postcode_key="WD171AA",
            district=district,
            stage=stage,
            stage_since=stage_since,
            request_date=request_date,
            plan_issued_date=plan_issued_date,
            last_review_date=last_review_date,
            named_officer_id=officer_id,
        )
        for i in range(contacts):
            row.contacts.append(
                Contact(
                    position=i + 1,
                    name=f"Parent {i + 1}",
                    relation="mother",
                    phone="07700 900123",
                    phone_key="07700900123",
                    parental_responsibility=True,
                )
            )
        session.add(row)
        session.flush()
        return row.id


def add_exception(db: Database, case_id: int, deadline_key: str, code: str, note: str = "") -> None:
    with db.write() as session:
        session.add(CaseException(case_id=case_id, deadline_key=deadline_key, code=code, note=note))
