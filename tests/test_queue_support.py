"""Row builders and actors shared by the queue, live-update, case-edit and duty-screen tests.

Kept in a module of its own (no tests here) so spawned race workers can import it by name.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from dutyline.domain.model import Role
from dutyline.services import queue
from dutyline.services.context import Actor, Context
from dutyline.store.engine import Database
from dutyline.store.tables import Call, Callback, Case, Handoff, Officer, Team
from tests.contexts import make_context

#: Monday 23 Nov 2026, 10:00 UTC (10:00 in London): a working day, mid-morning.
T0 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
TEAMS = ("front_door", "resolution", "annual_review_east")
_seq = itertools.count(1)


@dataclass
class FakeClock:
    """A clock tests move by hand (lease expiry, overdue) without sleeping."""

    now: dt.datetime = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += dt.timedelta(**kw)


def actor(login: str, role: Role = Role.DUTY_OFFICER, teams: tuple[str, ...] = ("front_door",)) -> Actor:
    return Actor(login=login, display_name=login.title(), roles=frozenset({role}), teams=teams, desk="desk-test")


def context(
    db: Database,
    login: str = "dora",
    role: Role = Role.DUTY_OFFICER,
    teams: tuple[str, ...] = ("front_door",),
    clock: FakeClock | None = None,
) -> Context:
    return make_context(db, actor=actor(login, role, teams), clock=clock or FakeClock())


def seed_teams(db: Database) -> None:
    with db.write() as s:
        for code in TEAMS:
            s.add(Team(code=code, name=code.replace("_", " ").title(), inbox=f"{code}@example.gov.uk"))


def add_case(s: Session, *, first: str = "Amara", last: str = "Okafor", officer: str | None = None) -> Case:
    n = next(_seq)
    officer_row = None
    if officer:
        officer_row = Officer(name=officer, email=f"{officer.lower().replace(' ', '.')}{n}@example.gov.uk")
        s.add(officer_row)
        s.flush()
    case = Case(
        case_ref=f"EHC-{n:06d}",
        first_name=first,
        last_name=last,
        date_of_birth=dt.date(2014, 7, 3),
        postcode="AL1 3AB",
        postcode_key="AL13AB",
        district="St Albans",
        stage="assessment",
        stage_since=dt.date(2026, 9, 1),
        named_officer_id=officer_row.id if officer_row else None,
    )
    s.add(case)
    s.flush()
    return case


def add_callback(
    s: Session,
    *,
    team: str = "front_door",
    due: dt.datetime | None = None,
    case: Case | None = None,
    urgent: bool = False,
    created: dt.datetime | None = None,
    phone: str = "07700 900123",
    contact: str = "Ngozi Okafor",
) -> Callback:
    cb = Callback(
        team_code=team,
        priority="urgent" if urgent else "standard",
        reason="assessment_progress",
        urgent_reason="distress" if urgent else None,
        due_at=due or T0 + dt.timedelta(hours=4),
        case_id=case.id if case else None,
        contact_name=contact,
        phone=phone,
        created_at=created or T0 - dt.timedelta(hours=1),
        created_by="hana",
    )
    s.add(cb)
    s.flush()
    return cb


def add_handoff(
    s: Session,
    *,
    team: str = "front_door",
    due: dt.datetime | None = None,
    case: Case | None = None,
    urgent: bool = False,
) -> Handoff:
    call = Call(case_id=case.id if case else None, staff_login="hana", reason="new_request", outcome="handed_off")
    s.add(call)
    s.flush()
    ho = Handoff(
        team_code=team,
        priority="urgent" if urgent else "standard",
        reason="new_request",
        due_at=due or T0 + dt.timedelta(hours=6),
        call_id=call.id,
        case_id=case.id if case else None,
        proposed_team_code=team,
        created_at=T0 - dt.timedelta(hours=2),
        created_by="hana",
    )
    s.add(ho)
    s.flush()
    return ho


def seed_callbacks(db: Database, n: int, *, team: str = "front_door") -> list[int]:
    """`n` callbacks in one transaction (for races), due a minute apart."""
    with db.write() as s:
        ids = []
        for i in range(n):
            cb = Callback(
                team_code=team,
                reason="general_enquiry",
                due_at=T0 + dt.timedelta(minutes=i),
                contact_name="",
                phone="07700 900000",
                created_at=T0,
            )
            s.add(cb)
            s.flush()
            ids.append(cb.id)
    return ids


# --- race workers (run in spawned processes: keep this module free of pytest) ---------------------


def warm_up(db: Database) -> None:
    """Open the pooled connection before the start line, so the race measures claims, not connects."""
    with db.read() as s:
        s.execute(select(1))


def guarded_desk(url: str, login: str, start: Any) -> tuple[str, list[int], list[str]]:
    """A duty officer's desk claiming until the team's queue is empty (the real code path)."""
    db = Database(url)
    ctx = make_context(db, actor=Actor(login=login, roles=frozenset({Role.DUTY_OFFICER}), teams=("front_door",)))
    claimed: list[int] = []
    errors: list[str] = []
    warm_up(db)
    start.wait()
    while True:
        try:
            ticket = queue.claim_next(ctx, "front_door")
        except Exception as exc:  # noqa: BLE001 - any error reaching the desk is what we count
            errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
            if len(errors) > 50:
                break
            continue
        if ticket is None:
            break
        claimed.append(ticket.id)
    db.dispose()
    return login, claimed, errors


def naive_desk(url: str, login: str, start: Any) -> tuple[str, list[int], list[str]]:
    """The bug, kept on purpose: read the first free id, then update it in a second statement."""
    db = Database(url)
    claimed: list[int] = []
    warm_up(db)
    start.wait()
    while True:
        with db.write() as s:
            if db.is_postgres:  # only makes the control quicker; the race is the same
                s.execute(text("SET LOCAL synchronous_commit = off"))
            row = s.execute(
                select(Callback.id)
                .where(Callback.team_code == "resolution", Callback.claimed_by.is_(None))
                .order_by(Callback.due_at, Callback.id)
                .limit(1)
            ).first()
            if row is None:
                break
            s.execute(
                update(Callback)
                .where(Callback.id == row[0])
                .values(claimed_by=login, status="claimed")
                .execution_options(synchronize_session=False)
            )
        claimed.append(int(row[0]))
    db.dispose()
    return login, claimed, []


def lease_holder(url: str, item_id: int, lease_s: float, out: Any) -> None:
    """Claim one callback, report the ticket, then hang until killed (a desk that froze or crashed)."""
    db = Database(url)
    ctx = make_context(db, actor=Actor(login="dead", roles=frozenset({Role.DUTY_OFFICER}), teams=("front_door",)))
    ticket = queue.claim(ctx, "callback", item_id, lease=dt.timedelta(seconds=lease_s))
    out.put(ticket.token)
    while True:
        time.sleep(1)
