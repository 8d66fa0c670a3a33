"""Arrays over a query's candidate rows: their own names weighed against every query word
(`_child_names`), dates of birth one slip from a queried one (`_near_dates`), and the scratch-array
set operations that replace sorting at a million cases. Used by `scoring.rank`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dutyline.domain.search.columns import NO_DATE
from dutyline.domain.search.derive import expand
from dutyline.domain.search.evidence import W_DOB_NEAR, W_MIDDLE
from dutyline.domain.search.index import IndexSegment
from dutyline.domain.search.levels import NONE
from dutyline.domain.search.query import ParsedQuery


def _dob_parts(index: IndexSegment) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of every row's date of birth (0 for an unknown one), worked out once per index
    segment instead of three calendar conversions of every candidate on every query."""
    arrays = index.arrays
    year = arrays.get("dob_year")
    if year is None or len(year) != len(index.cols.dob):
        dob = index.cols.dob
        known = dob != NO_DATE
        days = np.where(known, dob, 0).astype("datetime64[D]")
        months = days.astype("datetime64[M]")
        arrays["dob_year"] = np.where(known, days.astype("datetime64[Y]").astype(np.int64) + 1970, 0).astype(np.int16)
        arrays["dob_month"] = np.where(known, months.astype(np.int64) % 12 + 1, 0).astype(np.int8)
        arrays["dob_day"] = np.where(known, (days - months).astype(np.int64) + 1, 0).astype(np.int8)
    return arrays["dob_year"], arrays["dob_month"], arrays["dob_day"]


