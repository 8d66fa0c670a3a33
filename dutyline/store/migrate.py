"""Bring a database to the current schema with Alembic, on start, and say what was done."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from dutyline.store.engine import Database


def script_location() -> Path:
    """The `db/` folder: beside the package in a checkout, or installed as `dutyline/_migrations`."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "db", here / "_migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise FileNotFoundError("dutyline's migrations (db/) are missing from this installation")


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location()))
    return cfg


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(db: Database) -> str | None:
    """Upgrade to head. Returns a sentence for the user when something changed, else None."""
    before = current_revision(db)
    head = head_revision()
    if before == head:
        return None
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    if before is None:
        return f"Created a new dutyline database at {db.describe()}."
    return f"Upgraded the dutyline database at {db.describe()} from schema {before} to {head}."
