"""Keep the `team` table in step with the policy file (run at every start).

Routing, queues and officers all use team codes; the policy is the source of truth for a team's name,
inbox and area, so the table is upserted from it. Teams dropped from the policy are kept (officers and
old hand-offs still point at them), only no longer routed to. One read and, normally, no write: cheap
enough for every start, and idempotent.
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

    def apply(session: Session) -> None:
        current = {
            code: (name, inbox, area)
            for code, name, inbox, area in session.execute(select(Team.code, Team.name, Team.inbox, Team.area))
        }
        for code, (name, inbox, area) in wanted.items():
            if code not in current:
                session.execute(insert(Team).values(code=code, name=name, inbox=inbox, area=area))
            elif current[code] != (name, inbox, area):
                session.execute(update(Team).where(Team.code == code).values(name=name, inbox=inbox, area=area))

    db.run_write(apply)