def _digits(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each date's eight digits as day month year and as year month day (rows: digit position)."""
    dmy = [day // 10, day % 10, month // 10, month % 10, *(year // 10**k % 10 for k in (3, 2, 1, 0))]
    return np.stack(dmy), np.stack(dmy[4:] + dmy[2:4] + dmy[:2])


def _near_dates(index: IndexSegment, uniq: np.ndarray, q: ParsedQuery) -> np.ndarray:
    """W_DOB_NEAR for rows whose date of birth is one slip from a queried date (not equal to it).

    A slip: one of day, month or year wrong; day and month swapped; or, in the eight digits written either
    way (day month year as typed here, or year month day as ISO dates and many systems write them), one
    digit wrong or two neighbouring digits swapped (2011-10-11 for 2011-11-01).

    One digit wrong changes one field, which "two of three fields agree" already covers; two neighbouring
    digits swapped change at most two fields. So the digits are compared only for the rows where exactly
    one field agrees: a few per cent of the candidates, not all of them.
    """
    y_all, m_all, d_all = _dob_parts(index)
    year, month, day = y_all[uniq].astype(np.int64), m_all[uniq].astype(np.int64), d_all[uniq].astype(np.int64)
    near = np.zeros(len(uniq), dtype=bool)
    for d in q.dates:
        same = (year == d.year).astype(np.int8) + (month == d.month) + (day == d.day)
        slip = (same == 2) | ((year == d.year) & (month == d.day) & (day == d.month))
        one = np.flatnonzero(same == 1)
        if len(one):
            layouts = _digits(year[one], month[one], day[one])
            hit = np.zeros(len(one), dtype=bool)
            for digits, text in zip(
                layouts, (f"{d.day:02d}{d.month:02d}{d.year:04d}", d.strftime("%Y%m%d")), strict=True
            ):
                typed = np.asarray([int(c) for c in text], dtype=np.int64)[:, None]
                differ = digits != typed
                n_diff = differ.sum(axis=0)
                neighbours = differ[:-1] & differ[1:] & (digits[:-1] == typed[1:]) & (digits[1:] == typed[:-1])
                hit |= (n_diff == 1) | ((n_diff == 2) & neighbours.any(axis=0))
            slip[one] |= hit
        near |= slip & (same < 3) & (year > 0)
    return W_DOB_NEAR * near


def _dense_unique(index: IndexSegment, name: str, values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(values, return_inverse=True)` for small non-negative ints below `size`, without a sort:
    flags in a scratch array the size of the table (the service serialises searches).

    The values (int32 codes) are widened to the platform's index type first: numpy widens an int32 index
    anyway, element by element inside each scatter and gather, which made this twice as slow at 300k."""
    if len(values) * 16 < size:
        uniq, inv = np.unique(values, return_inverse=True)
        return uniq, inv.reshape(-1)
    arrays = index.arrays
    flags = arrays.get(name)
    if flags is None or len(flags) < size:
        flags = arrays[name] = np.zeros(size, dtype=np.int64)
    at = values.astype(np.intp, copy=False)
    flags[at] = 1
    uniq = np.flatnonzero(flags[:size])
    flags[uniq] = np.arange(len(uniq))
    inv = np.take(flags, at)
    flags[uniq] = 0
    return uniq, inv


def _member(index: IndexSegment, values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`np.isin(values, rows)` for row numbers of `index`, by a scratch flag array instead of a sort."""
    flags = index.arrays.get("member")
    if flags is None:
        flags = index.arrays["member"] = np.zeros(len(index), dtype=bool)
    flags[rows] = True
    out: np.ndarray = flags[values]
    flags[rows] = False
    return out


@dataclass
class _ChildNames:
    """The candidates' own name tokens, and every name term's weight against each distinct token."""

    tokens: list[int]  # distinct token ids, ascending
    weights: np.ndarray  # float32[terms, len(tokens)]
    levels: np.ndarray  # int8[terms, len(tokens)]
    best: np.ndarray  # float32[terms, rows]: best weight of each term over the row's own names
    last: np.ndarray  # float32[terms, rows]: each term's weight against the row's surname alone
    has_last: np.ndarray  # bool[rows]: the row has a surname at all


def _per_code(per_entry: np.ndarray, starts: np.ndarray, has: np.ndarray, n: int) -> np.ndarray:
    """The best of each name string's token weights (`starts`: where each string's tokens begin)."""
    out = np.zeros(n, np.float32)
    if has.any():
        out[has] = np.maximum.reduceat(per_entry, starts[has])
    return out


def _child_names(
    index: IndexSegment,
    uniq: np.ndarray,
    names: list[str],
    prefix_last: int,
    joined: set[int] | frozenset[int] = frozenset(),
) -> _ChildNames:
    cols, d = index.cols, index.d
    codes = np.stack([cols.first[uniq], cols.known[uniq], cols.last[uniq]])  # (3, rows)
    dc, dc_inv = _dense_unique(index, "codes", codes.reshape(-1), len(cols.names))
    which, toks = expand(dc, d.name_tok_off, d.name_tok)
    tok_ids, t_inv = _dense_unique(index, "tokens", toks, len(index.vocab.tokens))
    n_terms = len(names)
    weights = np.zeros((n_terms, len(tok_ids)), np.float32)
    levels = np.full((n_terms, len(tok_ids)), NONE, np.int8)
    best = np.zeros((n_terms, codes.shape[1]), np.float32)
    last = np.zeros((n_terms, codes.shape[1]), np.float32)
    counts = (d.name_tok_off[1:] - d.name_tok_off[:-1])[dc]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    has = counts > 0
    grid = dc_inv.reshape(codes.shape)  # each row's first, known-as and last name as positions in `dc`
    # Tokens of a later forename ('arjun' in 'Rayyan Arjun') count W_MIDDLE in the first-name field.
    later = np.arange(len(which)) - starts[which] >= index.first_word_tokens()[dc][which]
    scale = np.where(later, np.float32(W_MIDDLE), np.float32(1.0)) if later.any() else None
    for ti, w in enumerate(names):
        weights[ti], levels[ti], as_surname = index.vocab.weigh_fields(
            w, tok_ids.astype(np.int64), prefix=ti == prefix_last, parts=ti not in joined
        )
        if not len(which):
            continue
        per_entry = weights[ti][t_inv]
        per_code = _per_code(per_entry, starts, has, len(dc))
        as_first = per_code if scale is None else _per_code(per_entry * scale, starts, has, len(dc))
        if ti != prefix_last:  # a surname's part or nickname is weaker (unless typing it)
            last[ti] = _per_code(as_surname[t_inv], starts, has, len(dc))[grid[2]]
        else:
            last[ti] = per_code[grid[2]]
        best[ti] = np.maximum(np.maximum(as_first[grid[0]], per_code[grid[1]]), last[ti])
    has_last = has[grid[2]] if len(dc) else np.zeros(codes.shape[1], bool)
    return _ChildNames(tok_ids.tolist(), weights, levels, best, last, has_last)
