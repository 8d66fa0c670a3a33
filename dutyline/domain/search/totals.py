"""The vectorised score of a query's candidates, and the upper bound that lets most of them be skipped.

`totals` is the model `scoring` describes, as numpy over any subset of the candidates: each row's score
depends on its own entries and names alone, never on which other rows are scored with it.

Why a bound: a common name brings a great many candidates at a million cases ("Jamie Bell": every Jamie
and every Bell, about 190,000 rows), and nearly all of them are Jamies of another family. Every row's
score is at most the sum, over the terms of its best reading, of the best weight any one person of the
row has for that term (the child's names as `_child_names` weighed them, a contact's, an exact key's),
plus its postcode, birth-year and near-date bonuses: GAMMA < 1 and every penalty is negative. `survivors`
scores the rows with the highest bounds first, which gives the score a row must reach to be shown (the
k-th best) and to be counted as plausible (PLAUSIBLE of the best, once re-scoring has lowered the best
rows); a row whose bound is below both can be neither, and is never scored. The result is the same as
scoring every row (tests compare the two).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dutyline.domain.search.evidence import (
    GAMMA,
    SURNAME_MET,
    W_DOB_NEAR,
    W_NONE,
    W_SURNAME_MISS,
    surname_miss_share,
)
from dutyline.domain.search.index import IndexSegment
from dutyline.domain.search.per_candidate import _ChildNames, _near_dates
from dutyline.domain.search.query import ParsedQuery

#: A row counts as a plausible match when it scores at least this share of the best row.
PLAUSIBLE = 0.7
#: Fewer candidates than this are all scored: the bound only pays for itself on big candidate sets.
PRUNE_MIN = 8192
#: Rows scored first, by highest bound, to find the scores the rest must reach (at least 4 per row asked).
PRUNE_FIRST = 1024
#: Bounds are float32 sums in another order than the scores: keep rows this close to the cut.
SLACK = 1e-3


#: (positions, their scores, readings chosen, grids) -> (a score one of those rows surely keeps, a score
#: as many of them as are shown surely keep).
Floor = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], tuple[float, float]]


@dataclass
class Candidates:
    """One query's evidence over its candidate rows, enough to score any subset of them."""

    index: IndexSegment
    q: ParsedQuery
    uniq: np.ndarray  # candidate rows, ascending
    inv: np.ndarray  # each entry's position in `uniq`
    person: np.ndarray  # each entry's person (0 the child, then contacts, capped)
    term: np.ndarray  # each entry's term
    score: np.ndarray  # each entry's weight
    other: np.ndarray  # each entry is not the child's own name (a contact, a school, an exact key)
    child: _ChildNames
    reads: list[list[int]]
    n_terms: int
    n_names: int
    n_person: int
    bonus: list[np.ndarray]  # per candidate, each added in turn: outward postcodes, birth year
    alive: np.ndarray | None  # per candidate: not deleted since the index was built (None: all are)


