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

from dutyline.domain.search.evidence import (
    GAMMA,
    MAX_PERSON,
    SURNAME_FAINT,
    W_CONTACT,
    W_NONE,
    W_PARTIAL,
    W_SURNAME_MISS,
    surname_miss_share,
)
from dutyline.domain.search.index import IndexSegment
from dutyline.domain.search.names import PARTICLES, name_tokens, words
from dutyline.domain.search.per_candidate import _ChildNames

#: One query's contact-name weights: (contact name code, reading) -> (weights, partly met).
ContactMemo = dict[tuple[int, tuple[int, ...]], tuple[np.ndarray, bool]]


def _facts(index: IndexSegment, code: int) -> tuple[list[int], Counter[int], list[str]]:
    """Of one name string, cached per index (the same names recur in every result list): its token ids;
    how many words each may serve (as often as the name holds the word, Darragh Darragh: two; once for a
    joined form); and, read as a surname, the words that must each be met for it to count as wholly
    explained."""
    cache = index.scratch.setdefault("facts", {})
    hit = cache.get(code)
    if hit is None:
        if len(cache) > 65536:
            cache.clear()
        d, text = index.d, index.cols.names[code]
        tokens = d.name_tok[int(d.name_tok_off[code]) : int(d.name_tok_off[code + 1])].tolist()
        said = words(text)
        pieces = [p for p in said if len(p) > 1 and p not in PARTICLES]
        hit = cache[code] = (tokens, _room(said, tokens, index.vocab.tokens), pieces)
    return cast(tuple[list[int], Counter[int], list[str]], hit)


def name_tokens_of(index: IndexSegment, code: int) -> list[int]:
    """Token ids of one name string."""
    return _facts(index, code)[0]


def _room(said: list[str], tokens: list[int], vocab_tokens: list[str]) -> Counter[int]:
    held = Counter(said)
    return Counter({t: max(1, held[vocab_tokens[t]]) for t in tokens})


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
) -> tuple[list[float], set[int], list[int]]:
    """Each word's weight when the best (word, token) pairs are taken first and a token serves at most
    `room` words; the tokens used; and the token each word took (-1: none)."""
    got = [0.0] * len(read)
    took = [-1] * len(read)
    at = {ti: i for i, ti in enumerate(read)}
    used_t: set[int] = set()
    for (ti, t), w in sorted(weights.items(), key=lambda kv: -kv[1]):
        if got[at[ti]] > 0 or room[t] == 0 or _overlaps(vocab_tokens, t, used_t, overlap):
            continue
        got[at[ti]] = w
        took[at[ti]] = t
        used_t.add(t)
        room[t] -= 1
    return got, used_t, took


def _best_of(child: _ChildNames, ti: int, tokens: tuple[int, ...] | list[int]) -> float:
    """Word `ti`'s best weight over some of the child's name tokens."""
    at = [bisect.bisect_left(child.tokens, t) for t in tokens]
    return max((float(child.weights[ti, p]) for p in at if p < len(child.tokens)), default=0.0)


def _surname_taken(
    old: np.ndarray, new: np.ndarray, i: int, as_surname: float, near: float, after: float, n_read: int
) -> float:
    """Correction when each word has one token and the surname is met less (`after`) than the vectorised
    score assumed (`near`): the better of the words keeping what they met and the row paying for the
    surname, and word `i` (the one nearest the surname) serving the surname instead at `as_surname`."""
    base = _score(old, n_read)
    shares = surname_miss_share(np.asarray([after, near], np.float32))
    keep = _score(new, n_read) - base - W_SURNAME_MISS * float(shares[0] - shares[1])
    moved = new.copy()
    moved[:, i] = np.minimum(moved[:, i], as_surname)  # the word is the child's surname, and no one's more
    return min(0.0, max(keep, _score(moved, n_read) - base))


def _score(sub: np.ndarray, n_read: int) -> float:
    """A reading's score from its person x term weights, by the rule of `totals` (GAMMA, W_NONE)."""
    per_person = sub.sum(axis=1)
    best = float(per_person.max())
    others = float(sub.max(axis=0).sum()) - best
    return best + GAMMA * others + W_NONE * int((sub[:, :n_read].max(axis=0) <= 0).sum())


