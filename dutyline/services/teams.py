"""Keep the `team` table in step with a policy: when an administrator applies a new version, when a
database is created, and (for tests and tools) on demand. Desks never call this at start: the policy in
force lives in the database, and a desk's own file must not rewrite the shared table.

Routing, queues and officers all use team codes; the policy is the source of truth for a team's name,
inbox and area, so the table is upserted from it. Teams dropped from the policy are kept (officers and
old hand-offs still point at them), only no longer routed to. Idempotent.
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

    uow.run(lambda work: apply_teams(work, policy))


def apply_teams(work: Work, policy: Policy) -> int:
    """Upsert the policy's teams inside `work`'s transaction; returns how many rows changed."""
    wanted = {code: (t.name, t.inbox, t.area) for code, t in policy.teams.items()}
    current = work.teams.details()
    changed = 0
    for code, values in wanted.items():
        if current.get(code) != values:
            work.teams.put(code, values)
            changed += 1
    return changed


def missing_teams(uow: UnitOfWork, policy: Policy) -> list[str]:
    """Team codes the policy names that the database does not have (a local policy file on a desk)."""
    with uow.read() as work:
        have = set(work.teams.details())
    return sorted(code for code in policy.teams if code not in have)