def totals(c: Candidates, sel: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(score, reading chosen, grid of person x term weights) of the candidates at positions `sel`
    (ascending; None for all of them)."""
    n_names, n_terms = c.n_names, c.n_terms
    if sel is None:
        n, at, keep = len(c.uniq), c.inv, c.other
        best, last, has_last, bonus, alive = c.child.best, c.child.last, c.child.has_last, c.bonus, c.alive
    else:
        where = np.full(len(c.uniq), -1, np.int64)
        where[sel] = np.arange(len(sel))
        n, at = len(sel), where[c.inv]
        keep = c.other & (at >= 0)
        best, last, has_last = c.child.best[:, sel], c.child.last[:, sel], c.child.has_last[sel]
        bonus, alive = [b[sel] for b in c.bonus], None if c.alive is None else c.alive[sel]
    grid = np.zeros((c.n_person, n_terms, n), dtype=np.float32)
    flat = (c.person[keep] * n_terms + c.term[keep]) * n + at[keep]
    np.maximum.at(grid.reshape(-1), flat, c.score[keep].astype(np.float32))
    grid[0, :n_names] = np.maximum(grid[0, :n_names], best)
    extra = list(range(n_names, n_terms))
    total = np.full(n, -np.inf, np.float32)
    chosen = np.zeros(n, np.int64)
    for ri, read in enumerate(c.reads):
        sub = grid[:, read + extra]
        per_person = sub.sum(axis=1)
        best_person = per_person.max(axis=0)
        others = sub.max(axis=0).sum(axis=0) - best_person
        s = best_person + GAMMA * others
        s += W_NONE * (sub[:, : len(read)].max(axis=0) <= 0).sum(axis=0)
        if len(read) >= 2:  # two name words or more: one of them is likely the surname ...
            near = last[read].max(axis=0)
            missed = has_last & (near < SURNAME_MET)
            # ... unless a contact (a parent asked for) explains most and meets every word. Only rows where
            # a contact beats the child need the contact found: the rest are penalised as they are.
            some = np.flatnonzero(missed & (per_person[0] < best_person))
            if len(some):
                who = per_person[:, some].argmax(axis=0)
                missed[some] = ~(sub[who, : len(read), some] > 0).all(axis=1)
            s -= W_SURNAME_MISS * missed * surname_miss_share(near)
        better = s > total
        total[better] = s[better]
        chosen[better] = ri
    for b in bonus:
        total += b
    if c.q.dates:
        total += _near_dates(c.index, c.uniq if sel is None else c.uniq[sel], c.q)
    if alive is not None:
        total[~alive] = -np.inf
    return total, chosen, grid


def best_positions(values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the `k` largest `values` (not sorted); of those tied at the last place, the first (so
    the same rows are chosen whichever other rows were scored beside them).

    By the k-th largest value (`np.partition`) and two scans, not `np.argpartition`: scores tie a great
    deal (a thousand Jamies met alike), and argpartition over 100k tied float32 values took 1 ms, this
    0.6 ms."""
    n = len(values)
    if k >= n:
        return np.arange(n)
    cut = np.partition(values, n - k)[n - k]
    above = np.flatnonzero(values > cut)
    return np.concatenate([above, np.flatnonzero(values == cut)[: k - len(above)]])


def survivors(c: Candidates, k: int, floor: Floor) -> np.ndarray | None:
    """Positions (ascending) of the candidates that could be among the best `k` or plausible, or None
    when every candidate must be scored.

    Plausible is measured against the best score *after* re-scoring (which only lowers the best rows), so
    the cut takes `floor`: given some scored rows, a score one of them surely keeps, and one as many of
    them as are shown keep (re-scoring may reach past the first k rows: `scoring._shown`)."""
    n = len(c.uniq)
    first_n = max(4 * k, PRUNE_FIRST)
    if n < PRUNE_MIN or first_n * 2 > n:
        return None
    n_names = c.n_names
    up = np.zeros((c.n_terms, n), np.float32)  # best weight of any one person of the row, per term
    flat = c.term[c.other].astype(np.int64) * n + c.inv[c.other]
    np.maximum.at(up.reshape(-1), flat, c.score[c.other].astype(np.float32))
    up[:n_names] = np.maximum(up[:n_names], c.child.best)
    extra = list(range(n_names, c.n_terms))
    bound = np.full(n, -np.inf, np.float32)
    for read in c.reads:
        np.maximum(bound, up[read + extra].sum(axis=0), out=bound)
    for b in c.bonus:
        bound += b
    if c.q.dates:
        bound += W_DOB_NEAR
    if c.alive is not None:
        bound[~c.alive] = -np.inf
    first = np.sort(best_positions(bound, first_n))
    total, chosen, grid = totals(c, first)
    scored = total[np.isfinite(total)]
    if len(scored) < k:
        return None
    kth = float(np.partition(scored, len(scored) - k)[len(scored) - k])
    low, shown = floor(first, total, chosen, grid)
    if not low > 0:
        return None  # no cut to go by: every finite row counts as plausible
    # A row below the k-th score is past the rows re-scored first; below `shown`, it can overtake none shown.
    cut = min(kth, shown, low * PLAUSIBLE) - SLACK
    keep = np.flatnonzero(bound >= cut)
    return None if len(keep) * 2 > n else keep
