"""Bring a database to the current schema with Alembic, on start, and say what was done.

Why the revisions are read without Alembic: every command that opens a database checks its schema, and
importing Alembic costs about a fifth of a second of start-up (batch mode, the app). A database already at
the head revision, which is nearly every open, needs only its `alembic_version` row and the head named by
the scripts' own `revision` / `down_revision` lines. Alembic is imported when there is something to do,
or when the scripts do not form one chain (then it decides).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from dutyline.store.engine import Database

if TYPE_CHECKING:
    from alembic.config import Config

#: Alembic's own table of the stored revision (its default name; db/env.py does not change it).
VERSION_TABLE = "alembic_version"
_REVISION = re.compile(r"^(down_revision|revision)\b[^=\n]*=\s*(None|'([^']*)'|\"([^\"]*)\")", re.M)


def script_location() -> Path:
    """The `db/` folder: beside the package in a checkout, or installed as `dutyline/_migrations`."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "db", here / "_migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise FileNotFoundError("dutyline's migrations (db/) are missing from this installation")


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location()))
    return cfg


def current_revision(db: Database) -> str | None:
    """The revision stored in the database, or None for a database without dutyline's schema."""
    with db.engine.connect() as conn:
        if not sa.inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:  # branches: Alembic's own reading raises the error that names them
        from alembic.runtime.migration import MigrationContext

        with db.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    return rows[0] if rows else None


def head_revision() -> str | None:
    """The newest revision the scripts define: the one no other script names as its `down_revision`."""
    return _scripts_head() or _alembic_head()


@cache
def _scripts_head() -> str | None:
    """The head read from the scripts' text, or None when they are not one plain chain (Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((script_location() / "versions").glob("*.py")):
        found = {m[0]: m[2] or m[3] for m in _REVISION.findall(path.read_text(encoding="utf-8"))}
        if "revision" not in found or "down_revision" not in found or not found["revision"]:
            return None  # a tuple of parents (a merge), or a layout this reading does not know
        revisions.add(found["revision"])
        if found["down_revision"]:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def _alembic_head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(db: Database) -> str | None:
    """Upgrade to head. Returns a sentence for the user when something changed, else None."""
    before = current_revision(db)
    head = head_revision()
    if before == head:
        return None
    from alembic import command

    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    if before is None:
        return f"Created a new dutyline database at {db.describe()}."
    return f"Upgraded the dutyline database at {db.describe()} from schema {before} to {head}."
