"""Engines and sessions for the two supported databases.

No silent databases: a mistyped `--db` must never become an empty database where the typist is the
first-user administrator and every search says "no matching cases" (a lost call). So an SQLite file is
opened with `mode=rw` (SQLite itself refuses to create it) unless the caller asks to create one
(`dutyline init`, `demo`, `import --create`), and a read-only file is reported, never chmodded back to
writable. A file we create is made 0600 in a 0700 folder *before* SQLite touches it (so the -wal/-shm
files inherit 0600); an existing file only ever loses group/other bits. WAL, synchronous=FULL (a note
shown as saved survives a power cut), foreign keys on for every connection, a busy timeout, and BEGIN
IMMEDIATE for write transactions only (a deferred read-then-write fails at once with "database is
locked"; see docs/RELIABILITY.md, B3).

PostgreSQL (many desks): psycopg 3, READ COMMITTED, every contended write a single guarded statement.
"""

from __future__ import annotations

import os
import random
import sqlite3
import stat
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from dutyline.store.pg_audit_sql import CHAIN_IDLE_MS

T = TypeVar("T")

SQLITE_BUSY_MS = 10_000


class DatabaseError(Exception):
    """A database problem explained in words a handler or admin can act on (no personal data)."""


def normalise_url(url: str) -> str:
    """Accept `postgresql://`, `postgres://` and bare file paths; pick psycopg 3 for PostgreSQL."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if "://" not in url:
        url = "sqlite:///" + str(Path(url).expanduser().resolve())
    return url


class DatabaseMissing(DatabaseError):
    """There is no database at the address given (and nobody asked to create one)."""


def _create_sqlite_file(path: Path) -> None:
    """Create the folder 0700 and the file 0600 before SQLite creates it with the umask's 0644."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)


def _check_sqlite_file(path: Path) -> None:
    """An existing, writable regular file, or a DatabaseError saying what is wrong and what to do.

    Permissions are only ever narrowed (group/other bits dropped), never widened: a file someone made
    read-only stays read-only and is reported, because dutyline writes every action to its audit trail.
    The owner-write bit is checked as well as access(2), so the answer is the same when run as root.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DatabaseMissing(
            f"there is no dutyline database at {path}. Check the path (--db or DUTYLINE_DB).\n"
            f"  To create a new one there: dutyline --db 'sqlite:///{path}' init"
        ) from None
    if not stat.S_ISREG(st.st_mode):
        raise DatabaseError(f"{path} is not a database file (it is a folder or a device)")
    if not (st.st_mode & stat.S_IWUSR) or not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseError(
            f"the database file {path} is read-only for you (mode {stat.S_IMODE(st.st_mode):04o}). dutyline "
            "writes every action to the audit trail, so it needs read and write access; it will not change "
            "the file's permissions itself. Ask whoever made it read-only."
        )
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = stat.S_IMODE(p.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(p, mode & 0o700)


def _sqlite_connector(path: Path) -> Callable[[], sqlite3.Connection]:
    """Connections opened with `mode=rw`: SQLite refuses to create a missing file instead of making one."""
    uri = "file:" + urllib.parse.quote(str(path)) + "?mode=rw"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=SQLITE_BUSY_MS / 1000)

    return connect


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take over transaction control from the stdlib driver (SQLAlchemy's documented recipe).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cur.execute("PRAGMA secure_delete=ON")
        cur.execute("PRAGMA trusted_schema=OFF")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("dutyline_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


class Database:
    """One database, with short-lived sessions for reading and for writing.

    Sessions are opened per unit of work (one user action) and never held while a person types.
    `expire_on_commit=False` so objects read in a session can be converted after it closes.
    """

    def __init__(self, url: str, *, echo: bool = False, create: bool = False) -> None:
        """`create=True` (init, demo, import --create) makes a missing SQLite file; otherwise a missing
        file is a DatabaseMissing error. An in-memory SQLite database is only allowed with `create`."""
        self.url = normalise_url(url)
        try:
            parsed = make_url(self.url)
        except Exception:  # noqa: BLE001 - SQLAlchemy raises ArgumentError with the URL text in it
            raise DatabaseError("not a database URL: use sqlite:///PATH or postgresql://USER@HOST/DBNAME") from None
        self.backend = parsed.get_backend_name()
        self.path: Path | None = None
        kwargs: dict[str, Any] = {"hide_parameters": True, "echo": echo, "future": True}
        if self.backend == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                self.path = Path(parsed.database)
                if create:
                    _create_sqlite_file(self.path)
                _check_sqlite_file(self.path)
                kwargs["creator"] = _sqlite_connector(self.path)
            elif not create:
                raise DatabaseMissing("an in-memory SQLite database holds nothing: give a file, sqlite:///PATH")
            else:
                kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000}
        elif self.backend == "postgresql":
            kwargs["pool_pre_ping"] = True
            kwargs["pool_size"] = 5
            kwargs["connect_args"] = {
                "connect_timeout": 5,
                "application_name": "dutyline",
                # The audit chain refuses desk sessions that could sit on it: a transaction idle for
                # CHAIN_IDLE_MS is ended by the server (dutyline never holds one while a person types).
                "options": f"-c idle_in_transaction_session_timeout={CHAIN_IDLE_MS} -c lock_timeout=10000",
            }
        else:
            raise DatabaseError(f"unsupported database '{self.backend}': use sqlite:///FILE or postgresql://…")
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.backend == "sqlite":
            _install_sqlite_pragmas(self.engine)
        self._write_engine = self.engine.execution_options(dutyline_write=True)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self._write_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.backend == "postgresql"

    def describe(self) -> str:
        """Where the data is, for messages: never includes a password."""
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads. Closing it returns the connection (rolled back by the pool) without
        expiring loaded objects, so they stay readable after the block."""
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: commits on success, rolls back on any error (nothing half-written)."""
        with self._write() as session, session.begin():
            yield session

    def run_write(self, fn: Callable[[Session], T], *, attempts: int = 5) -> T:
        """Run `fn` in a write transaction, retrying the whole transaction on transient contention.

        Retries PostgreSQL serialization failures/deadlocks (40001/40P01) and SQLite busy errors that
        outlived the busy timeout, with jitter; side effects must happen only after this returns.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.write() as session:
                    return fn(session)
            except OperationalError as exc:
                if attempt == attempts or not _is_transient(exc):
                    raise
                time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        if self.is_sqlite:
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            except OperationalError:
                pass
        self.engine.dispose()


def _is_transient(exc: OperationalError) -> bool:
    code = getattr(exc.orig, "sqlstate", None)
    if code in {"40001", "40P01", "55P03"}:
        return True
    return "database is locked" in str(exc.orig) or "database is busy" in str(exc.orig)
