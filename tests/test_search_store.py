"""Search fed from the database, on SQLite and PostgreSQL: build, refresh, snapshots, audit, CLI.

Cases are inserted with the ORM tables directly (a small helper below) so these tests do not depend on
the importer.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import delete, select, text

from dutyline.domain.model import Role
from dutyline.domain.search import UpdatableIndex
from dutyline.domain.search.batch import CaseBatch
from dutyline.services.context import Actor, Context, PermissionDenied
from dutyline.services.search import SearchService
from dutyline.store import search_source
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Case, Contact, Officer
from tests.cli_runner import CliResult, run_cli
from tests.contexts import make_context

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def add_case(
    db: Database,
    ref: str,
    first: str,
    last: str,
    dob: str,
    postcode: str = "AL1 3AB",
    contacts: tuple[tuple[str, str], ...] = (),
    officer: str | None = None,
    updated_at: dt.datetime | None = None,
    known_as: str = "",
) -> int:
    """Insert one case (and its contacts) the way the importer would; returns the case id."""
    with db.write() as s:
        officer_id = None
        if officer:
            o = Officer(name=officer, email=f"{officer.split()[0].lower()}@example.org")
            s.add(o)
            s.flush()
            officer_id = o.id
        case = Case(
            case_ref=ref,
            first_name=first,
            last_name=last,
            known_as=known_as,
            date_of_birth=dt.date.fromisoformat(dob),
            postcode=postcode,
            postcode_key=postcode.replace(" ", "").upper(),
            district="Dacorum",
            school="Oakwood Primary",
            stage="assessment",
            stage_since=dt.date(2026, 1, 5),
            named_officer_id=officer_id,
            updated_at=updated_at or dt.datetime.now(dt.UTC),
            contacts=[
                Contact(position=i, name=n, phone=p, phone_key="".join(c for c in p if c.isdigit()))
                for i, (n, p) in enumerate(contacts, 1)
            ],
        )
        s.add(case)
        s.flush()
        return case.id


def seed(db: Database) -> None:
    add_case(
        db,
        "EHC-004217",
        "Niamh",
        "O'Brien",
        "2014-07-03",
        contacts=(("Mary O'Brien", "07700900123"),),
        officer="Ann Officer",
    )
    add_case(db, "EHC-004218", "Mohammed", "Khan", "2015-01-02", "WD17 1AA", known_as="Mo")
    add_case(db, "EHC-001111", "Oliver", "Smith", "2012-09-09", "EN6 9PQ")


def plain(db: Database, path: Path) -> bytes:
    """A sealed snapshot's contents, opened with the database's key (what only a database login can do)."""
    from dutyline.services.snapshot_seal import unseal
    from dutyline.store.policy_repo import read_snapshot_key

    key = read_snapshot_key(db)
    assert key is not None
    with open(path, "rb") as fh:
        return bytes(unseal(fh, key, path.stat().st_size))


def ctx_for(db: Database, role: Role = Role.CALL_HANDLER) -> Context:
    return make_context(db, actor=Actor(login="tester", roles=frozenset({role}), desk="desk1"))


def audit_rows(db: Database) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "search").order_by(AuditEvent.id)))


def test_index_built_from_database_with_disambiguators_and_audit(db: Database, tmp_path: Path) -> None:
    seed(db)
    service = SearchService(db, snapshot_dir=tmp_path / "snap")
    service.build()
    assert len(service) == 3
    hits = service.search(ctx_for(db), "neve obrien", complete=True)
    assert hits[0].case_ref == "EHC-004217"
    assert (hits[0].named_officer, hits[0].postcode, hits[0].date_of_birth) == (
        "Ann Officer",
        "AL1 3AB",
        dt.date(2014, 7, 3),
    )
    assert service.search(ctx_for(db), "+44 7700 900123")[0].case_ref == "EHC-004217"
    rows = audit_rows(db)
    assert [r.detail for r in rows] == ["results=1", "results=1"]
    assert all("neve" not in r.detail.lower() and "7700" not in r.detail for r in rows)
    assert rows[0].login == "tester"


def test_search_refused_without_permission_is_audited(db: Database, tmp_path: Path) -> None:
    seed(db)
    service = SearchService(db, snapshot_dir=None)
    nobody = make_context(db, actor=Actor(login="ghost", roles=frozenset(), active=False))
    with pytest.raises(PermissionDenied):
        service.search(nobody, "niamh")
    assert [r.outcome for r in audit_rows(db)] == ["refused"]


def test_refresh_sees_new_case_and_new_contact(db: Database) -> None:
    seed(db)
    service = SearchService(db, snapshot_dir=None)
    service.build()
    ctx = ctx_for(db)
    service.refresh()  # first refresh may re-read the overlap window
    assert service.refresh() == 0  # nothing changed: nothing re-applied
    assert service.search(ctx, "eilidh campbell", complete=True) == []
    add_case(db, "EHC-009999", "Eilidh", "Campbell", "2016-05-05")
    assert service.refresh() == 1
    assert service.search(ctx, "eilidh campbell", complete=True)[0].case_ref == "EHC-009999"
    with db.write() as s:  # a contact added; the writer bumps the case's updated_at (schema rule)
        case = s.scalar(select(Case).where(Case.case_ref == "EHC-001111"))
        assert case is not None
        s.add(
            Contact(case_id=case.id, position=1, name="Precious Adebayo", phone="01442 453300", phone_key="01442453300")
        )
        case.updated_at = dt.datetime.now(dt.UTC)
    assert service.refresh() == 1
    assert service.search(ctx, "precious adebayo", complete=True)[0].case_ref == "EHC-001111"
    assert service.search(ctx, "(01442) 453300", complete=True)[0].case_ref == "EHC-001111"


def test_refresh_after_a_finished_bulk_load_reads_nothing(db: Database) -> None:
    hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    for i in range(30):
        add_case(db, f"EHC-1{i:05d}", "Ruby", f"Ashworth{i}", "2015-01-01", updated_at=hour_ago)
    service = SearchService(db, snapshot_dir=None)
    service.build()
    assert service.refresh() == 0 and service.refresh() == 0


def test_refresh_catches_a_late_commit_inside_the_overlap_window(db: Database) -> None:
    seed(db)
    service = SearchService(db, snapshot_dir=None)
    service.build()
    service.refresh()
    # Another desk stamped its change 10 s ago but committed only now (or its clock is 10 s behind).
    add_case(
        db,
        "EHC-007777",
        "Aoife",
        "Kowalski",
        "2016-04-04",
        updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=10),
    )
    assert service.refresh() == 1
    assert service.search(ctx_for(db), "eefa kowalski", complete=True)[0].case_ref == "EHC-007777"


def test_refresh_drops_erased_cases(db: Database) -> None:
    seed(db)
    service = SearchService(db, snapshot_dir=None, deletion_check_s=0)
    service.build()
    with db.write() as s:
        s.execute(delete(Case).where(Case.case_ref == "EHC-004218"))
    service.refresh()
    assert [h.case_ref for h in service.search(ctx_for(db), "mohammed khan", complete=True)] == []
    assert len(service) == 2


def test_snapshot_is_private_reused_and_caught_up(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(db)
    folder = tmp_path / "snap"
    first = SearchService(db, snapshot_dir=folder)
    first.build()
    first.wait_saved()  # written in the background once the index is searchable
    files = list(folder.glob("*.sealed"))
    assert len(files) == 1
    assert files[0].stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    add_case(db, "EHC-009998", "Siobhan", "Murphy", "2013-08-08")  # changed after the snapshot

    def no_full_read(*_a: object, **_k: object) -> None:
        raise AssertionError("the snapshot should have been used")

    monkeypatch.setattr(search_source, "iter_case_batches", no_full_read)
    second = SearchService(db, snapshot_dir=folder)
    second.build()
    assert len(second) == 4
    assert second.search(ctx_for(db), "shivaun murphy", complete=True)[0].case_ref == "EHC-009998"
    assert second.search(ctx_for(db), "niamh", complete=True)[0].case_ref == "EHC-004217"


def test_damaged_snapshot_is_rebuilt(db: Database, tmp_path: Path) -> None:
    seed(db)
    folder = tmp_path / "snap"
    first = SearchService(db, snapshot_dir=folder)
    first.build()
    first.wait_saved()
    assert list(folder.glob("*.sealed"))
    for f in folder.glob("*.sealed"):
        f.write_bytes(b"not a snapshot")
    service = SearchService(db, snapshot_dir=folder)
    service.build()
    assert len(service) == 3


def test_batch_is_audited_once(db: Database) -> None:
    seed(db)
    service = SearchService(db, snapshot_dir=None)
    results = service.search_batch(ctx_for(db), ["niamh", "", "4218"])
    assert [[h.case_ref for h in r][:1] for r in results] == [["EHC-004217"], [], ["EHC-004218"]]
    assert [r.detail for r in audit_rows(db)] == ["batch queries=3 results=2"]


# ------------------------------------------------------------------------------------------------- CLI
def dutyline(*args: str, home: Path, stdin: str | None = None) -> CliResult:
    """`dutyline ARGS` through the CLI's entry point, in this process (tests/cli_runner.py)."""
    return run_cli(*args, home=home, stdin=stdin)