def depends(
    index: IndexSegment, row: int, child: _ChildNames, read: list[int], cell: np.ndarray, r: int
) -> tuple[object, ...]:
    """Everything `rescore` reads of one row, beyond the query itself: the reading, the child's three name
    strings, the person x term weights, the child's weights from `_child_names`, and the names of the
    contacts it re-scores (those meeting two read words or more: see `contacts` there). At a million cases a
    common name's rows near the top are mostly children of the same name whose families meet the query
    alike: six re-scorings in ten were repeats, and rows with equal keys share one (`scoring._shown`)."""
    cols = index.cols
    talk: tuple[tuple[int, ...], ...] = ()
    if len(cell) > 1:  # (in Python: a few numbers, where numpy's calls cost more than the sums)
        two = [p for p, w in enumerate(cell[1:MAX_PERSON].tolist(), 1) if sum(w[t] > 0 for t in read) >= 2]
        if two:
            here = index.contacts_of(row)
            place = np.minimum(cols.c_pos[here], MAX_PERSON)
            talk = tuple(tuple(cols.c_name[here[place == p]].tolist()) for p in two)
    return (
        tuple(read),
        int(cols.first[row]),
        int(cols.known[row]),
        int(cols.last[row]),
        cell.shape,
        cell.tobytes(),
        child.best[:, r].tobytes(),
        child.last[:, r].tobytes(),
        bool(child.has_last[r]),
        talk,
    )


def rescore(
    index: IndexSegment,
    row: int,
    child: _ChildNames,
    read: list[int],
    cell: np.ndarray,
    r: int,
    names: list[str],
    prefix_last: int,
    heard: ContactMemo,
) -> float:
    """Correction (zero or less) to the vectorised score of candidate `r` (case `row`) for one reading,
    from its person x term weights `cell`. `heard` keeps one query's contact-name weights (by name and
    reading): three in four contacts re-scored in a query share a name with one re-scored before."""
    n_names, n_read = len(names), len(read)
    old = cell[:, read + list(range(n_names, cell.shape[1]))]
    cols = index.cols
    last, last_room, pieces = _facts(index, int(cols.last[row]))
    met = old[:, :n_read] > 0
    contacts = (np.flatnonzero(met[1:MAX_PERSON].sum(axis=1) >= 2) + 1).tolist() if len(old) > 1 else []
    # The vectorised score let any word meet the surname, even the one that took a forename ("leo chumley":
    # 'leo' is Leo Lee's forename and sounds like his surname): how near the surname was met, to check.
    near = float(child.last[read, r].max()) if n_read >= 2 and child.has_last[r] else 0.0
    fast = len(pieces) <= 1 and not len(contacts) and int(met[0].sum()) <= 1
    if fast and (near < SURNAME_FAINT or not met[0].any()):
        return 0.0  # one word met per person, and no surname to be partly explained: nothing to correct ...
    first, first_room, _ = _facts(index, int(cols.first[row]))
    known = name_tokens_of(index, int(cols.known[row]))
    if fast:  # ... unless the one word the child met takes a forename and was also what met the surname
        i = int(np.flatnonzero(met[0])[0])
        ti = read[i]
        credited = len(old) == 1 or old[0, i] >= old[1:, i].max()  # else a contact is credited with it
        if credited and _best_of(child, ti, last) >= _best_of(child, ti, (*first, *known)):
            return 0.0
        return _surname_taken(old, old, i, float(child.last[ti, r]), near, 0.0, n_read)
    new = old.copy()
    vocab = index.vocab
    room = first_room.copy()
    room.update(last_room)
    for t in known:  # a known-as is another form of the first name, not one more name
        room[t] = max(room[t], 1)
    child_w: dict[tuple[int, int], float] = {}
    for t in dict.fromkeys((*first, *known, *last)):
        p = bisect.bisect_left(child.tokens, t)
        for ti in read:
            w = float(child.weights[ti, p])
            if w > 0:
                child_w[ti, t] = w
    got, used, got_tokens = _assign(child_w, read, room, (first, known, last), vocab.tokens)
    # A word's weight only falls: a later forename was weighed at W_MIDDLE, and a term the child met other
    # than by name (a school word) keeps that. A word that kept its token keeps its weight exactly.
    for i, ti in enumerate(read):
        if old[0, i] <= child.best[ti, r] + 1e-6 and got[i] < old[0, i] - 1e-4:
            new[0, i] = got[i]
    # Contacts meeting two words or more (the last place holds every later contact at once: left alone).
    partly: set[int] = set()  # persons a double-barrelled name of whose is only partly met
    for p in contacts:
        found = _contact_weights(index, row, p, read, names, prefix_last, heard)
        if found is not None:
            got_p, partial = found
            now = old[p, :n_read]
            new[p, :n_read] = np.where(got_p < now - 1e-4, got_p, now)
            if partial:
                partly.add(p)
    delta = 0.0 if np.array_equal(new, old) else _score(new, n_read) - _score(old, n_read)
    if near >= SURNAME_FAINT:  # the surname as met once each word has one token
        # ... by a word the child is credited with: not one a contact meets better ('leo' for a parent Leo).
        after = max(
            (
                float(child.last[ti, r])
                for i, (ti, t) in enumerate(zip(read, got_tokens, strict=True))
                if t in last and (len(new) == 1 or new[0, i] >= new[1:, i].max())
            ),
            default=0.0,
        )
        if after < near - 1e-6:
            per_person = new.sum(axis=1)
            p = int(per_person.argmax())
            if p == 0 or not (new[p, :n_read] > 0).all():  # a contact meeting every word is not penalised
                i = int(np.argmax(child.last[read, r]))
                delta = _surname_taken(old, new, i, float(child.last[read[i], r]), near, after, n_read)
    used_text = [vocab.tokens[t] for t in used if t in last]
    if used_text and pieces and any(not any(piece in u for u in used_text) for piece in pieces):
        partly.add(0)
    if partly:  # the person explaining the row loses W_PARTIAL: "jamie bell" is not Jamie Parker-Bell
        per_person = new.sum(axis=1)
        if (0 if per_person[0] >= per_person.max() else int(per_person.argmax())) in partly:
            delta -= W_PARTIAL
    return min(0.0, delta)


