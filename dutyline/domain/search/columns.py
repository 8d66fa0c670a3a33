"""Columnar storage of the searchable fields, and the streaming builder that fills it.

Why columns of integer codes: a million cases share a few thousand first names, surnames, schools and
officers. Storing each row as codes into small string tables keeps 1M cases in tens of megabytes (instead
of ~1 GB of Python tuples), lets numpy build every look-up structure without per-row Python, and makes a
snapshot a handful of arrays that load in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from dutyline.domain.search.batch import (
    CaseBatch,
    ContactBatch,
    PostcodeEncoder,
    encode_ids,
    encode_joined,
    iso_days,
    ref_array,
)
from dutyline.domain.text import format_postcode, one_line, phone_digits

EPOCH = dt.date(1970, 1, 1)
NO_DATE = np.int32(-(2**31))


@dataclass
class Columns:
    """N cases and M contacts as numpy arrays; `*_table` lists hold the distinct display strings."""

    case_id: np.ndarray  # int64[N]
    ref: np.ndarray  # bytes (S)[N], UTF-8
    first: np.ndarray  # int32[N] -> names
    known: np.ndarray  # int32[N] -> names
    last: np.ndarray  # int32[N] -> names
    dob: np.ndarray  # int32[N] days since 1970-01-01, NO_DATE if unknown
    postcode: np.ndarray  # int32[N] -> postcodes
    school: np.ndarray  # int32[N] -> schools
    stage: np.ndarray  # int32[N] -> stages
    officer: np.ndarray  # int32[N] -> officers
    c_row: np.ndarray  # int32[M] row of the contact's case
    c_pos: np.ndarray  # int16[M] 1-based position on the case
    c_name: np.ndarray  # int32[M] -> contact_names
    c_phone: np.ndarray  # int64[M] national digits as a number, 0 if none
    c_alt: np.ndarray  # int64[M]
    names: list[str]
    postcodes: list[str]
    schools: list[str]
    stages: list[str]
    officers: list[str]
    contact_names: list[str]

    def __len__(self) -> int:
        return len(self.case_id)

    def take(self, keep: np.ndarray) -> Columns:
        """Only the rows where boolean `keep` is true (contacts follow their case); tables are shared."""
        new_row = np.cumsum(keep, dtype=np.int64) - 1
        ck = keep[self.c_row] if len(self.c_row) else np.zeros(0, bool)
        return Columns(
            self.case_id[keep],
            self.ref[keep],
            self.first[keep],
            self.known[keep],
            self.last[keep],
            self.dob[keep],
            self.postcode[keep],
            self.school[keep],
            self.stage[keep],
            self.officer[keep],
            new_row[self.c_row[ck]].astype(np.int32),
            self.c_pos[ck],
            self.c_name[ck],
            self.c_phone[ck],
            self.c_alt[ck],
            self.names,
            self.postcodes,
            self.schools,
            self.stages,
            self.officers,
            self.contact_names,
        )


def date_days(value: object) -> int:
    """Days since 1970 for a date or ISO string; NO_DATE for anything unreadable."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return int(NO_DATE)
    return (value - EPOCH).days


def phone_number(value: object) -> int:
    """A phone's digits as one integer (0 when none); the leading 0 is implied by the UK format."""
    digits = phone_digits(str(value or ""))
    return int(digits) if digits and len(digits) <= 18 else 0


def _display(value: object) -> str:
    return one_line(str(value))


#: Values `_postcode` returns unchanged: upper-case, one space before the last three characters (whether
#: or not the shape is a valid UK postcode, the cleaned form is the value itself). Nearly every stored
#: postcode, so the cleaning is skipped for them.
_CLEAN_POSTCODE = re.compile(r"[A-Z0-9]+ [A-Z0-9]{3}")


#: Letters and digits with at most one inner space: one_line() leaves them as they are.
_SIMPLE_POSTCODE = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)?")
#: `format_postcode`'s UK shape, on the key (no space, upper case).
_UK_SHAPE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2}")


