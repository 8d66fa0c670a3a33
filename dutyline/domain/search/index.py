"""One immutable index segment (`IndexSegment`): the look-ups a query needs over `Columns` and the
structures `derive` built from them. Names go through postings; exact keys (date of birth, phone,
postcode, reference) are binary searches over sorted arrays, never scans.
"""

from __future__ import annotations

import bisect
import itertools
import operator

import numpy as np

from dutyline.domain.search.columns import Columns
from dutyline.domain.search.derive import Derived, derive_with
from dutyline.domain.search.heard import spoken_by_token
from dutyline.domain.search.learned import known_as_pairs
from dutyline.domain.search.names import name_tokens, words
from dutyline.domain.search.vocab import Vocab, distinct

#: Words in school names that say nothing about which school (matching them would match half the county).
SCHOOL_STOP = frozenset(
    [
        "school",
        "primary",
        "junior",
        "infant",
        "infants",
        "academy",
        "college",
        "high",
        "secondary",
        "nursery",
        "community",
        "church",
        "of",
        "england",
        "ce",
        "c",
        "e",
        "the",
        "st",
        "saint",
        "and",
        "catholic",
        "rc",
        "voluntary",
        "aided",
        "controlled",
        "free",
        "special",
        "centre",
        "upper",
        "lower",
        "middle",
        "grammar",
        "first",
        "boys",
        "girls",
        "jmi",
        "trust",
        "foundation",
        "learning",
        "education",
        "sixth",
        "form",
        "studio",
        "all",
        "saints",
        "ss",
        "national",
        "pre",
        "prep",
        "preparatory",
        "unit",
        "pru",
        "centre",
    ]
)
_no_space = operator.methodcaller("replace", " ", "")


def _vocab(tokens: list[str], freq: np.ndarray, counts_from: IndexSegment | None) -> Vocab:
    if counts_from is not None:
        other: Vocab = counts_from.vocab
        theirs = np.diff(counts_from.d.post_off)
        freq = freq + np.fromiter(
            (theirs[other.ids[t]] if t in other.ids else 0 for t in tokens), np.int64, len(tokens)
        )
    return Vocab(tokens, freq)


