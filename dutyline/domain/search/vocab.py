"""The name-token vocabulary, and the agreement level between a query word and each name token.

Why a vocabulary: there are a million cases but only thousands of distinct name tokens. Every comparison
runs over tokens (rapidfuzz in C, restricted to plausible lengths), and a token's posting list brings its
cases; no case is ever fuzzy-compared directly.

Agreement levels (Fellegi-Sunter comparison levels, as Splink names them), strongest first: the exact
spelling; a listed nickname or sound-alike spelling (the council's name files); the query word is the
leading part of the name, or the name of the word, 3+ letters ('Tomi' for Tomiwa), and more weakly a shared
3-letter beginning or a trailing part of 4+ letters ('Tunde' for Babatunde); Jaro-Winkler >= 0.92;
the same phonetic key (Double Metaphone primary or alternate, or our own vowel-keeping key); Jaro-Winkler
>= 0.85, >= 0.70 (a typing slip of one or two letters counts as >= 0.92 or >= 0.85); none. A near
spelling ranks above a bare phonetic key: on FEBRL 4 a shared key collides more often than a Jaro-Winkler
of 0.92 (Vincent for 'vincet' against Von Hoist). Each level has a weight
(`WEIGHTS`, in bits of evidence); an exact match also gets a term-frequency adjustment from the index
(an exact "Smith" says less than an exact "Featherstone").

Two uses: `strong()` lists the tokens a word may *mean* (exact, listed, phonetic, typo), whose postings
bring candidates; `weigh()` scores any tokens at every level, for the names of candidates another word
brought in ("Fred Hallworth" when Fred is in no table: the surname brings the Hallworths and Frederick
scores as a leading part).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

import numpy as np
from doublemetaphone import doublemetaphone  # type: ignore[import-untyped]
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from dutyline.domain.search import lexicon as lexicon_mod
from dutyline.domain.search.heard import heard_forms, name_keys, word_keys
from dutyline.domain.search.lexicon import Lexicon
from dutyline.domain.search.names import PARTICLES, sound_key

EXACT, LISTED, PREFIX, JW92, PHONETIC, JW85, JW70, NONE = range(8)
LEVEL_NAMES = ("exact", "listed", "prefix", "jw92", "phonetic", "jw85", "jw70", "none")
#: What the UI calls each level ("Matched on"): MatchKind values.
KIND_OF_LEVEL = ("exact", "nickname", "prefix", "typo", "phonetic", "typo", "typo", "typo")
#: Bits of evidence per level (log2 of how much likelier the level is for the right child than for a
#: random one, rounded; tuned on bench/search.py's held-out figures, not per name).
WEIGHTS = np.array([4.0, 3.0, 2.8, 2.6, 2.3, 1.8, 0.6, 0.0], dtype=np.float32)
#: A listed short form of a short form (Bill and Billy, both William's): a little weaker.
LISTED_SIBLING = 2.7
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
#: A pet form: the word less a pet ending ('-s', '-y', '-ie', '-o', and a doubled last consonant) leads the
#: name, 3+ letters ('wills' -> will: William; 'danny' -> dan: Daniel). Weaker than a leading part.
PET_STEM = 2.4
PET_ENDINGS = ("ie", "y", "s", "o")
#: The word (or its pet stem) leads the name *by sound* (the vowel-keeping key of `names.sound_key`), with
#: the same first letter: 'tommy' (tom) and Thomas, 'teddy' (ted) and Theodore, 'lucky' (luck) and Lakshmi.
#: Just above a shared beginning: vowels are folded, so it also meets Timothy.
SOUND_LEAD = 2.2
#: No level at all but the same first letter: a faint agreement ordered by Jaro-Winkler (below every
#: level), so candidates another word brought are ranked by how close their names are to this one
#: ('teig' for Tadhg, 'meg' for Margaret when no table lists them), and it beats disagreeing outright.
RESIDUAL = 0.35
#: Within the fuzzy levels (phonetic key, Jaro-Winkler bands), bits per unit of Jaro-Winkler similarity
#: around JW_GRADE_MID: two spellings on one level are not equally close ('hakq' is nearer Haak than Hick,
#: though all three share a phonetic key), and the nearer should rank first.
JW_GRADE = 2.0
JW_GRADE_MID = 0.85
PART_GRADE = 0.5
#: A sound match graded down for its spelling stays above a bare Jaro-Winkler >= 0.85 ('keelin' is
#: Caoilfhionn, spelt nothing alike, before Kevin): the Jaro-Winkler it is graded by is floored here.
PHONETIC_FLOOR = JW_GRADE_MID - (2.3 - 1.8 - 0.05) / JW_GRADE
#: Term-frequency adjustment of an exact match, in bits, and its bound either way. Other levels get the
#: query word's own adjustment in proportion to their weight (`Vocab.word_tf`).
TF_SCALE = 0.35
TF_CAP = 1.0
PREFIX_MIN = 3
PREFIX_LIMIT = 25  # candidate-bringing completions of a half-typed last word
_CACHE_SIZE = 4096
#: Memory for `weigh_fields` results kept per query word (about 10 bytes a vocabulary token a word).
_WEIGHED_BYTES = 32 << 20
_WEIGHED_MAX = 512

_FUZZY = frozenset((JW92, PHONETIC, JW85, JW70))
Strong = tuple[np.ndarray, np.ndarray, np.ndarray]  # token ids int64, weights float32, levels int8


def max_edits(word: str) -> int:
    """Typos tolerated for candidates: none under 4 letters (too many names lie one edit apart), then 1, 2."""
    n = len(word)
    return 0 if n < 4 else 1 if n < 6 else 2


def pet_stem(word: str) -> str:
    """`word` without a pet ending ('wills' -> 'will', 'danny' -> 'dan'), or `word` when none applies."""
    for end in PET_ENDINGS:
        if word.endswith(end) and len(word) - len(end) >= PREFIX_MIN:
            stem = word[: -len(end)]
            if len(stem) > PREFIX_MIN and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
                stem = stem[:-1]
            return stem
    return word


def dm_keys(word: str) -> tuple[str, ...]:
    """Double Metaphone primary and alternate keys ('' dropped)."""
    if len(word) < 2:
        return ()
    return tuple(k for k in dict.fromkeys(doublemetaphone(word)) if k)


def _inside(stems: set[str], texts: list[str], lengths: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """`positions[k]` for each text that has a stem starting at its second letter or later.

    One regular-expression scan over the texts joined by newlines (a stem holds no newline, so no match
    spans two texts), with a look-ahead so overlapping matches are all seen, instead of a search call per
    text: at a million cases a common name brings ~10,000 candidate tokens.
    """
    if not texts:
        return positions[:0]
    joined = "\n".join(texts)
    pattern = re.compile("(?=(?:" + "|".join(re.escape(w) for w in sorted(stems)) + "))")
    at = np.fromiter((m.start() for m in pattern.finditer(joined)), np.int64)
    if not len(at):
        return positions[:0]
    starts = np.zeros(len(texts), np.int64)
    starts[1:] = np.cumsum(lengths.astype(np.int64) + 1)[:-1]  # `lengths`: each text's, precomputed
    k = np.searchsorted(starts, at, side="right") - 1
    return positions[np.unique(k[at > starts[k]])]


class _Weighed:
    """One query word's `weigh_fields` results over the vocabulary, filled in as tokens are asked for."""

    def __init__(self, size: int) -> None:
        self.weights = np.zeros(size, np.float32)
        self.levels = np.full(size, NONE, np.int8)
        self.surname = np.zeros(size, np.float32)
        self.done = np.zeros(size, bool)


