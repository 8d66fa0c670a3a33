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
re-scored (`rescore`) with each person's name tokens used by one word each, as often as the name holds
them, and a surname only partly explained (Carter for Carter-Wright) loses W_PARTIAL, so an exact surname
beats a double-barrelled superset.

Everything before the re-scoring is numpy over the candidates (typically thousands), never over all cases.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace

import numpy as np

from dutyline.domain.search.derive import F_CONTACT, FIELD_NAMES
from dutyline.domain.search.evidence import (
    _CHILD_FIELDS,
    ALL_FIELDS,
    F_PHONE,
    F_SCHOOL,
    MAX_PERSON,
    RESCORE_EXTRA,
    W_OUTWARD,
    W_YEAR,
    _Entries,
    collect,
    merge_words,
    readings,
)
from dutyline.domain.search.index import IndexSegment
from dutyline.domain.search.levels import EXACT, JW70, KIND_OF_LEVEL
from dutyline.domain.search.names import FILLERS
from dutyline.domain.search.per_candidate import _child_names, _ChildNames, _member
from dutyline.domain.search.query import ParsedQuery
from dutyline.domain.search.rescore import ContactMemo, depends, name_tokens_of, rescore
from dutyline.domain.search.totals import PLAUSIBLE, Candidates, best_positions, survivors, totals


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
    #: Rows shown that leave a typed name word meeting nothing of theirs, or only at the weakest spelling
    #: level (not a Match, however they score).
    unmet: set[int] = field(default_factory=set)


MAX_COUNTED = 100_000
#: Rows re-scored at most per query (`_shown`): the first `limit` + RESCORE_EXTRA, and then only rows whose
#: vectorised score is still above the shown ones'.
MAX_RESCORED = 100


def rank(
    index: IndexSegment, q: ParsedQuery, *, limit: int, prefix_last: bool, alive: np.ndarray | None = None
) -> Ranked:
    """The best `limit` rows of `index` for `q`, best first, with why each matched."""
    words_ = merge_words(index, q.words)
    names, reads, joined = readings(index, words_)
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
    n_names = len(names)
    person = np.minimum(person, MAX_PERSON).astype(np.int64)
    bonus: list[np.ndarray] = [W_OUTWARD * _member(index, uniq, o_rows) for o_rows in outward_rows]
    if q.years:
        bonus.append(W_YEAR * np.isin(index.dob_year[uniq], q.years))
    c = Candidates(
        index,
        q,
        uniq,
        inv,
        person,
        term,
        score,
        (person > 0) | (term >= n_names) | (fields == F_SCHOOL),
        _child_names(index, uniq, names, last, joined),
        reads,
        len(terms),
        n_names,
        int(person.max()) + 1 if len(person) else 1,
        bonus,
        alive[uniq] if alive is not None else None,
    )
    child = c.child
    memo = _Memo()

    def floor(sel: np.ndarray, total: np.ndarray, chosen: np.ndarray, grid: np.ndarray) -> tuple[float, float]:
        """Scores rows surely keep after re-scoring: the best of these rows' re-scored ones, and the
        `limit`-th best (-inf when fewer were re-scored; +inf when nothing is, as nothing reaches further)."""
        some = _some(child, sel)
        got = _shown(index, uniq[sel], total.copy(), chosen, grid, some, reads, limit, names, last, memo)[1]
        shown = (sorted(got)[-limit] if len(got) >= limit else -np.inf) if names else np.inf
        return max(got, default=-np.inf), shown

    sel = survivors(c, min(limit + RESCORE_EXTRA, len(uniq)), floor)
    total, chosen, grid = totals(c, sel)
    if sel is not None:  # the rest can be neither shown nor counted: carry on with these alone
        uniq, child = uniq[sel], _some(child, sel)
    top, _ = _shown(index, uniq, total, chosen, grid, child, reads, limit, names, last, memo)
    finite = total[np.isfinite(total)]
    best = float(finite.max()) if len(finite) else 0.0
    plausible = finite[finite >= best * PLAUSIBLE] if best > 0 else finite
    plausible = -np.sort(-plausible)[:MAX_COUNTED]
    ranked = Ranked(uniq[top], total[top], plausible=plausible)
    areas = list(zip(q.outwards, outward_rows, strict=True))
    ranked.matches, ranked.unmet = _explain(
        index, ranked.rows, uniq, child, reads, chosen, e, terms, names, q.years, areas
    )
    return ranked


def _some(child: _ChildNames, sel: np.ndarray) -> _ChildNames:
    """`child` for the candidates at positions `sel` only."""
    return replace(child, best=child.best[:, sel], last=child.last[:, sel], has_last=child.has_last[sel])