def _contact_weights(
    index: IndexSegment,
    row: int,
    p: int,
    read: list[int],
    names: list[str],
    prefix_last: int,
    heard: ContactMemo,
) -> tuple[np.ndarray, bool] | None:
    """Each read word's weight against contact `p` of case `row`, a token to one word, and whether a
    double-barrelled part of the contact's name is only partly met (None when two contacts share the
    place: they are left as scored)."""
    cols = index.cols
    here = index.contacts_of(row)
    which = here[np.minimum(cols.c_pos[here], MAX_PERSON) == p]
    if len(which) != 1:
        return None
    code = int(cols.c_name[which[0]])
    key = (code, tuple(read))
    found = heard.get(key)
    if found is None:
        found = heard[key] = _name_weights(index, code, read, names, prefix_last)
    return found


def _name_weights(
    index: IndexSegment, code: int, read: list[int], names: list[str], prefix_last: int
) -> tuple[np.ndarray, bool]:
    """`_contact_weights` for the contact name `code`: it depends on the name and the query alone."""
    tokens, room, groups = _contact_facts(index, code)
    weights: dict[tuple[int, int], float] = {}
    for ti in read:
        on = index.vocab.strong_weights(names[ti], prefix=ti == prefix_last)
        for t in tokens:
            if t in on:
                weights[ti, t] = W_CONTACT * on[t]
    got, used, _took = _assign(weights, read, room.copy(), (tokens,), index.vocab.tokens)
    met = [index.vocab.tokens[t] for t in used]
    partly = any(
        any(piece in u for u in met for piece in group) and not all(any(piece in u for u in met) for piece in group)
        for group in groups
    )
    return np.asarray(got, np.float32), partly


def _contact_facts(index: IndexSegment, code: int) -> tuple[list[int], Counter[int], list[list[str]]]:
    """A contact name's token ids, how many words each may serve (cached like `_facts`), and the words of
    each double-barrelled part ('Jamie Parker-Bell': parker, bell), which must all be met or none."""
    cache = index.scratch.setdefault("contact_facts", {})
    hit = cache.get(code)
    if hit is None:
        if len(cache) > 65536:
            cache.clear()
        text, ids = index.cols.contact_names[code], index.vocab.ids
        tokens = [ids[t] for t in name_tokens(text) if t in ids]
        groups = [g for g in (words(chunk) for chunk in text.split() if "-" in chunk) if len(g) > 1]
        hit = cache[code] = (tokens, _room(words(text), tokens, index.vocab.tokens), groups)
    return cast(tuple[list[int], Counter[int], list[list[str]]], hit)
