"""Scoring: turn a parsed query into ranked rows of one IndexSegment, by evidence per query word and field.

Model (record linkage in the Fellegi-Sunter style). Each query word is compared with each candidate
person's name tokens at an agreement level (`vocab`: exact, listed nickname or sound-alike, leading part,
phonetic key, Jaro-Winkler bands, none), each worth some bits of evidence; a word that agrees with nothing
costs W_NONE. Exact keys (date of birth, phone, postcode, reference, school) add their own weights.

Candidates come from any word: the posting lists of the tokens a word may mean (exact, listed, phonetic,
typo) and the exact keys. Every candidate's own names are then compared with *every* query word at every
level, so a word matching nothing the tables know still orders the candidates another word brought in
("Fred Hallworth": the Hallworths come from the surname, and Frederick beats Henry because 'fred' leads
it). Contacts are compared through the postings only (they can bring a case, weighed W_CONTACT).

Per row, the person (the child, or one contact) explaining most of the query counts in full and words only
other people explain count at GAMMA, so a child whose own names explain the query beats a child matched
half through a parent. Split and joined words are tried as alternative readings ("smith son" read as
'smithson', "ellacarter" as 'ella carter'), and each row keeps its best reading. The best rows are then
re-scored with each name token used by one word at most, and a surname only partly explained (Carter for
Carter-Wright) loses W_PARTIAL, so an exact surname beats a double-barrelled superset.

Everything before the re-scoring is numpy over the candidates (typically thousands), never over all cases.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from dutyline.domain.search.columns import EPOCH, NO_DATE
from dutyline.domain.search.index import F_CONTACT, F_FIRST, F_KNOWN, F_LAST, FIELD_NAMES, IndexSegment, _expand
from dutyline.domain.search.names import PARTICLES, words
from dutyline.domain.search.query import ParsedQuery
from dutyline.domain.search.vocab import EXACT, KIND_OF_LEVEL, NONE, PHONETIC
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
MAX_PERSON = 7
#: Rows re-scored with one token per word (the best by the vectorised score, beyond those shown).
RESCORE_EXTRA = 20

F_DOB, F_PHONE, F_POSTCODE, F_REF, F_SCHOOL = 4, 5, 6, 7, 8
ALL_FIELDS = (*FIELD_NAMES, "date_of_birth", "phone", "postcode", "case_ref", "school")
_CHILD_FIELDS = (F_FIRST, F_KNOWN, F_LAST)


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
    #: Scores of every plausible row (at least PLAUSIBLE of the best), best first, at most MAX_COUNTED.
    plausible: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))


#: A row counts as a plausible match when it scores at least this share of the best row.
PLAUSIBLE = 0.7
MAX_COUNTED = 100_000


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
    return list(dict.fromkeys(out))  # 'al-sayed' gives 'alsayed' twice (joined, then particle + word)


def readings(index: IndexSegment, words: list[str]) -> tuple[list[str], list[list[int]]]:
    """Name terms (the words, then alternative words) and the readings: which terms each reading uses.

    Reading 0 is the words as typed. Two neighbours joined ('smith son' -> smithson) are a reading when the
    join means an indexed name (exact, listed, phonetic or one typo); a word found nowhere that splits into
    two indexed names ('ellacarter') is a reading with the two halves.
    """
    vocab = index.vocab
    terms = list(words)
    reads = [list(range(len(words)))]
    for i in range(len(words) - 1):
        joined = words[i] + words[i + 1]
        _ids, _w, levels = vocab.strong(joined)
        if len(levels) and int(levels.min()) <= PHONETIC and not (words[i] in vocab and words[i + 1] in vocab):
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
    return terms, reads


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
        if frag in years:
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
    flags in a scratch array the size of the table (the service serialises searches)."""
    if len(values) * 16 < size:
        uniq, inv = np.unique(values, return_inverse=True)
        return uniq, inv.reshape(-1)
    arrays = index.arrays
    flags = arrays.get(name)
    if flags is None or len(flags) < size:
        flags = arrays[name] = np.zeros(size, dtype=np.int64)
    flags[values] = 1
    uniq = np.flatnonzero(flags[:size])
    flags[uniq] = np.arange(len(uniq))
    inv = flags[values]
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


