"""Case search use case: an in-memory index fed from the database, kept fresh, every search audited.

Why in memory: a handler types while the caller talks; results must come back in milliseconds, which no
per-keystroke database query gives for fuzzy and sound-alike names. The index is built once (or loaded from
a snapshot) and then refreshed incrementally from `case.updated_at`.

Cold build (no snapshot, `search_build`): the database joins each column of a batch into one string, two
worker threads read cases and contacts while this thread encodes, and the snapshot is written in the
background once the index is searchable.

Snapshot (`search_snapshot.SnapshotFile`): `<data folder>/search/index-<db hash>.sealed`, 0600 in a 0700 folder
(it holds children's personal data), with the schema revision and the database time the read began. On the
next start it is loaded in well under a second and brought up to date by an ordinary refresh. A damaged,
foreign-format or other-schema snapshot is ignored and rebuilt.

Freshness ("a change at one desk is findable at another within a few seconds": docs/ARCHITECTURE.md, Search
targets): the UI calls `refresh()` every ~2 s. Each call reads cases whose `updated_at` is after the moment
the previous read began (database clock) minus an OVERLAP window: `updated_at` is stamped by each desk's
clock when the change is made, and on PostgreSQL a transaction stamped earlier can commit after our last
read. Rows already applied (same id and stamp) are skipped, so when nothing changed a refresh is one
indexed range query returning nothing (a bulk import long finished is not re-read: the window follows the
clock, not the newest stamp).

Erasure: deleted cases bump nothing, so each refresh (every `deletion_check_s`, default every refresh)
compares the live case count and newest id with the index's (two indexed aggregates) and, only when they
differ, reads every live id to drop the vanished ones. When any are dropped the snapshot file is deleted at
once and rewritten from a compacted, pruned copy, so an erased child leaves every desk's file within one
refresh of the erasure, not at the next full rebuild.

Audit: every `search()` writes one audit row (action `search`) whose detail is the number of results, never
the query text (it holds a child's name). The batch API used by the CLI writes one row per batch, with the
number of queries and of results, because a batch comes from a script (phone system), not a person typing.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from dutyline.domain.permissions import Action
from dutyline.domain.search import RESULTS_DEFAULT, SearchHit, SearchResults, UpdatableIndex, lexicon
from dutyline.services.context import Context
from dutyline.services.search_build import build_from_database
from dutyline.services.search_snapshot import SnapshotFile
from dutyline.services.search_snapshot import prune as prune_snapshots
from dutyline.store import search_source as source
from dutyline.store.engine import Database
from dutyline.store.policy_repo import read_snapshot_key

#: Re-read window before the previous read began (late commits + clock skew between desks).
OVERLAP = dt.timedelta(seconds=30)
#: Seconds between checks for erased cases (a count and a max over the case table: cheap, so every refresh).
DELETION_CHECK_S = 0.0


class SearchService:
    """Holds the search index for one database. Thread-safe: the UI refreshes and searches from workers."""

    def __init__(
        self,
        db: Database,
        *,
        snapshot_dir: Path | None = None,
        names_dir: Path | None = None,
        deletion_check_s: float = DELETION_CHECK_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.snapshot_dir = snapshot_dir
        # The council's own name files (`<data folder>/names/*.txt`) beside the shipped ones; a bad line
        # stops start-up with the file and line (NameDataError), like the policy file.
        lexicon.use(lexicon.load([names_dir] if names_dir is not None and names_dir.is_dir() else []))
        in_memory = db.is_sqlite and db.path is None  # nothing to come back to
        folder = None if in_memory else snapshot_dir
        prune_snapshots(folder)  # unsealed old files, and snapshots of databases that are gone
        key = read_snapshot_key(db) if folder is not None else None
        address = str(db.path) if db.path is not None else ""
        self.snapshots = SnapshotFile(folder, db.describe(), key, address)
        self.deletion_check_s = deletion_check_s
        self._monotonic = monotonic
        self._lock = threading.RLock()  # guards the index while searching or applying changes
        self._refresh_lock = threading.Lock()  # one refresh (or compaction for a re-save) at a time
        self._index: UpdatableIndex | None = None
        self._checked_at: dt.datetime | None = None  # database time when the last read began
        self._applied: dict[int, dt.datetime] = {}  # id -> updated_at, for rows inside the overlap window
        self._last_deletion_check = 0.0
        self._schema = ""  # schema revision the index was read under (stored in snapshots)

    # ----------------------------------------------------------------------------------------- building
    @property
    def ready(self) -> bool:
        return self._index is not None

    def __len__(self) -> int:
        return len(self._index) if self._index is not None else 0

    def build(self) -> None:
        """First load: from the snapshot when it is usable, else read every case and contact."""
        self._schema = source.schema_revision(self.db)
        if self._load_snapshot():
            return
        self.rebuild()

    def rebuild(self) -> None:
        """Read every case and contact, build the index (replacing any previous one), save a snapshot.

        See `search_build` for how the read is made fast; the snapshot is written in the background.
        """
        self._schema = source.schema_revision(self.db)
        started = source.db_now(self.db)
        index = build_from_database(self.db)
        with self._lock:
            self._index = index
            self._checked_at = started
            self._applied = {}
            self._last_deletion_check = self._monotonic()
        self._save(index, started)

    def _save(self, index: UpdatableIndex, checked_at: dt.datetime) -> None:
        meta = {"schema": self._schema, "db": self.db.describe(), "checked_at": checked_at.isoformat()}
        self.snapshots.save_async(index.base, meta)  # base: immutable, safe to write from another thread

    def _load_snapshot(self) -> bool:
        loaded = self.snapshots.load()
        if loaded is None:
            return False
        index, meta = loaded
        if meta.get("schema") != self._schema or meta.get("db") != self.db.describe():
            return False
        stamp = meta.get("checked_at")
        if not stamp:
            return False
        with self._lock:
            self._index = index
            self._checked_at = dt.datetime.fromisoformat(stamp)
            self._applied = {}
            self._last_deletion_check = -1e18  # cases erased since the snapshot: dropped by this refresh
        self.refresh()  # whatever changed since the snapshot's read began
        return True

    def wait_saved(self, timeout: float | None = None) -> None:
        """Block until background snapshot work has finished (tests, benchmarks, orderly shutdown)."""
        self.snapshots.wait(timeout)

    def _resave_without_erased(self) -> None:
        """Worker: swap in a compacted, pruned copy of the index and write it as the new snapshot."""
        with self._refresh_lock:  # no refresh applies changes while the copy is made
            index, checked = self._index, self._checked_at
            if index is None or checked is None:
                return
            fresh = index.compacted()
            with self._lock:
                self._index = fresh
        self._save(fresh, checked)

    def _ensure(self) -> UpdatableIndex:
        if self._index is None:
            self.build()
        assert self._index is not None
        return self._index

    # ----------------------------------------------------------------------------------------- refresh
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
                deleted = self._vanished_ids([int(r[0]) for r in rows])
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
        if deleted and self.snapshots.path is not None:
            self.snapshots.forget()  # the erased children leave this desk's file now ...
            self.snapshots.run_async(self._resave_without_erased)  # ... and a file without them follows
        return len(fresh) + len(deleted)

    def _vanished_ids(self, just_read: Sequence[int]) -> list[int]:
        """Ids in the index but no longer in the database (retention erasure).

        Cheap when nothing was erased: the live count and newest id (indexed aggregates, ~10 ms at 1M
        cases on SQLite) equal those of the index plus the rows this refresh just read, so no indexed id
        can be missing. Only otherwise is every live id read (one joined column) and compared with numpy.
        """
        index = self._index
        assert index is not None
        self._last_deletion_check = self._monotonic()
        fresh = np.unique(np.asarray(just_read, dtype=np.int64))
        fresh = fresh[~index.has(fresh)]
        ids = index.case_ids()
        expected = len(ids) + len(fresh)
        newest = max(int(ids.max()) if len(ids) else 0, int(fresh.max()) if len(fresh) else 0)
        if source.count_and_max_id(self.db) == (expected, newest):
            return []
        live = source.all_case_ids(self.db)
        return [int(i) for i in ids[~np.isin(ids, live)]]

    def warm(self) -> None:
        """Build what the index leaves to its first search (`UpdatableIndex.warm`: the heard name forms,
        letters inside names, learned nicknames, where each name's first word ends, the postcodes in
        order; up to 2 s at a million cases). It is kept out of the build so the index is ready sooner;
        the app calls this just after, so the first search typed does not pay for it. No query and no
        result: nothing to audit."""
        index = self._ensure()
        with self._lock:
            index.warm()

    # ----------------------------------------------------------------------------------------- searching
    def search(
        self, ctx: Context, query: str, limit: int = RESULTS_DEFAULT, *, complete: bool = False
    ) -> list[SearchHit]:
        """Ranked cases for one query typed by a person. Audited (result count only, never the query).

        `complete=False` (the search box, as the person types) lets the last word match names it begins;
        pass True for a finished query (CLI).
        """
        return list(self.search_results(ctx, query, limit, complete=complete).hits)

    def search_results(
        self, ctx: Context, query: str, limit: int = RESULTS_DEFAULT, *, complete: bool = False
    ) -> SearchResults:
        """`search`, with the total that matched and how sure the best is (band, splitting question)."""
        ctx.require(Action.SEARCH)
        index = self._ensure()
        with self._lock:
            results = index.search_results(query, limit=limit, today=ctx.today(), complete=complete)
        ctx.audited_read(Action.SEARCH, detail=f"results={len(results.hits)}")
        return results

    def search_batch(self, ctx: Context, queries: Sequence[str], limit: int = RESULTS_DEFAULT) -> list[list[SearchHit]]:
        """Ranked cases for many queries (CLI batch mode): one audit row for the whole batch."""
        return [list(r.hits) for r in self.search_batch_results(ctx, queries, limit)]

    def search_batch_results(
        self, ctx: Context, queries: Sequence[str], limit: int = RESULTS_DEFAULT
    ) -> list[SearchResults]:
        """`search_batch` with each query's total and band."""
        ctx.require(Action.SEARCH)
        index = self._ensure()
        today = ctx.today()
        with self._lock:
            results = [index.search_results(q, limit=limit, today=today, complete=True) for q in queries]
        found = sum(len(r.hits) for r in results)
        ctx.audited_read(Action.SEARCH, detail=f"batch queries={len(queries)} results={found}")
        return results
