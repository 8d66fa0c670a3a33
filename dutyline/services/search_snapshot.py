"""The search index snapshot of one database on this desk: load it, write it in the background, forget it.

Why a file at all: loading a snapshot at 1M cases takes well under a second, a cold build a few. Why in
the background: the index is searchable as soon as it is built; the handler should not wait while ~200 MB
are written. Why `forget`: the file copies children's names out of the database, so when the service
notices erased cases it deletes the file at once and writes a new one without them (retention, UK GDPR
Art 5(1)(e)). The file is 0600 in a 0700 folder (it holds personal data); it is written to a temporary
name and renamed, so a reader sees the old file or the new one, never half of one.

Sealed at rest (`snapshot_seal`): the file is AES-GCM encrypted with the database's snapshot key, which only
an authenticated database login can read, so a copied disk alone reveals no name, postcode or phone. With
no key (a role without the right, a database from before keys) no snapshot is written or read at all.
`prune` deletes, at start, the unsealed files of earlier versions and the snapshots of SQLite databases
that no longer exist. The encryption is only here, at the file boundary: the index format is the search
domain's (`domain.search.snapshot`).

Ordering: every save and every `forget` bumps a generation under one lock, and a save renames its file
into place only if its generation is still the newest. A save that started before an erasure was noticed
can therefore never land after `forget`, whichever thread finishes first.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import zipfile
from pathlib import Path
from typing import IO, Any, cast

from dutyline.domain.search import UpdatableIndex, snapshot
from dutyline.domain.search.index import IndexSegment
from dutyline.services.snapshot_seal import MemoryReader, SealedWriter, SealError, read_address, unseal


class SnapshotFile:
    """`<folder>/index-<hash of the database address>.sealed`, or nothing at all when `folder` or `key` is
    None. `db_path` is the SQLite file, written into the plain header so `prune` can tell it is gone."""

    def __init__(self, folder: Path | None, db_label: str, key: bytes | None = None, db_path: str = "") -> None:
        self.path: Path | None = None
        self._key = key
        self._address = db_path
        if folder is not None and key is not None:
            digest = hashlib.sha256(db_label.encode()).hexdigest()[:20]
            self.path = folder / f"index-{digest}.sealed"
        self._lock = threading.Lock()
        self._generation = 0
        self._workers: list[threading.Thread] = []

    def load(self) -> tuple[UpdatableIndex, dict[str, Any]] | None:
        """The stored index and its metadata, or None when there is no usable file (damaged, old format)."""
        if self.path is None or self._key is None or not self.path.exists():
            return None
        try:
            with open(self.path, "rb") as fh:
                plain = unseal(fh, self._key, os.fstat(fh.fileno()).st_size)
            return snapshot.load(cast(IO[bytes], MemoryReader(plain)))
        except (OSError, ValueError, KeyError, EOFError, TypeError, zipfile.BadZipFile, SealError):
            return None  # damaged, truncated, another key or format: rebuilt (and overwritten) by the caller

    def save_async(self, index: IndexSegment, meta: dict[str, Any]) -> None:
        """Write `index` from a worker thread. `index` must not change meanwhile: pass a compact index
        nobody applies changes to (a fresh build, or a `compacted()` copy)."""
        if self.path is None:
            return
        with self._lock:
            self._generation += 1
            generation = self._generation
        worker = threading.Thread(target=self._write, args=(self.path, index, meta, generation), name="search-snapshot")
        self._track(worker)

    def _track(self, worker: threading.Thread) -> None:
        with self._lock:
            self._workers = [w for w in self._workers if w.is_alive()] + [worker]
        worker.start()

    def run_async(self, job: Any) -> None:
        """Run `job()` in a tracked worker (so `wait` covers it too)."""
        self._track(threading.Thread(target=job, name="search-snapshot-job"))

    def _write(self, path: Path, index: IndexSegment, meta: dict[str, Any], generation: int) -> None:
        tmp = path.with_name(f"{path.name}.{generation}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(path.parent, 0o700)
            fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            assert self._key is not None  # no path without a key
            with os.fdopen(fd, "wb") as fh:
                sealed = SealedWriter(fh, self._key, self._address)
                snapshot.save(index, cast(IO[bytes], sealed), meta)  # a binary stream, sealed on the way out
                sealed.close()
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            with self._lock:
                if generation == self._generation:
                    os.replace(tmp, path)
        except OSError:
            pass  # a snapshot is an optimisation: never fail the search for it
        finally:
            tmp.unlink(missing_ok=True)

    def forget(self) -> None:
        """Delete the file now, and stop any save already in flight from landing."""
        if self.path is None:
            return
        with self._lock:
            self._generation += 1
            self.path.unlink(missing_ok=True)

    def wait(self, timeout: float | None = None) -> None:
        """Block until background work has finished, including saves a job started meanwhile (tests,
        benchmarks, orderly shutdown); at most about `timeout` seconds when one is given."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                busy = [w for w in self._workers if w.is_alive()]
            if not busy:
                return
            for worker in busy:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return
                worker.join(left)


def prune(folder: Path | None) -> int:
    """Delete unsealed snapshots of earlier versions and sealed ones of SQLite databases that no longer
    exist (their children must not outlive the database on this desk). Returns how many were deleted.

    PostgreSQL snapshots are kept: whether a server database still exists cannot be told from the desk,
    and its file is useless without that database's key anyway.
    """
    if folder is None or not folder.is_dir():
        return 0
    gone = 0
    for path in folder.glob("index-*"):
        if path.name.endswith(".npz") or ".npz." in path.name or _stale_tmp(path):
            path.unlink(missing_ok=True)
            gone += 1
            continue
        if not path.name.endswith(".sealed"):
            continue
        try:
            with open(path, "rb") as fh:
                address = read_address(fh)
        except OSError:
            continue
        if address is None or (address and not Path(address).exists()):
            path.unlink(missing_ok=True)
            gone += 1
    return gone


def _stale_tmp(path: Path) -> bool:
    """A half-written file left by a crash (an hour old: another dutyline on this desk may be writing one)."""
    if not path.name.endswith(".tmp"):
        return False
    try:
        return time.time() - path.stat().st_mtime > 3600
    except OSError:
        return False