def _child_names(index: IndexSegment, uniq: np.ndarray, names: list[str], prefix_last: int) -> _ChildNames:
    cols, d = index.cols, index.d
    codes = np.stack([cols.first[uniq], cols.known[uniq], cols.last[uniq]])  # (3, rows)
    dc, dc_inv = _dense_unique(index, "codes", codes.reshape(-1), len(cols.names))
    which, toks = _expand(dc, d.name_tok_off, d.name_tok)
    tok_ids, t_inv = _dense_unique(index, "tokens", toks, len(index.vocab.tokens))
    n_terms = len(names)
    weights = np.zeros((n_terms, len(tok_ids)), np.float32)
    levels = np.full((n_terms, len(tok_ids)), NONE, np.int8)
    best = np.zeros((n_terms, codes.shape[1]), np.float32)
    last = np.zeros((n_terms, codes.shape[1]), np.float32)
    counts = (d.name_tok_off[1:] - d.name_tok_off[:-1])[dc]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    has = counts > 0
    for ti, w in enumerate(names):
        weights[ti], levels[ti], as_surname = index.vocab.weigh_fields(
            w, tok_ids.astype(np.int64), prefix=ti == prefix_last
        )
        if not len(which):
            continue
        grid = dc_inv.reshape(codes.shape)
        per_code = _per_code(weights[ti][t_inv], starts, has, len(dc))
        if ti != prefix_last:  # a surname's part or nickname is weaker (unless typing it)
            last[ti] = _per_code(as_surname[t_inv], starts, has, len(dc))[grid[2]]
        else:
            last[ti] = per_code[grid[2]]
        best[ti] = np.maximum(per_code[grid[:2]].max(axis=0), last[ti])
    has_last = has[dc_inv.reshape(codes.shape)[2]] if len(dc) else np.zeros(codes.shape[1], bool)
    return _ChildNames(tok_ids.tolist(), weights, levels, best, last, has_last)