def test_cli_single_query_table_and_json(db: Database, tmp_path: Path) -> None:
    seed(db)
    table = dutyline("--db", db.url, "search", "niamh obrien", home=tmp_path)
    assert table.returncode == 0, table.stderr
    assert "EHC-004217" in table.stdout and "Niamh O'Brien" in table.stdout
    out = dutyline("--db", db.url, "search", "mo khan 2015", "--json", "--limit", "2", home=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data[0]["case_ref"] == "EHC-004218" and data[0]["known_as"] == "Mo"
    assert {"case_ref", "score", "first_name", "last_name", "known_as", "date_of_birth", "matched"} <= set(data[0])
    assert data[0]["date_of_birth"] == "2015-01-02" and "birth_year" in data[0]["matched"]
    assert len(data) <= 2 and all(a["score"] >= b["score"] for a, b in zip(data, data[1:], strict=False))
    none = dutyline("--db", db.url, "search", "zzqx", "--json", home=tmp_path)
    assert none.returncode == 0 and json.loads(none.stdout) == []


def test_cli_batch_mode_one_array_per_line(db: Database, tmp_path: Path) -> None:
    seed(db)
    queries = ["niamh obrien", "", "xqzv", "07700 900123", "[bold]mo[/bold] khan", "x" * 10_000, "4217"]
    out = dutyline("--db", db.url, "search", "-", home=tmp_path, stdin="\n".join(queries) + "\n")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == len(queries)
    parsed = [json.loads(line) for line in lines]
    assert [p[0]["case_ref"] if p else None for p in parsed] == [
        "EHC-004217",
        None,
        None,
        "EHC-004217",
        "EHC-004218",
        None,
        "EHC-004217",
    ]
    assert [r.detail for r in audit_rows(db)] == [f"batch queries={len(queries)} results={sum(len(p) for p in parsed)}"]


def test_searches_keep_working_while_another_thread_refreshes(db: Database) -> None:
    import threading

    seed(db)
    service = SearchService(db, snapshot_dir=None)
    service.build()
    ctx = ctx_for(db)
    errors: list[BaseException] = []
    stop = threading.Event()

    def typist() -> None:
        try:
            while not stop.is_set():
                assert service.search(ctx, "niamh obrien", complete=True)[0].case_ref == "EHC-004217"
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread below
            errors.append(exc)

    worker = threading.Thread(target=typist)
    worker.start()
    try:
        for i in range(5):
            add_case(db, f"EHC-0088{i:02d}", "Tadhg", ("Quinn", "Byrne", "Walsh", "Doyle", "Nolan")[i], "2015-02-02")
            service.refresh()
    finally:
        stop.set()
        worker.join()
    assert errors == []
    assert service.search(ctx, "tadhg nolan", complete=True)[0].case_ref == "EHC-008804"


# ------------------------------------------------------------------------------ cold build and erasure
def test_bulk_read_matches_every_field_and_falls_back_to_rows_for_odd_text(db: Database, tmp_path: Path) -> None:
    """The joined-column read gives the same hits as the rows it replaces, and a value holding the
    separator (written by something other than dutyline) sends its batch down the row path intact."""
    seed(db)
    odd = add_case(
        db,
        "EHC-005555",
        "Ann\x1fMarie",
        "Odd\x1fName",
        "2016-06-06",
        postcode="sg2 4rr",
        contacts=(("Kim\x1fOdd", "07700 900444"),),
    )
    service = SearchService(db, snapshot_dir=None)
    service.build()
    assert len(service) == 4
    ctx = ctx_for(db)
    hit = service.search(ctx, "EHC-005555", complete=True)[0]
    assert (hit.case_id, hit.first_name, hit.postcode) == (odd, "AnnMarie", "SG2 4RR")  # control char cleaned
    assert service.search(ctx, "07700 900444", complete=True)[0].case_ref == "EHC-005555"
    first = service.search(ctx, "niamh obrien", complete=True)[0]
    assert (first.named_officer, first.date_of_birth, first.school) == (
        "Ann Officer",
        dt.date(2014, 7, 3),
        "Oakwood Primary",
    )
    assert service.search(ctx, "mary obrien 07700900123", complete=True)[0].case_ref == "EHC-004217"


def test_bulk_read_sends_dates_and_postcodes_fixed_width_and_reads_a_long_postcode_as_text(db: Database) -> None:
    """Dates of birth and postcodes come padded to a fixed width (numpy takes them apart); a batch holding a
    postcode longer than that width, or one that is not ASCII, reads its postcodes as joined text instead,
    and either way the index holds what the row path would."""
    seed(db)
    add_case(db, "EHC-006001", "Tadhg", "Long", "2015-02-28", postcode="sg12 4rr x")
    add_case(db, "EHC-006002", "Aoife", "Accent", "2016-12-31", postcode="SG2 4RŘ")
    add_case(db, "EHC-006003", "Zofia", "Wide", "2016-12-30", postcode="ŘŘŘŘŘ ŘŘŘ")  # 9 bytes end inside a character
    batches = list(search_source.iter_case_batches(db, size=3))
    first = batches[0]
    assert isinstance(first, CaseBatch)
    assert isinstance(first.date_of_birth, np.ndarray) and isinstance(first.postcode, np.ndarray)
    last = batches[-1]
    assert isinstance(last, CaseBatch) and isinstance(last.postcode, str)  # the long / accented postcodes
    service = SearchService(db, snapshot_dir=None)
    service.build()
    rows = UpdatableIndex.from_rows(search_source.cases_by_id(db, range(1, 100)), [])
    ctx = ctx_for(db)
    for query in ("tadhg long", "aoife accent", "zofia wide", "niamh obrien"):
        hit = service.search(ctx, query, complete=True)[0]
        slow = rows.search(query, complete=True)[0]
        assert (hit.case_ref, hit.postcode, hit.date_of_birth) == (slow.case_ref, slow.postcode, slow.date_of_birth)
    assert service.search(ctx, "tadhg long", complete=True)[0].date_of_birth == dt.date(2015, 2, 28)


def test_a_date_of_birth_stored_as_other_text_is_read_as_the_row_path_reads_it(sqlite_db: Database) -> None:
    """SQLite keeps dates as text: one written with a time by another tool makes the fixed-width dates of
    its batch the wrong length, so that column is read again as joined text (the first ten characters)."""
    seed(sqlite_db)
    odd = add_case(sqlite_db, "EHC-006101", "Tadhg", "Stamp", "2015-02-28")
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("UPDATE \"case\" SET date_of_birth = '2015-02-28 00:00:00' WHERE id = :id"), {"id": odd})
    [batch] = list(search_source.iter_case_batches(sqlite_db))
    assert isinstance(batch, CaseBatch) and isinstance(batch.date_of_birth, str)
    service = SearchService(sqlite_db, snapshot_dir=None)
    service.build()
    assert service.search(ctx_for(sqlite_db), "tadhg stamp", complete=True)[0].date_of_birth == dt.date(2015, 2, 28)


