"""Building a Context in tests: the CLI builds one from Settings; tests build one on a test database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dutyline.config import Settings
from dutyline.domain.policy import Policy, load_policy
from dutyline.services.context import Actor, Context, utc_now
from dutyline.store.engine import Database
from dutyline.store.uow import SqlUnitOfWork, UnitOfWork


def make_context(
    db: Database | UnitOfWork,
    *,
    actor: Actor,
    policy: Policy | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
    settings: Settings | None = None,
) -> Context:
    """A Context on `db` (or a unit of work) with the built-in policy and default settings unless given."""
    uow = SqlUnitOfWork(db) if isinstance(db, Database) else db
    return Context(
        uow=uow,
        actor=actor,
        policy=policy if policy is not None else load_policy(None),
        settings=settings if settings is not None else Settings(),
        clock=clock,
    )


def db_of(ctx: Context) -> Database:
    """The database behind a test's Context."""
    assert isinstance(ctx.uow, SqlUnitOfWork)
    return ctx.uow.database


def uow(db: Database) -> SqlUnitOfWork:
    return SqlUnitOfWork(db)