def rank(
    index: IndexSegment, q: ParsedQuery, *, limit: int, prefix_last: bool, alive: np.ndarray | None = None
) -> Ranked:
    """The best `limit` rows of `index` for `q`, best first, with why each matched."""
    words_ = merge_words(index, q.words)
    names, reads = readings(index, words_)
    last = len(words_) - 1 if prefix_last else -1
    e, terms = collect(index, q, names, last)
    outward_rows = [index.rows_outward(o) for o in q.outwards]
    if e.rows:
        rows, person, term, score, fields, _kinds = e.arrays()
        uniq, inv = index.compact_rows(rows)  # each entry's position among the candidates, without a search
    else:  # an outward postcode alone lists the children there
        if not any(len(r) for r in outward_rows):
            return Ranked(np.zeros(0, np.int64), np.zeros(0, np.float32))
        uniq, _ = index.compact_rows(np.concatenate(outward_rows).astype(np.int64))
        rows = person = term = score = fields = inv = np.zeros(0, np.int64)
    n_terms = len(terms)
    n_names = len(names)
    person = np.minimum(person, MAX_PERSON).astype(np.int64)
    n_person = int(person.max()) + 1 if len(person) else 1
    grid = np.zeros((n_person, n_terms, len(uniq)), dtype=np.float32)
    not_child_name = (person > 0) | (term >= n_names) | (fields == F_SCHOOL)
    flat = (person * n_terms + term) * len(uniq) + inv
    np.maximum.at(grid.reshape(-1), flat[not_child_name], score[not_child_name].astype(np.float32))
    child = _child_names(index, uniq, names, last)
    grid[0, :n_names] = np.maximum(grid[0, :n_names], child.best)
    extra = list(range(n_names, n_terms))
    total = np.full(len(uniq), -np.inf, np.float32)
    chosen = np.zeros(len(uniq), np.int64)
    for ri, read in enumerate(reads):
        sub = grid[:, read + extra]
        per_person = sub.sum(axis=1)
        best_person = per_person.max(axis=0)
        others = sub.max(axis=0).sum(axis=0) - best_person
        s = best_person + GAMMA * others
        s += W_NONE * (sub[:, : len(read)].max(axis=0) <= 0).sum(axis=0)
        if len(read) >= 2:  # two name words or more: one of them is likely the surname ...
            missed = child.has_last & (child.last[read].max(axis=0) < SURNAME_MET)
            who = per_person.argmax(axis=0)  # ... unless a contact (a parent asked for) meets every word
            whole = (np.take_along_axis(sub[:, : len(read)], who[None, None, :], axis=0)[0] > 0).all(axis=0)
            s -= W_SURNAME_MISS * missed * ((who == 0) | ~whole)
        better = s > total
        total[better] = s[better]
        chosen[better] = ri
    for o_rows in outward_rows:
        total += W_OUTWARD * _member(index, uniq, o_rows)
    if q.years:
        total += W_YEAR * np.isin(index.dob_year[uniq], q.years)
    if q.dates:
        total += _near_dates(index, uniq, q)
    if alive is not None:
        total[~alive[uniq]] = -np.inf
    k = min(limit + RESCORE_EXTRA, len(uniq))
    top = np.argpartition(-total, k - 1)[:k] if k < len(uniq) else np.arange(len(uniq))
    top = top[np.lexsort((uniq[top], -total[top]))]
    if n_names:  # re-scoring only lowers a score: stop once no later row can reach the shown ones
        done: list[float] = []
        for n_done, i in enumerate(top.tolist()):
            if not np.isfinite(total[i]) or (len(done) >= limit and total[i] < sorted(done)[-limit]):
                top = top[:n_done]
                break
            total[i] += _rescore(index, int(uniq[i]), child, reads[int(chosen[i])], grid[:, :, i], i)
            done.append(float(total[i]))
    top = top[np.lexsort((uniq[top], -total[top]))][:limit]
    top = top[np.isfinite(total[top])]
    finite = total[np.isfinite(total)]
    best = float(finite.max()) if len(finite) else 0.0
    plausible = finite[finite >= best * PLAUSIBLE] if best > 0 else finite
    plausible = -np.sort(-plausible)[:MAX_COUNTED]
    ranked = Ranked(uniq[top], total[top], plausible=plausible)
    ranked.matches = _explain(index, ranked.rows, uniq, child, reads, chosen, e, terms, names, q.years)
    return ranked


def _name_tokens(index: IndexSegment, code: int) -> list[int]:
    """Token ids of one name string (cached per index: the same names recur in every result list)."""
    cache = index.scratch.setdefault("tokens", {})
    hit = cache.get(code)
    if hit is None:
        if len(cache) > 65536:
            cache.clear()
        d = index.d
        hit = cache[code] = d.name_tok[int(d.name_tok_off[code]) : int(d.name_tok_off[code + 1])].tolist()
    return cast(list[int], hit)


def _surname_pieces(index: IndexSegment, code: int) -> list[str]:
    """The words of a surname that must each be met for it to count as wholly explained."""
    cache = index.scratch.setdefault("pieces", {})
    hit = cache.get(code)
    if hit is None:
        if len(cache) > 65536:
            cache.clear()
        hit = cache[code] = [p for p in words(index.cols.names[code]) if len(p) > 1 and p not in PARTICLES]
    return cast(list[str], hit)


def _overlaps(tokens: list[str], t: int, used: set[int], names: tuple[list[int], ...]) -> bool:
    """Whether token `t` is a particle's joined form of a token already used from the same name string, or
    the other way round ('sayed' and 'alsayed' are one surname: two query words must not each take one).
    Double-barrelled halves ('ashby', 'cole', 'ashbycole') are left alone: the query counts them alike."""
    text = tokens[t]
    return any(
        u in used
        and u != t
        and (
            (text.endswith(tokens[u]) and text[: -len(tokens[u])] in PARTICLES)
            or (tokens[u].endswith(text) and tokens[u][: -len(text)] in PARTICLES)
        )
        for toks in names
        if t in toks
        for u in toks
    )


