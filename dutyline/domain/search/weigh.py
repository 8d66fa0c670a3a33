"""A query word weighed against any name tokens at every agreement level (`Vocab.weigh_fields`).

Kept apart from `vocab` (which holds the tokens, their look-ups and the candidate-bringing `strong`
levels) because this is the model's arithmetic: spelling bands, sound keys, heard forms, parts of names,
the term-frequency adjustment and the grading within a level, and the surname's own weights.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from doublemetaphone import doublemetaphone  # type: ignore[import-untyped]
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from dutyline.domain.search.levels import (
    EXACT,
    JW70,
    JW85,
    JW92,
    JW_GRADE,
    JW_GRADE_MID,
    LISTED,
    LOOSE_JW70,
    NONE,
    PART_GRADE,
    PHONETIC,
    PHONETIC_FLOOR,
    PREFIX,
    RESIDUAL,
    WEIGHTS,
    primary_key_suffices,
)
from dutyline.domain.search.parts import SURNAME_PART, _starting, part_levels

if TYPE_CHECKING:
    from dutyline.domain.search.vocab import Vocab


def _near_known(v: Vocab, word: str) -> bool:
    """Whether `word` is itself a name in the index: then it is a name as written, not one heard, and it
    is not made to pay for the heard spellings of its candidates on its first query (at a million cases
    ~20,000 strings, 3-5 ms)."""
    return word in v.ids


def _heard_jw(v: Vocab, word: str, tids: np.ndarray) -> np.ndarray:
    """Jaro-Winkler of `word` to the nearest heard form of each token ('voyjeck' and Wojciech, heard
    'vojcheh': 0.79; 'prothero' and Prydderch, heard 'prytherch': 0.87), 0 where a token has none. A heard
    spelling no sound-alike file lists and no loose sound key meets still lands in a spelling band, so the
    surname decides and this orders the forenames (issue 13, rule 3)."""
    off, forms, form_len = v.heard_spellings()
    counts = off[tids + 1] - off[tids]
    out = np.zeros(len(tids), np.float32)
    some = np.flatnonzero(counts)
    if not len(some):
        return out
    lens = counts[some]
    starts = off[tids[some]]
    idx = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(int(lens.sum()), dtype=np.int64)
    heard = forms[idx].tolist()
    sims = process.cdist([word], heard, scorer=JaroWinkler.normalized_similarity, dtype=np.float32)[0]
    # A heard form much shorter or longer than the word is not a spelling of it, however Jaro-Winkler's
    # bonus for a shared start rates them ('chumley' and Zhu heard 'chu': 0.87).
    sizes = form_len[idx]
    sims[(sizes * 5 < len(word) * 3) | (len(word) * 5 < sizes * 3)] = 0
    np.maximum.at(out, np.repeat(some, lens), sims)
    return out


def weigh_tokens(
    v: Vocab, word: str, tids: np.ndarray, *, prefix: bool = False, parts: bool = True
) -> tuple[np.ndarray, ...]:
    """(weight, level, weight as a surname) of `word` against each token id in `tids`, at every level.

    Each token on its own: the result for one token never depends on the others asked with it, which is
    what lets `Vocab.weigh_fields` keep them per word."""
    n = len(tids)
    weights = np.zeros(n, dtype=np.float32)
    levels = np.full(n, NONE, dtype=np.int8)
    if not n:
        return weights, levels, weights.copy()
    strings: list[str] = v.token_array[tids].tolist()
    jw = process.cdist([word], strings, scorer=JaroWinkler.normalized_similarity, dtype=np.float32)[0]
    # As written, or as the name is heard: not for a word still being typed (its candidates are the names
    # it begins), nor for a name the index holds as written.
    spelt = jw if prefix or _near_known(v, word) else np.maximum(jw, _heard_jw(v, word, tids))
    # Lengths twice apart are no spelling of each other, whatever Jaro-Winkler says: a short word and a name
    # it does not begin ('shai', Harrison: 0.71, Jaro's window), or a name no longer than half the word
    # ('koulaeiseaqe', two words read joined, and Koula: 0.88, Winkler's bonus for the shared start). 'ru'
    # for Ruairi keeps its band; parts of names are weighed as parts below.
    size, lens = len(word), v.token_len[tids]
    far = 2 * lens <= size
    if size <= 4:
        far |= (lens >= 2 * size) & ~_starting(v.alpha_tokens, v.alpha_rank[tids], word)
    spelt = np.where(far, 0, spelt)
    for level, cut in ((JW70, 0.70), (JW85, 0.85), (JW92, 0.92)):
        hit = spelt >= cut
        weights[hit] = WEIGHTS[level]
        levels[hit] = level
    if len(word) >= 2:  # same Double Metaphone key ('ji' and Jai), by `primary_key_suffices`
        k1, k2 = doublemetaphone(word)
        if k1:
            dm = v.dm_hashes[:, tids]
            h1, h2 = hash(k1), hash(k2 or k1)
            first = v.first_letter[tids] == ord(word[0])
            alike = (v.first_letter[tids] == ord("w")) == (word[0] == "w")  # `opens_alike`
            same = ((dm[0] == h1) & primary_key_suffices(word, k1) & alike) | (
                first & ((dm[0] == h1) | (dm[1] == h1) | (dm[0] == h2) | (dm[1] == h2))
            )
            better = same & (weights < WEIGHTS[PHONETIC])
            weights[better] = WEIGHTS[PHONETIC]
            levels[better] = PHONETIC
    heard = v.heard(word)
    jw_heard = jw
    if len(heard):  # heard as written by a language's rules ('usheen' for Oisín, 'farm' for Pham)
        met = np.isin(tids, heard)
        better = met & (weights < WEIGHTS[PHONETIC])
        weights[better] = WEIGHTS[PHONETIC]
        levels[better] = PHONETIC
        jw_heard = jw.copy()  # graded against how the name sounds, not only how it is written
        for i in np.flatnonzero(met).tolist():
            jw_heard[i] = max(float(jw[i]), v.heard_similarity(word, int(tids[i])))
    spelling = weights.copy()  # the spelling levels alone, for surnames
    if parts:  # not for two typed words joined: their parts are the words themselves, already weighed
        part_levels(v, word, tids, weights, levels)  # leading, trailing, inside, pet form, by sound
    nonexact = (weights > 0) & (levels != EXACT)
    tf = np.float32(v.word_tf(word))
    weights[nonexact] += tf * weights[nonexact] / WEIGHTS[EXACT]
    fuzzy = (levels == JW92) | (levels == PHONETIC) | (levels == JW85) | (levels == JW70)
    graded = np.where(levels == PHONETIC, np.maximum(jw_heard, PHONETIC_FLOOR), spelt)  # as in `_strong`
    weights[fuzzy] += JW_GRADE * (graded[fuzzy] - JW_GRADE_MID)
    part = levels == PREFIX  # parts too, more gently: 'sarahp' is nearer Sarah than Sara-Louise
    weights[part] += PART_GRADE * (jw[part] - JW_GRADE_MID)
    s_ids, s_w, s_lv = v.strong(word, prefix=prefix)  # strong weights are graded already
    if len(s_ids):
        order = np.argsort(s_ids)
        s_ids, s_w, s_lv = s_ids[order], s_w[order], s_lv[order]
        pos = np.minimum(np.searchsorted(s_ids, tids), len(s_ids) - 1)
        hit = (s_ids[pos] == tids) & (s_w[pos] > weights)
        weights[hit] = s_w[pos[hit]]
        levels[hit] = s_lv[pos[hit]]
        part = levels == PREFIX
    if word:  # nothing else, but the same first letter: a little, ordered by spelling ('teig', Tadhg)
        first_same = v.first_letter[tids] == ord(word[0])
        faint = (levels == NONE) & first_same
        weights[faint] = RESIDUAL * jw[faint]
        # ... and a far spelling that does not keep it is worth barely more ('kasia': Katarzyna before Aušra).
        loose = (levels == JW70) & ~first_same & (jw >= spelt)  # as written: a heard form keeps its band
        weights[loose] = np.minimum(weights[loose], LOOSE_JW70)
    surname = weights.copy()
    nick = (levels == LISTED) & np.isin(tids, v.nickname_ids(word))
    if part.any() or nick.any():
        near = (part | nick) & (spelling > 0)
        spelling[near] += JW_GRADE * (jw[near] - JW_GRADE_MID)
        spelling[near] += tf * spelling[near] / WEIGHTS[EXACT]
        surname[part] = np.maximum(weights[part] * SURNAME_PART, spelling[part])
        # ... and a surname that leads the other by two letters or more is another family, however near the
        # spellings look to Jaro-Winkler ('smith' and Smithson, 'harris' and Harrison, 'carter' and the
        # joined 'carterwright'): a leading part, not a near spelling. One letter apart is a slip (Roberts).
        led = [t for t in (v.ids.get(word[:k]) for k in range(1, len(word) - 1)) if t is not None]
        leading = part & (_starting(v.alpha_tokens, v.alpha_rank[tids], word) | np.isin(tids, led))
        for i in np.flatnonzero(leading).tolist():  # a handful: found by a binary search, not a scan
            if abs(len(strings[i]) - len(word)) >= 2:
                surname[i] = weights[i] * SURNAME_PART
        surname[nick] = spelling[nick]  # a nickname is forename knowledge: 'william' is no Bell family
    return weights, levels, surname
