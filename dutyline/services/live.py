"""Live queues at every desk: tell the screen when the callback / hand-off queue changed.

PostgreSQL: a listener thread on its own connection (`LISTEN dutyline_queue`). Every queue change sends
`table:id` in the changing transaction (queue_repo.notify), so a rolled-back change never notifies and a
committed one reaches every desk within milliseconds. NOTIFY is only a hint (docs/RELIABILITY.md, B6):
notifications are not replayed, so on every (re)connect the watcher asks for a full refresh, and a slow
backstop (15 s) refreshes anyway in case a writer forgot to notify.

SQLite (one machine): a 1.5 s poll of a cheap change marker (count, max id, sum of versions of the two
queue tables); a full refresh when it moves.

The subscription API is one callback: `on_change(keys)` where keys is a frozenset of payloads such as
{"callback:12"} or None for "refresh everything". It runs on the watcher's thread: a Textual screen must
hand it to the UI thread (`app.call_from_thread` or `post_message`).

Writers elsewhere (booking a callback or hand-off from a call) should call
`dutyline.store.queue_repo.notify(session, kind, id)` in their transaction so new items show at once
rather than at the next backstop refresh.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from dutyline.domain.permissions import Action
from dutyline.services.context import Context
from dutyline.store.engine import Database

log = logging.getLogger(__name__)

OnChange = Callable[[frozenset[str] | None], None]

SQLITE_POLL_S = 1.5
PG_BACKSTOP_S = 15.0
#: How long a LISTEN wait blocks before checking for stop / backstop.
_TICK_S = 0.25
_RECONNECT_MAX_S = 5.0


class QueueWatcher:
    """Background watcher for one database; `start()` once, `stop()` when the screen goes away."""

    def __init__(
        self, db: Database, on_change: OnChange, *, poll_s: float = SQLITE_POLL_S, backstop_s: float = PG_BACKSTOP_S
    ) -> None:
        self.db = db
        self.on_change = on_change
        self.poll_s = poll_s
        self.backstop_s = backstop_s
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def mode(self) -> str:
        return "listen" if self.db.is_postgres else "poll"

    def start(self) -> QueueWatcher:
        target = self._listen_loop if self.db.is_postgres else self._poll_loop
        self._thread = threading.Thread(target=target, name="dutyline-queue-watch", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _emit(self, keys: frozenset[str] | None) -> None:
        try:
            self.on_change(keys)
        except Exception:  # noqa: BLE001 - a failing subscriber must not kill live updates
            log.exception("queue change subscriber failed")

    # --- PostgreSQL ---------------------------------------------------------------------------------
    def _listen_loop(self) -> None:
        from dutyline.store.queue_listen import QueueListener

        delay = 0.5
        while not self._stop.is_set():
            listener = None
            try:
                listener = QueueListener(self.db)
                self.connected.set()
                delay = 0.5
                self._emit(None)  # notifications missed while disconnected are gone: refresh all
                last_full = time.monotonic()
                while not self._stop.is_set():
                    keys = listener.wait(_TICK_S)
                    if keys:
                        self._emit(frozenset(keys))
                    if time.monotonic() - last_full >= self.backstop_s:
                        self._emit(None)
                        last_full = time.monotonic()
            except Exception as exc:  # noqa: BLE001 - any connection failure: back off and reconnect
                self.connected.clear()
                log.warning("queue listener disconnected (%s); reconnecting", type(exc).__name__)
                self._stop.wait(delay)
                delay = min(delay * 2, _RECONNECT_MAX_S)
            finally:
                if listener is not None:
                    listener.close()
        self.connected.clear()

    # --- SQLite -------------------------------------------------------------------------------------
    def _poll_loop(self) -> None:
        from dutyline.store.queue_listen import read_marker

        marker: object = None
        self.connected.set()
        self._emit(None)
        last_full = time.monotonic()
        while not self._stop.wait(self.poll_s):
            try:
                current = read_marker(self.db)
            except Exception as exc:  # noqa: BLE001 - a busy or missing file: try again next tick
                log.warning("queue poll failed (%s)", type(exc).__name__)
                continue
            if marker is not None and current != marker:
                self._emit(None)
                last_full = time.monotonic()
            elif time.monotonic() - last_full >= self.backstop_s:
                self._emit(None)  # time passes too: due-soon and overdue flags change without writes
                last_full = time.monotonic()
            marker = current


def watch_queue(ctx: Context, on_change: OnChange, **kwargs: float) -> QueueWatcher:
    """Start watching the queue for a person allowed to see it; returns the running watcher."""
    ctx.require(Action.VIEW_QUEUE)
    return QueueWatcher(ctx.db, on_change, **kwargs).start()
