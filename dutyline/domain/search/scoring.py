"""Scoring: turn a parsed query into ranked rows of one CaseIndex.

Model. Each query term (a name word, a date, a phone, ...) yields entries (row, person, term, score),
where person 0 is the child and person k the k-th contact. Per row, the best *single person* explaining
the most of the query counts in full and terms explained only by other people count at GAMMA. So
"Sarah Khan" ranks the child whose mother is Sarah Khan above a child Sara Khan whose mother is not
(one person matched both words), while "John Smith" still ranks the child John Smith above Jack Smith
whose father is John (contacts weigh W_CONTACT). A birth year only lifts rows already matched.

Everything is numpy over the matched entries (typically thousands), never over all cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dutyline.domain.search.columns import EPOCH
from dutyline.domain.search.index import F_CONTACT, FIELD_NAMES, CaseIndex
from dutyline.domain.search.names import PARTICLES
from dutyline.domain.search.query import ParsedQuery
from dutyline.domain.search.vocab import EXACT, KIND_NAMES, TYPO
from dutyline.domain.text import postcode_key

W_CONTACT = 0.92
W_DOB = 1.2
W_YEAR = 0.45
W_PHONE = 1.6
W_POSTCODE = 1.0
W_REF = 3.0
W_FRAGMENT = 1.0
W_FRAGMENT_YEAR = 0.35
W_SCHOOL = 0.7
GAMMA = 0.3
MAX_PERSON = 7

F_DOB, F_PHONE, F_POSTCODE, F_REF, F_SCHOOL = 4, 5, 6, 7, 8
ALL_FIELDS = (*FIELD_NAMES, "date_of_birth", "phone", "postcode", "case_ref", "school")
_FIELD_W = np.array([1.0, 1.0, 1.0, W_CONTACT], dtype=np.float32)


@dataclass
class Match:
    """Why a row matched one term (for highlighting)."""

    field: str
    term: str
    kind: str
    contact: int | None


@dataclass
class Ranked:
    rows: np.ndarray
    scores: np.ndarray
    matches: dict[int, list[Match]] = field(default_factory=dict)


class _Entries:
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


def merge_words(index: CaseIndex, words: list[str]) -> list[str]:
    """Split 'asante-sei' (+ joined 'asantesei'); join 'o brien' -> 'obrien', 'mc donald' -> 'mcdonald'."""
    vocab = index.vocab
    split: list[str] = []
    for w in words:  # 'asante-sei': both halves, plus the joined form when it meets an indexed name
        if "-" in w:
            joined = w.replace("-", "")
            split.extend(w.split("-") + ([joined] if vocab.match(joined) else []))
        else:
            split.append(w)
    words = split
    out: list[str] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words):
            a, b = words[i], words[i + 1]
            joined = a + b
            if joined in vocab and (a not in vocab or b not in vocab or a in PARTICLES):
                out.append(joined)
                i += 2
                continue
        out.append(words[i])
        i += 1
    return out


def collect(index: CaseIndex, q: ParsedQuery, words: list[str], prefix_last: bool) -> tuple[_Entries, list[str]]:
    """Entries for every term; returns them and the display text of each term index."""
    e = _Entries()
    terms: list[str] = []
    d = index.d
    exact = {index.vocab.ids[w] for w in words if w in index.vocab}
    for ti, w in enumerate(words):
        terms.append(w)
        tids, sims, kinds = index.vocab.match_arrays(w, prefix=prefix_last and ti == len(words) - 1)
        if len(exact) > (w in index.vocab):
            # A token another query word spells exactly is that word's, not a fuzzy match of this one
            # ('ruaidh reid' must not count Reid twice).
            own = index.vocab.ids.get(w, -1)
            keep = np.fromiter((t == own or t not in exact for t in tids.tolist()), bool, len(tids))
            tids, sims, kinds = tids[keep], sims[keep], kinds[keep]
        if len(tids):
            starts = d.post_off[tids]
            lens = d.post_off[tids + 1] - starts
            n = int(lens.sum())
            idx = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(n, dtype=np.int64)
            fields = d.post_field[idx]
            e.add(
                d.post_row[idx],
                d.post_pos[idx],
                ti,
                _FIELD_W[fields] * np.repeat(sims, lens),
                fields,
                np.repeat(kinds, lens),
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
        e.add(
            index.cols.c_row[contacts],
            np.minimum(index.cols.c_pos[contacts], MAX_PERSON),
            len(terms) - 1,
            W_PHONE,
            F_PHONE,
        )
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
        weight = W_FRAGMENT_YEAR if frag in years else W_FRAGMENT
        e.add(index.rows_ref_suffix(frag), 0, len(terms) - 1, weight, F_REF)
    return e, terms


def rank(index: CaseIndex, q: ParsedQuery, *, limit: int, prefix_last: bool, alive: np.ndarray | None = None) -> Ranked:
    """The best `limit` rows of `index` for `q`, best first, with why each matched."""
    words = merge_words(index, q.words)
    e, terms = collect(index, q, words, prefix_last)
    if not e.rows:
        return Ranked(np.zeros(0, np.int64), np.zeros(0, np.float32))
    rows, person, term, score, fields, kinds = e.arrays()
    person = np.minimum(person, MAX_PERSON).astype(np.int64)
    uniq, inv = index.compact_rows(rows)
    n_person = int(person.max()) + 1
    # (person, term, row) with rows last, so every reduction below is a vector operation over rows.
    grid = np.zeros((n_person, len(terms), len(uniq)), dtype=np.float32)
    flat = (person * len(terms) + term) * len(uniq) + inv
    np.maximum.at(grid.reshape(-1), flat, score)
    best = grid.sum(axis=1).max(axis=0)
    total = best + GAMMA * (grid.max(axis=0).sum(axis=0) - best)
    if q.years:
        total += W_YEAR * np.isin(index.dob_year[uniq], q.years)
    if alive is not None:
        total[~alive[uniq]] = -1.0
    k = min(limit, len(uniq))
    top = np.argpartition(-total, k - 1)[:k] if k < len(uniq) else np.arange(len(uniq))
    top = top[np.lexsort((uniq[top], -total[top]))]
    top = top[total[top] > 0]
    ranked = Ranked(uniq[top], total[top])
    ranked.matches = _explain(index, ranked.rows, rows, person, term, score, fields, kinds, terms, q.years)
    return ranked


def _explain(
    index: CaseIndex,
    top_rows: np.ndarray,
    rows: np.ndarray,
    person: np.ndarray,
    term: np.ndarray,
    score: np.ndarray,
    fields: np.ndarray,
    kinds: np.ndarray,
    terms: list[str],
    years: list[int],
) -> dict[int, list[Match]]:
    """Best entry per (row, term) for the few rows shown."""
    sel = np.flatnonzero(np.isin(rows, top_rows))
    best: dict[tuple[int, int], int] = {}
    for i in sel.tolist():
        key = (int(rows[i]), int(term[i]))
        j = best.get(key)
        if j is None or score[i] > score[j]:
            best[key] = i
    out: dict[int, list[Match]] = {}
    for (row, t), i in sorted(best.items()):
        f = int(fields[i])
        kind = KIND_NAMES[int(kinds[i])] if f <= F_CONTACT or f == F_SCHOOL else "exact"
        if f == F_SCHOOL:
            kind = "exact" if terms[t] in index.school_words else KIND_NAMES[TYPO]
        contact = int(person[i]) if f in (F_CONTACT, F_PHONE) else None
        out.setdefault(row, []).append(Match(ALL_FIELDS[f], terms[t], kind, contact))
    if years:
        for row in top_rows.tolist():
            if int(index.dob_year[row]) in years:
                out.setdefault(row, []).append(Match("birth_year", str(index.dob_year[row]), "exact", None))
    return out