def test_bulk_read_pages_through_every_case_and_contact(db: Database) -> None:
    seed(db)
    for i in range(7):
        add_case(db, f"EHC-06{i:04d}", "Tadhg", f"Page{i}", "2015-02-02", contacts=((f"Carer{i} Page", ""),))
    cases = list(search_source.iter_case_batches(db, size=3))
    contacts = list(search_source.iter_contact_batches(db, size=2))
    assert [len(b) for b in cases] == [3, 3, 3, 1]
    assert sum(len(b) for b in contacts) == 8
    ids = [int(i) for b in cases if isinstance(b, CaseBatch) for i in b.ids]
    assert len(ids) == 10  # every batch came as columns
    assert ids == sorted(ids) and len(set(ids)) == 10


def test_erased_child_leaves_this_desks_snapshot_file(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Retention erases a case at another desk: one refresh later this desk's snapshot no longer holds
    any of the child's text (names, carer, reference), and what replaces it still loads and works."""
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
    folder = tmp_path / "snap"
    service = SearchService(db, snapshot_dir=folder)
    service.build()
    service.wait_saved()
    [path] = folder.glob("*.sealed")
    secrets = (
        b"Zebulon",
        b"zebulon",
        b"Quartermaine",
        b"quartermaine",
        b"Wolstenholme",
        b"wolstenholme",
        b"EHC-007001",
        b"SG9 9ZZ",
    )
    assert all(s in plain(db, path) for s in secrets)  # the check below can fail
    service.refresh()  # the first refresh may re-read the overlap window
    with db.write() as s:
        s.execute(delete(Case).where(Case.case_ref == "EHC-007001"))
    assert service.refresh() == 1  # the erased case, noticed on the very next refresh
    assert not path.exists() or not any(s in plain(db, path) for s in secrets)  # gone at once ...
    service.wait_saved()
    data = plain(db, path)  # ... and a fresh snapshot written without the child
    assert not any(s in data for s in secrets)
    assert b"O'Brien" in data and path.stat().st_mode & 0o777 == 0o600
    assert service.search(ctx_for(db), "zebulon quartermaine", complete=True) == []

    def no_full_read(*_a: object, **_k: object) -> None:
        raise AssertionError("the re-saved snapshot should have been used")

    monkeypatch.setattr(search_source, "iter_case_batches", no_full_read)
    again = SearchService(db, snapshot_dir=folder)
    again.build()
    assert len(again) == 3
    assert again.search(ctx_for(db), "neve obrien", complete=True)[0].case_ref == "EHC-004217"


def test_a_save_in_flight_cannot_bring_an_erased_child_back(db: Database, tmp_path: Path) -> None:
    seed(db)
    service = SearchService(db, snapshot_dir=tmp_path / "snap")
    service.build()
    service.wait_saved()
    path = service.snapshots.path
    assert path is not None and path.exists()
    index = service._index
    assert index is not None
    service.snapshots.save_async(index.base, {"schema": "", "db": db.describe(), "checked_at": ""})
    service.snapshots.forget()  # erasure noticed while that save was (or was not yet) being written
    service.wait_saved()
    assert not path.exists()


def test_removal_check_costs_two_small_queries_when_nothing_was_erased(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(db)
    service = SearchService(db, snapshot_dir=None)
    service.build()
    calls: list[str] = []
    real = search_source.all_case_ids

    def counted(db: Database) -> object:
        calls.append("all")
        return real(db)

    monkeypatch.setattr(search_source, "all_case_ids", counted)
    for _ in range(3):
        assert service.refresh() in (0, 3)  # the first refresh may re-read the overlap window
    add_case(db, "EHC-009997", "Eilidh", "Campbell", "2016-05-05")  # a new case is not an erasure
    assert service.refresh() == 1 and service.refresh() == 0
    assert calls == []  # every check answered by the count and newest id alone
    with db.write() as s:
        s.execute(delete(Case).where(Case.case_ref == "EHC-004218"))
    assert service.refresh() == 1 and calls == ["all"] and len(service) == 3


def test_cli_with_band_prints_the_band_line_first(db: Database, tmp_path: Path) -> None:
    seed(db)
    out = dutyline("--db", db.url, "search", "niamh obrien", "--json", "--with-band", home=tmp_path)
    assert out.returncode == 0, out.stderr
    band_line, hits_line = out.stdout.splitlines()
    band = json.loads(band_line)
    assert set(band) == {"band", "shown", "total", "ask"}
    assert band["band"] in ("match", "possible", "several_alike") and band["shown"] == len(json.loads(hits_line))
    batch = dutyline("--db", db.url, "search", "-", "--with-band", home=tmp_path, stdin="niamh obrien\nxqzv\n")
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [type(x).__name__ for x in lines] == ["dict", "list", "dict", "list"]
    assert lines[2] == {"band": None, "shown": 0, "total": 0, "ask": None} and lines[3] == []
    plain = dutyline("--db", db.url, "search", "-", home=tmp_path, stdin="niamh obrien\nxqzv\n")
    assert [line[0] for line in plain.stdout.splitlines()] == ["[", "["]  # batch contract unchanged
