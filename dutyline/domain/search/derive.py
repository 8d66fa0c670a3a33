"""Building the look-up structures over `Columns` (`Derived`): name tokens and postings, and the sorted
exact keys. `index.IndexSegment` answers queries from them; this module only builds them.

Everything here is numpy sorts and gathers (no per-case Python beyond tokenising each distinct name
string), so 1M cases build in about a second, and every structure is a plain array a snapshot can store.
"""

from __future__ import annotations

import contextlib
import ctypes
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from dutyline.domain.search.columns import Columns
from dutyline.domain.search.names import name_tokens
from dutyline.domain.text import fold

#: Posting field codes. Contacts carry their position on the case separately.
F_FIRST, F_KNOWN, F_LAST, F_CONTACT = 0, 1, 2, 3
FIELD_NAMES = ("first_name", "known_as", "last_name", "contact_name")

_REF_PREFIX = re.compile(r"[a-z]+")
T = TypeVar("T")


def stable_order(keys: np.ndarray) -> np.ndarray:
    """`np.argsort(keys, kind="stable")`, faster for the integer keys the index sorts.

    NumPy radix-sorts 16-bit keys in linear time but timsorts wider ones. Here the keys (less their
    minimum) are sorted 16 bits at a time, least significant first, each pass a stable radix sort:
    token ids and dates of birth take one pass, string codes two, phone numbers three.
    """
    if len(keys) < 2 or keys.dtype.kind not in "iu":
        return np.argsort(keys, kind="stable")
    low = int(keys.min())
    span = int(keys.max()) - low
    if span < 2**16:  # one pass, and no wide temporaries (the postings hold ~6M keys at 1M cases)
        small = keys if low == 0 else keys - low  # wraps at most modulo 2**16, which the cast keeps
        return np.argsort(small.astype(np.uint16), kind="stable")
    if span >= 2**63:
        return np.argsort(keys, kind="stable")
    shifted = (keys.astype(np.int64) - low).astype(np.uint64)
    order = np.argsort((shifted & 0xFFFF).astype(np.uint16), kind="stable")
    shift = 16
    while span >> shift:
        digit = ((shifted[order] >> np.uint64(shift)) & 0xFFFF).astype(np.uint16)
        order = order[np.argsort(digit, kind="stable")]
        shift += 16
    return order