class Vocab:
    """Distinct folded name tokens with look-ups by spelling, sound, length and prefix."""

    def __init__(self, tokens: Sequence[str], freq: np.ndarray | None = None, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else lexicon_mod.default()
        self.tokens = list(tokens)
        self.ids = {t: i for i, t in enumerate(self.tokens)}
        #: The tokens as an array, so a candidate set's strings are one C-level gather, not a loop.
        self._token_array = np.asarray(self.tokens, dtype=object)
        self._token_len = np.fromiter(map(len, self.tokens), np.int32, len(self.tokens))
        self.by_sound: dict[str, list[int]] = {}
        self.by_dm: dict[str, list[int]] = {}
        # Each token's Double Metaphone keys as two hashes, for vectorised comparison in `weigh`; the keys
        # are computed once per token (the costliest part of this set-up: ~20k tokens at 1M cases).
        dm0: list[int] = []
        dm1: list[int] = []
        for i, t in enumerate(self.tokens):
            k = sound_key(t)
            if k:
                self.by_sound.setdefault(k, []).append(i)
            keys = doublemetaphone(t) if len(t) >= 2 else ("", "")
            if len(t) >= 3:
                for dk in dict.fromkeys(keys):  # dm_keys(t), from the keys already made
                    if dk:
                        self.by_dm.setdefault(dk, []).append(i)
            dm0.append(hash(keys[0] or f"-{t}"))
            dm1.append(hash(keys[1] or keys[0] or f"-{t}"))
        self._dm = np.array([dm0, dm1], dtype=np.int64).reshape(2, len(self.tokens))
        # First letter and first three letters of each token, for vectorised comparison in `weigh`.
        self._first = np.fromiter((ord(t[0]) if t else 0 for t in self.tokens), np.int64, len(self.tokens))
        self._start = np.fromiter((hash(t[:PREFIX_MIN]) for t in self.tokens), np.int64, len(self.tokens))
        order = sorted(range(len(self.tokens)), key=lambda i: (len(self.tokens[i]), self.tokens[i]))
        self._len_tokens = [self.tokens[i] for i in order]
        self._len_ids = order
        self._len_keys = [len(t) for t in self._len_tokens]
        alpha = sorted(range(len(self.tokens)), key=lambda i: self.tokens[i])
        self._alpha_tokens = [self.tokens[i] for i in alpha]
        self._alpha_ids = alpha
        self.alpha_rank = np.empty(len(self.tokens), dtype=np.int64)
        self.alpha_rank[np.asarray(alpha, dtype=np.int64)] = np.arange(len(alpha))
        backwards = sorted(range(len(self.tokens)), key=lambda i: self.tokens[i][::-1])
        self._back_tokens = [self.tokens[i][::-1] for i in backwards]
        self.back_rank = np.empty(len(self.tokens), dtype=np.int64)
        self.back_rank[np.asarray(backwards, dtype=np.int64)] = np.arange(len(backwards))
        keys = [sound_key(t) for t in self.tokens]
        by_key = sorted(range(len(self.tokens)), key=keys.__getitem__)
        self._key_sorted = [keys[i] for i in by_key]
        self.key_rank = np.empty(len(self.tokens), dtype=np.int64)
        self.key_rank[np.asarray(by_key, dtype=np.int64)] = np.arange(len(by_key))
        f = np.ones(len(self.tokens)) if freq is None else np.maximum(freq[: len(self.tokens)], 1).astype(np.float64)
        # The frequency of a typical name *occurrence* (not of a typical token: most tokens occur once).
        typical = float((f * f).sum() / f.sum()) if len(f) else 1.0
        self.tf = np.clip(TF_SCALE * np.log2(typical / f), -TF_CAP, TF_CAP).astype(np.float32)
        self.exact_w = WEIGHTS[EXACT] + self.tf
        self._cache: dict[tuple[str, bool], Strong] = {}
        self._weighed: dict[tuple[str, bool], _Weighed] = {}
        self._heard: dict[str, list[int]] | None = None

    def heard(self, word: str) -> np.ndarray:
        """Token ids whose heard forms (`heard.name_keys`) meet `word`'s loose sound key ('usheen': Oisín).

        The table of heard keys is built on first use, not with the index: it is a Python pass over every
        token, and a cold start should not wait for it."""
        if self._heard is None:
            table: dict[str, list[int]] = {}
            for i, t in enumerate(self.tokens):
                for k in name_keys(t):
                    table.setdefault(k, []).append(i)
            self._heard = table
        found = [self._heard.get(k, ()) for k in word_keys(word)]
        return np.unique(np.concatenate([np.asarray(f, np.int64) for f in found])) if found else np.zeros(0, np.int64)

    def heard_similarity(self, word: str, tid: int) -> float:
        """Jaro-Winkler of `word` to the nearest of a name's heard forms (the name itself among them): a
        sound match is graded by how the name sounds as well as how it is written, so 'jang' is nearer
        Zhang (heard 'jang') than Yang, though both share the loose key."""
        return max(JaroWinkler.normalized_similarity(word, form) for form in heard_forms(self.tokens[tid]))

    def set_lexicon(self, lexicon: Lexicon) -> None:
        """Use other name knowledge from now on (cached matches are dropped)."""
        self.lexicon = lexicon
        self._cache.clear()
        self._weighed.clear()

    def __contains__(self, word: str) -> bool:
        return word in self.ids

    # ------------------------------------------------------------------------------ candidate tokens
    def strong(self, word: str, *, prefix: bool = False) -> Strong:
        """Tokens `word` may stand for (best level per token), as arrays; cached per word."""
        key = (word, prefix)
        hit = self._cache.get(key)
        if hit is None:
            best = self._strong(word, prefix)
            hit = (
                np.fromiter(best.keys(), np.int64, len(best)),
                np.fromiter((v[0] for v in best.values()), np.float32, len(best)),
                np.fromiter((v[1] for v in best.values()), np.int8, len(best)),
            )
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def match(self, word: str, *, prefix: bool = False) -> bool:
        """Whether `word` may stand for any indexed token."""
        return len(self.strong(word, prefix=prefix)[0]) > 0

    def _strong(self, word: str, prefix: bool) -> dict[int, tuple[float, int]]:
        best: dict[int, tuple[float, int]] = {}

        def add(tid: int | None, weight: float, level: int) -> None:
            if tid is not None and weight > best.get(tid, (-1.0, 0))[0]:
                best[tid] = (weight, level)

        own = self.ids.get(word)
        if own is not None:
            add(own, float(self.exact_w[own]), EXACT)
        for other, closeness in self.lexicon.nickname_variants(word).items():
            add(self.ids.get(other), WEIGHTS[LISTED] if closeness >= 1.0 else LISTED_SIBLING, LISTED)
        for other in self.lexicon.sound_alikes(word):
            add(self.ids.get(other), WEIGHTS[LISTED], LISTED)
        if len(word) >= 3:
            for tid in self.by_sound.get(sound_key(word), ()):
                add(tid, WEIGHTS[PHONETIC], PHONETIC)
            for dk in dm_keys(word):
                for tid in self.by_dm.get(dk, ()):
                    add(tid, WEIGHTS[PHONETIC], PHONETIC)
        for tid in self.heard(word).tolist():
            add(tid, WEIGHTS[PHONETIC], PHONETIC)
        d = max_edits(word)
        if d:
            lo = bisect.bisect_left(self._len_keys, len(word) - d)
            hi = bisect.bisect_right(self._len_keys, len(word) + d)
            for tok, dist, pos in process.extract(
                word, self._len_tokens[lo:hi], scorer=OSA.distance, score_cutoff=d, limit=None
            ):  # one slip counts as >= 0.92, but not at the first letter (Huong is not a slip for 'fuong')
                level = JW92 if dist <= 1 and tok[0] == word[0] else JW85
                add(self._len_ids[lo + pos], WEIGHTS[level], level)
        if prefix and len(word) >= 2:
            i = bisect.bisect_left(self._alpha_tokens, word)
            n = 0
            while i < len(self._alpha_tokens) and self._alpha_tokens[i].startswith(word) and n < PREFIX_LIMIT:
                if self._alpha_tokens[i] != word:
                    add(self._alpha_ids[i], WEIGHTS[PREFIX], PREFIX)
                    n += 1
                i += 1
        tf = self.word_tf(word)
        for tid, (weight, level) in best.items():  # the word's term-frequency adjustment, in proportion
            if level != EXACT:
                best[tid] = (weight + tf * weight / float(WEIGHTS[EXACT]), level)
        fuzzy = [tid for tid, (_w, level) in best.items() if level in _FUZZY]
        if fuzzy:  # graded by spelling as in `weigh_fields`, so a contact's near name counts as a child's does
            jw = process.cdist([word], [self.tokens[t] for t in fuzzy], scorer=JaroWinkler.normalized_similarity)[0]
            for tid, sim in zip(fuzzy, jw.tolist(), strict=True):
                weight, level = best[tid]
                if level == PHONETIC:
                    sim = max(sim, PHONETIC_FLOOR, self.heard_similarity(word, tid))
                best[tid] = (weight + JW_GRADE * (sim - JW_GRADE_MID), level)
        return best

    def word_tf(self, word: str) -> float:
        """A non-exact match's term-frequency adjustment: the query word's own (0, typical, when the word is
        no indexed name), never the matched name's. A rare nickname or near spelling of a common word must
        not count more than the word spelt exactly ('Joe Clarke' above 'Joshua Clarke' for "joshua
        clarke"), and a common name met by a near spelling is not less likely the one meant ('ell' is
        Ella as much as Ellen)."""
        own = self.ids.get(word)
        return float(self.tf[own]) if own is not None else 0.0

    # ------------------------------------------------------------------------------ any tokens, all levels
    def weigh(self, word: str, tids: np.ndarray, *, prefix: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(weight, level) of `word` against each token id in `tids`, at every agreement level."""
        weights, levels, _ = self.weigh_fields(word, tids, prefix=prefix)
        return weights, levels

    def weigh_fields(self, word: str, tids: np.ndarray, *, prefix: bool = False) -> tuple[np.ndarray, ...]:
        """`weigh`, plus the weights against the same tokens as *surnames*: a part of a surname (leading,
        trailing, pet form, shared beginning) counts SURNAME_PART of its weight, or its spelling level
        (Jaro-Winkler, phonetic) if that is more ('agyemang' for Agyeman is a near spelling).

        Kept per query word, token by token: a common name ('jamie', 'smith') brings thousands of the
        same tokens on every call of the day, and each token's weights depend on it and the word alone.
        """
        key = (word, prefix)
        got = self._weighed.pop(key, None)  # re-inserted below: the dict's order is least recently used first
        if got is None:
            if len(self._weighed) >= min(_WEIGHED_MAX, max(8, _WEIGHED_BYTES // max(1, 10 * len(self.tokens)))):
                del self._weighed[next(iter(self._weighed))]
            got = _Weighed(len(self.tokens))
        self._weighed[key] = got
        tids = np.asarray(tids, dtype=np.int64)
        need = tids[~got.done[tids]]
        if len(need):
            need = np.unique(need)
            got.weights[need], got.levels[need], got.surname[need] = self._weigh_fields(word, need, prefix=prefix)
            got.done[need] = True
        return got.weights[tids], got.levels[tids], got.surname[tids]

    def _weigh_fields(self, word: str, tids: np.ndarray, *, prefix: bool = False) -> tuple[np.ndarray, ...]:
        """`weigh_fields` worked out (each token on its own: the result for one token never depends on the
        others asked with it, which is what lets `weigh_fields` keep them)."""
        n = len(tids)
        weights = np.zeros(n, dtype=np.float32)
        levels = np.full(n, NONE, dtype=np.int8)
        if not n:
            return weights, levels, weights.copy()
        strings: list[str] = self._token_array[tids].tolist()
        jw = process.cdist([word], strings, scorer=JaroWinkler.normalized_similarity, dtype=np.float32)[0]
        for level, cut in ((JW70, 0.70), (JW85, 0.85), (JW92, 0.92)):
            hit = jw >= cut
            weights[hit] = WEIGHTS[level]
            levels[hit] = level
        if len(word) >= 2:  # same Double Metaphone key ('ji' and Jai); an alternate key only counts
            k1, k2 = doublemetaphone(word)  # when the first letters agree too (Ayaan is not Jonny)
            if k1:
                dm = self._dm[:, tids]
                h1, h2 = hash(k1), hash(k2 or k1)
                first = self._first[tids] == ord(word[0])
                same = (dm[0] == h1) | (first & ((dm[1] == h1) | (dm[0] == h2) | (dm[1] == h2)))
                better = same & (weights < WEIGHTS[PHONETIC])
                weights[better] = WEIGHTS[PHONETIC]
                levels[better] = PHONETIC
        heard = self.heard(word)
        jw_heard = jw
        if len(heard):  # heard as written by a language's rules ('usheen' for Oisín, 'farm' for Pham)
            met = np.isin(tids, heard)
            better = met & (weights < WEIGHTS[PHONETIC])
            weights[better] = WEIGHTS[PHONETIC]
            levels[better] = PHONETIC
            jw_heard = jw.copy()  # graded against how the name sounds, not only how it is written
            for i in np.flatnonzero(met).tolist():
                jw_heard[i] = max(float(jw[i]), self.heard_similarity(word, int(tids[i])))
        spelling = weights.copy()  # the spelling levels alone, for surnames
        if len(word) >= TRAILING_MIN:  # the word ends the name ('tunde' for Babatunde, 'seun' for Oluwaseun)
            back = word[::-1]
            lo = bisect.bisect_left(self._back_tokens, back)
            hi = bisect.bisect_left(self._back_tokens, back + "\x7f")
            ranks = self.back_rank[tids]
            trailing = (ranks >= lo) & (ranks < hi) & (weights < SHARED_START)
            weights[trailing] = SHARED_START
            levels[trailing] = PREFIX
        low = np.flatnonzero(weights < INSIDE)
        if len(word) >= PREFIX_MIN and len(low):  # the word inside the name ('tori': Victoria, 'kuba': Jakub)
            stems = {w for w in (word, pet_stem(word), word[:-1] if word.endswith("a") else "") if len(w) >= 3}
            low_ids = tids[low]
            found = _inside(stems, self._token_array[low_ids].tolist(), self._token_len[low_ids], low)
            if len(found):
                weights[found] = INSIDE
                levels[found] = PREFIX
        if len(word) >= PREFIX_MIN:  # a shared beginning of 3+ letters
            shared = (self._start[tids] == hash(word[:PREFIX_MIN])) & (weights < SHARED_START)
            weights[shared] = SHARED_START
            levels[shared] = PREFIX
        if len(word) >= PREFIX_MIN:  # the word leads the name ('tomi' -> tomiwa), or the name leads the word
            lo = bisect.bisect_left(self._alpha_tokens, word)
            hi = bisect.bisect_left(self._alpha_tokens, word + "\x7f")
            ranks = self.alpha_rank[tids]
            lead = (ranks >= lo) & (ranks < hi)
            for k in range(PREFIX_MIN, len(word)):
                tid = self.ids.get(word[:k])
                if tid is not None and word[:k] not in PARTICLES:  # 'mackenzie' is not led by Mac
                    lead |= tids == tid
            better = lead & (weights < WEIGHTS[PREFIX])
            weights[better] = WEIGHTS[PREFIX]
            levels[better] = PREFIX
        stem = pet_stem(word)
        if stem != word:  # a pet form's stem leads the name ('wills', 'danny' -> will, dan: William, Daniel)
            lo = bisect.bisect_left(self._alpha_tokens, stem)
            hi = bisect.bisect_left(self._alpha_tokens, stem + "\x7f")
            ranks = self.alpha_rank[tids]
            better = (ranks >= lo) & (ranks < hi) & (weights < PET_STEM)
            weights[better] = PET_STEM
            levels[better] = PREFIX
        key = sound_key(stem)
        if len(key) >= PREFIX_MIN:  # ... or leads it by sound, same first letter ('tommy': Thomas, 'teddy': Theodore)
            lo = bisect.bisect_left(self._key_sorted, key)
            hi = bisect.bisect_left(self._key_sorted, key + "\x7f")
            ranks = self.key_rank[tids]
            first = self._first[tids] == ord(word[0])
            better = (ranks >= lo) & (ranks < hi) & first & (weights < SOUND_LEAD)
            weights[better] = SOUND_LEAD
            levels[better] = PREFIX
        nonexact = (weights > 0) & (levels != EXACT)
        tf = np.float32(self.word_tf(word))
        weights[nonexact] += tf * weights[nonexact] / WEIGHTS[EXACT]
        fuzzy = (levels == JW92) | (levels == PHONETIC) | (levels == JW85) | (levels == JW70)
        graded = np.where(levels == PHONETIC, np.maximum(jw_heard, PHONETIC_FLOOR), jw)  # as in `_strong`
        weights[fuzzy] += JW_GRADE * (graded[fuzzy] - JW_GRADE_MID)
        part = levels == PREFIX  # parts too, more gently: 'sarahp' is nearer Sarah than Sara-Louise
        weights[part] += PART_GRADE * (jw[part] - JW_GRADE_MID)
        s_ids, s_w, s_lv = self.strong(word, prefix=prefix)  # strong weights are graded already
        if len(s_ids):
            order = np.argsort(s_ids)
            s_ids, s_w, s_lv = s_ids[order], s_w[order], s_lv[order]
            pos = np.minimum(np.searchsorted(s_ids, tids), len(s_ids) - 1)
            hit = (s_ids[pos] == tids) & (s_w[pos] > weights)
            weights[hit] = s_w[pos[hit]]
            levels[hit] = s_lv[pos[hit]]
            part = levels == PREFIX
        if word:  # nothing else, but the same first letter: a little, ordered by spelling ('teig', Tadhg)
            faint = (levels == NONE) & (self._first[tids] == ord(word[0]))
            weights[faint] = RESIDUAL * jw[faint]
        surname = weights.copy()
        nick = (levels == LISTED) & np.isin(tids, self._nickname_ids(word))
        if part.any() or nick.any():
            near = (part | nick) & (spelling > 0)
            spelling[near] += JW_GRADE * (jw[near] - JW_GRADE_MID)
            spelling[near] += tf * spelling[near] / WEIGHTS[EXACT]
            surname[part] = np.maximum(weights[part] * SURNAME_PART, spelling[part])
            surname[nick] = spelling[nick]  # a nickname is forename knowledge: 'william' is no Bell family
        return weights, levels, surname

    def _nickname_ids(self, word: str) -> np.ndarray:
        """Token ids listed as nicknames of `word` (or it of them) and not also its sound-alikes."""
        sounds = self.lexicon.sound_alikes(word)
        found = [self.ids[n] for n in self.lexicon.nickname_variants(word) if n in self.ids and n not in sounds]
        return np.asarray(found, dtype=np.int64)
