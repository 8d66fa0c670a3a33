"""Fictional but unique phone numbers in the mixed formats councils' exports really contain.

Why Ofcom's drama ranges: the demo must never ring a real person. Mobiles grow upwards from 07700 900000
and landlines from 01632 960000 (Ofcom's TV/drama blocks), scaled past the official 1,000-number blocks
because a county needs more families than that: a default 15,000-case demo stays inside 07700 9xxxxx and
01632 (no real subscribers); only million-row benchmark files run further, and those are never dialled.
Numbers are a pure function of the family index, so they are unique per family without remembering any.
"""

from __future__ import annotations

import random

#: 020 7946 0xxx is kept out of generated data entirely so the canary's number can never collide.
CANARY_PHONE = "020 7946 0999"

_MOBILE_BASE = 7700_900000  # 07700 900000, without the trunk zero
_LANDLINE_BASE = 960000  # 01632 960000


def mobile_digits(family: int, slot: int) -> str:
    """National digits of contact `slot` (0 or 1) in `family`: unique for every (family, slot)."""
    return f"0{_MOBILE_BASE + family * 2 + slot}"


def landline_digits(family: int) -> str | None:
    """A 01632 number for the family, or None past the million numbers the code has."""
    if family >= 1_000_000:
        return None
    return f"01632{(_LANDLINE_BASE + family) % 1_000_000:06d}"


def format_mobile(rng: random.Random, digits: str) -> str:
    """Write 07700900123 the way a person or a case system might: spaced, run together or +44."""
    local, sub = digits[1:5], digits[5:]
    r = rng.random()
    if r < 0.45:
        return f"0{local} {sub}"
    if r < 0.70:
        return digits
    if r < 0.85:
        return f"+44 {local} {sub}"
    if r < 0.93:
        return f"0{local} {sub[:3]} {sub[3:]}"
    if r < 0.97:
        return f"+44{digits[1:]}"
    return f"+44 (0){local} {sub}"


def format_landline(rng: random.Random, digits: str) -> str:
    """Write 01632960123 as '01632 960123', '(01632) 960123', run together or international."""
    code, sub = digits[:5], digits[5:]
    r = rng.random()
    if r < 0.5:
        return f"{code} {sub}"
    if r < 0.75:
        return f"({code}) {sub}"
    if r < 0.9:
        return digits
    return f"+44 {code[1:]} {sub}"
