"""On SQLite a long import must not make a desk's search fail.

An import is one all-or-nothing transaction holding SQLite's only write lock for its whole second pass.
Before the unit of work queued read-audit rows, a search during a 200k-row import waited out the lock
wait and then failed with "database is locked" on its audit write. Here the desk's lock wait is cut to
half a second (so an import of a few thousand rows outlasts it) and the import runs for real in a thread.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from dutyline.config import Settings
from dutyline.demo.generator import write_csv
from dutyline.domain.model import Role
from dutyline.domain.policy import load_policy
from dutyline.services.context import Actor
from dutyline.services.importer import import_cases
from dutyline.services.search import SearchService
from dutyline.services.teams import sync_teams
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent
from dutyline.store.uow import SqlUnitOfWork
from tests.contexts import make_context

ROWS = 12_000


def write_lock_held(path: Path) -> bool:
    """Another connection holds SQLite's write lock (a BEGIN IMMEDIATE with no wait fails)."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc)
    finally:
        conn.close()


def test_searches_keep_answering_while_an_import_holds_the_write_lock(sqlite_db: Database, tmp_path: Path) -> None:
    assert sqlite_db.path is not None
    today = dt.date(2026, 3, 2)
    csv_path = tmp_path / "export.csv"
    write_csv(csv_path, ROWS, seed=7, today=today)
    sync_teams(SqlUnitOfWork(sqlite_db), load_policy(None))

    desk_db = Database(sqlite_db.url, lock_wait_s=0.5)
    desk = make_context(
        desk_db, actor=Actor(login="hana", roles=frozenset({Role.CALL_HANDLER})), settings=Settings(lock_wait=0.5)
    )
    search = SearchService(desk_db, snapshot_dir=None)
    search.build()

    importer_db = Database(sqlite_db.url)
    admin = make_context(
        importer_db,
        actor=Actor(login="ada", roles=frozenset({Role.ADMIN})),
        clock=lambda: dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
    )
    failure: list[BaseException] = []

    def run_import() -> None:
        try:
            import_cases(admin, csv_path)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failure.append(exc)

    worker = threading.Thread(target=run_import)
    worker.start()
    deadline = time.monotonic() + 60
    while not write_lock_held(sqlite_db.path):  # pass 1 (validation) takes no lock
        assert worker.is_alive() and time.monotonic() < deadline, "the import never took the write lock"
        time.sleep(0.01)

    during, total, slowest = 0, 0, 0.0
    while worker.is_alive():
        started = time.monotonic()
        search.search(desk, "smith")  # raises "database is locked" if its audit row must be written now
        slowest = max(slowest, time.monotonic() - started)
        total += 1
        if write_lock_held(sqlite_db.path):
            during += 1
    worker.join()
    assert not failure, failure
    assert during >= 3, "the import finished before the searches could overlap it; raise ROWS"
    assert slowest < 0.5 + 1.0  # at most one short try for the lock, never the full wait

    # Every search's audit row is written once the lock is free, in the order of the searches.
    assert isinstance(desk.uow, SqlUnitOfWork)
    for _ in range(100):
        if desk.uow.queued_audit_rows == 0:
            break
        time.sleep(0.05)
    assert desk.uow.flush()
    with sqlite_db.read() as s:
        searches = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "search"))
        imports = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import"))
    assert imports == 1
    assert searches == total
    desk.uow.close()
    importer_db.dispose()
