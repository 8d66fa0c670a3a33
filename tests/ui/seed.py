"""Fixed test data for the call-handler screens and the call services, inserted through the ORM.

Dates are pinned to a frozen "now" (Tue 10 Feb 2026, 10:30 UK) so the statutory clock, ages and due times
in snapshots never move. One case carries hostile text (markup and escape sequences) in every free-text
field a handler sees, so display tests can prove it is shown literally and does nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutyline.domain.model import Role
from dutyline.domain.policy import load_policy
from dutyline.services.context import Actor, Context
from dutyline.services.teams import sync_teams
from dutyline.store.engine import Database
from dutyline.store.tables import Case, Contact, Officer, Staff, Team

NOW = dt.datetime(2026, 2, 10, 10, 30, tzinfo=dt.UTC)
HOSTILE_NAME = "[bold]Evil[/] [@click=app.quit]Click[/]"
HOSTILE_NOTE = "Mum said [/] and [@click=app.quit]x[/] \x1b]0;pwned\x07 then \x1b[2J and \u202eesrever"


def frozen_clock() -> dt.datetime:
    return NOW


@dataclass(frozen=True)
class Seeded:
    olivia: int  # assessment, officer absent -> covered; two contacts
    olivia_mum: int
    olivia_dad: int
    jayden: int  # plan in place, 17 years old (young person decides)
    hostile: int
    hostile_contact: int


def _officer(session: Session, name: str, email: str, team: str, **kw: Any) -> Officer:
    team_id = session.scalar(select(Team.id).where(Team.code == team))
    row = Officer(name=name, email=email, team_id=team_id, **kw)
    session.add(row)
    session.flush()
    return row


def _contact(pos: int, name: str, rel: str, phone: str, pr: bool) -> Contact:
    digits = "".join(c for c in phone if c.isdigit())
    return Contact(position=pos, name=name, relation=rel, phone=phone, phone_key=digits, parental_responsibility=pr)


def seed(db: Database) -> Seeded:
    """Three cases (plus officers and teams from the built-in policy)."""
    sync_teams(db, load_policy(None))
    with db.write() as s:
        cover = _officer(s, "Priya Shah", "priya.shah@example.org", "front_door")
        named = _officer(
            s,
            "Tom Baker",
            "tom.baker@example.org",
            "front_door",
            cover_officer_id=cover.id,
            absent_from=dt.date(2026, 2, 2),
            absent_until=dt.date(2026, 2, 20),
        )
        review = _officer(s, "Ann Lee", "ann.lee@example.org", "annual_review_west")
        olivia = Case(
            case_ref="HCC-0001",
            first_name="Olivia",
            last_name="Smith",
            known_as="Liv",
            date_of_birth=dt.date(2016, 5, 14),
            postcode="AL1 3AB",
            postcode_key="AL13AB",
            district="St Albans",
            school="Maple Primary School",
            stage="assessment",
            stage_since=dt.date(2025, 12, 9),
            request_date=dt.date(2025, 11, 4),
            named_officer_id=named.id,
        )
        olivia.contacts.append(_contact(1, "Sarah Smith", "mother", "07700 900123", True))
        olivia.contacts.append(_contact(2, "Mark Smith", "father", "01727 555010", True))
        jayden = Case(
            case_ref="HCC-0002",
            first_name="Jayden",
            last_name="Okafor",
            date_of_birth=dt.date(2008, 9, 3),
            postcode="WD17 1AA",
            postcode_key="WD171AA",
            district="Watford",
            school="Watford Sixth Form",
            stage="plan_issued",
            stage_since=dt.date(2024, 3, 1),
            plan_issued_date=dt.date(2024, 3, 1),
            last_review_date=dt.date(2025, 3, 20),
            named_officer_id=review.id,
        )
        jayden.contacts.append(_contact(1, "Grace Okafor", "mother", "07700 900456", True))
        hostile = Case(
            case_ref="HCC-0003",
            first_name=HOSTILE_NAME,
            last_name="Smyth\x1b[2J",
            known_as="\x1b]0;x\x07",
            date_of_birth=dt.date(2014, 1, 2),
            postcode="SG1 1AA",
            postcode_key="SG11AA",
            district="Stevenage",
            school="[red]School[/]\u202e",
            stage="assessment",
            stage_since=dt.date(2025, 12, 1),
            request_date=dt.date(2025, 11, 20),
            named_officer_id=named.id,
        )
        hostile.contacts.append(_contact(1, "[@click=app.quit]Mum[/]", "mother", "07700 900789", True))
        s.add_all([olivia, jayden, hostile])
        s.flush()
        return Seeded(
            olivia=olivia.id,
            olivia_mum=olivia.contacts[0].id,
            olivia_dad=olivia.contacts[1].id,
            jayden=jayden.id,
            hostile=hostile.id,
            hostile_contact=hostile.contacts[0].id,
        )


def add_staff(db: Database, login: str, name: str, roles: str = "call_handler", teams: str = "") -> None:
    """A staff row (makes the database leave bootstrap mode)."""
    with db.write() as s:
        s.add(Staff(login=login, display_name=name, roles=roles, teams=teams))


def handler_ctx(db: Database, login: str = "hana", *, roles: frozenset[Role] | None = None) -> Context:
    """A call handler's context on `db` with the frozen clock and the built-in policy."""
    chosen = roles if roles is not None else frozenset({Role.CALL_HANDLER})
    actor = Actor(login=login, display_name=login.title(), roles=chosen, desk="desk-1")
    return Context(db=db, actor=actor, policy=load_policy(None), clock=frozen_clock)
