"""Whole-column batches: the fast path for a full (cold) build of the index.

Why: the row path (CASE_COLUMNS tuples) costs a Python tuple per row and a Python call per value; at 1M
cases that alone took ~20 s. A batch instead carries each text field as ONE string, the batch's values
joined by `SEP`, and each number field as one int64 array. The database does the joining (SQLite
`group_concat`, PostgreSQL `string_agg`), so a million values cross into Python as a handful of objects,
and encoding to integer codes is C-level work: one `str.split`, one `dict.fromkeys` for the distinct
values, one `map` over a dict, and cleaning (`one_line`, postcode form) only once per *distinct* value.

`SEP` is the ASCII unit separator. Stored text never contains it (`one_line` strips every C0 control),
and a reader must check the count anyway (`joined_count`) and fall back to rows when it does not match.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

SEP = "\x1f"


@dataclass(frozen=True)
class CaseBatch:
    """N cases as columns. Text fields hold N values joined by SEP; `officer` holds officer ids (0 = none)."""

    ids: np.ndarray  # int64[N]
    case_ref: str
    first_name: str
    last_name: str
    known_as: str
    date_of_birth: str  # ISO 'YYYY-MM-DD' (anything else reads as unknown)
    postcode: str
    school: str
    stage: str
    officer: np.ndarray  # int64[N]
    officer_names: Mapping[int, str]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class ContactBatch:
    """M contacts as columns. Phones are already national digits as integers (0 = none)."""

    case_id: np.ndarray  # int64[M]
    position: np.ndarray  # int64[M]
    name: str
    phone: np.ndarray  # int64[M]
    alt_phone: np.ndarray  # int64[M]

    def __len__(self) -> int:
        return len(self.case_id)


def joined_count(joined: str) -> int:
    """How many values a SEP-joined string holds (a single empty value counts as one)."""
    return joined.count(SEP) + 1


def split_joined(joined: str, n: int) -> list[str]:
    """The n values of a joined column; ValueError if the count is wrong (a value held SEP)."""
    parts = joined.split(SEP) if n else []
    if len(parts) != n:
        raise ValueError("joined column does not hold the expected number of values")
    return parts


def encode_joined(encode: Callable[[Iterable[object]], list[int]], joined: str, n: int) -> np.ndarray:
    """int32 codes for n joined values, calling `encode` (a string table's) once per distinct value.

    `dict.fromkeys` and `map(dict.__getitem__, ...)` run in C: no Python bytecode per row.
    """
    parts = split_joined(joined, n)
    distinct = dict.fromkeys(parts)
    local = dict(zip(distinct, range(len(distinct)), strict=True))
    codes = np.fromiter(map(local.__getitem__, parts), np.int32, n)
    lut = np.asarray(encode(distinct), dtype=np.int32)
    return lut[codes] if len(lut) else codes


def encode_ids(
    encode: Callable[[Iterable[object]], list[int]], ids: np.ndarray, names: Mapping[int, str]
) -> np.ndarray:
    """int32 codes for rows holding foreign ids (officers), via one name look-up per distinct id."""
    if not len(ids):
        return np.zeros(0, np.int32)
    distinct, inverse = np.unique(ids, return_inverse=True)
    lut = np.asarray(encode(names.get(int(i), "") for i in distinct), dtype=np.int32)
    return lut[inverse.reshape(-1)]


def ref_array(joined: str, n: int, clean: Callable[[object], bytes]) -> np.ndarray:
    """Case references as a fixed-width bytes array; `clean` runs per value only for unusual text."""
    if joined.isascii() and joined.replace(SEP, "").isprintable():
        values = joined.encode().split(SEP.encode()) if n else []
        if len(values) != n:
            raise ValueError("joined column does not hold the expected number of values")
        return np.array(values, dtype=bytes) if n else np.zeros(0, "S1")
    return np.array([clean(v) for v in split_joined(joined, n)], dtype=bytes)