class IndexSegment:
    """Immutable look-up structures over one set of Columns: the base or the delta of an UpdatableIndex."""

    def __init__(
        self, cols: Columns, derived: Derived | None = None, *, counts_from: IndexSegment | None = None
    ) -> None:
        """`counts_from`: a bigger index whose name frequencies this one adds to its own (a delta's
        term-frequency weights must be the county's, not those of a few hundred changed cases)."""
        self.cols = cols
        self._slot: np.ndarray | None = None
        self._flags: np.ndarray | None = None
        if derived is None:  # the vocabulary is set up while the postings are built
            self.d, self.vocab = derive_with(cols, lambda tokens, freq: _vocab(tokens, freq, counts_from))
        else:
            self.d, self.vocab = derived, _vocab(derived.vocab, np.diff(derived.post_off), counts_from)
        # A delta learns no nicknames of its own: a few hundred changed cases teach little, and the base's
        # pairs are the county's.
        self.vocab.learn_from(counts_from.vocab.learned if counts_from is not None else self._known_as_pairs)
        self.vocab.spoken_from(self._spoken_forms)
        self.ref_prefixes = frozenset(self.d.ref_prefixes)
        days = cols.dob.astype("datetime64[D]")
        self.dob_year = days.astype("datetime64[Y]").astype(np.int64) + 1970
        self._pc_sorted: tuple[list[str], list[int]] | None = None  # postcodes in order, and their codes
        self._by_row: tuple[np.ndarray, np.ndarray] | None = None  # contacts by case row (`contacts_of`)
        #: Small per-index caches for the scorer (the service serialises searches).
        self.scratch: dict[str, dict[int, object]] = {}
        self.arrays: dict[str, np.ndarray] = {}
        # Table postcodes are cleaned (one space at most, upper case), so the key is the value without its
        # space; a C-level zip instead of postcode_key per value (273k postcodes at 1M cases). Later
        # codes win for equal keys, as they would in a loop.
        self.pc_codes = dict(zip(map(_no_space, cols.postcodes), range(len(cols.postcodes)), strict=True))
        self.pc_codes.pop("", None)
        self.school_words: dict[str, list[int]] = {}
        self.school_weight = np.zeros(len(cols.schools), dtype=np.float32)
        for i, name in enumerate(cols.schools):
            kept = [w for w in dict.fromkeys(words(name)) if w not in SCHOOL_STOP and len(w) > 1]
            for w in kept:
                self.school_words.setdefault(w, []).append(i)
            self.school_weight[i] = 1.0 / max(1, len(kept))

    def __len__(self) -> int:
        return len(self.cols)

    def first_word_tokens(self) -> np.ndarray:
        """Per name string, how many of its tokens come from its first word ('Rayyan Arjun': 1; 'Anna-Maria
        Rose': 3, anna, maria and annamaria; a one-word name: all of them). Worked out on first use, for the
        later forenames' weight (`evidence.W_MIDDLE`)."""
        got = self.arrays.get("first_word_tokens")
        if got is None:
            off = self.d.name_tok_off
            got = (off[1:] - off[:-1]).astype(np.int16)
            for code, text in enumerate(self.cols.names):
                if " " in text.strip():
                    got[code] = min(int(got[code]), len(name_tokens(text.split()[0])))
            self.arrays["first_word_tokens"] = got
        return got

    def _spoken_forms(self) -> dict[int, tuple[str, ...]]:
        """Heard forms of this segment's tokens written with letters folding loses (Łukasz, Şükrü)."""
        return spoken_by_token(itertools.chain(self.cols.names, self.cols.contact_names), self.vocab.ids)

    def _known_as_pairs(self) -> dict[str, frozenset[str]]:
        cols, d = self.cols, self.d
        return known_as_pairs(cols.first, cols.known, cols.last, d.name_tok_off, d.name_tok, self.vocab.tokens)

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
        return self.d.pc_order[self.d.pc_off[code] : self.d.pc_off[code + 1]]

    def postcodes_in_order(self) -> tuple[list[str], list[int]]:
        """The postcodes sorted, with their codes: made on first use (0.2 s at a million cases, which the
        first outward postcode search of a session would otherwise pay) or by `UpdatableIndex.warm`."""
        if self._pc_sorted is None:
            table = self.cols.postcodes
            order = sorted(range(len(table)), key=table.__getitem__)
            self._pc_sorted = ([table[i] for i in order], order)
        return self._pc_sorted

    def contacts_of(self, row: int) -> np.ndarray:
        """Contact indexes of the case at `row`. The re-scoring of the rows shown needs a contact's own
        name; the order is made on first use (0.1 s at a million cases) or by `UpdatableIndex.warm`."""
        if self._by_row is None:
            order = np.argsort(self.cols.c_row, kind="stable")
            self._by_row = (order, self.cols.c_row[order])
        order, rows = self._by_row
        key = rows.dtype.type(row)  # a Python int would make numpy cast all 1.75M rows at each call (1 ms)
        return order[np.searchsorted(rows, key, "left") : np.searchsorted(rows, key, "right")]

    def outward_codes(self, outward: str) -> list[int]:
        """Postcode codes whose outward part is `outward` (folded, 'al8').

        A binary search over the postcodes sorted once, on first use (a C-level sort: ~270k postcodes at
        1M cases), rather than a map built by a Python loop over every postcode.
        """
        keys, codes = self.postcodes_in_order()
        head = outward.upper() + " "
        lo = bisect.bisect_left(keys, head)
        hi = bisect.bisect_left(keys, head + "\x7f", lo)
        return codes[lo:hi]

    def rows_outward(self, outward: str) -> np.ndarray:
        """Rows whose postcode is in the outward code `outward` ('al8'), cached per outward code."""
        cache = self.scratch.setdefault("outward", {})
        key = hash(outward)
        hit = cache.get(key)
        if hit is None:
            codes = np.asarray(self.outward_codes(outward), dtype=np.int64)
            if not len(codes):
                hit = np.zeros(0, np.int32)
            else:
                starts, ends = self.d.pc_off[codes], self.d.pc_off[codes + 1]
                lens = ends - starts
                idx = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(int(lens.sum()))
                hit = self.d.pc_order[idx]
            if len(cache) > 256:
                cache.clear()
            cache[key] = hit
        return hit  # type: ignore[return-value]

    def rows_school(self, code: int) -> np.ndarray:
        return self.d.school_order[self.d.school_off[code] : self.d.school_off[code + 1]]

    def contacts_phone(self, number: int) -> np.ndarray:
        """Contact indices whose phone or alternative phone is `number`."""
        lo, hi = np.searchsorted(self.d.phone_sorted, [number, number + 1])
        return self.d.phone_contact[lo:hi]

    def contacts_phone_tail(self, digits: str) -> np.ndarray:
        """Contact indices whose phone ends with `digits` (6 to 10 digits: the last six are looked up)."""
        lo, hi = np.searchsorted(self.d.tail_sorted, [int(digits[-6:]), int(digits[-6:]) + 1])
        found = self.d.tail_contact[lo:hi]
        if len(digits) > 6 and len(found):
            mod = 10 ** len(digits)
            numbers = np.maximum(self.cols.c_phone[found] % mod, 0)
            alts = np.maximum(self.cols.c_alt[found] % mod, 0)
            found = found[(numbers == int(digits)) | (alts == int(digits))]
        return found

    def rows_ref_infix(self, digits: str) -> np.ndarray:
        """Rows whose reference holds `digits` (3+) anywhere ('3395' finds EHC-339552)."""
        bucket = int(digits[:3])
        rows = distinct(self.d.tri_row[self.d.tri_off[bucket] : self.d.tri_off[bucket + 1]])
        if len(digits) > 3 and len(rows):
            needle = digits.encode()
            refs = self.cols.ref[rows]
            rows = rows[np.char.find(refs, needle) >= 0]
        return rows

    def rows_refnum(self, number: int) -> np.ndarray:
        lo, hi = np.searchsorted(self.d.refnum_sorted, [number, number + 1])
        return self.d.refnum_order[lo:hi]

    def rows_ref_suffix(self, digits: str) -> np.ndarray:
        """Rows whose reference digits end with `digits` (3+ digits; '4217' finds EHC-004217)."""
        value = int(digits)
        bucket = value % 1000
        rows = self.d.suffix_order[self.d.suffix_off[bucket] : self.d.suffix_off[bucket + 1]]
        if len(digits) > 3:
            rows = rows[self.d.refnum[rows] % (10 ** min(len(digits), 18)) == value]
        return rows
