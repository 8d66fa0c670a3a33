"""Whole-column batches: the fast path for a full (cold) build of the index.

Why: the row path (CASE_COLUMNS tuples) costs a Python tuple per row and a Python call per value; at 1M
cases that alone took ~20 s. A batch instead carries each text field as ONE string, the batch's values
joined by `SEP`, and each number field as one int64 array. The database does the joining (SQLite
`group_concat`, PostgreSQL `string_agg`), so a million values cross into Python as a handful of objects,
and encoding to integer codes is C-level work: one `str.split`, one `dict.fromkeys` for the distinct
values, one `map` over a dict, and cleaning (`one_line`, postcode form) only once per *distinct* value.

`SEP` is the ASCII unit separator. Stored text never contains it (`one_line` strips every C0 control),
and a reader must check the count anyway (`joined_count`) and fall back to rows when it does not match.

Two columns come *fixed-width* instead (each value space-padded to a set width and concatenated with no
separator), because their values fit a few bytes and numpy can then take them apart without making a
Python string per row: postcodes (8 bytes: one uint64 each, dictionary-encoded by `np.unique`; ~170k
distinct at 1M cases made per-value dict work the costliest column of a cold build, ~1.1 s of ~3) and
dates of birth (10 bytes, 'YYYY-MM-DD', parsed to day numbers by digit arithmetic).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

SEP = "\x1f"
#: Fixed widths (characters, ASCII) of the columns that come padded instead of joined.
POSTCODE_WIDTH = 8
DATE_WIDTH = 10


@dataclass(frozen=True)
class CaseBatch:
    """N cases as columns. Text fields hold N values joined by SEP; `officer` holds officer ids (0 = none)."""

    ids: np.ndarray  # int64[N]
    case_ref: str
    first_name: str
    last_name: str
    known_as: str
    #: Joined ISO text, or fixed-width 'S10' (DATE_WIDTH) values: anything but a date reads as unknown.
    date_of_birth: str | np.ndarray
    #: Joined text, or fixed-width 'S8' (POSTCODE_WIDTH) values, space-padded.
    postcode: str | np.ndarray
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


def fixed_width(text: str, n: int, width: int) -> np.ndarray | None:
    """n space-padded values of `width` ASCII characters, concatenated, as an 'S{width}' array; None when
    the text is not that (a longer or non-ASCII value: the caller reads that column as joined text)."""
    if not text.isascii() or len(text) != n * width:
        return None
    return np.frombuffer(text.encode("ascii"), dtype=f"S{width}")


#: Letters a UK inward code may end with (`[ABD-HJLNP-UW-Z]`), as a byte look-up table.
_INWARD = np.zeros(256, dtype=bool)
_INWARD[np.frombuffer(b"ABDEFGHJLNPQRSTUWXYZ", dtype=np.uint8)] = True
#: Marks a key that is a value's own bytes, not a canonical postcode (ASCII leaves this bit clear).
_RAW = np.uint64(1 << 63)


def uk_postcode_keys(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For space-padded 8-byte values: each one's postcode key (spaces removed, upper case, NUL-padded) as
    a uint64, and whether the value is only letters, digits and spaces with a UK-shaped key (`text`'s
    `format_postcode` pattern). Such a value cleans to its key with a space before the last three
    characters, however it was spaced or cased ('sg24rr', 'SG2 4RR', ' sg2  4rr' are all 'SG2 4RR').
    """
    n = len(values)
    g = np.ascontiguousarray(values).view(np.uint8).reshape(n, POSTCODE_WIDTH)
    up = np.where((g >= 97) & (g <= 122), g - 32, g).astype(np.uint8)
    space = g == 32
    digit = (up >= 48) & (up <= 57)
    letter = (up >= 65) & (up <= 90)
    simple = (digit | letter | space).all(axis=1)
    kept = ~space  # each row's non-spaces moved to its front, in their order; NULs after
    slot = np.cumsum(kept, axis=1, dtype=np.int64) - 1 + np.arange(n, dtype=np.int64)[:, None] * POSTCODE_WIDTH
    key = np.zeros((n, POSTCODE_WIDTH), dtype=np.uint8)
    key.reshape(-1)[slot[kept]] = up[kept]
    kd, kl = (key >= 48) & (key <= 57), (key >= 65) & (key <= 90)
    length = kept.sum(axis=1)
    rows = np.arange(n)

    def at(grid: np.ndarray, i: np.ndarray) -> np.ndarray:
        return grid[rows, np.clip(i, 0, POSTCODE_WIDTH - 1)]  # type: ignore[no-any-return]

    inward = at(kd, length - 3) & _INWARD[at(key, length - 2)] & _INWARD[at(key, length - 1)]
    outward = length - 3  # [A-Z]{1,2}[0-9][A-Z0-9]?
    shaped = (
        ((outward == 2) & kl[:, 0] & kd[:, 1])
        | ((outward == 3) & kl[:, 0] & ((kd[:, 1] & (kl[:, 2] | kd[:, 2])) | (kl[:, 1] & kd[:, 2])))
        | ((outward == 4) & kl[:, 0] & kl[:, 1] & kd[:, 2] & (kl[:, 3] | kd[:, 3]))
    )
    return np.ascontiguousarray(key).view(np.uint64).reshape(n), simple & inward & shaped


