"""The cold build: every case and contact read from the database into a new index, as fast as we can.

Why it is shaped like this (ready within seconds of opening a 1M-case database: docs/ARCHITECTURE.md, Search targets):
- the database joins each column of a 250k-row batch into one string (`store.search_source`), so rows
  never become Python objects, and `domain.search.batch` encodes the columns with C-level dict work;
- cases and contacts are read by two worker threads while the calling thread encodes whichever batch has
  arrived: SQLite runs its aggregation with the GIL released and PostgreSQL works in its own process, so
  the database's share overlaps the encoding on a second core;
- freed batch text is handed back to the system before the index arrays are built, which keeps the peak
  resident size under the 600 MB target at 1M cases.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

from dutyline.domain.search import IndexBuilder, UpdatableIndex
from dutyline.domain.search.batch import CaseBatch, ContactBatch
from dutyline.domain.search.derive import return_freed_memory
from dutyline.store import search_source as source
from dutyline.store.engine import Database

T = TypeVar("T")
_DONE = object()


def build_from_database(db: Database) -> UpdatableIndex:
    """A new index of every case and contact in `db` (no snapshot involved)."""
    builder = IndexBuilder()
    for kind, item in _prefetch({"case": source.iter_case_batches(db), "contact": source.iter_contact_batches(db)}):
        if isinstance(item, CaseBatch):
            builder.add_case_batch(item)
        elif isinstance(item, ContactBatch):
            builder.add_contact_batch(item)
        elif kind == "case":
            builder.add_cases(item)  # a batch with odd text, read as rows
        else:
            builder.add_contacts(item)
    # The batches' text is garbage now and the index build needs the room: without handing it back, a cold
    # build at 1M cases peaked near 750 MB resident instead of ~570 (the target is under 600 MB).
    return_freed_memory()
    index = builder.build()
    return_freed_memory()
    return index


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def _prefetch(sources: dict[str, Iterator[T]], depth: int = 2) -> Iterator[tuple[str, T]]:
    """Items of every iterator, each run in its own worker thread, tagged with its key, as they arrive.

    At most `depth` items wait unconsumed (bounded memory). If the consumer stops early the workers
    are told to stop, and a worker's exception is re-raised here.
    """
    out: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, object]) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work(key: str, it: Iterator[T]) -> None:
        try:
            for item in it:
                if not put((key, item)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            put((key, _Failed(exc)))
            return
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()
        put((key, _DONE))

    workers = [
        threading.Thread(target=work, args=(k, it), name=f"search-read-{k}", daemon=True) for k, it in sources.items()
    ]
    for w in workers:
        w.start()
    try:
        running = len(workers)
        while running:
            key, item = out.get()
            if item is _DONE:
                running -= 1
            elif isinstance(item, _Failed):
                raise item.exc
            else:
                yield key, item  # type: ignore[misc]  # a T: _DONE and _Failed, the only other items, are handled above
    finally:
        stop.set()
        for w in workers:
            w.join()
