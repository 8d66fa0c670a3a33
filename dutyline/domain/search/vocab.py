"""The name-token vocabulary: how one query word finds the indexed name tokens it may mean.

Why a vocabulary: there are a million cases but only a few thousand distinct name tokens. Fuzzy and
sound-alike matching runs over those tokens (rapidfuzz, restricted to plausible lengths), and each hit
brings its posting list of cases; no case is ever fuzzy-compared directly.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from dutyline.domain.search.lexicon import nickname_variants, sound_alikes
from dutyline.domain.search.names import sound_key

EXACT, NICKNAME, PHONETIC, TYPO, PREFIX = range(5)
KIND_NAMES = ("exact", "nickname", "phonetic", "typo", "prefix")

#: Closeness of each kind of match (1.0 = spelt as indexed). Tuned on bench/search.py.
SIM_NICKNAME = 0.82
SIM_CURATED = 0.9
SIM_PHONETIC = 0.8
SIM_TYPO = (1.0, 0.8, 0.62)
PREFIX_LIMIT = 25
_CACHE_SIZE = 4096


def max_edits(word: str) -> int:
    """Typos tolerated: none under 4 letters (too many real names lie one edit apart), then 1, then 2."""
    n = len(word)
    return 0 if n < 4 else 1 if n < 6 else 2


class Vocab:
    """Distinct folded name tokens with look-ups by spelling, sound, length and prefix."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self.tokens = list(tokens)
        self.ids = {t: i for i, t in enumerate(self.tokens)}
        self.by_sound: dict[str, list[int]] = {}
        for i, t in enumerate(self.tokens):
            k = sound_key(t)
            if k:
                self.by_sound.setdefault(k, []).append(i)
        order = sorted(range(len(self.tokens)), key=lambda i: (len(self.tokens[i]), self.tokens[i]))
        self._len_tokens = [self.tokens[i] for i in order]
        self._len_ids = order
        self._len_keys = [len(t) for t in self._len_tokens]
        alpha = sorted(range(len(self.tokens)), key=lambda i: self.tokens[i])
        self._alpha_tokens = [self.tokens[i] for i in alpha]
        self._alpha_ids = alpha
        self._cache: dict[tuple[str, bool], list[tuple[int, float, int]]] = {}
        self._arr_cache: dict[tuple[str, bool], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def __contains__(self, word: str) -> bool:
        return word in self.ids

    def match_arrays(self, word: str, *, prefix: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`match` as arrays (token ids int64, closeness float32, kind int8), cached per word."""
        key = (word, prefix)
        hit = self._arr_cache.get(key)
        if hit is None:
            m = self.match(word, prefix=prefix)
            hit = (
                np.fromiter((x[0] for x in m), np.int64, len(m)),
                np.fromiter((x[1] for x in m), np.float32, len(m)),
                np.fromiter((x[2] for x in m), np.int8, len(m)),
            )
            if len(self._arr_cache) >= _CACHE_SIZE:
                self._arr_cache.clear()
            self._arr_cache[key] = hit
        return hit

    def match(self, word: str, *, prefix: bool = False) -> list[tuple[int, float, int]]:
        """(token id, closeness 0..1, kind) for every token `word` may stand for, best kind per token."""
        key = (word, prefix)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._match(word, prefix)
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def _match(self, word: str, prefix: bool) -> list[tuple[int, float, int]]:
        best: dict[int, tuple[float, int]] = {}

        def add(tid: int | None, sim: float, kind: int) -> None:
            if tid is not None and sim > best.get(tid, (0.0, 0))[0]:
                best[tid] = (sim, kind)

        add(self.ids.get(word), 1.0, EXACT)
        for other, closeness in nickname_variants(word):
            add(self.ids.get(other), SIM_NICKNAME * closeness, NICKNAME)
        for other in sound_alikes(word):
            add(self.ids.get(other), SIM_CURATED, PHONETIC)
        if len(word) >= 3:
            for tid in self.by_sound.get(sound_key(word), ()):
                add(tid, SIM_PHONETIC, PHONETIC)
        d = max_edits(word)
        if d:
            lo = bisect.bisect_left(self._len_keys, len(word) - d)
            hi = bisect.bisect_right(self._len_keys, len(word) + d)
            for _tok, dist, pos in process.extract(
                word, self._len_tokens[lo:hi], scorer=OSA.distance, score_cutoff=d, limit=None
            ):
                add(self._len_ids[lo + pos], SIM_TYPO[int(dist)], TYPO)
        if prefix and len(word) >= 2:
            i = bisect.bisect_left(self._alpha_tokens, word)
            n = 0
            while i < len(self._alpha_tokens) and self._alpha_tokens[i].startswith(word) and n < PREFIX_LIMIT:
                tok = self._alpha_tokens[i]
                if tok != word:
                    add(self._alpha_ids[i], 0.5 + 0.4 * len(word) / len(tok), PREFIX)
                    n += 1
                i += 1
        return [(tid, sim, kind) for tid, (sim, kind) in best.items()]
