"""Evidence: what each query word and exact key brings, before any candidate is scored.

Every word is looked up in the name vocabulary (exact, listed nickname or sound-alike, phonetic key, typo,
a leading part while typing) and each matching token's postings become entries (row, person, term,
weight, field, level); dates of birth, phones, postcodes, references and schools add entries of their own.
Split and joined words give alternative readings ("smith son" as 'smithson'). The weights are bits of
evidence, as `scoring` explains; they live here because the entries carry them.
"""

from __future__ import annotations

import numpy as np

from dutyline.domain.search.columns import EPOCH
from dutyline.domain.search.derive import F_CONTACT, F_FIRST, F_KNOWN, F_LAST, FIELD_NAMES
from dutyline.domain.search.index import IndexSegment
from dutyline.domain.search.levels import EXACT, PHONETIC
from dutyline.domain.search.names import PARTICLES
from dutyline.domain.search.query import ParsedQuery
from dutyline.domain.text import postcode_key

W_CONTACT = 0.92
W_NONE = -1.0
W_PARTIAL = 0.7
W_DOB = 6.5
#: A date of birth one slip away (one of day, month or year wrong, or day and month swapped): lifts a row
#: other terms brought, never brings one.
W_DOB_NEAR = 2.5
W_YEAR = 1.5
W_PHONE = 8.0
W_PHONE_TAIL = 6.0
W_POSTCODE = 4.0
W_OUTWARD = 1.5
W_REF = 12.0
W_FRAGMENT = 5.0
W_INFIX = 3.5
W_REF_DIGITS = 9.0
W_FRAGMENT_YEAR = 1.0
W_SCHOOL = 2.5
GAMMA = 0.3
#: A child whose surname no query word meets (when the query has two name words or more) loses this much:
#: in record-linkage terms a disagreeing surname is far rarer for the right child than a disagreeing
#: forename (a nickname, a heard spelling), so "Ru Murray" is a Ruairí Murray before any child known as Ru
#: with another surname. Met means a weight of SURNAME_MET or more (a near spelling, a sound, a part).
W_SURNAME_MISS = 2.0
SURNAME_MET = 1.0
#: A surname met only faintly (a Jaro-Winkler 0.70 spelling: 'chumley' for Cholmondeley, 'cahoon' for
#: Colquhoun, heard spellings no file lists) loses a share of W_SURNAME_MISS, falling from all of it at
#: SURNAME_FAINT (below it: no more than the same first letter) to none at SURNAME_MET. So "Leo chumley"
#: lists the Leos by how near their surnames sound, before rows whose other names meet the words more
#: loosely still (issue 13, rule 3: the forename decides and the surname's spelling orders).
SURNAME_FAINT = 0.25


def surname_miss_share(near: np.ndarray) -> np.ndarray:
    """The share of W_SURNAME_MISS a surname met at `near` (its best weight from any word) loses: one
    formula for the vectorised score (`totals`) and the re-scoring (`rescore`)."""
    return np.clip((SURNAME_MET - near) / (SURNAME_MET - SURNAME_FAINT), 0.0, 1.0)


#: A query word met only by a later forename (Arjun in 'Rayyan Arjun') counts this share: a caller names a
#: child by the first forename, or by the known-as the record holds, far more often than by a middle name,
#: so "Arjun Gill" is a parent named Arjun Gill before a child Rayyan Arjun Gill.
W_MIDDLE = 0.8
MAX_PERSON = 7
#: Rows re-scored with one token per word (the best by the vectorised score, beyond those shown).
RESCORE_EXTRA = 20

F_DOB, F_PHONE, F_POSTCODE, F_REF, F_SCHOOL = 4, 5, 6, 7, 8
ALL_FIELDS = (*FIELD_NAMES, "date_of_birth", "phone", "postcode", "case_ref", "school")
_CHILD_FIELDS = (F_FIRST, F_KNOWN, F_LAST)


