"""Bulk and incremental reads of the fields the search index needs (cases, contacts, officer names).

Full build (`iter_case_batches`, `iter_contact_batches`): not rows at all. Each query returns ONE row per
batch of 250k records, every column joined into one string by the database (SQLite `group_concat`,
PostgreSQL `string_agg`), numbers comma-joined for numpy's C parser. Row handling (ORM objects, or even
DB-API tuples: ~20 M Python objects at 1M cases) was where a cold build's time went; this way a batch is
a dozen objects and encoding is vectorised (`dutyline.domain.search.batch`). Batches are keyset pages on
the primary key, and a batch that cannot be split safely is re-read as rows.

Incremental reads (changed since T, by id) return CASE_COLUMNS / CONTACT_COLUMNS tuples: few rows.

Freshness: `case.updated_at` is bumped by whoever changes a case *or its contacts*, so "what changed since
T" is one indexed range scan. Timestamps are set by each desk's clock and a transaction may commit after
others that started later, so callers re-read an overlap window (see services.search).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, Select, func, select, text

from dutyline.domain.search.batch import (
    DATE_WIDTH,
    POSTCODE_WIDTH,
    SEP,
    CaseBatch,
    ContactBatch,
    fixed_width,
    joined_count,
)
from dutyline.store.engine import Database
from dutyline.store.tables import Case, Contact, Officer

#: Rows per bulk batch: few round trips, yet a batch's joined text stays ~25 MB and batches overlap.
BATCH = 250_000
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


def _case_select() -> Select[*tuple[Any, ...]]:
    return select(*_CASE_COLS).select_from(Case).outerjoin(Officer, Case.named_officer_id == Officer.id)


def fingerprint(db: Database) -> Fingerprint:
    """Count, newest change and schema revision: changes whenever the data does (a scan: ~0.1 s at 1M)."""
    with db.engine.connect() as conn:
        count, newest, max_id = conn.execute(
            select(func.count(Case.id), func.max(Case.updated_at), func.max(Case.id))
        ).one()
    return Fingerprint(int(count or 0), _utc(newest) if newest else None, int(max_id or 0), schema_revision(db))


def schema_revision(db: Database) -> str:
    """The Alembic revision ('' for an unmigrated test database): a snapshot from another schema is unusable."""
    with db.engine.connect() as conn:
        try:
            return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar() or "")
        except Exception:  # noqa: BLE001 - an unmigrated test database has no version table
            return ""


def db_now(db: Database) -> dt.datetime:
    """The database's clock (PostgreSQL) or this machine's (SQLite, a local file), aware UTC.

    Refresh windows follow this clock so every desk measures "since" against the same time.
    """
    if db.is_postgres:
        with db.engine.connect() as conn:
            value = conn.execute(select(func.now())).scalar_one()
        return _utc(value)
    return dt.datetime.now(dt.UTC)


def _agg(db: Database, expr: str, *, numbers: bool = False) -> str:
    """The dialect's "join every value of this column" aggregate, one row per batch.

    Text is NULL-safe (a skipped NULL would shift every later value); numbers are comma-joined for
    numpy's parser, and a NULL there shows up as a short count (the batch is then read as rows).
    """
    if db.is_postgres:
        if numbers:
            return f"string_agg(({expr})::text, ',')"
        return f"string_agg(coalesce(({expr})::text, ''), E'\\x1f')"
    if numbers:
        return f"group_concat({expr}, ',')"
    return f"group_concat(coalesce({expr}, ''), '{SEP}')"


def _fixed(db: Database, expr: str, width: int) -> str:
    """The dialect's "every value space-padded to `width` characters, concatenated" aggregate (see
    `batch.fixed_width`). A longer value keeps at least one character more, so the text is then longer
    than n x width and the reader takes that column as joined text instead (no value is ever cut).
    SQLite's printf pads in one call (a third cheaper than substr of a concatenation); its '!' flag counts
    characters, not bytes, so a long non-ASCII value is never cut inside a character."""
    if db.is_postgres:
        padded = f"rpad(coalesce({expr}, ''), {width})"
        return f"string_agg(CASE WHEN length({expr}) > {width} THEN {expr} ELSE {padded} END, '')"
    return f"group_concat(printf('%!-{width}.{width + 1}s', {expr}), '')"


def _dates(db: Database) -> tuple[str, str]:
    """(fixed-width aggregate, plain expression) of the date of birth as 'YYYY-MM-DD' text.

    SQLite keeps a date as that text already, so it is only joined (a missing one as ten spaces): half the
    cost of padding, and anything not ten characters long makes the whole text the wrong length.
    """
    if db.is_postgres:
        expr = "to_char(date_of_birth, 'YYYY-MM-DD')"
        return _fixed(db, expr, DATE_WIDTH), expr
    return f"group_concat(ifnull(date_of_birth, '{' ' * DATE_WIDTH}'), '')", "date_of_birth"


_ZERO = "'0' || "


def _case_batch_sql(db: Database, bounded: bool) -> str:
    texts = ", ".join(_agg(db, c) for c in ("case_ref", "first_name", "last_name", "known_as", "school", "stage"))
    return (
        f"SELECT count(*), {_agg(db, 'id', numbers=True)}, {texts}, "
        f"{_dates(db)[0]}, {_fixed(db, 'postcode', POSTCODE_WIDTH)}, "
        f'{_agg(db, "coalesce(named_officer_id, 0)", numbers=True)} FROM "case" WHERE {_page(bounded)}'
    )


def _contact_batch_sql(db: Database, bounded: bool) -> str:
    # '0' || key: an empty key reads as 0 and numpy's parser needs no empty fields; int('0' + k) == int(k).
    return (
        f"SELECT count(*), {_agg(db, 'case_id', numbers=True)}, {_agg(db, 'position', numbers=True)}, "
        f"{_agg(db, 'name')}, {_agg(db, _ZERO + 'phone_key')}, {_agg(db, _ZERO + 'alt_phone_key')} "
        f"FROM contact WHERE {_page(bounded)}"
    )


def _joined_column_sql(db: Database, expr: str, bounded: bool) -> str:
    return f'SELECT {_agg(db, expr)} FROM "case" WHERE {_page(bounded)}'


def _page(bounded: bool) -> str:
    return "id > :after AND id <= :upto" if bounded else "id > :after"


def _pages(conn: Connection, table: str, size: int) -> Iterator[tuple[int, int | None]]:
    """Pages of at most `size` ids: (after, upto) with upto None for the last page, which takes every id
    after the others (rows added while the read goes on). Bounds are id arithmetic from one min/max look-up
    (two b-tree descents), not an OFFSET walk per page through the table's leaves; ids are mostly dense,
    and where many were erased a page simply holds fewer rows. The page query is a plain range scan."""
    # Two subqueries: SQLite answers a lone min() or max() from the b-tree's end, both together by a scan.
    lowest, highest = conn.execute(text(f"SELECT (SELECT min(id) FROM {table}), (SELECT max(id) FROM {table})")).one()
    if lowest is None:
        return
    after = int(lowest) - 1  # in the id column's own range (PostgreSQL INTEGER)
    while after + size < int(highest):
        yield after, after + size
        after += size
    yield after, None


def _ints(joined: str | None, n: int, sep: str = ",") -> np.ndarray | None:
    """Joined integers as int64 (numpy's C parser), or None if they do not parse to exactly n values."""
    if not n:
        return np.zeros(0, np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            values = np.fromstring(joined or "", dtype=np.int64, sep=sep)
        except (ValueError, DeprecationWarning):
            return None
    return values if len(values) == n else None


def _phones(joined: str, n: int) -> np.ndarray | None:
    """'0'-prefixed phone keys joined by SEP as int64, or None unless every key is plain ASCII digits,
    at most 18 of them (what the row path turns into a number; anything else is re-read as rows)."""
    digits = joined.replace(SEP, "")
    if not (digits.isascii() and digits.isdigit()):
        return None
    raw = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    ends = np.concatenate([np.flatnonzero(raw == ord(SEP)), [len(raw)]])
    if len(ends) != n or int(np.diff(ends, prepend=-1).max()) - 1 > 19:
        return None
    return _ints(joined, n, SEP)


def _texts_ok(n: int, *joined: str | np.ndarray) -> bool:
    """Every joined text holds n values (fixed-width arrays were checked when they were made)."""
    return all(joined_count(j) == n for j in joined if isinstance(j, str))


def iter_case_batches(db: Database, *, size: int = BATCH) -> Iterator[CaseBatch | list[tuple[Any, ...]]]:
    """Every case, in id order, as `CaseBatch` columns joined by the database (one row per batch).

    A batch whose text cannot be split safely (a value holding the separator) comes as CASE_COLUMNS row
    tuples instead, so odd data costs speed, never correctness. A fixed-width column that does not fit
    its width (a long or non-ASCII postcode, a date stored oddly) is read again as joined text.
    """
    sql = {b: text(_case_batch_sql(db, b)) for b in (True, False)}
    with db.engine.connect() as conn:
        officers = {int(i): str(n) for i, n in conn.execute(select(Officer.id, Officer.name))}
        for after, upto in _pages(conn, '"case"', size):
            bounds = {"after": after, "upto": upto}
            count, ids, *texts, dob_text, pc_text, officer = conn.execute(sql[upto is not None], bounds).one()
            if not count:
                continue
            id_arr, off_arr = _ints(ids, count), _ints(officer, count)
            fixed = (fixed_width(dob_text or "", count, DATE_WIDTH), fixed_width(pc_text or "", count, POSTCODE_WIDTH))
            dob, postcode = (
                value
                if value is not None
                else str(conn.execute(text(_joined_column_sql(db, expr, upto is not None)), bounds).scalar() or "")
                for value, expr in zip(fixed, (_dates(db)[1], "postcode"), strict=True)
            )
            if id_arr is None or off_arr is None or not _texts_ok(count, *texts, dob, postcode):
                page = Case.id > after if upto is None else (Case.id > after) & (Case.id <= upto)
                yield [tuple(r) for r in conn.execute(_case_select().where(page).order_by(Case.id))]
            else:
                ref, first, last, known, school, stage = texts
                yield CaseBatch(id_arr, ref, first, last, known, dob, postcode, school, stage, off_arr, officers)


def iter_contact_batches(db: Database, *, size: int = BATCH) -> Iterator[ContactBatch | list[tuple[Any, ...]]]:
    """Every contact as `ContactBatch` columns (or CONTACT_COLUMNS rows for an odd batch), like cases."""
    sql = {b: text(_contact_batch_sql(db, b)) for b in (True, False)}
    with db.engine.connect() as conn:
        for after, upto in _pages(conn, "contact", size):
            count, case_ids, positions, names, phones, alts = conn.execute(
                sql[upto is not None], {"after": after, "upto": upto}
            ).one()
            if not count:
                continue
            case_arr, pos_arr = _ints(case_ids, count), _ints(positions, count)
            phone_arr, alt_arr = _phones(phones, count), _phones(alts, count)
            if (
                case_arr is None
                or pos_arr is None
                or phone_arr is None
                or alt_arr is None
                or not _texts_ok(count, names)
            ):
                page = Contact.id > after if upto is None else (Contact.id > after) & (Contact.id <= upto)
                yield [tuple(r) for r in conn.execute(select(*_CONTACT_COLS).where(page))]
            else:
                yield ContactBatch(case_arr, pos_arr, names, phone_arr, alt_arr)


def cases_changed_since(db: Database, since: dt.datetime) -> list[tuple[Any, ...]]:
    """Cases whose `updated_at` is after `since` (CASE_COLUMNS + updated_at). Uses the updated_at index."""
    with db.engine.connect() as conn:
        rows = conn.execute(_case_select().where(Case.updated_at > since)).all()  # no ORDER BY: keeps the index
    return [tuple(r) for r in rows]


def cases_by_id(db: Database, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """The given cases (CASE_COLUMNS + updated_at); missing ids are simply absent."""
    out: list[tuple[Any, ...]] = []
    with db.engine.connect() as conn:
        for i in range(0, len(ids), _IN_CHUNK):
            part = list(ids[i : i + _IN_CHUNK])
            out.extend(tuple(r) for r in conn.execute(_case_select().where(Case.id.in_(part))))
    return out


def contacts_for(db: Database, case_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Contacts (CONTACT_COLUMNS) of the given cases."""
    out: list[tuple[Any, ...]] = []
    with db.engine.connect() as conn:
        for i in range(0, len(case_ids), _IN_CHUNK):
            part = list(case_ids[i : i + _IN_CHUNK])
            stmt = select(*_CONTACT_COLS).where(Contact.case_id.in_(part)).order_by(Contact.case_id, Contact.position)
            out.extend(tuple(r) for r in conn.execute(stmt))
    return out


def count_and_max_id(db: Database) -> tuple[int, int]:
    """Live case count and newest id: two aggregates the database answers from an index (SQLite's
    bare count(*) scans its smallest index; max(id) is one b-tree descent), ~10 ms at 1M cases."""
    with db.engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(Case)).scalar_one()
        newest = conn.execute(select(func.max(Case.id))).scalar_one()
    return int(count or 0), int(newest or 0)


def all_case_ids(db: Database) -> np.ndarray:
    """Every live case id (to notice cases erased since the index was built), as one joined column."""
    with db.engine.connect() as conn:
        joined = conn.execute(text(f'SELECT count(*), {_agg(db, "id", numbers=True)} FROM "case"')).one()
    ids = _ints(joined[1] or "", int(joined[0]))
    if ids is None:  # cannot happen for an integer primary key; stay correct regardless
        with db.engine.connect() as conn:
            ids = np.fromiter(conn.execute(select(Case.id)).scalars(), np.int64)
    return ids


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """Public helper for services: the same aware-UTC normalisation the fingerprint uses."""
    return _utc(value) if value is not None else None
