"""A query word as a *part* of a name: trailing ('tunde' for Babatunde), inside ('tori' for Victoria),
a shared beginning, the leading part ('tomi' for Tomiwa), a pet form's stem ('danny': Daniel) and a
leading part by sound ('tommy': Thomas). How short forms are made in the county's communities, applied
as levels by `Vocab.weigh_fields` to the tokens no spelling level met strongly.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

import numpy as np

from dutyline.domain.search.levels import PREFIX, PREFIX_MIN, WEIGHTS
from dutyline.domain.search.names import PARTICLES, sound_key

if TYPE_CHECKING:
    from dutyline.domain.search.vocab import Vocab

#: A shared beginning of 3+ letters that is not a leading part ('wills' and William, 'kathy' and Katherine),
#: or a word of 4+ letters ending the name (Yoruba and Igbo short forms: 'tunde' for Babatunde).
SHARED_START = 2.0
TRAILING_MIN = 4
#: The word (or its pet stem, or it less a final -a) inside the name, 3+ letters, not at its start: how
#: many short forms are made from the middle of a name ('tori' Victoria, 'liz' Elizabeth, 'kuba' Jakub,
#: 'lexi' Alexis). Weaker than a shared beginning.
INSIDE = 1.6
#: A leading, trailing or pet-form part matching a *surname* counts this share of its weight: a forename's
#: leading part is how nicknames work ('Tomi' for Tomiwa), but 'Wright' is another family than Cartwright.
SURNAME_PART = 0.5
#: A pet form: the word less a pet ending ('-s', '-y', '-ie', '-o', '-i', the Polish '-ek', and a doubled
#: last consonant) leads the name, 3+ letters ('wills' -> will: William; 'danny' -> dan: Daniel; 'bartek'
#: -> bart: Bartłomiej; 'tomek' -> tom: Tomasz) or sits inside it ('lexi' -> lex: Alexandra). Weaker than a
#: leading part.
PET_STEM = 2.4
PET_ENDINGS = ("ie", "y", "s", "o", "i", "ek")
#: The word (or its pet stem) leads the name *by sound* (the vowel-keeping key of `names.sound_key`), with
#: the same first letter: 'tommy' (tom) and Thomas, 'teddy' (ted) and Theodore, 'lucky' (luck) and Lakshmi.
#: Just above a shared beginning: vowels are folded, so it also meets Timothy.
SOUND_LEAD = 2.2


def pet_stem(word: str) -> str:
    """`word` without a pet ending ('wills' -> 'will', 'danny' -> 'dan'), or `word` when none applies."""
    for end in PET_ENDINGS:
        if word.endswith(end) and len(word) - len(end) >= PREFIX_MIN:
            stem = word[: -len(end)]
            if len(stem) > PREFIX_MIN and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
                stem = stem[:-1]
            return stem
    return word


def inside_ids(v: Vocab, stems: set[str]) -> np.ndarray:
    """Ids (ascending) of the vocabulary tokens holding one of `stems` (3+ letters each) from their second
    letter on.

    From `Vocab.trigrams` (which tokens hold each three letters after their first), checked by spelling:
    the answer depends on the word alone, so it is looked up once for the vocabulary instead of scanning
    every candidate token (a common name brings ~10,000 at a million cases).
    """
    table = v.trigrams()
    tokens = v.tokens
    found = {tid for stem in stems for tid in table.get(stem[:3], ()) if stem in tokens[tid][1:]}
    return np.fromiter(sorted(found), np.int64, len(found))


def _starting(ordered: list[str], ranks: np.ndarray, start: str) -> np.ndarray:
    """Which tokens (by their `ranks` in the sorted texts `ordered`) have a text beginning with `start`."""
    lo = bisect.bisect_left(ordered, start)
    if not start:
        return ranks >= lo
    # The texts beginning with `start` sort before its successor (its last letter's next code point),
    # whatever letters follow: 'ø' or a CJK character after the start as well as ASCII.
    after = start[:-1] + chr(min(ord(start[-1]) + 1, 0x10FFFF))
    return (ranks >= lo) & (ranks < bisect.bisect_left(ordered, after))


def part_levels(v: Vocab, word: str, tids: np.ndarray, weights: np.ndarray, levels: np.ndarray) -> None:
    """Raise `weights` and `levels` (in place, per token of `tids`) where `word` is a part of the token's
    name at a level above the one it has."""
    if len(word) >= TRAILING_MIN:  # the word ends the name ('tunde' for Babatunde, 'seun' for Oluwaseun)
        trailing = _starting(v.back_tokens, v.back_rank[tids], word[::-1]) & (weights < SHARED_START)
        weights[trailing] = SHARED_START
        levels[trailing] = PREFIX
    low = np.flatnonzero(weights < INSIDE)
    if len(word) >= PREFIX_MIN and len(low):  # the word inside the name ('tori': Victoria, 'kuba': Jakub)
        stems = {w for w in (word, pet_stem(word), word[:-1] if word.endswith("a") else "") if len(w) >= 3}
        inside = inside_ids(v, stems)
        found = low[np.isin(tids[low], inside)] if len(inside) else low[:0]
        if len(found):
            weights[found] = INSIDE
            levels[found] = PREFIX
    if len(word) >= PREFIX_MIN:  # a shared beginning of 3+ letters
        shared = (v.start3[tids] == hash(word[:PREFIX_MIN])) & (weights < SHARED_START)
        weights[shared] = SHARED_START
        levels[shared] = PREFIX
    if len(word) >= PREFIX_MIN:  # the word leads the name ('tomi' -> tomiwa), or the name leads the word
        lead = _starting(v.alpha_tokens, v.alpha_rank[tids], word)
        for k in range(PREFIX_MIN, len(word)):
            tid = v.ids.get(word[:k])
            if tid is not None and word[:k] not in PARTICLES:  # 'mackenzie' is not led by Mac
                lead |= tids == tid
        better = lead & (weights < WEIGHTS[PREFIX])
        weights[better] = WEIGHTS[PREFIX]
        levels[better] = PREFIX
    stem = pet_stem(word)
    if stem != word:  # a pet form's stem leads the name ('wills', 'danny' -> will, dan: William, Daniel)
        better = _starting(v.alpha_tokens, v.alpha_rank[tids], stem) & (weights < PET_STEM)
        weights[better] = PET_STEM
        levels[better] = PREFIX
    key = sound_key(stem)
    if len(key) >= PREFIX_MIN:  # ... or leads it by sound, same first letter ('tommy': Thomas, 'teddy': Theodore)
        first = v.first_letter[tids] == ord(word[0])
        better = _starting(v.key_sorted, v.key_rank[tids], key) & first & (weights < SOUND_LEAD)
        weights[better] = SOUND_LEAD
        levels[better] = PREFIX