class PostcodeEncoder:
    """int32 codes for 8-byte fixed-width postcodes, batch after batch.

    Why: ~270k distinct raw spellings at 1M cases ('sg2 4rr', 'SG24RR', ...) of ~170k postcodes, each
    cleaned by regular expressions when done one by one (the costliest column of a cold build). Here a
    value whose cleaned form numpy can tell (`uk_postcode_keys`) is keyed by its postcode key, anything
    else by its own bytes; a batch's distinct keys are a numeric `np.unique`, and keys met in an earlier
    batch are found by binary search in the sorted keys seen so far. Only keys never seen before become
    Python strings and go through `encode` (the string table's, which cleans what is not clean yet).
    """

    def __init__(self, encode: Callable[[Iterable[object]], list[int]]) -> None:
        self._encode = encode
        self._keys = np.zeros(0, np.uint64)  # sorted
        self._codes = np.zeros(0, np.int32)  # the table code of each key

    def __call__(self, values: np.ndarray) -> np.ndarray:
        if not len(values):
            return np.zeros(0, np.int32)
        canonical, uk = uk_postcode_keys(values)
        own = np.ascontiguousarray(values).view(np.uint64).reshape(len(values)) | _RAW
        distinct, inverse = np.unique(np.where(uk, canonical, own), return_inverse=True)
        codes = np.zeros(len(distinct), np.int32)
        seen = np.zeros(len(distinct), bool)
        if len(self._keys):
            pos = np.minimum(np.searchsorted(self._keys, distinct), len(self._keys) - 1)
            seen = self._keys[pos] == distinct
            codes[seen] = self._codes[pos[seen]]
        new = np.flatnonzero(~seen)
        if len(new):
            is_raw = (distinct[new] & _RAW) != 0
            for group in (new[~is_raw], new[is_raw]):  # clean postcodes apart, so their check passes
                if len(group):
                    texts = [self._text(int(k)) for k in distinct[group].tolist()]
                    codes[group] = np.asarray(self._encode(texts), dtype=np.int32)
            keys = np.concatenate([self._keys, distinct[new]])
            order = np.argsort(keys, kind="stable")
            self._keys, self._codes = keys[order], np.concatenate([self._codes, codes[new]])[order]
        return codes[inverse.reshape(-1)]

    @staticmethod
    def _text(key: int) -> str:
        raw = (key & ~int(_RAW)).to_bytes(POSTCODE_WIDTH, "little" if np.little_endian else "big")
        if key & int(_RAW):
            return raw.decode("ascii").rstrip(" ")
        text = raw.rstrip(b"\x00").decode("ascii")
        return f"{text[:-3]} {text[-3:]}"


def iso_days(values: np.ndarray, missing: int) -> np.ndarray | None:
    """Days since 1970 of fixed-width 'YYYY-MM-DD' values (all blank: `missing`), by digit arithmetic.

    None if any value is neither blank nor a valid date in exactly that form: the caller then parses the
    batch's distinct values one by one (`columns.date_days`), so the two paths never disagree.
    """
    n = len(values)
    if not n:
        return np.zeros(0, np.int32)
    g = np.ascontiguousarray(values).view(np.uint8).reshape(n, DATE_WIDTH).astype(np.int32) - 48
    blank = (g == ord(" ") - 48).all(axis=1)
    d = g[:, [0, 1, 2, 3, 5, 6, 8, 9]]
    shaped = ((d >= 0) & (d <= 9)).all(axis=1) & (g[:, 4] == ord("-") - 48) & (g[:, 7] == ord("-") - 48)
    year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
    month = d[:, 4] * 10 + d[:, 5]
    day = d[:, 6] * 10 + d[:, 7]
    ok = shaped & (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    months = np.where(ok, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    first = months.astype("datetime64[D]").astype(np.int64)
    length = (months + 1).astype("datetime64[D]").astype(np.int64) - first
    ok &= day <= length
    if not (ok | blank).all():
        return None
    return np.where(ok, first + day - 1, missing).astype(np.int32)
