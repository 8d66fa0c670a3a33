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

The levels and their weights are `levels`; a word as a part of a name (leading, trailing, inside, pet
form, by sound) is `parts`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

import numpy as np
from doublemetaphone import doublemetaphone  # type: ignore[import-untyped]
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from dutyline.domain.search import lexicon as lexicon_mod
from dutyline.domain.search.heard import heard_forms, name_keys, word_keys
from dutyline.domain.search.levels import (
    EXACT,
    FUZZY,
    JW85,
    JW92,
    JW_GRADE,
    JW_GRADE_MID,
    LEARNED,
    LISTED,
    LISTED_GRADE,
    LISTED_SIBLING,
    NONE,
    PHONETIC,
    PHONETIC_FLOOR,
    PREFIX,
    PREFIX_LIMIT,
    PREFIX_MIN,
    TF_CAP,
    TF_SCALE,
    WEIGHTS,
    Strong,
    dm_keys,
    max_edits,
    opens_alike,
    primary_key_suffices,
)
from dutyline.domain.search.lexicon import Lexicon
from dutyline.domain.search.names import sound_key
from dutyline.domain.search.weigh import weigh_tokens

_CACHE_SIZE = 4096
#: Memory for `weigh_fields` results kept per query word (about 10 bytes a vocabulary token a word).
_WEIGHED_BYTES = 32 << 20
_WEIGHED_MAX = 512


class _Weighed:
    """One query word's `weigh_fields` results over the vocabulary, filled in as tokens are asked for."""

    def __init__(self, size: int) -> None:
        self.weights = np.zeros(size, np.float32)
        self.levels = np.full(size, NONE, np.int8)
        self.surname = np.zeros(size, np.float32)
        self.done = np.zeros(size, bool)


def distinct(ids: np.ndarray) -> np.ndarray:
    """`np.unique(ids)` by a sort. numpy 2's `unique` hashes plain integer arrays first, which is about
    nine times slower for the few thousand token ids of a query (0.44 against 0.05 ms for 3,000)."""
    out = np.sort(ids)
    return out[np.concatenate(([True], out[1:] != out[:-1]))] if len(out) else out


