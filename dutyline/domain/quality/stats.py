"""Rates with honest uncertainty, and inter-rater agreement.

Wilson score interval (95 %): the interval a pass rate is shown with. Unlike "p ± 1.96·sqrt(p(1-p)/n)" it
stays inside 0..1 and is not zero-width at 0 or N of N, which matters for a person with 6 reviews.

Krippendorff's alpha: agreement between the first and the blind second reviewer, computed by the
`krippendorff` package (numpy). yes / no / not applicable are categories (nominal); a 1-4 scale is
ordinal, with "na" treated as missing (it is not a point on the scale). Alpha is None when it is not
defined: fewer than one pairable unit, or every answer the same (no variation to agree about).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from dutyline.domain.model import Frozen

Z95 = 1.959963984540054
#: Below this alpha the calibration meeting should look at the item (Krippendorff's lowest tentative level).
ALPHA_FLAG = 0.667


class Interval(Frozen):
    n: int
    passed: int
    rate: float | None
    low: float | None
    high: float | None


def wilson(passed: int, n: int, z: float = Z95) -> Interval:
    """Wilson score interval for passed/n (no continuity correction); all None when n is 0."""
    if n <= 0:
        return Interval(n=0, passed=0, rate=None, low=None, high=None)
    if not 0 <= passed <= n:
        raise ValueError("passed must be between 0 and n")
    p = passed / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = (z / (1 + z2 / n)) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if passed == 0 else max(0.0, centre - half)  # exact at the edges (no rounding crumbs)
    high = 1.0 if passed == n else min(1.0, centre + half)
    return Interval(n=n, passed=passed, rate=p, low=low, high=high)


def alpha(units: Sequence[Sequence[str | None]], level: Literal["nominal", "ordinal"]) -> float | None:
    """Krippendorff's alpha for units x coders answers (None = not coded by that coder).

    `level` is "nominal" (categories, codes are arbitrary) or "ordinal" (codes are numbers in order;
    "na" counts as missing).
    """
    import krippendorff
    import numpy as np

    if level not in ("nominal", "ordinal"):
        raise ValueError("level must be nominal or ordinal")
    coders = max((len(u) for u in units), default=0)
    if coders < 2:
        return None
    codes: dict[str, float] = {}

    def code(value: str | None) -> float:
        if value is None or (level == "ordinal" and value == "na"):
            return math.nan
        if level == "ordinal":
            return float(value)
        return codes.setdefault(value, float(len(codes)))

    matrix = np.full((coders, len(units)), np.nan)
    for j, unit in enumerate(units):
        for i, value in enumerate(unit):
            matrix[i, j] = code(value)
    values = matrix[~np.isnan(matrix)]
    pairable = sum(int(np.sum(~np.isnan(matrix[:, j])) >= 2) for j in range(matrix.shape[1]))
    if pairable == 0 or len(set(values.tolist())) < 2:
        return None
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level))