def _csr(keys: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """(offsets[n_keys+1], order): rows grouped by integer key, for O(1) 'rows with key k' slices."""
    order = stable_order(keys).astype(np.int32)
    counts = np.bincount(keys, minlength=n_keys) if len(keys) else np.zeros(n_keys, np.int64)
    offsets = np.zeros(n_keys + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets, order


def _tokenise_table(
    table: list[str], tok_ids: dict[str, int], vocab: list[str]
) -> tuple[
    np.ndarray,
    np.ndarray,
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


def expand(codes: np.ndarray, offsets: np.ndarray, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
    name_tok_off: np.ndarray  # int64[len(names)+1]: CSR from a name string (Columns.names) to its tokens
    name_tok: np.ndarray  # int32 token ids
    tail_sorted: np.ndarray  # int32: the last 6 digits of every phone, sorted
    tail_contact: np.ndarray  # int32 contact index of each
    tri_off: np.ndarray  # int64[1001]: CSR from each 3-digit run (000-999) of a reference to its rows
    tri_row: np.ndarray  # int32


def _ref_trigrams(refs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows by every run of three digits in their reference, so a fragment is found anywhere in it.

    Keys are int16 (000-999) and rows int32, computed a whole column of references at a time: ~4M entries
    at 1M cases, built beside the name postings (`derive`), so their temporaries are kept small.
    """
    n = len(refs)
    width = refs.dtype.itemsize if n else 1
    grid = refs.view(np.uint8).reshape(n, width) if n else np.zeros((0, 1), np.uint8)
    digit = [(grid[:, j] - np.uint8(48)) for j in range(width)]  # a non-digit wraps to a value above 9
    keys: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    for j in range(width - 2):
        a, b, c = digit[j], digit[j + 1], digit[j + 2]
        hit = np.flatnonzero((a <= 9) & (b <= 9) & (c <= 9)).astype(np.int32)
        keys.append(a[hit].astype(np.int16) * 100 + b[hit].astype(np.int16) * 10 + c[hit].astype(np.int16))
        rows.append(hit)
    key = np.concatenate(keys) if keys else np.zeros(0, np.int16)
    del keys
    row = np.concatenate(rows) if rows else np.zeros(0, np.int32)
    del rows
    off, order = _csr(key, 1000)
    return off, row[order]


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


def _postings(
    cols: Columns, names: tuple[np.ndarray, np.ndarray], contact_names: tuple[np.ndarray, np.ndarray], n_tokens: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(offsets by token, row, field, contact position) of every name token of every case, by token.

    The biggest arrays of a build (~8M entries at 1M cases), so each temporary is dropped as soon as it
    is used and the field and position arrays are derived from the sort order, not concatenated: this
    keeps a cold build's peak memory down (target: under 600 MB resident at 1M cases; docs/ARCHITECTURE.md,
    Search targets).
    """
    toks: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    for code_arr in (cols.first, cols.known, cols.last):  # fields F_FIRST, F_KNOWN, F_LAST, in order
        r, t = expand(code_arr, *names)
        rows.append(r)
        toks.append(t)
    contact_idx, t = expand(cols.c_name, *contact_names)
    rows.append(cols.c_row[contact_idx])
    toks.append(t)
    bounds = np.cumsum([len(r) for r in rows])  # where each field's entries end
    all_toks = np.concatenate(toks)
    del toks, t
    order = stable_order(all_toks)
    counts = np.bincount(all_toks, minlength=n_tokens) if len(all_toks) else np.zeros(n_tokens, np.int64)
    del all_toks
    offsets = np.zeros(n_tokens + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    post_row = np.concatenate(rows)[order]
    del rows
    field = np.zeros(len(order), dtype=np.int8)
    for end in bounds[:-1]:
        field += order >= end
    is_contact = field == F_CONTACT
    pos = np.zeros(len(order), dtype=np.int8)
    which = contact_idx[order[is_contact] - (bounds[-2] if len(bounds) > 1 else 0)]
    pos[is_contact] = np.minimum(cols.c_pos[which], 127)
    return offsets, post_row, field, pos


#: Cases from which `derive` builds the exact-key structures in a second thread (below this the thread
#: costs more than it saves: a refresh's delta segment is a few hundred cases).
PARALLEL_MIN = 50_000


def _exact_keys(cols: Columns) -> dict[str, object]:
    """The exact-key structures (dates of birth, postcodes, schools, phones, references): numpy sorts and
    gathers that need no name tokens, so they can run beside the tokenising (see `derive`)."""
    dob_order = stable_order(cols.dob).astype(np.int32)
    pc_off, pc_order = _csr(cols.postcode, len(cols.postcodes))
    school_off, school_order = _csr(cols.school, len(cols.schools))
    phones = np.concatenate([cols.c_phone, cols.c_alt])
    which = np.concatenate([np.arange(len(cols.c_phone)), np.arange(len(cols.c_alt))]).astype(np.int32)
    keep = phones > 0
    phones, which = phones[keep], which[keep]
    p_order = stable_order(phones)
    tails = phones[p_order] % 1_000_000
    t_order = stable_order(tails)
    refnum = _refnums(cols.ref)
    r_order = stable_order(refnum).astype(np.int32)
    suffix_off, suffix_order = _csr((refnum % 1000).astype(np.int64), 1000)
    step = max(1, len(cols.ref) // 5000)
    prefixes = {m.group(0) for r in cols.ref[::step] if (m := _REF_PREFIX.match(fold(r.decode())))}
    tri_off, tri_row = _ref_trigrams(cols.ref)
    return {
        "dob_order": dob_order,
        "dob_sorted": cols.dob[dob_order],
        "pc_off": pc_off,
        "pc_order": pc_order,
        "school_off": school_off,
        "school_order": school_order,
        "phone_sorted": phones[p_order],
        "phone_contact": which[p_order],
        "refnum": refnum,
        "refnum_order": r_order,
        "refnum_sorted": refnum[r_order],
        "suffix_off": suffix_off,
        "suffix_order": suffix_order,
        "ref_prefixes": sorted(prefixes),
        "tail_sorted": tails[t_order].astype(np.int32),
        "tail_contact": which[p_order][t_order],
        "tri_off": tri_off,
        "tri_row": tri_row,
    }


def return_freed_memory() -> None:
    """Ask glibc to hand freed heap pages back to the system, in every thread's arena (a no-op where there
    is no malloc_trim). Freed numpy temporaries otherwise stay resident in the arena that made them."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def token_counts(
    cols: Columns, names: tuple[np.ndarray, np.ndarray], contact_names: tuple[np.ndarray, np.ndarray], n_tokens: int
) -> np.ndarray:
    """Postings per token (what `np.diff(post_off)` gives), from the name tables' use counts: known
    before the postings are built, so the vocabulary can be set up while they are."""
    per_name = np.zeros(len(cols.names), np.int64)
    for codes in (cols.first, cols.known, cols.last):
        per_name += np.bincount(codes, minlength=len(cols.names))
    per_contact = np.bincount(cols.c_name, minlength=len(cols.contact_names))
    freq = np.zeros(n_tokens, np.int64)
    for (off, flat), uses in ((names, per_name), (contact_names, per_contact)):
        if len(flat):
            weights = np.repeat(uses[: len(off) - 1], np.diff(off)).astype(np.float64)
            freq += np.rint(np.bincount(flat, weights=weights, minlength=n_tokens)).astype(np.int64)
    return freq


def derive(cols: Columns) -> Derived:
    """Every look-up structure over `cols` (see `derive_with`)."""
    return derive_with(cols, lambda _tokens, _freq: None)[0]


def derive_with(cols: Columns, alongside: Callable[[list[str], np.ndarray], T]) -> tuple[Derived, T]:
    """Every look-up structure over `cols`, and what `alongside(vocabulary, postings per token)` returns
    (the caller's own set-up, run while the postings are built).

    Why two threads for a big index: tokenising the name tables and setting up the vocabulary are Python
    work that holds the interpreter lock, while the exact-key structures and the name postings are numpy
    sorts and gathers that mostly release it. On a two-core desk the second core builds the exact keys
    during the tokenising and the postings during `alongside` (a cold build at 1M cases waits for this
    step). The worker's freed temporaries are handed back before the next big step, so the build's peak
    memory is that of one step at a time. The results do not depend on the split.
    """
    parallel = len(cols) >= PARALLEL_MIN
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-derive") as pool:
        exact = pool.submit(_exact_keys, cols) if parallel else None
        vocab: list[str] = []
        tok_ids: dict[str, int] = {}
        names = _tokenise_table(cols.names, tok_ids, vocab)
        contact_names = _tokenise_table(cols.contact_names, tok_ids, vocab)
        keys = exact.result() if exact is not None else _exact_keys(cols)
        if parallel:
            return_freed_memory()
            postings = pool.submit(_postings, cols, names, contact_names, len(vocab))
            extra = alongside(vocab, token_counts(cols, names, contact_names, len(vocab)))
            post_off, post_row, post_field, post_pos = postings.result()
            return_freed_memory()
        else:
            post_off, post_row, post_field, post_pos = _postings(cols, names, contact_names, len(vocab))
            extra = alongside(vocab, np.diff(post_off))
    derived = Derived(
        vocab=vocab,
        post_off=post_off,
        post_row=post_row,
        post_field=post_field,
        post_pos=post_pos,
        name_tok_off=names[0],
        name_tok=names[1],
        **keys,  # type: ignore[arg-type]  # the remaining fields, each of its declared type
    )
    return derived, extra
