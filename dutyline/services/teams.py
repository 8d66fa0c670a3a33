"""Keep the `team` table in step with the policy file (run at every start).

Routing, queues and officers all use team codes; the policy is the source of truth for a team's name,
inbox and area, so the table is upserted from it. Teams dropped from the policy are kept (officers and
old hand-offs still point at them), only no longer routed to. One read and, normally, no write: cheap
enough for every start, and idempotent.
"""

from __future__ import annotations

from dutyline.domain.policy import Policy
from dutyline.store.uow import UnitOfWork, Work


def sync_teams(uow: UnitOfWork, policy: Policy) -> None:
    """Insert new teams and update changed names/inboxes/areas; write nothing when already in step."""
    wanted = {code: (t.name, t.inbox, t.area) for code, t in policy.teams.items()}
    with uow.read() as work:
        have = work.teams.details()
    if all(have.get(code) == values for code, values in wanted.items()):
        return

    def apply(work: Work) -> None:
        current = work.teams.details()
        for code, values in wanted.items():
            if current.get(code) != values:
                work.teams.put(code, values)

    uow.run(apply)
