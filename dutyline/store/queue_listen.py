"""The PostgreSQL side of live queues: a dedicated LISTEN connection, and the SQLite change marker read.

Why a raw psycopg connection and not the SQLAlchemy pool: LISTEN belongs to one session for its whole
life, must sit outside any transaction (notifications are only delivered between transactions), and must
never be handed to a query by the pool. Payloads are `table:id` (see domain.queue.PAYLOAD_RE); anything
else is dropped here, unread and unlogged.
"""

from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy.engine import make_url

from dutyline.domain.queue import PAYLOAD_RE
from dutyline.store import queue_repo
from dutyline.store.engine import Database


class QueueListener:
    """One autocommit psycopg connection LISTENing on the queue channel."""

    def __init__(self, db: Database, *, application_name: str = "dutyline-live") -> None:
        import psycopg

        url = make_url(db.url).set(drivername="postgresql")
        self._conn: Any = psycopg.connect(
            url.render_as_string(hide_password=False),
            autocommit=True,
            connect_timeout=5,
            application_name=application_name,
        )
        self._conn.execute(f"LISTEN {queue_repo.CHANNEL}")

    def wait(self, timeout: float) -> set[str]:
        """Payloads received within `timeout` seconds (empty set if none). Raises psycopg errors when the
        connection is lost, so the caller can reconnect and refresh everything."""
        found: set[str] = set()
        for note in self._conn.notifies(timeout=timeout):
            if PAYLOAD_RE.fullmatch(note.payload):
                found.add(note.payload)
        if self._conn.closed or self._conn.broken:
            raise ConnectionError("queue listener connection lost")
        return found

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a broken connection must never raise
            self._conn.close()


def read_marker(db: Database) -> tuple[Any, ...]:
    """The queue tables' change marker (see queue_repo.change_marker), in its own short read."""
    with db.read() as session:
        return queue_repo.change_marker(session)
