"""Shared fixtures. Every storage test takes `db`, which runs once on SQLite and once on PostgreSQL.

PostgreSQL: a template database is migrated once per session; each test gets a fresh copy
(`CREATE DATABASE … TEMPLATE …`), dropped afterwards. Without a reachable server the PG variants skip with
the reason; when DUTYLINE_REQUIRE_PG=1 (CI) they fail instead, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from dutyline.store import migrate
from dutyline.store.engine import Database

if TYPE_CHECKING:
    import psycopg

PG_ADMIN_URL = os.environ.get("DUTYLINE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_admin() -> psycopg.Connection[tuple[Any, ...]]:
    import psycopg

    return psycopg.connect(
        PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True, connect_timeout=3
    )


def _pg_url(dbname: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{dbname}"


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """Name of a migrated template database, or skip/fail if PostgreSQL is not reachable."""
    try:
        conn = _pg_admin()
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        if os.environ.get("DUTYLINE_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL is required (DUTYLINE_REQUIRE_PG=1) but not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    name = f"dutyline_tmpl_{uuid.uuid4().hex[:10]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    db = Database(_pg_url(name), create=True)
    migrate.upgrade(db)
    db.dispose()
    yield name
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tmpl") / "template.db"
    db = Database(f"sqlite:///{path}", create=True)
    migrate.upgrade(db)
    db.dispose()
    return path


def make_pg_db(template: str) -> tuple[Database, str]:
    name = f"dutyline_t_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return Database(_pg_url(name)), name


def drop_pg_db(name: str) -> None:
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_sqlite(template: Path, target: Path) -> Database:
    """A fresh migrated SQLite database: a private copy of the session's template file."""
    shutil.copyfile(template, target)
    os.chmod(target, 0o600)
    return Database(f"sqlite:///{target}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated, empty database on each backend."""
    if request.param == "sqlite":
        database = copy_sqlite(request.getfixturevalue("sqlite_template"), tmp_path / "dutyline.db")
        yield database
        database.dispose()
    else:
        template_name: str = request.getfixturevalue("pg_template")
        database, name = make_pg_db(template_name)
        yield database
        database.dispose()
        drop_pg_db(name)


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh SQLite database, for the few checks that only mean something on SQLite (file bytes,
    polling). Use `db` for everything else so it runs on both backends."""
    database = copy_sqlite(sqlite_template, tmp_path / "sqlite-only.db")
    yield database
    database.dispose()


@pytest.fixture
def db_url(db: Database) -> str:
    """The URL of the fresh database, for CLI tests that open it themselves."""
    return db.url


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test's default data folder (and default SQLite file) out of the real home."""
    monkeypatch.setenv("DUTYLINE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DUTYLINE_DB", raising=False)
    monkeypatch.delenv("DUTYLINE_POLICY", raising=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI (DUTYLINE_REQUIRE_PG=1) a PostgreSQL test that skipped for any reason fails the run."""
    if os.environ.get("DUTYLINE_REQUIRE_PG") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    pg_skips = [r for r in skipped if "[postgresql" in r.nodeid or "PostgreSQL not reachable" in str(r.longrepr)]
    if pg_skips:
        print(f"\nFAIL: {len(pg_skips)} PostgreSQL test(s) skipped but DUTYLINE_REQUIRE_PG=1:")
        for r in pg_skips[:20]:
            print(f"  {r.nodeid}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
