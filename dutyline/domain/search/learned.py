"""Nicknames learned from the council's own records: the known-as names children are recorded under.

Why: no name file can list every short form a family uses, but the records already say which ones they
use. When several children with the forename Wojciech are recorded as known as Wojtek, a caller's
"Wojtek Kowalczyk" most likely means a Wojciech Kowalczyk whose record has no known-as at all. A pair
counts when it is seen on at least `MIN_SEEN` records and on at least `MIN_SHARE` of the records known
by that name (so a middle name that happens to sit beside a known-as, 'Olivia Grace' known as Liv, is
not learned as Grace's nickname). A known-as that is one of the record's own forenames, or its
surname, teaches nothing.

The pairs are held in memory only, worked out on first use from the index's own columns, and never
written anywhere: they are derived from children's records.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

#: Records a (forename, known-as) pair must be seen on.
MIN_SEEN = 2
#: Share of the records known by a name that must have the forename, for the pair to count.
MIN_SHARE = 0.25


def known_as_pairs(
    first: np.ndarray,
    known: np.ndarray,
    last: np.ndarray,
    name_tok_off: np.ndarray,
    name_tok: np.ndarray,
    tokens: list[str],
) -> dict[str, frozenset[str]]:
    """Each learned name's partners, both ways round ('wojtek' -> {'wojciech'}, 'wojciech' -> {'wojtek'}).

    `first`, `known` and `last` are per-record codes of name strings; a name string's tokens are
    `name_tok[name_tok_off[code]:name_tok_off[code + 1]]`, token ids into `tokens`."""
    lengths = np.diff(name_tok_off)
    has = (lengths[known] > 0) & (known != last) & (known != first)
    if not has.any():
        return {}
    n_names = len(name_tok_off) - 1
    uniq, counts = np.unique(first[has].astype(np.int64) * n_names + known[has], return_counts=True)
    by_known: Counter[int] = Counter()
    pairs: Counter[tuple[int, int]] = Counter()
    for combo, seen in zip(uniq.tolist(), counts.tolist(), strict=True):
        first_code, known_code = divmod(combo, n_names)
        own = set(_tokens(name_tok_off, name_tok, first_code))
        for k in _tokens(name_tok_off, name_tok, known_code):
            if k in own:
                continue
            by_known[k] += seen
            for f in own:
                pairs[(f, k)] += seen
    out: dict[str, set[str]] = {}
    for (f, k), seen in pairs.items():
        if seen >= MIN_SEEN and seen >= MIN_SHARE * by_known[k]:
            out.setdefault(tokens[f], set()).add(tokens[k])
            out.setdefault(tokens[k], set()).add(tokens[f])
    return {word: frozenset(partners) for word, partners in out.items()}


def _tokens(name_tok_off: np.ndarray, name_tok: np.ndarray, code: int) -> list[int]:
    found: list[int] = name_tok[int(name_tok_off[code]) : int(name_tok_off[code + 1])].tolist()
    return found
