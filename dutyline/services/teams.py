"""Keep the `team` table in step with a policy: when an administrator applies a new version, when a
database is created, and (for tests and tools) on demand. Desks never call this at start: the policy in
force lives in the database, and a desk's own file must not rewrite the shared table.

Routing, queues and officers all use team codes; the policy is the source of truth for a team's name,
inbox and area, so the table is upserted from it. Teams dropped from the policy are kept (officers and
old hand-offs still point at them), only no longer routed to. Idempotent.
"""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from dutyline.domain.policy import Policy
from dutyline.store.engine import Database
from dutyline.store.tables import Team


def sync_teams(db: Database, policy: Policy) -> None:
    """Insert new teams and update changed names/inboxes/areas; write nothing when already in step."""
    wanted = {code: (t.name, t.inbox, t.area) for code, t in policy.teams.items()}
    with db.read() as session:
        have = {
            code: (name, inbox, area)
            for code, name, inbox, area in session.execute(select(Team.code, Team.name, Team.inbox, Team.area))
        }
    if all(have.get(code) == values for code, values in wanted.items()):
        return

    db.run_write(lambda session: apply_teams(session, policy))


def apply_teams(session: Session, policy: Policy) -> int:
    """Upsert the policy's teams inside `session`'s transaction; returns how many rows changed."""
    wanted = {code: (t.name, t.inbox, t.area) for code, t in policy.teams.items()}
    current = {
        code: (name, inbox, area)
        for code, name, inbox, area in session.execute(select(Team.code, Team.name, Team.inbox, Team.area))
    }
    changed = 0
    for code, (name, inbox, area) in wanted.items():
        if code not in current:
            session.execute(insert(Team).values(code=code, name=name, inbox=inbox, area=area))
            changed += 1
        elif current[code] != (name, inbox, area):
            session.execute(update(Team).where(Team.code == code).values(name=name, inbox=inbox, area=area))
            changed += 1
    return changed


def missing_teams(db: Database, policy: Policy) -> list[str]:
    """Team codes the policy names that the database does not have (a local policy file on a desk)."""
    with db.read() as session:
        have = set(session.scalars(select(Team.code)))
    return sorted(code for code in policy.teams if code not in have)
