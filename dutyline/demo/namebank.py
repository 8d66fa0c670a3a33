"""The demo name bank: weighted names per culture, loaded once from data/names.txt.

Why weights: search has to cope with many children called "Oliver Smith" and with rare spellings that
differ only by an accent; uniform sampling would make every name rare and hide the hard cases. Why a data
file: the lists are long and edited by people who know the communities, not by reading Python.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from dutyline.demo.rand import weighted_index

#: Lists every culture section may hold; mums/dads/grans/grandads fall back to children's lists.
_LISTS = ("boys", "girls", "mums", "dads", "grans", "grandads", "surnames")
_FALLBACK = {"mums": "girls", "dads": "boys", "grans": "mums", "grandads": "dads"}


@dataclass(frozen=True, slots=True)
class Pool:
    """Names with cumulative weights, so a draw is one `random()` and a bisect (fast at 1M rows)."""

    names: tuple[str, ...]
    cum_weights: tuple[float, ...]

    def pick(self, rng: random.Random) -> str:
        return self.names[weighted_index(rng, self.cum_weights)]


@dataclass(frozen=True, slots=True)
class Culture:
    code: str
    weight: float
    group: str
    pools: dict[str, Pool] = field(default_factory=dict)

    def pool(self, kind: str) -> Pool:
        """The named list, or its generational fallback (a culture need not list grandparents)."""
        while kind not in self.pools:
            kind = _FALLBACK[kind]
        return self.pools[kind]


@dataclass(frozen=True, slots=True)
class NameBank:
    cultures: tuple[Culture, ...]
    culture_cum: tuple[float, ...]
    nicknames: dict[str, tuple[str, ...]]

    def pick_culture(self, rng: random.Random) -> Culture:
        return self.cultures[weighted_index(rng, self.culture_cum)]

    def by_code(self, code: str) -> Culture:
        for c in self.cultures:
            if c.code == code:
                return c
        raise KeyError(code)


def _parse_items(text: str) -> list[tuple[str, float]]:
    items: list[tuple[str, float]] = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        head, _, tail = item.rpartition(" ")
        try:
            weight = float(tail)
        except ValueError:
            head, weight = item, 1.0
        items.append((head.strip() or item, weight))
    return items


def _pool(items: list[tuple[str, float]]) -> Pool:
    merged: dict[str, float] = {}
    for name, weight in items:  # a name listed twice keeps one entry with the summed weight
        merged[name] = merged.get(name, 0.0) + weight
    return Pool(tuple(merged), tuple(itertools.accumulate(merged.values())))


def parse_names(text: str) -> NameBank:
    """Parse the names.txt format (see the file's header comment)."""
    sections: list[tuple[str, float, str, dict[str, list[tuple[str, float]]]]] = []
    nicknames: dict[str, tuple[str, ...]] = {}
    current: dict[str, list[tuple[str, float]]] | None = None
    in_nicknames = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            code, weight, group = line.strip("[]").split(maxsplit=2)
            in_nicknames = code == "nicknames"
            current = {}
            if not in_nicknames:
                sections.append((code, float(weight), group, current))
            continue
        key, sep, rest = line.partition(":")
        if not sep or current is None:
            raise ValueError(f"names.txt line {lineno}: expected 'list: names'")
        if in_nicknames:
            nicknames[key.strip()] = tuple(n for n, _ in _parse_items(rest))
        elif key.strip() in _LISTS:
            current.setdefault(key.strip(), []).extend(_parse_items(rest))
        else:
            raise ValueError(f"names.txt line {lineno}: unknown list {key.strip()!r}")
    cultures = tuple(
        Culture(code, weight, group, {k: _pool(v) for k, v in lists.items()}) for code, weight, group, lists in sections
    )
    for c in cultures:
        for required in ("boys", "girls", "surnames"):
            if required not in c.pools:
                raise ValueError(f"names.txt: culture {c.code} has no {required} list")
    cum = tuple(itertools.accumulate(c.weight for c in cultures))
    return NameBank(cultures, cum, nicknames)


@lru_cache(maxsize=1)
def name_bank() -> NameBank:
    """The packaged name bank (parsed once per process)."""
    text = resources.files("dutyline.demo").joinpath("data/names.txt").read_text(encoding="utf-8")
    return parse_names(text)
