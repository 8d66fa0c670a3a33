"""Agreement levels between a query word and a name token, and what each is worth in bits of evidence.

The levels are Fellegi-Sunter comparison levels, as Splink names them (`vocab` explains each and how a
word is compared at every level); the weights and grades here are the model's numbers, kept apart from
the code that applies them so they can be read, and tuned, in one place.
"""

from __future__ import annotations

import numpy as np
from doublemetaphone import doublemetaphone  # type: ignore[import-untyped]

EXACT, LISTED, PREFIX, JW92, PHONETIC, JW85, JW70, NONE = range(8)
LEVEL_NAMES = ("exact", "listed", "prefix", "jw92", "phonetic", "jw85", "jw70", "none")
#: What the UI calls each level ("Matched on"): MatchKind values.
KIND_OF_LEVEL = ("exact", "nickname", "prefix", "typo", "phonetic", "typo", "typo", "typo")
#: Bits of evidence per level (log2 of how much likelier the level is for the right child than for a
#: random one, rounded; tuned on bench/search.py's held-out figures, not per name).
WEIGHTS = np.array([4.0, 3.0, 2.8, 2.6, 2.3, 1.8, 0.6, 0.0], dtype=np.float32)
#: A listed short form of a short form (Bill and Billy, both William's): a little weaker.
LISTED_SIBLING = 2.7
#: A nickname learned from the records (several children with the forename are known by it): as strong
#: as a listed short form of a short form, weaker than a name file's own entry.
LEARNED = 2.7
#: No level at all but the same first letter: a faint agreement ordered by Jaro-Winkler (below every
#: level), so candidates another word brought are ranked by how close their names are to this one
#: ('teig' for Tadhg, 'meg' for Margaret when no table lists them), and it beats disagreeing outright.
RESIDUAL = 0.35
#: A Jaro-Winkler 0.70-0.85 spelling *as written* that does not keep the word's first letter is worth at
#: most this, about what the same first letter alone is worth: short forms keep the first letter far more
#: often than they share scattered letters ('kasia' for Katarzyna: only the K; Aušra shares more letters
#: and none first), and a slip that far off rarely falls on the first letter too. A heard form ('prothero'
#: for Rhydderch, heard 'prytherch') keeps its band.
LOOSE_JW70 = 0.2
#: Within the fuzzy levels (phonetic key, Jaro-Winkler bands), bits per unit of Jaro-Winkler similarity
#: around JW_GRADE_MID: two spellings on one level are not equally close ('hakq' is nearer Haak than Hick,
#: though all three share a phonetic key), and the nearer should rank first.
JW_GRADE = 2.0
JW_GRADE_MID = 0.85
PART_GRADE = 0.5
#: Within the listed level, bits per unit of Jaro-Winkler: only enough to order two formal names one short
#: form serves ('kitty' and 'kate' lean to Katherine, 'cathy' to Catherine), never to cross a level.
LISTED_GRADE = 0.05
#: A sound match graded down for its spelling stays above a bare Jaro-Winkler >= 0.85 ('keelin' is
#: Caoilfhionn, spelt nothing alike, before Kevin): the Jaro-Winkler it is graded by is floored here.
PHONETIC_FLOOR = JW_GRADE_MID - (2.3 - 1.8 - 0.05) / JW_GRADE
#: Term-frequency adjustment of an exact match, in bits, and its bound either way. Other levels get the
#: query word's own adjustment in proportion to their weight (`Vocab.word_tf`).
TF_SCALE = 0.35
TF_CAP = 1.0
PREFIX_MIN = 3
PREFIX_LIMIT = 25  # candidate-bringing completions of a half-typed last word
FUZZY = frozenset((JW92, PHONETIC, JW85, JW70))
Strong = tuple[np.ndarray, np.ndarray, np.ndarray]  # token ids int64, weights float32, levels int8


def max_edits(word: str) -> int:
    """Typos tolerated for candidates: none under 4 letters (too many names lie one edit apart), then 1, 2."""
    n = len(word)
    return 0 if n < 4 else 1 if n < 6 else 2


def dm_keys(word: str) -> tuple[str, ...]:
    """Double Metaphone primary and alternate keys ('' dropped)."""
    if len(word) < 2:
        return ()
    return tuple(k for k in dict.fromkeys(doublemetaphone(word)) if k)


def primary_key_suffices(word: str, key: str) -> bool:
    """Whether `word`'s primary Double Metaphone `key`, met by a name's primary key, is a sound match on its
    own. Otherwise (an alternate key either side, or the one-letter key of a word longer than three
    letters) the first letters must agree too: Ayaan is not Jonny, and 'aaaaaa' (key 'A') is not Wei, but
    'kuo' is Guo. `Vocab.strong` and `weigh.weigh_tokens` both ask this, so they bring and weigh alike."""
    return len(key) > 1 or len(word) <= 3


def opens_alike(a: str, b: str) -> bool:
    """Whether two names do not differ by one opening with W and the other with a vowel. Double Metaphone
    keys an initial W before a vowel as a vowel ('edw' and Wood are both 'AT'), and a caller who hears a
    W writes one: there the first letters must agree, as for an alternate key. (An initial Y is left
    alone: Welsh Iestyn is heard "Yestin", and Yusuf is written Usuf.)"""
    return (a[:1] == "w") == (b[:1] == "w")
