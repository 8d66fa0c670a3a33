"""Build the demo database: synthetic officers, cases and a day's worth of activity.

Cases go through the same validation and upsert code as a real import (so the demo proves the import
path), straight from the generator without a temporary CSV. Activity (recent calls, open callbacks and
hand-offs, some overdue) is added so both the handler and the duty officer screens have something real
to show on first start.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dutyline.demo.generator import demo_officers, iter_case_rows
from dutyline.domain.import_row import CaseRow, validate_row
from dutyline.domain.model import Outcome, Priority, Reason
from dutyline.domain.permissions import Action
from dutyline.domain.policy import Policy
from dutyline.domain.routing import callback_due, route
from dutyline.services.context import Context, ServiceError
from dutyline.store.case_writer import Counts, OfficerResolver, upsert_batch
from dutyline.store.cases_repo import case_info
from dutyline.store.engine import Database
from dutyline.store.tables import Call, Callback, Case, Contact, Handoff, Officer, Team

BATCH = 2000


def case_count(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Case)) or 0)


def seed_officers(ctx: Context) -> int:
    """Upsert the demo officers with their teams, cover and absences."""
    rows = demo_officers()

    def apply(s: Session) -> int:
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

    return ctx.db.run_write(apply)


def seed_cases(ctx: Context, n: int, seed: int, progress: Callable[[int, int], None] | None = None) -> Counts:
    """Validate and store `n` generated cases in one transaction (all or nothing, like an import)."""
    ctx.require(Action.IMPORT)
    today = ctx.today()
    counts = Counts()
    with ctx.db.write() as session:
        officers = OfficerResolver(session)
        batch: list[CaseRow] = []
        for i, raw in enumerate(iter_case_rows(n, seed, today=today), start=1):
            row = validate_row(raw, today)
            if isinstance(row, list):  # the generator must produce valid rows; say which rule broke
                raise ServiceError(f"demo row {i} failed validation: {row[0].column}: {row[0].reason}")
            batch.append(row)
            if len(batch) >= BATCH:
                upsert_batch(session, batch, officers, counts)
                batch.clear()
                if progress:
                    progress(i, n)
        if batch:
            upsert_batch(session, batch, officers, counts)
        if progress:
            progress(n, n)
        ctx.audit(session, Action.IMPORT, detail=f"demo rows={n} added={counts.added}")
    return counts


def seed_activity(ctx: Context, policy: Policy, seed: int) -> int:
    """Recent calls, open callbacks and hand-offs (some urgent, some overdue) across the teams."""
    rng = random.Random(seed)
    now = ctx.now()

    def apply(s: Session) -> int:
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
            assert case is not None  # ids were read from the case table in this transaction
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

    return ctx.db.run_write(apply)


def _team_for(policy: Policy, case: Case, reason: Reason) -> str:
    """The team the real routing rules would pick, so demo queues look like real ones."""
    return route(policy, reason, case_info(case)).team
