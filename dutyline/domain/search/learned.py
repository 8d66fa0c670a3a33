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

import numpy as np

from dutyline.domain.search.derive import expand

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
    n_names, n_tokens = len(name_tok_off) - 1, len(tokens)
    combos, seen = np.unique(first[has].astype(np.int64) * n_names + known[has], return_counts=True)
    first_code, known_code = np.divmod(combos, n_names)
    # Each known-as token of each distinct (forename, known-as) pair of strings, then each forename token
    # beside it: numpy throughout, as a table may hold a million distinct pairs.
    k_at, k_tok = expand(known_code, name_tok_off, name_tok)
    f_at, f_tok = expand(first_code[k_at], name_tok_off, name_tok)
    own = np.zeros(len(k_tok), bool)  # the known-as token is one of the record's own forenames
    own[f_at[f_tok == k_tok[f_at]]] = True
    by_known = np.bincount(k_tok[~own], weights=seen[k_at[~own]], minlength=n_tokens)
    pair = ~own[f_at]
    keys, at = np.unique(f_tok[pair].astype(np.int64) * n_tokens + k_tok[f_at[pair]], return_inverse=True)
    count = np.bincount(at.reshape(-1), weights=seen[k_at[f_at[pair]]], minlength=len(keys))
    partner_f, partner_k = np.divmod(keys, n_tokens)
    learned = (count >= MIN_SEEN) & (count >= MIN_SHARE * by_known[partner_k])
    out: dict[str, set[str]] = {}
    for ft, kt in zip(partner_f[learned].tolist(), partner_k[learned].tolist(), strict=True):
        out.setdefault(tokens[ft], set()).add(tokens[kt])
        out.setdefault(tokens[kt], set()).add(tokens[ft])
    return {word: frozenset(partners) for word, partners in out.items()}
