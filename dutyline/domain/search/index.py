"""Look-up structures over `Columns`: name postings, and sorted keys for the exact fields.

Everything here is built with numpy sorts and gathers (no per-case Python), so 1M cases index in about a
second, and every structure is a plain array a snapshot can store. Exact keys (date of birth, phone,
postcode, reference) are binary searches over sorted arrays, never scans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from dutyline.domain.search.columns import Columns
from dutyline.domain.search.names import name_tokens, words
from dutyline.domain.search.vocab import Vocab
from dutyline.domain.text import fold, postcode_key

#: Posting field codes. Contacts carry their position on the case separately.
F_FIRST, F_KNOWN, F_LAST, F_CONTACT = 0, 1, 2, 3
FIELD_NAMES = ("first_name", "known_as", "last_name", "contact_name")

#: Words in school names that say nothing about which school (matching them would match half the county).
SCHOOL_STOP = frozenset(
    [
    "school", "primary", "junior", "infant", "infants", "academy", "college", "high", "secondary",
    "nursery", "community", "church", "of", "england", "ce", "c", "e", "the", "st", "saint", "and",
    "catholic", "rc", "voluntary", "aided", "controlled", "free", "special", "centre", "upper",
    "lower", "middle", "grammar", "first", "boys", "girls", "jmi", "trust", "foundation",
    "learning", "education", "sixth", "form", "studio", "all", "saints", "ss", "national", "pre",
    "prep", "preparatory", "unit", "pru", "centre",
]
)
_REF_PREFIX = re.compile(r"[a-z]+")


def _csr(keys: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """(offsets[n_keys+1], order): rows grouped by integer key, for O(1) 'rows with key k' slices."""
    order = np.argsort(keys, kind="stable").astype(np.int32)
    counts = np.bincount(keys, minlength=n_keys) if len(keys) else np.zeros(n_keys, np.int64)
    offsets = np.zeros(n_keys + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets, order


def _tokenise_table(table: list[
    str], tok_ids: dict[str, int], vocab: list[str]) -> tuple[np.ndarray, np.ndarray,
]:
    """CSR from each distinct name string to its token ids (growing the vocabulary as it goes)."""
    offsets = np.zeros(len(table) + 1, dtype=np.int64)
    flat: list[int] = []
    for i, text in enumerate(table):
        for tok in name_tokens(text):
            tid = tok_ids.get(tok)
            if tid is None:
                tid = tok_ids[tok] = len(vocab)
                vocab.append(tok)
            flat.append(tid)
        offsets[i + 1] = len(flat)
    return offsets, np.asarray(flat, dtype=np.int32)


def _expand(codes: np.ndarray, offsets: np.ndarray, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row's code, every token of that code: (row indices, token ids), vectorised."""
    counts = (offsets[1:] - offsets[:-1])[codes]
    rows = np.repeat(np.arange(len(codes), dtype=np.int32), counts)
    starts = np.repeat(offsets[codes] - (np.cumsum(counts) - counts), counts)
    return rows, flat[starts + np.arange(len(rows), dtype=np.int64)] if len(rows) else flat[:0]


@dataclass
class Derived:
    """Arrays derived from Columns (stored in snapshots so loading skips the sorts)."""

    vocab: list[str]
    post_off: np.ndarray  # int64[V+1]
    post_row: np.ndarray  # int32
    post_field: np.ndarray  # int8
    post_pos: np.ndarray  # int8: 0 for the child, contact position otherwise
    dob_order: np.ndarray
    dob_sorted: np.ndarray
    pc_off: np.ndarray
    pc_order: np.ndarray
    school_off: np.ndarray
    school_order: np.ndarray
    phone_sorted: np.ndarray  # int64
    phone_contact: np.ndarray  # int32 index into contacts
    refnum: np.ndarray  # int64[N]: all digits of the reference
    refnum_order: np.ndarray
    refnum_sorted: np.ndarray
    suffix_off: np.ndarray  # CSR by refnum % 1000
    suffix_order: np.ndarray
    ref_prefixes: list[str]


def _refnums(refs: np.ndarray) -> np.ndarray:
    """All digits of each reference as one integer ('EHC-004217' -> 4217), vectorised over bytes."""
    n = len(refs)
    width = refs.dtype.itemsize if n else 1
    grid = refs.view(np.uint8).reshape(n, width) if n else np.zeros((0, 1), np.uint8)
    num = np.zeros(n, dtype=np.int64)
    ndig = np.zeros(n, dtype=np.int64)
    for j in range(width):
        d = grid[:, j].astype(np.int64) - 48
        is_d = (d >= 0) & (d <= 9) & (ndig < 18)
        num = np.where(is_d, num * 10 + d, num)
        ndig += is_d
    return num