def _postcode(value: object) -> str:
    """One spelling per postcode ('sg2 4rr' and 'SG24RR' are the same place): 'SG2 4RR'.

    The two fast paths give exactly `format_postcode(one_line(v)) or one_line(v).upper()`, without the
    regular-expression substitutions (a cold build cleans every distinct postcode: ~270k at 1M cases).
    """
    if isinstance(value, str) and _CLEAN_POSTCODE.fullmatch(value):
        return value
    if isinstance(value, str) and _SIMPLE_POSTCODE.fullmatch(value):
        key = value.replace(" ", "").upper()
        return f"{key[:-3]} {key[-3:]}" if _UK_SHAPE.fullmatch(key) else value.upper()
    text = one_line(str(value))
    return format_postcode(text) or text.upper()


_CLEAN_POSTCODES = re.compile(r"(?:[A-Z0-9]+ [A-Z0-9]{3}\x1f)*[A-Z0-9]+ [A-Z0-9]{3}")


def _postcodes_if_clean(values: list[object]) -> list[str] | None:
    """`values` themselves when every one is already a clean postcode (`_CLEAN_POSTCODE`), found by ONE
    regular-expression match over them all; None otherwise (then each is cleaned by `_postcode`)."""
    if not values or not all(isinstance(v, str) for v in values):
        return None
    joined = "\x1f".join(values)  # type: ignore[arg-type]  # every value is a str: checked just above
    if joined.count("\x1f") != len(values) - 1 or not _CLEAN_POSTCODES.fullmatch(joined):
        return None
    return values  # type: ignore[return-value]  # every value is a str: checked above


class _Table:
    """Distinct strings -> dense codes (0 is always the empty string).

    Raw values are cleaned (`clean`) and values that clean to the same text share one code, so exact
    look-ups by the cleaned value find every row.
    """

    def __init__(
        self,
        clean: Callable[[object], str] | None = _display,
        clean_all: Callable[[list[object]], list[str] | None] | None = None,
    ) -> None:
        """`clean_all`: an optional check of many new values at once, returning them cleaned, or None to
        clean them one by one (`_postcodes_if_clean`: ~170k distinct postcodes at 1M cases)."""
        self.codes: dict[object, int] = {"": 0, None: 0}
        self.by_text: dict[str, int] = {"": 0}
        self.values: list[str] = [""]
        self.clean = clean
        self.clean_all = clean_all

    def release(self) -> None:
        """Drop the look-up dicts (the table's strings stay in `values`); no encoding after this."""
        self.codes = {}
        self.by_text = {}

    def encode(self, items: Iterable[object]) -> list[int]:
        """Codes for `items`. Values seen before are looked up by one C-level `map`; new values are
        cleaned once each and registered with C-level dict updates (a cold build meets ~270k distinct
        postcodes at 1M cases, so per-value Python here is what the build would wait for)."""
        items = items if isinstance(items, list) else list(items)
        codes = self.codes
        out = list(map(codes.get, items))
        if None not in out:
            return out  # type: ignore[return-value]  # no None in it: checked just above
        new = list(dict.fromkeys(itertools.compress(items, map(operator.is_, out, itertools.repeat(None)))))
        texts = self.clean_all(new) if self.clean_all else None
        if texts is None:
            texts = list(map(self.clean, new)) if self.clean else list(map(str, new))
        by_text, values = self.by_text, self.values
        fresh = list(itertools.filterfalse(by_text.__contains__, dict.fromkeys(texts)))
        by_text.update(zip(fresh, range(len(values), len(values) + len(fresh)), strict=True))
        values.extend(fresh)
        text_codes = map(by_text.__getitem__, texts)
        codes.update(zip(new, text_codes, strict=True))
        return list(map(codes.__getitem__, items))


