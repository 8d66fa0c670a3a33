"""Attack: read children's data from a desk's disk without a database login (issue 11, point 7).

On the old code the search snapshot held names, postcodes and phone numbers uncompressed, one file per
database ever opened, never pruned (one covering 200k children outlived its database file). Each test
here fails on that code.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dutyline.services.search import SearchService
from dutyline.services.search_snapshot import SnapshotFile
from dutyline.store import search_source
from dutyline.store.engine import Database
from tests.test_search_store import add_case, plain, seed

SECRETS: tuple[bytes, ...] = (b"Zebulon", b"zebulon", b"ZEBULON", b"Quartermaine", b"quartermaine", b"Wolstenholme")
SECRETS += (b"wolstenholme", b"SG9 9ZZ", b"SG99ZZ", b"sg99zz", b"07700 900321", b"07700900321", b"900321")


def canary(db: Database) -> None:
    seed(db)
    add_case(
        db,
        "EHC-007001",
        "Zebulon",
        "Quartermaine",
        "2015-06-06",
        postcode="SG9 9ZZ",
        contacts=(("Philippa Wolstenholme", "07700 900321"),),
    )


def every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_a_copied_snapshot_reveals_no_names_postcodes_or_phones(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary(db)
    folder = tmp_path / "snap"
    service = SearchService(db, snapshot_dir=folder)
    service.build()
    service.wait_saved()
    assert service.snapshots.path is not None and service.snapshots.path.exists()
    data = every_byte(folder)
    assert data and [s for s in SECRETS if s in data] == []
    # the file is the real index: with the database's key it opens and holds the child
    assert b"Quartermaine" in plain(db, service.snapshots.path)

    def no_full_read(*_a: object, **_k: object) -> None:
        raise AssertionError("the sealed snapshot should have been loaded")

    monkeypatch.setattr(search_source, "iter_case_batches", no_full_read)
    again = SearchService(db, snapshot_dir=folder)
    again.build()
    assert len(again) == 4


def test_a_snapshot_does_not_open_with_another_databases_key(db: Database, tmp_path: Path) -> None:
    canary(db)
    folder = tmp_path / "snap"
    service = SearchService(db, snapshot_dir=folder)
    service.build()
    service.wait_saved()
    path = service.snapshots.path
    assert path is not None
    stolen = SnapshotFile(folder, db.describe(), os.urandom(32))
    assert stolen.path == path and stolen.load() is None


def test_snapshots_of_databases_that_no_longer_exist_are_deleted_at_start(
    sqlite_db: Database, sqlite_template: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "snap"
    gone_file = tmp_path / "gone.db"
    shutil.copyfile(sqlite_template, gone_file)
    gone = Database(f"sqlite:///{gone_file}")
    canary(gone)
    old = SearchService(gone, snapshot_dir=folder)
    old.build()
    old.wait_saved()
    gone.dispose()
    orphan = old.snapshots.path
    assert orphan is not None and orphan.exists()
    legacy = folder / "index-0123456789abcdef0123.npz"  # an unsealed file from an earlier version
    legacy.write_bytes(b"Zebulon Quartermaine SG9 9ZZ")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{gone_file}{suffix}").unlink(missing_ok=True)
    seed(sqlite_db)
    live = SearchService(sqlite_db, snapshot_dir=folder)  # any start on this desk prunes
    live.build()
    live.wait_saved()
    assert not orphan.exists() and not legacy.exists()
    assert live.snapshots.path is not None and live.snapshots.path.exists()


def test_erasure_removes_the_child_from_the_snapshot_at_the_next_start(db: Database, tmp_path: Path) -> None:
    from sqlalchemy import delete

    from dutyline.store.tables import Case

    canary(db)
    folder = tmp_path / "snap"
    first = SearchService(db, snapshot_dir=folder)
    first.build()
    first.wait_saved()
    path = first.snapshots.path
    assert path is not None and b"Quartermaine" in plain(db, path)
    with db.write() as s:  # erased by retention at another desk while this one was closed
        s.execute(delete(Case).where(Case.case_ref == "EHC-007001"))
    second = SearchService(db, snapshot_dir=folder)
    second.build()
    second.wait_saved()
    assert path.exists()
    text = plain(db, path)
    assert not any(s in text for s in SECRETS) and b"O'Brien" in text
