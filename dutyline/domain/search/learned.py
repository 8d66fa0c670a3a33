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
    uniq, counts = np.unique(first[has].astype(np.int64) * n_names + known[has], return_counts=True)
    first_code, known_code = np.divmod(uniq, n_names)
    # One-word forename and known-as (nearly every record): numpy. A record may hold a million of them.
    single = (lengths[first_code] == 1) & (lengths[known_code] == 1)
    f = name_tok[name_tok_off[first_code[single]]].astype(np.int64)
    k = name_tok[name_tok_off[known_code[single]]].astype(np.int64)
    keep = f != k
    pair_f, pair_k, pair_n = [f[keep]], [k[keep]], [counts[single][keep]]
    by_k, by_n = [k[keep]], [counts[single][keep]]
    # The rest (two forenames, a hyphenated known-as): one pass each.
    more_f: list[int] = []
    more_k: list[int] = []
    more_n: list[int] = []
    alone_k: list[int] = []
    alone_n: list[int] = []
    rest = ~single
    for fc, kc, seen in zip(first_code[rest].tolist(), known_code[rest].tolist(), counts[rest].tolist(), strict=True):
        own = set(_tokens(name_tok_off, name_tok, fc))
        for kt in _tokens(name_tok_off, name_tok, kc):
            if kt in own:
                continue
            alone_k.append(kt)
            alone_n.append(seen)
            for ft in own:
                more_f.append(ft)
                more_k.append(kt)
                more_n.append(seen)
    pair_f.append(np.asarray(more_f, np.int64))
    pair_k.append(np.asarray(more_k, np.int64))
    pair_n.append(np.asarray(more_n, np.int64))
    by_k.append(np.asarray(alone_k, np.int64))
    by_n.append(np.asarray(alone_n, np.int64))
    by_known = np.bincount(np.concatenate(by_k), weights=np.concatenate(by_n), minlength=n_tokens)
    keys, at = np.unique(np.concatenate(pair_f) * n_tokens + np.concatenate(pair_k), return_inverse=True)
    seen_n = np.bincount(at.reshape(-1), weights=np.concatenate(pair_n), minlength=len(keys))
    partner_f, partner_k = np.divmod(keys, n_tokens)
    learned = (seen_n >= MIN_SEEN) & (seen_n >= MIN_SHARE * by_known[partner_k])
    out: dict[str, set[str]] = {}
    for ft, kt in zip(partner_f[learned].tolist(), partner_k[learned].tolist(), strict=True):
        out.setdefault(tokens[ft], set()).add(tokens[kt])
        out.setdefault(tokens[kt], set()).add(tokens[ft])
    return {word: frozenset(partners) for word, partners in out.items()}


def _tokens(name_tok_off: np.ndarray, name_tok: np.ndarray, code: int) -> list[int]:
    found: list[int] = name_tok[int(name_tok_off[code]) : int(name_tok_off[code + 1])].tolist()
    return found