def _rescore(index: IndexSegment, row: int, child: _ChildNames, read: list[int], cell: np.ndarray, r: int) -> float:
    """Correction to a row's vectorised score: each of the child's tokens used by one word at most, and
    W_PARTIAL off when a surname is only partly explained (Carter for Carter-Wright).

    Only when the child is the best-explaining person (contacts are left as scored)."""
    if cell[0].sum() < cell.sum(axis=1).max():
        return 0.0
    cols = index.cols
    first = _name_tokens(index, int(cols.first[row]))
    known = _name_tokens(index, int(cols.known[row]))
    last = _name_tokens(index, int(cols.last[row]))
    pos = {t: bisect.bisect_left(child.tokens, t) for t in (*first, *known, *last)}
    pairs: list[tuple[float, int, int]] = []
    for ti in read:
        for t in dict.fromkeys((*first, *known, *last)):
            w = float(child.weights[ti, pos[t]])
            if w > 0:
                pairs.append((w, ti, t))
    pairs.sort(reverse=True)
    used_w: set[int] = set()
    used_t: set[int] = set()
    got = 0.0
    vocab = index.vocab
    for w, ti, t in pairs:
        if ti in used_w or t in used_t or _overlaps(vocab.tokens, t, used_t, (first, known, last)):
            continue
        used_w.add(ti)
        used_t.add(t)
        got += w
    vector = float(sum(child.best[ti, r] for ti in read))
    delta = min(0.0, got - vector)
    # Surname pieces: every letter word of the surname should be met by a used token that contains it.
    used_text = [vocab.tokens[t] for t in used_t if t in last]
    if used_text:
        pieces = _surname_pieces(index, int(cols.last[row]))
        if any(not any(p in u for u in used_text) for p in pieces):
            delta -= W_PARTIAL
    return delta


def _explain(
    index: IndexSegment,
    top_rows: np.ndarray,
    uniq: np.ndarray,
    child: _ChildNames,
    reads: list[list[int]],
    chosen: np.ndarray,
    e: _Entries,
    terms: list[str],
    names: list[str],
    years: list[int],
) -> dict[int, list[Match]]:
    """Which term matched which field of the few rows shown, at what level."""
    out: dict[int, list[Match]] = {}
    cols = index.cols
    if e.rows:
        rows, person, term, score, fields, kinds = e.arrays()
    else:
        rows = person = term = score = fields = kinds = np.zeros(0, np.int64)
    sel = np.flatnonzero(_member(index, rows, top_rows))
    other: dict[tuple[int, int], int] = {}  # (row, term) -> best entry that is not the child's own name
    for i in sel.tolist():
        f = int(fields[i])
        if f in _CHILD_FIELDS:
            continue
        key = (int(rows[i]), int(term[i]))
        j = other.get(key)
        if j is None or score[i] > score[j]:
            other[key] = i
    for row in top_rows.tolist():
        r = int(np.searchsorted(uniq, row))
        read = set(reads[int(chosen[r])])
        codes = (int(cols.first[row]), int(cols.known[row]), int(cols.last[row]))
        for t in range(len(terms)):
            if t < len(names) and t not in read:
                continue
            best: tuple[float, Match] | None = None
            if t < len(names):
                for f, code in zip(_CHILD_FIELDS, codes, strict=True):
                    for tok in _name_tokens(index, code):
                        p = bisect.bisect_left(child.tokens, tok)
                        w = float(child.weights[t, p])
                        if w > 0 and (best is None or w > best[0]):
                            kind = KIND_OF_LEVEL[int(child.levels[t, p])]
                            best = (w, Match(FIELD_NAMES[f], terms[t], kind, None))
            j = other.get((row, t))
            if j is not None and (best is None or float(score[j]) > best[0]):
                f = int(fields[j])
                kind = KIND_OF_LEVEL[int(kinds[j])] if f == F_CONTACT else "exact"
                contact = int(person[j]) if f in (F_CONTACT, F_PHONE) else None
                best = (float(score[j]), Match(ALL_FIELDS[f], terms[t], kind, contact))
            if best is not None:
                out.setdefault(row, []).append(best[1])
    if years:
        for row in top_rows.tolist():
            if int(index.dob_year[row]) in years:
                out.setdefault(row, []).append(Match("birth_year", str(index.dob_year[row]), "exact", None))
    return out
