"""Bulk and incremental reads of the fields the search index needs (cases, contacts, officer names).

Why not the ORM: building the index reads every case and contact; ORM objects cost ~10x more time and
memory than plain rows. Rows are streamed in large partitions so a 1M-case database never sits in memory
as Python tuples all at once. The tuples' layout is the domain builder's contract
(`dutyline.domain.search.CASE_COLUMNS` / `CONTACT_COLUMNS`).

Freshness: `case.updated_at` is bumped by whoever changes a case *or its contacts*, so "what changed since
T" is one indexed range scan. Timestamps are set by each desk's clock and a transaction may commit after
others that started later, so callers re-read an overlap window (see services.search).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from dutyline.store.engine import Database
from dutyline.store.tables import Case, Contact, Officer

#: Rows per partition when streaming (large enough to amortise round trips, small enough for memory).
CHUNK = 50_000
#: Bound parameters per IN (...) list: SQLite allows 32766, PostgreSQL 65535.
_IN_CHUNK = 5_000

_CASE_COLS = (
    Case.id,
    Case.case_ref,
    Case.first_name,
    Case.last_name,
    Case.known_as,
    Case.date_of_birth,
    Case.postcode,
    Case.school,
    Case.stage,
    Officer.name,
    Case.updated_at,
)
_CONTACT_COLS = (Contact.case_id, Contact.position, Contact.name, Contact.phone_key, Contact.alt_phone_key)


@dataclass(frozen=True)
class Fingerprint:
    """Identifies the database contents an index snapshot was built from."""

    count: int
    max_updated_at: dt.datetime | None
    max_id: int
    schema: str

    def key(self) -> str:
        stamp = _utc(self.max_updated_at).isoformat() if self.max_updated_at else "-"
        return f"{self.count}|{stamp}|{self.max_id}|{self.schema}"


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes (stored as UTC); make every timestamp aware so they compare."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _case_select():  # type: ignore[no-untyped-def]
    return select(*_CASE_COLS).select_from(Case).outerjoin(Officer, Case.named_officer_id == Officer.id)


def _stream(conn: Connection, stmt, chunk: int) -> Iterator[list[tuple]]:  # type: ignore[no-untyped-def]
    result = conn.execution_options(stream_results=True, yield_per=chunk).execute(stmt)
    for part in result.partitions(chunk):
        yield [tuple(r) for r in part]


def fingerprint(db: Database) -> Fingerprint:
    """Count, newest change and schema revision: cheap (indexed) and changes whenever the data does."""
    with db.engine.connect() as conn:
        count, newest, max_id = conn.execute(
            select(func.count(Case.id), func.max(Case.updated_at), func.max(Case.id))
        ).one()
        try:
            schema = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() or ""
        except Exception:  # noqa: BLE001 - an unmigrated test database has no version table
            conn.rollback()
            schema = ""
    return Fingerprint(int(count or 0), _utc(newest) if newest else None, int(max_id or 0), str(schema))


def db_now(db: Database) -> dt.datetime:
    """The database's clock (PostgreSQL) or this machine's (SQLite, a local file), aware UTC.

    Refresh windows follow this clock so every desk measures "since" against the same time.
    """
    if db.is_postgres:
        with db.engine.connect() as conn:
            value = conn.execute(select(func.now())).scalar_one()
        return _utc(value)
    return dt.datetime.now(dt.UTC)


def iter_cases(db: Database, *, chunk: int = CHUNK) -> Iterator[list[tuple]]:
    """Every case as CASE_COLUMNS tuples plus a trailing `updated_at`, in id order, in partitions."""
    with db.engine.connect() as conn:
        yield from _stream(conn, _case_select().order_by(Case.id), chunk)


def iter_contacts(db: Database, *, chunk: int = CHUNK) -> Iterator[list[tuple]]:
    """Every contact as CONTACT_COLUMNS tuples, in partitions."""
    with db.engine.connect() as conn:
        yield from _stream(conn, select(*_CONTACT_COLS).order_by(Contact.case_id, Contact.position), chunk)


def cases_changed_since(db: Database, since: dt.datetime) -> list[tuple]:
    """Cases whose `updated_at` is after `since` (CASE_COLUMNS + updated_at). Uses the updated_at index."""
    with db.engine.connect() as conn:
        rows = conn.execute(_case_select().where(Case.updated_at > since)).all()  # no ORDER BY: keeps the index
    return [tuple(r) for r in rows]


def cases_by_id(db: Database, ids: Sequence[int]) -> list[tuple]:
    """The given cases (CASE_COLUMNS + updated_at); missing ids are simply absent."""
    out: list[tuple] = []
    with db.engine.connect() as conn:
        for i in range(0, len(ids), _IN_CHUNK):
            part = list(ids[i:i + _IN_CHUNK])
            out.extend(tuple(r) for r in conn.execute(_case_select().where(Case.id.in_(part))))
    return out


def contacts_for(db: Database, case_ids: Sequence[int]) -> list[tuple]:
    """Contacts (CONTACT_COLUMNS) of the given cases."""
    out: list[tuple] = []
    with db.engine.connect() as conn:
        for i in range(0, len(case_ids), _IN_CHUNK):
            part = list(case_ids[i:i + _IN_CHUNK])
            stmt = select(*_CONTACT_COLS).where(Contact.case_id.in_(part)).order_by(
                Contact.case_id, Contact.position)
            out.extend(tuple(r) for r in conn.execute(stmt))
    return out


def all_case_ids(db: Database) -> list[int]:
    """Every live case id (to notice cases erased since the index was built)."""
    with db.engine.connect() as conn:
        return [int(r[0]) for r in conn.execute(select(Case.id))]


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """Public helper for services: the same aware-UTC normalisation the fingerprint uses."""
    return _utc(value) if value is not None else None