class Vocab:
    """Distinct folded name tokens with look-ups by spelling, sound, length and prefix."""

    def __init__(self, tokens: Sequence[str], freq: np.ndarray | None = None, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else lexicon_mod.default()
        self.tokens = list(tokens)
        self.ids = {t: i for i, t in enumerate(self.tokens)}
        #: The tokens as an array, so a candidate set's strings are one C-level gather, not a loop.
        self.token_array = np.asarray(self.tokens, dtype=object)
        #: Each token's length, for `weigh`'s length tests without a Python pass over a candidate set.
        self.token_len = np.fromiter((len(t) for t in self.tokens), np.int64, len(self.tokens))
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
        self.dm_hashes = np.array([dm0, dm1], dtype=np.int64).reshape(2, len(self.tokens))
        # First letter and first three letters of each token, for vectorised comparison in `weigh`.
        self.first_letter = np.fromiter((ord(t[0]) if t else 0 for t in self.tokens), np.int64, len(self.tokens))
        self.start3 = np.fromiter((hash(t[:PREFIX_MIN]) for t in self.tokens), np.int64, len(self.tokens))
        order = sorted(range(len(self.tokens)), key=lambda i: (len(self.tokens[i]), self.tokens[i]))
        self._len_tokens = [self.tokens[i] for i in order]
        self._len_ids = order
        self._len_keys = [len(t) for t in self._len_tokens]
        alpha = sorted(range(len(self.tokens)), key=lambda i: self.tokens[i])
        self.alpha_tokens = [self.tokens[i] for i in alpha]
        self.alpha_ids = alpha
        self.alpha_rank = np.empty(len(self.tokens), dtype=np.int64)
        self.alpha_rank[np.asarray(alpha, dtype=np.int64)] = np.arange(len(alpha))
        backwards = sorted(range(len(self.tokens)), key=lambda i: self.tokens[i][::-1])
        self.back_tokens = [self.tokens[i][::-1] for i in backwards]
        self.back_rank = np.empty(len(self.tokens), dtype=np.int64)
        self.back_rank[np.asarray(backwards, dtype=np.int64)] = np.arange(len(backwards))
        keys = [sound_key(t) for t in self.tokens]
        by_key = sorted(range(len(self.tokens)), key=keys.__getitem__)
        self.key_sorted = [keys[i] for i in by_key]
        self.key_rank = np.empty(len(self.tokens), dtype=np.int64)
        self.key_rank[np.asarray(by_key, dtype=np.int64)] = np.arange(len(by_key))
        f = np.ones(len(self.tokens)) if freq is None else np.maximum(freq[: len(self.tokens)], 1).astype(np.float64)
        # The frequency of a typical name *occurrence* (not of a typical token: most tokens occur once).
        typical = float((f * f).sum() / f.sum()) if len(f) else 1.0
        self.tf = np.clip(TF_SCALE * np.log2(typical / f), -TF_CAP, TF_CAP).astype(np.float32)
        self.exact_w = WEIGHTS[EXACT] + self.tf
        self._cache: dict[tuple[str, bool], Strong] = {}
        self._maps: dict[tuple[str, bool], dict[int, float]] = {}
        self._weighed: dict[tuple[str, bool, bool], _Weighed] = {}
        self._heard: dict[str, list[int]] | None = None
        self._forms: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._trigrams: dict[str, list[int]] | None = None
        #: Nicknames learned from the records' known-as names (`learned`), worked out on first use.
        self._learn: Callable[[], dict[str, frozenset[str]]] | None = None
        self._learned: dict[str, frozenset[str]] | None = None
        self.learning = True
        #: Heard forms of tokens written with letters folding loses (`heard.spoken_forms`), by token id.
        self._spoken_from: Callable[[], dict[int, tuple[str, ...]]] | None = None
        self._spoken: dict[int, tuple[str, ...]] | None = None

    def learn_from(self, source: Callable[[], dict[str, frozenset[str]]]) -> None:
        """Where `learned` comes from: the index's own columns (or, for a delta, the base's pairs)."""
        self._learn = source
        self._learned = None

    def learned(self) -> dict[str, frozenset[str]]:
        """Nicknames learned from the records (`learned.known_as_pairs`): each name's partners. Built on
        first use (a pass over the distinct forename and known-as pairs), like the heard table."""
        if self._learned is None:
            self._learned = self._learn() if self._learn is not None else {}
        return self._learned

    def spoken_from(self, source: Callable[[], dict[int, tuple[str, ...]]]) -> None:
        """Where `spoken` comes from: the index's own name strings, as written."""
        self._spoken_from = source
        self._spoken = None
        self._heard = self._forms = None

    def spoken(self) -> dict[int, tuple[str, ...]]:
        """Heard forms of the tokens some name writes with a letter folding loses ('lukasz' from Łukasz:
        'wukasz', 'wukash'). Built on first use, before the heard tables that take them in."""
        if self._spoken is None:
            self._spoken = self._spoken_from() if self._spoken_from is not None else {}
        return self._spoken

    def forms_of(self, tid: int) -> tuple[str, ...]:
        """Every way token `tid` may be heard: the token itself and its language rules' forms
        (`heard_forms`), then the forms of the letters some name writes it with (`spoken`)."""
        return (*heard_forms(self.tokens[tid]), *self.spoken().get(tid, ()))

    def heard(self, word: str) -> np.ndarray:
        """Token ids whose heard forms (`heard.name_keys`) meet `word`'s loose sound key ('usheen': Oisín).

        The table of heard keys is built on first use, not with the index: it is a Python pass over every
        token, and a cold start should not wait for it."""
        if self._heard is None:
            table: dict[str, list[int]] = {}
            spoken = self.spoken()
            for i, t in enumerate(self.tokens):
                for k in name_keys(t, spoken.get(i, ())):
                    table.setdefault(k, []).append(i)
            self._heard = table
        found = [self._heard.get(k, ()) for k in word_keys(word)]
        return distinct(np.concatenate([np.asarray(f, np.int64) for f in found])) if found else np.zeros(0, np.int64)

    def heard_spellings(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(offsets by token, spellings, their lengths): each token's heard forms other than itself
        ('vojcheh' for Wojciech), for the spelling bands (`weigh.weigh_tokens`). Built on first use, like
        the heard table."""
        if self._forms is None:
            forms: list[str] = []
            off = np.zeros(len(self.tokens) + 1, np.int64)
            for i, t in enumerate(self.tokens):
                forms.extend(dict.fromkeys(f for f in self.forms_of(i) if f != t))
                off[i + 1] = len(forms)
            sizes = np.fromiter((len(f) for f in forms), np.int64, len(forms))
            self._forms = (off, np.asarray(forms, dtype=object), sizes)
        return self._forms

    def trigrams(self) -> dict[str, list[int]]:
        """Which tokens hold each three letters after their first letter ('tor': Victoria), for a word
        inside a name (`parts.inside_ids`). Built on first use, like the heard table."""
        if self._trigrams is None:
            table: dict[str, list[int]] = {}
            for i, t in enumerate(self.tokens):
                for k in dict.fromkeys(t[j : j + 3] for j in range(1, len(t) - 2)):
                    table.setdefault(k, []).append(i)
            self._trigrams = table
        return self._trigrams

    def heard_similarity(self, word: str, tid: int) -> float:
        """Jaro-Winkler of `word` to the nearest of a name's heard forms (the name itself among them): a
        sound match is graded by how the name sounds as well as how it is written, so 'jang' is nearer
        Zhang (heard 'jang') than Yang, though both share the loose key."""
        return max(JaroWinkler.normalized_similarity(word, form) for form in self.forms_of(tid))

    def set_lexicon(self, lexicon: Lexicon, *, learning: bool = True) -> None:
        """Use other name knowledge from now on (cached matches are dropped); `learning=False` leaves out
        the nicknames learned from the records (the benchmark's tables-only figures)."""
        self.lexicon = lexicon
        self.learning = learning
        self._cache.clear()
        self._maps.clear()
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

    def strong_weights(self, word: str, *, prefix: bool = False) -> dict[int, float]:
        """`strong` as a token -> weight map (the re-scoring of a contact looks up a few tokens in it)."""
        key = (word, prefix)
        hit = self._maps.get(key)
        if hit is None:
            tids, weights, _levels = self.strong(word, prefix=prefix)
            if len(self._maps) >= _CACHE_SIZE:
                self._maps.clear()
            hit = self._maps[key] = dict(zip(tids.tolist(), weights.tolist(), strict=True))
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
        for other in self._learned_for(word):
            add(self.ids.get(other), LEARNED, LISTED)
        if len(word) >= 3:
            for tid in self.by_sound.get(sound_key(word), ()):
                add(tid, WEIGHTS[PHONETIC], PHONETIC)
            keys = dm_keys(word)
            for dk in keys:  # primary meets primary, or the first letters agree too (`primary_key_suffices`)
                loose = dk != keys[0] or not primary_key_suffices(word, dk)
                h = hash(dk)
                for tid in self.by_dm.get(dk, ()):
                    primary = not loose and self.dm_hashes[0, tid] == h and opens_alike(word, self.tokens[tid])
                    if primary or self.first_letter[tid] == ord(word[0]):
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
            i = bisect.bisect_left(self.alpha_tokens, word)
            n = 0
            while i < len(self.alpha_tokens) and self.alpha_tokens[i].startswith(word) and n < PREFIX_LIMIT:
                if self.alpha_tokens[i] != word:
                    add(self.alpha_ids[i], WEIGHTS[PREFIX], PREFIX)
                    n += 1
                i += 1
        tf = self.word_tf(word)
        for tid, (weight, level) in best.items():  # the word's term-frequency adjustment, in proportion
            if level != EXACT:
                best[tid] = (weight + tf * weight / float(WEIGHTS[EXACT]), level)
        fuzzy = [tid for tid, (_w, level) in best.items() if level in FUZZY]
        if fuzzy:  # graded by spelling as in `weigh_fields`, so a contact's near name counts as a child's does
            jw = process.cdist([word], [self.tokens[t] for t in fuzzy], scorer=JaroWinkler.normalized_similarity)[0]
            for tid, sim in zip(fuzzy, jw.tolist(), strict=True):
                weight, level = best[tid]
                if level == PHONETIC:
                    sim = max(sim, PHONETIC_FLOOR, self.heard_similarity(word, tid))
                best[tid] = (weight + JW_GRADE * (sim - JW_GRADE_MID), level)
        listed = [tid for tid, (_w, level) in best.items() if level == LISTED]
        if listed:  # a short form shared by two spellings leans to the one it is spelt like: Kitty, Katherine
            jw = process.cdist([word], [self.tokens[t] for t in listed], scorer=JaroWinkler.normalized_similarity)[0]
            for tid, sim in zip(listed, jw.tolist(), strict=True):
                weight, level = best[tid]
                best[tid] = (weight + LISTED_GRADE * sim, level)
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

    def weigh_fields(
        self, word: str, tids: np.ndarray, *, prefix: bool = False, parts: bool = True
    ) -> tuple[np.ndarray, ...]:
        """`weigh`, plus the weights against the same tokens as *surnames*: a part of a surname (leading,
        trailing, pet form, shared beginning) counts SURNAME_PART of its weight, or its spelling level
        (Jaro-Winkler, phonetic) if that is more ('agyemang' for Agyeman is a near spelling).

        Kept per query word, token by token: a common name ('jamie', 'smith') brings thousands of the
        same tokens on every call of the day, and each token's weights depend on it and the word alone.
        """
        key = (word, prefix, parts)
        got = self._weighed.pop(key, None)  # re-inserted below: the dict's order is least recently used first
        if got is None:
            if len(self._weighed) >= min(_WEIGHED_MAX, max(8, _WEIGHED_BYTES // max(1, 10 * len(self.tokens)))):
                del self._weighed[next(iter(self._weighed))]
            got = _Weighed(len(self.tokens))
        self._weighed[key] = got
        tids = np.asarray(tids, dtype=np.int64)
        need = tids[~got.done[tids]]
        if len(need):
            need = distinct(need)
            got.weights[need], got.levels[need], got.surname[need] = self._weigh_fields(
                word, need, prefix=prefix, parts=parts
            )
            got.done[need] = True
        return got.weights[tids], got.levels[tids], got.surname[tids]

    def _weigh_fields(
        self, word: str, tids: np.ndarray, *, prefix: bool = False, parts: bool = True
    ) -> tuple[np.ndarray, ...]:
        """`weigh_fields` worked out (`weigh.weigh_tokens`: each token on its own, which is what lets
        `weigh_fields` keep them)."""
        return weigh_tokens(self, word, tids, prefix=prefix, parts=parts)

    def nickname_ids(self, word: str) -> np.ndarray:
        """Token ids listed as nicknames of `word` (or it of them) and not also its sound-alikes."""
        sounds = self.lexicon.sound_alikes(word)
        listed = (*self.lexicon.nickname_variants(word), *self._learned_for(word))
        found = [self.ids[n] for n in listed if n in self.ids and n not in sounds]
        return np.asarray(found, dtype=np.int64)

    def _learned_for(self, word: str) -> frozenset[str]:
        return self.learned().get(word, frozenset()) if self.learning else frozenset()