def _shown(
    index: IndexSegment,
    uniq: np.ndarray,
    total: np.ndarray,
    chosen: np.ndarray,
    grid: np.ndarray,
    child: _ChildNames,
    reads: list[list[int]],
    limit: int,
    names: list[str],
    prefix_last: int,
    memo: _Memo,
) -> tuple[np.ndarray, list[float]]:
    """Positions of the rows shown, best first, after re-scoring the best (in `total`, in place); and the
    scores of the rows re-scored, or the best score when there are no name words to re-score by. `memo`
    keeps each (row, reading)'s correction: the rows `survivors` re-scored are mostly the ones shown."""
    first = min(limit + RESCORE_EXTRA, len(uniq))
    top = best_positions(total, min(MAX_RESCORED, len(uniq)) if names else first)
    top = top[np.lexsort((uniq[top], -total[top]))]
    done: list[float] = []
    if names:  # re-scoring only lowers a score: stop once no later row can reach the shown ones
        for n_done, i in enumerate(top.tolist()):
            # Past the first rows, go on only while a row could still overtake one shown: "li li" scores
            # every Li as if both words met her name until she is re-scored, so Li Li may come later.
            kth = sorted(done)[-limit] if len(done) >= limit else -np.inf
            if not np.isfinite(total[i]) or total[i] < kth or (n_done >= first and total[i] <= kth):
                top = top[:n_done]
                break
            key = (int(uniq[i]), int(chosen[i]))
            delta = memo.rows.get(key)
            if delta is None:
                read, cell = reads[key[1]], grid[:, :, i]
                alike = depends(index, key[0], child, read, cell, i)
                delta = memo.alike.get(alike)
                if delta is None:
                    delta = rescore(index, key[0], child, read, cell, i, names, prefix_last, memo.contacts)
                    memo.alike[alike] = delta
                memo.rows[key] = delta
            total[i] += delta
            done.append(float(total[i]))
    elif np.isfinite(total).any():
        done = [float(total[np.isfinite(total)].max())]  # nothing is re-scored: the best is kept as it is
    top = top[np.lexsort((uniq[top], -total[top]))][:limit]
    return top[np.isfinite(total[top])], done


@dataclass
class _Memo:
    """One query's re-scoring corrections: by (row, reading), as `survivors` re-scores the rows that are
    then mostly shown; and by what a correction depends on (`rescore.depends`), shared by rows alike;
    and the contact names' weights the corrections are made of (`rescore.ContactMemo`)."""

    rows: dict[tuple[int, int], float] = field(default_factory=dict)
    alike: dict[tuple[object, ...], float] = field(default_factory=dict)
    contacts: ContactMemo = field(default_factory=dict)


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
    areas: list[tuple[str, np.ndarray]],
) -> tuple[dict[int, list[Match]], set[int]]:
    """Which term matched which field of the few rows shown, at what level; and which of those rows leave
    a name term of their reading unmatched, or met only at the weakest level (Jaro-Winkler 0.70-0.85): a
    date of birth or a rare surname can put such a row first, and it is still not the child the caller
    named ('kiana huxley' is not Tanar Huxley)."""
    out: dict[int, list[Match]] = {}
    unmet: set[int] = set()
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
            best: tuple[float, Match, int] | None = None  # (weight, why, agreement level)
            if t < len(names):
                for f, code in zip(_CHILD_FIELDS, codes, strict=True):
                    for tok in name_tokens_of(index, code):
                        p = bisect.bisect_left(child.tokens, tok)
                        w = float(child.weights[t, p])
                        if w > 0 and (best is None or w > best[0]):
                            level = int(child.levels[t, p])
                            best = (w, Match(FIELD_NAMES[f], terms[t], KIND_OF_LEVEL[level], None), level)
            j = other.get((row, t))
            if j is not None and (best is None or float(score[j]) > best[0]):
                f = int(fields[j])
                level = int(kinds[j]) if f == F_CONTACT else EXACT
                contact = int(person[j]) if f in (F_CONTACT, F_PHONE) else None
                best = (float(score[j]), Match(ALL_FIELDS[f], terms[t], KIND_OF_LEVEL[level], contact), level)
            if best is not None:
                out.setdefault(row, []).append(best[1])
            if t < len(names) and (best is None or best[2] >= JW70) and terms[t] not in FILLERS:
                unmet.add(row)
    if years:
        for row in top_rows.tolist():
            if int(index.dob_year[row]) in years:
                out.setdefault(row, []).append(Match("birth_year", str(index.dob_year[row]), "exact", None))
    for outward, area_rows in areas:  # 'al8': said, so the Matched on column is not blank for a list by area
        for row in top_rows[np.isin(top_rows, area_rows)].tolist():
            out.setdefault(row, []).append(Match("postcode_area", outward, "exact", None))
    return out, unmet
