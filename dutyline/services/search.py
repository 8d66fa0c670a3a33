"""Case search use case: an in-memory index fed from the database, kept fresh, every search audited.

Why in memory: a handler types while the caller talks; results must come back in milliseconds, which no
per-keystroke database query gives for fuzzy and sound-alike names. The index is built once (or loaded from
a snapshot) and then refreshed incrementally from `case.updated_at`.

Snapshot: after a full build the index is written to `<data folder>/search/<db hash>.npz` (folder 0700,
file 0600: it holds children's personal data) with the database fingerprint (count, newest updated_at,
max id, schema revision). On the next start it is loaded in well under a second and brought up to date
by an ordinary refresh; if the fingerprint is identical nothing else is read. A damaged, foreign-format
or other-schema snapshot is ignored and rebuilt.

Freshness (issue 3, "a change at one desk is findable at another within a few seconds"): the UI calls
`refresh()` every ~2 s. Each call reads cases whose `updated_at` is after the moment the previous read
began (database clock) minus an OVERLAP window: `updated_at` is stamped by each desk's clock when the
change is made, and on PostgreSQL a transaction stamped earlier can commit after our last read. Rows
already applied (same id and stamp) are skipped, so when nothing changed a refresh is one indexed range
query returning nothing (a bulk import long finished is not re-read: the window follows the clock, not
the newest stamp). Erased cases bump nothing, so every `deletion_check_s` a refresh also compares the case
count and drops vanished ids.

Audit: every `search()` writes one audit row (action `search`) whose detail is the number of results, never
the query text (it holds a child's name). The batch API used by the CLI writes one row per batch, with the
number of queries and of results, because a batch comes from a script (phone system), not a person typing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from dutyline.domain.permissions import Action
from dutyline.domain.search import IndexBuilder, SearchHit, SearchIndex, snapshot
from dutyline.services.context import Context
from dutyline.store import search_source as source
from dutyline.store.engine import Database

#: Re-read window before the previous read began (late commits + clock skew between desks).
OVERLAP = dt.timedelta(seconds=30)
#: Seconds between checks for erased cases (a COUNT over the case table).
DELETION_CHECK_S = 30.0
#: `snapshot_dir` default: the per-user data folder's `search/` (None disables snapshots).
AUTO = Path("<auto>")


class SearchService:
    """Holds the search index for one database. Thread-safe: the UI refreshes and searches from workers."""

    def __init__(self, db: Database, *, snapshot_dir: Path | None = AUTO,
                 deletion_check_s: float = DELETION_CHECK_S,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.db = db
        if snapshot_dir == AUTO:
            from dutyline.config import data_dir

            snapshot_dir = data_dir() / "search"
        self.snapshot_dir = snapshot_dir
        self.deletion_check_s = deletion_check_s
        self._monotonic = monotonic
        self._lock = threading.RLock()  # guards the index while searching or applying changes
        self._refresh_lock = threading.Lock()  # one refresh at a time
        self._index: SearchIndex | None = None
        self._checked_at: dt.datetime | None = None  # database time when the last read began
        self._applied: dict[int, dt.datetime] = {}  # id -> updated_at, for rows inside the overlap window
        self._last_deletion_check = 0.0

    # ----------------------------------------------------------------------------------------- building
    @property
    def ready(self) -> bool:
        return self._index is not None

    def __len__(self) -> int:
        return len(self._index) if self._index is not None else 0

    def build(self) -> None:
        """First load: from the snapshot when it is usable, else read every case and contact."""
        fp = source.fingerprint(self.db)
        if self._load_snapshot(fp):
            return
        self.rebuild(fp)

    def rebuild(self, fp: source.Fingerprint | None = None) -> None:
        """Read every case and contact, build the index (replacing any previous one), save a snapshot."""
        fp = fp or source.fingerprint(self.db)
        started = source.db_now(self.db)
        builder = IndexBuilder()
        for chunk in source.iter_cases(self.db):
            builder.add_cases(chunk)
        for chunk in source.iter_contacts(self.db):
            builder.add_contacts(chunk)
        index = builder.build()
        with self._lock:
            self._index = index
            self._checked_at = started
            self._applied = {}
            self._last_deletion_check = self._monotonic()
        self._save_snapshot(index, fp, started)

    # ----------------------------------------------------------------------------------------- snapshot
    def _snapshot_path(self) -> Path | None:
        if self.snapshot_dir is None or (self.db.is_sqlite and self.db.path is None):
            return None
        digest = hashlib.sha256(self.db.describe().encode()).hexdigest()[:20]
        return self.snapshot_dir / f"index-{digest}.npz"

    def _load_snapshot(self, fp: source.Fingerprint) -> bool:
        path = self._snapshot_path()
        if path is None or not path.exists():
            return False
        try:
            with open(path, "rb") as fh:
                index, meta = snapshot.load(fh)
        except (OSError, ValueError, KeyError, EOFError):
            return False  # damaged or older format: rebuild (and overwrite it)
        if meta.get("schema") != fp.schema or meta.get("db") != self.db.describe():
            return False
        stamp = meta.get("checked_at")
        if not stamp:
            return False
        with self._lock:
            self._index = index
            self._checked_at = dt.datetime.fromisoformat(stamp)
            self._applied = {}
            # Same fingerprint: nothing changed. Otherwise catch up now, including erased cases.
            self._last_deletion_check = self._monotonic() if meta.get("fingerprint") == fp.key() else -1e18
        self.refresh()  # whatever changed since the snapshot's read began (nothing, if the fingerprint held)
        return True

    def _save_snapshot(self, index: SearchIndex, fp: source.Fingerprint, started: dt.datetime) -> None:
        path = self._snapshot_path()
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path.parent, 0o700)
        tmp = path.with_name(path.name + ".tmp")
        meta = {"fingerprint": fp.key(), "schema": fp.schema, "db": self.db.describe(),
                "checked_at": started.isoformat()}
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                snapshot.save(index, fh, meta)
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)  # a snapshot is an optimisation: never fail the search for it

    def _ensure(self) -> SearchIndex:
        if self._index is None:
            self.build()
        assert self._index is not None
        return self._index

    def refresh(self) -> int:
        """Apply cases changed (or erased) since the last look. Returns how many cases were updated."""
        if self._index is None:
            self.build()
            return len(self)
        with self._refresh_lock:  # database reads happen outside `_lock`: searches are not held up
            assert self._checked_at is not None
            now = source.db_now(self.db)
            rows = source.cases_changed_since(self.db, self._checked_at - OVERLAP)
            fresh = [r for r in rows if self._applied.get(int(r[0])) != source.as_utc(r[-1])]
            deleted: list[int] = []
            if self._monotonic() - self._last_deletion_check >= self.deletion_check_s:
                deleted = self._vanished_ids()
            if fresh or deleted:
                contacts = source.contacts_for(self.db, [int(r[0]) for r in fresh]) if fresh else []
                with self._lock:
                    self._index.apply(fresh, contacts, deleted_ids=deleted)
            # Remember what was applied while it can still come back in the next window.
            horizon = now - OVERLAP
            applied = {k: v for k, v in self._applied.items() if v > horizon}
            for r in rows:
                stamp = source.as_utc(r[-1])
                if stamp is not None and stamp > horizon:
                    applied[int(r[0])] = stamp
            self._applied = applied
            self._checked_at = now
            return len(fresh) + len(deleted)

    def _vanished_ids(self) -> list[int]:
        """Ids in the index but no longer in the database (retention erasure). Cheap unless counts differ."""
        assert self._index is not None
        self._last_deletion_check = self._monotonic()
        fp = source.fingerprint(self.db)
        if fp.count >= len(self._index):
            return []
        live = set(source.all_case_ids(self.db))
        return [int(i) for i in self._index.case_ids() if int(i) not in live]

    # ----------------------------------------------------------------------------------------- searching
    def search(self, ctx: Context, query: str, limit: int = 20, *, complete: bool = False) -> list[SearchHit]:
        """Ranked cases for one query typed by a person. Audited (result count only, never the query).

        `complete=False` (the search box, as the person types) lets the last word match names it begins;
        pass True for a finished query (CLI).
        """
        ctx.require(Action.SEARCH)
        index = self._ensure()
        with self._lock:
            hits = index.search(query, limit=limit, today=ctx.today(), complete=complete)
        ctx.audited_read(Action.SEARCH, detail=f"results={len(hits)}")
        return hits

    def search_batch(self, ctx: Context, queries: Sequence[str], limit: int = 20) -> list[list[SearchHit]]:
        """Ranked cases for many queries (CLI batch mode): one audit row for the whole batch."""
        ctx.require(Action.SEARCH)
        index = self._ensure()
        today = ctx.today()
        with self._lock:
            results = [index.search(q, limit=limit, today=today, complete=True) for q in queries]
        found = sum(len(r) for r in results)
        ctx.audited_read(Action.SEARCH, detail=f"batch queries={len(queries)} results={found}")
        return results