def _phone_int(value: object) -> int:
    """Fast path for stored phone keys (digits already); anything else goes through phone_number."""
    if isinstance(value, str) and value.isdigit() and len(value) <= 18:
        return int(value)
    return phone_number(value) if value else 0


def _ref_bytes(value: object) -> bytes:
    text = str(value)
    return (text if text.isascii() and text.isprintable() else one_line(text)).encode()


class ColumnBuilder:
    """Accumulates CASE_COLUMNS / CONTACT_COLUMNS tuples chunk by chunk, then produces `Columns`.

    Each chunk becomes numpy arrays at once (4-8 bytes a value), so a million rows never exist as
    Python ints or tuples at the same time.
    """

    _CASE = ("first", "known", "last", "dob", "postcode", "school", "stage", "officer")

    def __init__(self) -> None:
        self._names, self._postcodes, self._schools = _Table(), _Table(_postcode, _postcodes_if_clean), _Table()
        self._stages, self._officers, self._cnames = _Table(), _Table(), _Table()
        self._dobs = _Table(None)
        self._dob_days: list[int] = [int(NO_DATE)]  # days of each _dobs value, by code
        self._packed_postcodes = PostcodeEncoder(self._postcodes.encode)
        self._parts: dict[str, list[np.ndarray]] = {
            k: [] for k in ("id", "ref", *self._CASE, "c_case", "c_pos", "c_name", "c_phone", "c_alt")
        }

    def _codes(self, name: str, table: _Table, values: Iterable[object]) -> None:
        self._parts[name].append(np.asarray(table.encode(values), dtype=np.int32))

    def _days(self, codes: np.ndarray) -> np.ndarray:
        """Days since 1970 for codes into the date table (each distinct date parsed once)."""
        days, values = self._dob_days, self._dobs.values
        days.extend(date_days(v) for v in values[len(days) :])
        lut: np.ndarray = np.asarray(days, dtype=np.int32)
        return lut[codes]  # type: ignore[no-any-return]  # indexing an array with an array gives an array

    def add_cases(self, rows: Sequence[Sequence[object]]) -> None:
        if not isinstance(rows, list | tuple):
            rows = list(rows)
        if not rows:
            return
        p = self._parts
        p["id"].append(np.fromiter((r[0] for r in rows), np.int64, len(rows)))
        p["ref"].append(np.asarray([_ref_bytes(r[1]) for r in rows], dtype=bytes))
        for name, table, col in (
            ("first", self._names, 2),
            ("last", self._names, 3),
            ("known", self._names, 4),
            ("postcode", self._postcodes, 6),
            ("school", self._schools, 7),
            ("stage", self._stages, 8),
            ("officer", self._officers, 9),
        ):
            self._codes(name, table, (r[col] for r in rows))
        p["dob"].append(self._days(np.asarray(self._dobs.encode([r[5] for r in rows]), dtype=np.int32)))

    def _batch_days(self, dob: str | np.ndarray, n: int) -> np.ndarray:
        if isinstance(dob, str):
            return self._days(encode_joined(self._dobs.encode, dob, n))
        days = iso_days(dob, int(NO_DATE))
        if days is None:  # something other than a plain date: each distinct value as the row path reads it
            texts = [v.decode("ascii").rstrip(" ") for v in dob.tolist()]
            days = self._days(np.asarray(self._dobs.encode(texts), dtype=np.int32))
        return days

    def add_case_batch(self, batch: CaseBatch) -> None:
        """The fast path: one batch of whole columns (see `batch`), encoded without per-row Python."""
        n = len(batch)
        if not n:
            return
        p = self._parts
        codes = {
            "first": encode_joined(self._names.encode, batch.first_name, n),
            "last": encode_joined(self._names.encode, batch.last_name, n),
            "known": encode_joined(self._names.encode, batch.known_as, n),
            "dob": self._batch_days(batch.date_of_birth, n),
            "postcode": (
                encode_joined(self._postcodes.encode, batch.postcode, n)
                if isinstance(batch.postcode, str)
                else self._packed_postcodes(batch.postcode)
            ),
            "school": encode_joined(self._schools.encode, batch.school, n),
            "stage": encode_joined(self._stages.encode, batch.stage, n),
            "officer": encode_ids(self._officers.encode, batch.officer, batch.officer_names),
        }
        refs = ref_array(batch.case_ref, n, _ref_bytes)  # all checks pass before anything is appended
        p["id"].append(np.asarray(batch.ids, dtype=np.int64))
        p["ref"].append(refs)
        for name, arr in codes.items():
            p[name].append(arr)

    def add_contact_batch(self, batch: ContactBatch) -> None:
        """The fast path for contacts (phones arrive as integers already)."""
        n = len(batch)
        if not n:
            return
        names = encode_joined(self._cnames.encode, batch.name, n)
        p = self._parts
        p["c_case"].append(np.asarray(batch.case_id, dtype=np.int64))
        p["c_pos"].append(np.where(batch.position == 0, 1, batch.position).astype(np.int64))
        p["c_name"].append(names)
        p["c_phone"].append(np.asarray(batch.phone, dtype=np.int64))
        p["c_alt"].append(np.asarray(batch.alt_phone, dtype=np.int64))

    def add_contacts(self, rows: Sequence[Sequence[object]]) -> None:
        if not isinstance(rows, list | tuple):
            rows = list(rows)
        if not rows:
            return
        p = self._parts
        p["c_case"].append(np.fromiter((r[0] for r in rows), np.int64, len(rows)))
        p["c_pos"].append(np.fromiter((r[1] or 1 for r in rows), np.int64, len(rows)))
        self._codes("c_name", self._cnames, (r[2] for r in rows))
        p["c_phone"].append(np.fromiter((_phone_int(r[3]) for r in rows), np.int64, len(rows)))
        p["c_alt"].append(np.fromiter((_phone_int(r[4]) for r in rows), np.int64, len(rows)))

    def _cat(self, name: str, dtype: type | str) -> np.ndarray:
        parts = self._parts.pop(name)
        if not parts:
            return np.zeros(0, dtype=dtype)
        if dtype is bytes:
            width = max(a.dtype.itemsize for a in parts)
            return np.concatenate([a.astype(f"S{width}") for a in parts])
        return np.concatenate(parts).astype(dtype, copy=False)

    def build(self) -> Columns:
        """The Columns (once per builder). The look-up dicts behind the string tables are released here:
        at 1M cases they hold ~50 MB the index build that follows needs more (peak memory)."""
        ids = self._cat("id", np.int64)
        refs = self._cat("ref", bytes) if len(ids) else np.zeros(0, dtype="S1")
        col = {k: self._cat(k, np.int32) for k in self._CASE}
        contact_case = self._cat("c_case", np.int64)
        order = np.argsort(ids, kind="stable")
        pos = np.minimum(np.searchsorted(ids[order], contact_case), max(len(ids) - 1, 0))
        found = (ids[order][pos] == contact_case) if len(ids) else np.zeros(len(contact_case), bool)
        c_row = order[pos][found].astype(np.int32) if len(ids) else np.zeros(0, np.int32)
        for table in (
            self._names,
            self._postcodes,
            self._schools,
            self._stages,
            self._officers,
            self._cnames,
            self._dobs,
        ):
            table.release()
        return Columns(
            ids,
            refs,
            col["first"],
            col["known"],
            col["last"],
            col["dob"],
            col["postcode"],
            col["school"],
            col["stage"],
            col["officer"],
            c_row,
            np.clip(self._cat("c_pos", np.int64)[found], 1, 100).astype(np.int16),
            self._cat("c_name", np.int32)[found],
            self._cat("c_phone", np.int64)[found],
            self._cat("c_alt", np.int64)[found],
            self._names.values,
            self._postcodes.values,
            self._schools.values,
            self._stages.values,
            self._officers.values,
            self._cnames.values,
        )
