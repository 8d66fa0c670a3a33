"""Re-scoring the few rows that may be shown: each person's name tokens used by one query word at most.

The vectorised score (`totals`) gives each query word the best weight any token of a person has for it,
so two words may both take one token: "darragh darragh daly" would credit a parent Darragh Daly's one
'darragh' twice, and "li wang" would credit the child Li Wang's 'li' for both words of "li li". Here the
rows near the top are scored again with each token of each person (the child, and each contact) given
to one word only, as many times as the name holds it ("li li" does explain Li Li), and the row's score
is recomputed from those weights by the same rule as `totals`. A surname only partly explained (Carter
for Carter-Wright) then loses W_PARTIAL when the child explains the row.

Re-scoring only lowers a score (every weight can only fall), which `totals.survivors` relies on.
"""

from __future__ import annotations

import bisect
from collections import Counter
from typing import cast

import numpy as np

from dutyline.domain.search.evidence import GAMMA, MAX_PERSON, W_CONTACT, W_NONE, W_PARTIAL
from dutyline.domain.search.index import IndexSegment
from dutyline.domain.search.names import PARTICLES, name_tokens, words
from dutyline.domain.search.per_candidate import _ChildNames


def _cached(index: IndexSegment, name: str, code: int, make: object) -> object:
    cache = index.scratch.setdefault(name, {})
    hit = cache.get(code)
    if hit is None:
        if len(cache) > 65536:
            cache.clear()
        hit = cache[code] = make() if callable(make) else make
    return hit


def name_tokens_of(index: IndexSegment, code: int) -> list[int]:
    """Token ids of one name string (cached per index: the same names recur in every result list)."""
    d = index.d
    start, end = int(d.name_tok_off[code]), int(d.name_tok_off[code + 1])
    return cast(list[int], _cached(index, "tokens", code, lambda: d.name_tok[start:end].tolist()))


def _room(text: str, tokens: list[int], vocab_tokens: list[str]) -> Counter[int]:
    """How many words each token may serve: as often as the name holds the word (Darragh Darragh: two),
    once for a joined form."""
    held = Counter(words(text))
    return Counter({t: max(1, held[vocab_tokens[t]]) for t in tokens})


def _child_room(index: IndexSegment, code: int) -> Counter[int]:
    text, tokens = index.cols.names[code], name_tokens_of(index, code)
    return cast(Counter[int], _cached(index, "room", code, lambda: _room(text, tokens, index.vocab.tokens)))


def _surname_pieces(index: IndexSegment, code: int) -> list[str]:
    """The words of a surname that must each be met for it to count as wholly explained."""
    return cast(
        list[str],
        _cached(
            index,
            "pieces",
            code,
            lambda: [p for p in words(index.cols.names[code]) if len(p) > 1 and p not in PARTICLES],
        ),
    )


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


def _assign(
    weights: dict[tuple[int, int], float],
    read: list[int],
    room: Counter[int],
    overlap: tuple[list[int], ...],
    vocab_tokens: list[str],
) -> tuple[list[float], set[int]]:
    """Each word's weight when the best (word, token) pairs are taken first and a token serves at most
    `room` words; and the tokens used."""
    got = [0.0] * len(read)
    at = {ti: i for i, ti in enumerate(read)}
    used_t: set[int] = set()
    for (ti, t), w in sorted(weights.items(), key=lambda kv: -kv[1]):
        if got[at[ti]] > 0 or room[t] == 0 or _overlaps(vocab_tokens, t, used_t, overlap):
            continue
        got[at[ti]] = w
        used_t.add(t)
        room[t] -= 1
    return got, used_t


def _score(sub: np.ndarray, n_read: int) -> float:
    """A reading's score from its person x term weights, by the rule of `totals` (GAMMA, W_NONE)."""
    per_person = sub.sum(axis=1)
    best = float(per_person.max())
    others = float(sub.max(axis=0).sum()) - best
    return best + GAMMA * others + W_NONE * int((sub[:, :n_read].max(axis=0) <= 0).sum())


def rescore(
    index: IndexSegment,
    row: int,
    child: _ChildNames,
    read: list[int],
    cell: np.ndarray,
    r: int,
    names: list[str],
    prefix_last: int,
) -> float:
    """Correction (zero or less) to the vectorised score of candidate `r` (case `row`) for one reading,
    from its person x term weights `cell`."""
    n_names = len(names)
    extra = list(range(n_names, cell.shape[1]))
    old = cell[:, read + extra]
    new = old.copy()
    vocab = index.vocab
    cols = index.cols
    codes = (int(cols.first[row]), int(cols.known[row]), int(cols.last[row]))
    first, known, last = (name_tokens_of(index, c) for c in codes)
    room = _child_room(index, codes[0]) + _child_room(index, codes[2])
    for t in known:  # a known-as is another form of the first name, not one more name
        room[t] = max(room[t], 1)
    child_w: dict[tuple[int, int], float] = {}
    for t in dict.fromkeys((*first, *known, *last)):
        p = bisect.bisect_left(child.tokens, t)
        for ti in read:
            w = float(child.weights[ti, p])
            if w > 0:
                child_w[ti, t] = w
    got, used = _assign(child_w, read, room, (first, known, last), vocab.tokens)
    # A word's weight only falls: a later forename was weighed at W_MIDDLE, and a term the child met other
    # than by name (a school word) keeps that. A word that kept its token keeps its weight exactly.
    for i, ti in enumerate(read):
        if old[0, i] <= child.best[ti, r] + 1e-6 and got[i] < old[0, i] - 1e-4:
            new[0, i] = got[i]
    for p in range(1, min(old.shape[0], MAX_PERSON)):  # the last place holds every later contact at once
        if (old[p, : len(read)] > 0).sum() >= 2:
            got_p = _contact_weights(index, row, p, read, names, prefix_last)
            if got_p is not None:
                now = old[p, : len(read)]
                new[p, : len(read)] = np.where(got_p < now - 1e-4, got_p, now)
    delta = 0.0 if np.array_equal(new, old) else _score(new, len(read)) - _score(old, len(read))
    per_person = new.sum(axis=1)
    used_text = [vocab.tokens[t] for t in used if t in last]
    pieces = _surname_pieces(index, codes[2]) if used_text and per_person[0] >= per_person.max() else []
    if any(not any(piece in u for u in used_text) for piece in pieces):
        delta -= W_PARTIAL
    return min(0.0, delta)


def _contact_weights(
    index: IndexSegment, row: int, p: int, read: list[int], names: list[str], prefix_last: int
) -> np.ndarray | None:
    """Each read word's weight against contact `p` of case `row`, a token to one word (None when two
    contacts share the place: they are left as scored)."""
    cols = index.cols
    which = [int(c) for c in index.contacts_of(row) if min(int(cols.c_pos[c]), MAX_PERSON) == p]
    if len(which) != 1:
        return None
    text = cols.contact_names[int(cols.c_name[which[0]])]
    ids = index.vocab.ids
    tokens = [ids[t] for t in name_tokens(text) if t in ids]
    weights: dict[tuple[int, int], float] = {}
    for ti in read:
        on = index.vocab.strong_weights(names[ti], prefix=ti == prefix_last)
        for t in tokens:
            if t in on:
                weights[ti, t] = W_CONTACT * on[t]
    got, _used = _assign(weights, read, _room(text, tokens, index.vocab.tokens), (tokens,), index.vocab.tokens)
    return np.asarray(got, np.float32)
