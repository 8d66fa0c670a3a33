"""The database itself: migrations match the models, settings that protect data are really on."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from dutyline.store import migrate
from dutyline.store.engine import Database
from dutyline.store.tables import Base, Call


def test_migrations_match_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert migrate.current_revision(db) == migrate.head_revision()


def test_revisions_read_without_alembic_are_alembics(db: Database) -> None:
    assert migrate._scripts_head() == migrate._alembic_head() is not None
    with db.engine.connect() as conn:
        assert migrate.current_revision(db) == MigrationContext.configure(conn).get_current_revision()


def test_scripts_that_are_not_one_chain_are_left_to_alembic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "a.py").write_text("revision = 'a'\ndown_revision = None\n")
    (versions / "b.py").write_text("revision: str = 'b'\ndown_revision: str | None = 'a'\n")
    monkeypatch.setattr(migrate, "script_location", lambda: tmp_path)
    migrate._scripts_head.cache_clear()
    try:
        assert migrate._scripts_head() == "b"
        (versions / "c.py").write_text("revision = 'c'\ndown_revision = 'a'\n")  # two heads
        migrate._scripts_head.cache_clear()
        assert migrate._scripts_head() is None
        (versions / "c.py").write_text("revision = 'c'\ndown_revision = ('a', 'b')\n")  # a merge
        migrate._scripts_head.cache_clear()
        assert migrate._scripts_head() is None
    finally:
        migrate._scripts_head.cache_clear()


def test_opening_a_database_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'head.db'}"
    db = Database(url, create=True)
    migrate.upgrade(db)
    db.dispose()
    code = (
        "import sys\n"
        "from dutyline.store import migrate\n"
        "from dutyline.store.engine import Database\n"
        f"assert migrate.upgrade(Database({url!r})) is None\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_upgrade_is_idempotent_and_says_what_it_did(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'new.db'}", create=True)
    assert "Created a new dutyline database" in (migrate.upgrade(db) or "")
    assert migrate.upgrade(db) is None
    db.dispose()


def test_sqlite_connections_are_durable_and_enforce_foreign_keys(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}", create=True)
    migrate.upgrade(db)
    conns = [db.engine.connect() for _ in range(3)]  # several pooled connections, each configured
    try:
        for conn in conns:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert (conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 5000
    finally:
        for conn in conns:
            conn.close()
    with pytest.raises(IntegrityError), db.write() as s:
        s.add(Call(case_id=424242, reason="general_enquiry", outcome="resolved"))
    db.dispose()


def test_sqlite_files_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    db = Database(f"sqlite:///{folder / 'dutyline.db'}", create=True)
    migrate.upgrade(db)
    with db.write() as s:
        s.execute(text("SELECT 1"))
    for name in ("dutyline.db", "dutyline.db-wal", "dutyline.db-shm"):
        path = folder / name
        if path.exists():
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, name
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    db.dispose()


def test_audit_table_refuses_update_and_delete(db: Database) -> None:
    from dutyline.store import audit

    with db.write() as s:
        audit.append(s, login="a", role="admin", desk="d", action="search")
    for statement in ("UPDATE audit_event SET login='b'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"), db.write() as s:
            s.execute(text(statement))