class _Entries:
    """(row, person, term, weight, field, level) entries from postings and exact keys."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.person: list[np.ndarray] = []
        self.term: list[np.ndarray] = []
        self.score: list[np.ndarray] = []
        self.field: list[np.ndarray] = []
        self.kind: list[np.ndarray] = []

    def add(
        self,
        rows: np.ndarray,
        person: np.ndarray | int,
        term: int,
        score: np.ndarray | float,
        field_code: np.ndarray | int,
        kind: np.ndarray | int = EXACT,
    ) -> None:
        n = len(rows)
        if not n:
            return
        self.rows.append(rows.astype(np.int64, copy=False))
        self.person.append(person if isinstance(person, np.ndarray) else np.full(n, person, np.int8))
        self.term.append(np.full(n, term, np.int16))
        self.score.append(score if isinstance(score, np.ndarray) else np.full(n, score, np.float32))
        self.field.append(field_code if isinstance(field_code, np.ndarray) else np.full(n, field_code, np.int8))
        self.kind.append(kind if isinstance(kind, np.ndarray) else np.full(n, kind, np.int8))

    def arrays(self) -> tuple[np.ndarray, ...]:
        return tuple(np.concatenate(x) for x in (self.rows, self.person, self.term, self.score, self.field, self.kind))


def merge_words(index: IndexSegment, words: list[str]) -> list[str]:
    """Split 'asante-sei' (+ joined 'asantesei'); join 'o brien' -> 'obrien', 'mc donald' -> 'mcdonald'."""
    vocab = index.vocab
    split: list[tuple[str, bool]] = []  # (word, made here rather than typed)
    for w in words:  # 'asante-sei': both halves, plus the joined form when it meets an indexed name
        if "-" in w:
            joined = w.replace("-", "")
            split.extend([(h, False) for h in w.split("-")] + ([(joined, True)] if vocab.match(joined) else []))
        else:
            split.append((w, False))
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(split):
        if i + 1 < len(split):
            a, b = split[i][0], split[i + 1][0]
            joined = a + b
            if joined in vocab and (a not in vocab or b not in vocab or a in PARTICLES):
                out.append((joined, True))
                i += 2
                continue
        out.append(split[i])
        i += 1
    # 'al-sayed' gives 'alsayed' twice (joined, then particle + word): a word made here is kept once. A word
    # typed twice stays twice, since the child may be named so ("li li" for Li Li, "babatunde babatu nde").
    return [w for i, (w, made) in enumerate(out) if not (made and (w, True) in out[:i])]


def readings(index: IndexSegment, words: list[str]) -> tuple[list[str], list[list[int]], set[int]]:
    """Name terms (the words, then alternative words) and the readings: which terms each reading uses.

    Reading 0 is the words as typed. Two neighbours joined ('smith son' -> smithson) are a reading when the
    join means an indexed name (exact, listed, phonetic or one typo); a word found nowhere that splits into
    two indexed names ('ellacarter') is a reading with the two halves. Also returned: which terms are two
    typed words joined (weighed without parts of names: 'koula eiseaqe' joined must not credit every Koula
    with a leading part, when 'koula' alone is the first word as typed).
    """
    vocab = index.vocab
    terms = list(words)
    reads = [list(range(len(words)))]
    made: set[int] = set()
    for i in range(len(words) - 1):
        joined = words[i] + words[i + 1]
        # Two names as typed are not joined ('tom white'; and no look-up for one), unless the two together
        # are a name as they stand ('smith son' for Smithson, though Smith and Son are names too).
        if words[i] in vocab and words[i + 1] in vocab and joined not in vocab:
            continue
        _ids, _w, levels = vocab.strong(joined)
        if len(levels) and int(levels.min()) <= PHONETIC:
            made.add(len(terms))
            terms.append(joined)
            reads.append([*range(i), len(terms) - 1, *range(i + 2, len(words))])
    for i, w in enumerate(words):
        if len(w) < 6 or w in vocab:
            continue
        cuts = [k for k in range(2, len(w) - 1) if w[:k] in vocab and w[k:] in vocab]
        if cuts:
            k = max(cuts, key=lambda c: min(c, len(w) - c))
            terms += [w[:k], w[k:]]
            reads.append([*range(i), len(terms) - 2, len(terms) - 1, *range(i + 1, len(words))])
    return terms, reads, made


def collect(index: IndexSegment, q: ParsedQuery, names: list[str], prefix_last: int) -> tuple[_Entries, list[str]]:
    """Entries from postings (name terms) and exact keys; returns them and the display text of each term."""
    e = _Entries()
    terms = list(names)
    d = index.d
    for ti, w in enumerate(names):
        tids, weights, levels = index.vocab.strong(w, prefix=ti == prefix_last)
        if len(tids):
            starts = d.post_off[tids]
            lens = d.post_off[tids + 1] - starts
            n = int(lens.sum())
            idx = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(n, dtype=np.int64)
            fields = d.post_field[idx]
            scale = np.where(fields == F_CONTACT, W_CONTACT, 1.0).astype(np.float32)
            e.add(
                d.post_row[idx], d.post_pos[idx], ti, scale * np.repeat(weights, lens), fields, np.repeat(levels, lens)
            )
        for code in index.school_words.get(w, ()):
            weight = W_SCHOOL * (0.6 + 0.4 * float(index.school_weight[code]))  # 'Ware' for "Chauncy, Ware"
            e.add(index.rows_school(code), 0, ti, weight, F_SCHOOL)
    for day in q.dates:
        terms.append(day.isoformat())
        e.add(index.rows_born((day - EPOCH).days), 0, len(terms) - 1, W_DOB, F_DOB)
    for phone in q.phones:
        terms.append(phone)
        contacts = index.contacts_phone(int(phone))
        person = np.minimum(index.cols.c_pos[contacts], MAX_PERSON)
        e.add(index.cols.c_row[contacts], person, len(terms) - 1, W_PHONE, F_PHONE)
    for pc in q.postcodes:
        terms.append(pc)
        e.add(index.rows_postcode(postcode_key(pc)), 0, len(terms) - 1, W_POSTCODE, F_POSTCODE)
    years = {str(y) for y in q.years}
    for ref in q.refs:
        terms.append(ref)
        letters = ref.rstrip("0123456789").lower()
        rows = index.rows_refnum(int(ref[len(letters) :]))
        rows = np.asarray([r for r in rows if index.cols.ref[r].decode().lower().startswith(letters)], dtype=np.int64)
        e.add(rows, 0, len(terms) - 1, W_REF, F_REF)
    for frag in q.fragments:
        terms.append(frag)
        if frag in years and names:  # 'smith 2015' is a birth year; '2015' alone may be part of a reference
            e.add(index.rows_ref_suffix(frag), 0, len(terms) - 1, W_FRAGMENT_YEAR, F_REF)
            continue
        e.add(index.rows_ref_infix(frag), 0, len(terms) - 1, W_INFIX, F_REF)  # anywhere, below ...
        if len(frag) >= 5:  # ... all of a reference's digits ...
            e.add(index.rows_refnum(int(frag)), 0, len(terms) - 1, W_REF_DIGITS, F_REF)
        e.add(index.rows_ref_suffix(frag), 0, len(terms) - 1, W_FRAGMENT, F_REF)  # ... the end of it
    for tail in q.phone_tails:
        terms.append(tail)
        contacts = index.contacts_phone_tail(tail)
        person = np.minimum(index.cols.c_pos[contacts], MAX_PERSON)
        e.add(index.cols.c_row[contacts], person, len(terms) - 1, W_PHONE_TAIL, F_PHONE)
    return e, terms
