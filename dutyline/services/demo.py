"""Build the demo database: synthetic officers, cases and a day's worth of activity.

Cases go through the same validation and upsert code as a real import (so the demo proves the import
path), straight from the generator without a temporary CSV. Activity (recent calls, open callbacks and
hand-offs, some overdue) is added so both the handler and the duty officer screens have something real
to show on first start.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from dutyline.demo.generator import demo_officers, iter_case_rows
from dutyline.domain.import_row import CaseRow, validate_row
from dutyline.domain.permissions import Action
from dutyline.domain.policy import Policy
from dutyline.services.context import Context, ServiceError
from dutyline.store.case_writer import Counts
from dutyline.store.uow import UnitOfWork

BATCH = 2000


def case_count(uow: UnitOfWork) -> int:
    with uow.read() as work:
        return work.demo.case_count()


def seed_officers(ctx: Context) -> int:
    """Upsert the demo officers with their teams, cover and absences."""
    rows = demo_officers()
    return ctx.uow.run(lambda work: work.demo.seed_officers(rows))


def seed_cases(ctx: Context, n: int, seed: int, progress: Callable[[int, int], None] | None = None) -> Counts:
    """Validate and store `n` generated cases in one transaction (all or nothing, like an import)."""
    ctx.require(Action.IMPORT)
    today = ctx.today()
    counts = Counts()
    with ctx.uow.write() as work:
        batch: list[CaseRow] = []
        for i, raw in enumerate(iter_case_rows(n, seed, today=today), start=1):
            row = validate_row(raw, today)
            if isinstance(row, list):  # the generator must produce valid rows; say which rule broke
                raise ServiceError(f"demo row {i} failed validation: {row[0].column}: {row[0].reason}")
            batch.append(row)
            if len(batch) >= BATCH:
                work.imports.upsert(batch, counts)
                batch.clear()
                if progress:
                    progress(i, n)
        if batch:
            work.imports.upsert(batch, counts)
        if progress:
            progress(n, n)
        ctx.audit(work, Action.IMPORT, detail=f"demo rows={n} added={counts.added}")
    return counts


def seed_activity(ctx: Context, policy: Policy, seed: int) -> int:
    """Recent calls, open callbacks and hand-offs (some urgent, some overdue) across the teams."""
    rng = random.Random(seed)
    now = ctx.now()
    return ctx.uow.run(lambda work: work.demo.seed_activity(policy, rng, now))
