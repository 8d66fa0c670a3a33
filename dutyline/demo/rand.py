"""Fast random draws for the generator's hot loop.

Why not `random.choice`/`randint`/`choices`: at a million rows their argument checking and rejection
sampling were a third of the run time. One `random()` call per draw is plenty for demo data: the bias
from float rounding is far below anything a person or a test could notice.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def weighted_index(rng: random.Random, cum_weights: Sequence[float]) -> int:
    """Index drawn in proportion to the weights whose running totals are `cum_weights`."""
    return bisect_right(cum_weights, rng.random() * cum_weights[-1], 0, len(cum_weights) - 1)


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """One item, uniformly."""
    return items[int(rng.random() * len(items))]


def between(rng: random.Random, low: int, high: int) -> int:
    """An integer in [low, high], both ends included."""
    return low + int(rng.random() * (high - low + 1))
