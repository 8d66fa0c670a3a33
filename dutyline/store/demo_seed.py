"""Rows for the demo database: officers with cover and absences, and a few days of calls and queue items.

Only `dutyline demo` calls this (through `services.demo`); the cases themselves go through the import's
own writer, so the demo proves the import path.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dutyline.domain.model import Outcome, Priority, Reason
from dutyline.domain.policy import Policy
from dutyline.domain.routing import callback_due, route
from dutyline.store.cases_repo import case_info
from dutyline.store.tables import Call, Callback, Case, Contact, Handoff, Officer, Team


def case_count(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(Case)) or 0)


def seed_officers(s: Session, rows: Sequence[Mapping[str, str]]) -> int:
    """Upsert the demo officers with their teams, cover and absences."""
    teams = dict(s.execute(select(Team.code, Team.id)).all())
    by_email = {o.email: o for o in s.scalars(select(Officer))}
    for r in rows:
        o = by_email.get(r["email"]) or Officer(email=r["email"])
        o.name, o.team_id, o.active = r["name"], teams.get(r["team_code"]), True
        o.absent_from = dt.date.fromisoformat(r["absent_from"]) if r["absent_from"] else None
        o.absent_until = dt.date.fromisoformat(r["absent_until"]) if r["absent_until"] else None
        s.add(o)
        by_email[r["email"]] = o
    s.flush()
    for r in rows:
        cover = by_email.get(r["cover_email"]) if r["cover_email"] else None
        by_email[r["email"]].cover_officer_id = cover.id if cover else None
    return len(rows)


def seed_activity(s: Session, policy: Policy, rng: random.Random, now: dt.datetime) -> int:
    """Recent calls, open callbacks and hand-offs (some urgent, some overdue) across the teams."""
    ids = list(s.scalars(select(Case.id).order_by(Case.id).limit(3000)))
    if not ids:
        return 0
    made = 0
    repeat = ids[0]  # one family that has rung three times this fortnight
    for days in (2, 6, 11):
        s.add(
            Call(
                case_id=repeat,
                staff_login="demo",
                started_at=now - dt.timedelta(days=days),
                duration_s=240,
                caller_kind="contact",
                caller_name="",
                reason=Reason.ASSESSMENT_PROGRESS,
                notes="Chasing the decision; asked for a callback.",
                outcome=Outcome.CALLBACK_BOOKED,
            )
        )
    for case_id in rng.sample(ids, min(60, len(ids))):
        case = s.get(Case, case_id)
        assert case is not None  # ids were just read
        contact = s.scalar(select(Contact).where(Contact.case_id == case_id).order_by(Contact.position))
        reason = rng.choice(
            [
                Reason.ASSESSMENT_PROGRESS,
                Reason.REVIEW_ARRANGEMENTS,
                Reason.CHANGE_OF_NEED,
                Reason.OFFICER_CONTACT,
                Reason.AMENDMENT_RESPONSE,
                Reason.DISAGREEMENT,
            ]
        )
        urgent = rng.random() < 0.2
        urgent_reason = rng.choice(sorted(policy.urgent_reasons)) if urgent else None
        started = now - dt.timedelta(hours=rng.randint(1, 24 * 6))
        due = callback_due(policy, reason, started, urgent_reason=urgent_reason)
        team = _team_for(policy, case, reason)
        call = Call(
            case_id=case_id,
            staff_login="demo",
            started_at=started,
            duration_s=rng.randint(90, 600),
            caller_kind="contact",
            caller_contact_id=contact.id if contact else None,
            caller_name=contact.name if contact else "",
            reason=reason,
            urgent_reason=urgent_reason,
            notes="Demo call.",
            outcome=Outcome.CALLBACK_BOOKED if made % 2 else Outcome.HANDED_OFF,
        )
        s.add(call)
        s.flush()
        common = dict(
            team_code=team,
            priority=Priority.URGENT if urgent else Priority.STANDARD,
            urgent_reason=urgent_reason,
            reason=reason,
            due_at=due,
            created_at=started,
            created_by="demo",
            case_id=case_id,
            call_id=call.id,
        )
        if made % 2:
            s.add(
                Callback(
                    **common,
                    contact_name=contact.name if contact else "",
                    phone=contact.phone if contact else "",
                    preferred_time="Any time",
                )
            )
        else:
            s.add(Handoff(**common, proposed_team_code=team, explanation="Demo hand-off."))
        made += 1
    return made


def _team_for(policy: Policy, case: Case, reason: Reason) -> str:
    """The team the real routing rules would pick, so demo queues look like real ones."""
    return route(policy, reason, case_info(case)).team