def derive(cols: Columns) -> Derived:
    vocab: list[str] = []
    tok_ids: dict[str, int] = {}
    n_off, n_flat = _tokenise_table(cols.names, tok_ids, vocab)
    c_off, c_flat = _tokenise_table(cols.contact_names, tok_ids, vocab)
    parts = []
    for code_arr, fcode in ((cols.first, F_FIRST), (cols.known, F_KNOWN), (cols.last, F_LAST)):
        rows, toks = _expand(code_arr, n_off, n_flat)
        parts.append((toks, rows, np.full(len(rows), fcode, np.int8), np.zeros(len(rows), np.int8)))
    idx, toks = _expand(cols.c_name, c_off, c_flat)
    parts.append((toks, cols.c_row[idx], np.full(len(idx), F_CONTACT, np.int8),
                  np.minimum(cols.c_pos[idx], 127).astype(np.int8)))
    all_toks = np.concatenate([p[0] for p in parts])
    post_off, order = _csr(all_toks, len(vocab))
    post_row = np.concatenate([p[1] for p in parts])[order]
    post_field = np.concatenate([p[2] for p in parts])[order]
    post_pos = np.concatenate([p[3] for p in parts])[order]

    dob_order = np.argsort(cols.dob, kind="stable").astype(np.int32)
    pc_off, pc_order = _csr(cols.postcode, len(cols.postcodes))
    school_off, school_order = _csr(cols.school, len(cols.schools))
    phones = np.concatenate([cols.c_phone, cols.c_alt])
    which = np.concatenate([np.arange(len(cols.c_phone)), np.arange(len(cols.c_alt))]).astype(np.int32)
    keep = phones > 0
    phones, which = phones[keep], which[keep]
    p_order = np.argsort(phones, kind="stable")
    refnum = _refnums(cols.ref)
    r_order = np.argsort(refnum, kind="stable").astype(np.int32)
    suffix_off, suffix_order = _csr((refnum % 1000).astype(np.int64), 1000)
    step = max(1, len(cols.ref) // 5000)
    prefixes = {m.group(0) for r in cols.ref[::step] if (m := _REF_PREFIX.match(fold(r.decode())))}
    return Derived(vocab, post_off, post_row, post_field, post_pos, dob_order, cols.dob[dob_order],
                   pc_off, pc_order, school_off, school_order, phones[p_order], which[p_order], refnum,
                   r_order, refnum[r_order], suffix_off, suffix_order, sorted(prefixes))


class CaseIndex:
    """Immutable index over one set of Columns."""

    def __init__(self, cols: Columns, derived: Derived | None = None) -> None:
        self.cols = cols
        self.d = derived if derived is not None else derive(cols)
        self._slot: np.ndarray | None = None
        self._flags: np.ndarray | None = None
        self.vocab = Vocab(self.d.vocab)
        self.ref_prefixes = frozenset(self.d.ref_prefixes)
        days = cols.dob.astype("datetime64[D]")
        self.dob_year = days.astype("datetime64[Y]").astype(np.int64) + 1970
        self.pc_codes = {postcode_key(p): i for i, p in enumerate(cols.postcodes) if p}
        self.school_words: dict[str, list[int]] = {}
        self.school_weight = np.zeros(len(cols.schools), dtype=np.float32)
        for i, name in enumerate(cols.schools):
            distinct = [w for w in dict.fromkeys(words(name)) if w not in SCHOOL_STOP and len(w) > 1]
            for w in distinct:
                self.school_words.setdefault(w, []).append(i)
            self.school_weight[i] = 1.0 / max(1, len(distinct))

    def __len__(self) -> int:
        return len(self.cols)

    def compact_rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(distinct rows ascending, position of each entry's row in them), like np.unique.

        Many entries (a common surname at 1M cases): mark a dense flag array instead of sorting, which
        is several times faster. Not thread-safe (scratch arrays); the service serialises searches.
        """
        n = len(self.cols)
        if len(rows) * 32 < n:
            uniq, inv = np.unique(rows, return_inverse=True)
            return uniq, inv.astype(np.int64, copy=False)
        if self._slot is None:
            self._slot = np.empty(n, dtype=np.int64)
            self._flags = np.zeros(n, dtype=bool)
        flags = self._flags
        assert flags is not None
        flags[rows] = True
        uniq = np.flatnonzero(flags)
        flags[uniq] = False
        self._slot[uniq] = np.arange(len(uniq))
        return uniq, self._slot[rows]

    # --- exact look-ups: each returns row indices (int32/int64 arrays) -------------------------------
    def rows_for_token(self, tid: int) -> slice:
        return slice(int(self.d.post_off[tid]), int(self.d.post_off[tid + 1]))

    def rows_born(self, days: int) -> np.ndarray:
        lo, hi = np.searchsorted(self.d.dob_sorted, [days, days + 1])
        return self.d.dob_order[lo:hi]

    def rows_postcode(self, key: str) -> np.ndarray:
        code = self.pc_codes.get(key)
        if code is None:
            return np.zeros(0, np.int32)
        return self.d.pc_order[self.d.pc_off[code]:self.d.pc_off[code + 1]]

    def rows_school(self, code: int) -> np.ndarray:
        return self.d.school_order[self.d.school_off[code]:self.d.school_off[code + 1]]

    def contacts_phone(self, number: int) -> np.ndarray:
        """Contact indices whose phone or alternative phone is `number`."""
        lo, hi = np.searchsorted(self.d.phone_sorted, [number, number + 1])
        return self.d.phone_contact[lo:hi]

    def rows_refnum(self, number: int) -> np.ndarray:
        lo, hi = np.searchsorted(self.d.refnum_sorted, [number, number + 1])
        return self.d.refnum_order[lo:hi]

    def rows_ref_suffix(self, digits: str) -> np.ndarray:
        """Rows whose reference digits end with `digits` (3+ digits; '4217' finds EHC-004217)."""
        value = int(digits)
        bucket = value % 1000
        rows = self.d.suffix_order[self.d.suffix_off[bucket]:self.d.suffix_off[bucket + 1]]
        if len(digits) > 3:
            rows = rows[self.d.refnum[rows] % (10 ** min(len(digits), 18)) == value]
        return rows
