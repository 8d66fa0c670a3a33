"""Shared CLI plumbing: build the settings, open the database (upgrading it), load the policy, identify
the user. `load_settings` is the one place that reads flags and the environment into `Settings`.

Errors become one clear line on stderr and exit code 2: never a traceback, never personal data.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from dutyline.config import Settings
from dutyline.domain.policy import Policy, load_policy
from dutyline.domain.text import shown
from dutyline.services.context import Context, PermissionDenied, ServiceError, os_login
from dutyline.store import migrate
from dutyline.store.audit_repair import restore_audit_triggers
from dutyline.store.engine import Database, DatabaseError
from dutyline.store.uow import SqlUnitOfWork


class CliError(Exception):
    """A failure to report as one line and exit 2."""


def load_settings(args: argparse.Namespace | None = None) -> Settings:
    """Flags (`--db`, `--policy`) over `DUTYLINE_*` environment variables over the defaults. Built once
    per command; a bad value stops the command naming the variable."""
    flags: dict[str, Any] = {}
    if args is not None:
        for name in ("db", "policy"):
            value = getattr(args, name, None)
            if value:
                flags[name] = value
    try:
        return Settings(**flags)
    except ValidationError as exc:
        problems = "; ".join(f"DUTYLINE_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors())
        raise CliError(f"bad setting: {problems}") from None


def settings_of(args: argparse.Namespace) -> Settings:
    """The command's settings, built on first use and kept on `args` so every helper sees the same ones."""
    settings = getattr(args, "_settings", None)
    if not isinstance(settings, Settings):
        settings = load_settings(args)
        args._settings = settings
    return settings


def open_database(
    args: argparse.Namespace, *, url: str | None = None, quiet: bool = False, create: bool = False
) -> Database:
    """Connect and bring the schema up to date, telling the user on stderr if it changed.

    Only `create=True` (init, demo, import --create) may make a new database: anywhere else a missing
    file, or a database without dutyline's schema, is an error naming it and saying how to create one.
    """
    settings = settings_of(args)
    db = Database(url or settings.database_url, create=create, lock_wait_s=settings.lock_wait)
    try:
        fresh = migrate.current_revision(db) is None
        if fresh and not create:
            where = db.describe()
            db.dispose()
            raise CliError(
                f"{where} is not a dutyline database (it has no dutyline tables). Check --db / DUTYLINE_DB.\n"
                f"  To set up a new database there: dutyline --db '{where}' init"
            )
        note = migrate.upgrade(db)
    except SQLAlchemyError as exc:
        raise CliError(f"cannot open the database {db.describe()}: {_reason(exc)}") from None
    if fresh:  # a new database's teams are those of its policy version 1 (desks never write them later)
        from dutyline.services.policy_store import stored_policy
        from dutyline.services.teams import sync_teams

        sync_teams(SqlUnitOfWork(db), stored_policy(db)[0])
    if note and not quiet:
        print(note, file=sys.stderr)
    if db.is_sqlite:
        for name in restore_audit_triggers(db, os_login()):
            print(f"dutyline: the audit trigger {name} was missing and has been restored (audited)", file=sys.stderr)
    return db


def context_for(args: argparse.Namespace, db: Database, policy: Policy) -> Context:
    """The Context for the person at this desk on `db`, with the policy in force and the settings."""
    from dutyline.services.staff import resolve_actor

    uow = SqlUnitOfWork(db)
    return Context(uow=uow, actor=resolve_actor(uow, desk_login(db)), policy=policy, settings=settings_of(args))


#: Why a desk's own policy file is refused on a shared database.
LOCAL_POLICY_REFUSED = (
    "--policy (or DUTYLINE_POLICY) is for a single SQLite desk only. On PostgreSQL every desk uses the policy "
    "stored in the database, so that no desk routes by rules of its own; an administrator changes it with: "
    "dutyline policy apply FILE (see dutyline policy show)"
)


def policy_for(args: argparse.Namespace, db: Database, *, create: bool = False) -> Policy:
    """The policy in force: the version stored in the database, or on an SQLite desk a local `--policy`.

    A local file never writes the shared `team` table: it may only name teams the database already has
    (or, when this command creates the database, its teams are the new database's teams).
    """
    from dutyline.services.policy_store import stored_policy
    from dutyline.services.teams import missing_teams, sync_teams

    local = settings_of(args).policy
    if local is None:
        return stored_policy(db)[0]
    if not db.is_sqlite:
        raise CliError(LOCAL_POLICY_REFUSED)
    policy = load_policy(local)
    if create:
        sync_teams(SqlUnitOfWork(db), policy)
    elif missing := missing_teams(SqlUnitOfWork(db), policy):
        raise CliError(
            f"the policy file {shown(str(local), 200)} names teams this database does not have "
            f"({', '.join(shown(code, 40) for code in missing[:10])}). An administrator can apply it to the "
            "database instead: dutyline policy apply FILE"
        )
    return policy


def open_context(
    args: argparse.Namespace, *, url: str | None = None, quiet: bool = False, create: bool = False
) -> Context:
    """Database + policy + the acting person + the settings, ready for services. Desks read the policy;
    never write it."""
    db = open_database(args, url=url, quiet=quiet, create=create)
    return context_for(args, db, policy_for(args, db, create=create))


def database_of(ctx: Context) -> Database:
    """The database behind a CLI-built Context (the CLI composes store and services, so it may know)."""
    assert isinstance(ctx.uow, SqlUnitOfWork)
    return ctx.uow.database


def desk_login(db: Database) -> str:
    """Who is acting: on PostgreSQL the server's `session_user` (the person's own login role); on SQLite,
    and for PostgreSQL's owner account (set-up and upgrades), the kernel's login for this process.
    Never an environment variable."""
    from dutyline.store.identity import server_login

    return server_login(db) or os_login()


#: No line of an error message is longer than this: a 5,000-character login or file name is cut, not echoed.
MESSAGE_LINE_LIMIT = 500


def safe_message(message: object) -> str:
    """An error message fit for a terminal: escape and control characters removed from every line (a login
    or file name in it is user-supplied text, never markup or terminal commands) and each line cut."""
    lines = str(message).split("\n")
    return "\n".join(" " * (len(line) - len(line.lstrip(" "))) + shown(line, MESSAGE_LINE_LIMIT) for line in lines)


def _reason(exc: BaseException) -> str:
    """The driver's first line, which names the problem (host refused, no such file) without parameters."""
    orig = getattr(exc, "orig", exc)
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def cli_errors(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn expected failures into one line on stderr and exit code 2."""

    @functools.wraps(fn)
    def wrapper(args: argparse.Namespace) -> int:
        from dutyline.domain.policy import PolicyError

        try:
            return fn(args)
        except (CliError, ServiceError, PermissionDenied, DatabaseError, PolicyError) as exc:
            print(f"dutyline: {safe_message(exc)}", file=sys.stderr)
            return 2
        except SQLAlchemyError as exc:
            print(f"dutyline: database error: {safe_message(_reason(exc))}", file=sys.stderr)
            return 2
        except OSError as exc:  # a file or folder problem: name the file and the reason, never its contents
            where = f" ({shown(exc.filename, 200)})" if exc.filename else ""
            print(f"dutyline: {exc.strerror or type(exc).__name__}{where}", file=sys.stderr)
            return 2

    return wrapper
