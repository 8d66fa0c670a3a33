"""Deterministic synthetic Hertfordshire SEND cases in the import CSV format.

Public API (the demo command, the search tests and the import benchmark all build on it):
    iter_case_rows(n, seed=2026, today=None) -> Iterator[dict[str, str]]
    demo_officers(seed=2026) -> list[dict[str, str]]
    write_csv(path, n, seed=2026) -> int
    canary_row() -> dict[str, str]

Why families: siblings and twins must share parents, phones and address, so cases are generated a family
at a time. Each family draws from its own random stream, seeded from (seed, family number), so a row
depends only on the seed and its position: output is byte-identical everywhere, memory stays constant
at a million rows, and the first N rows of a bigger file are the same N rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import os
import random
from collections.abc import Iterator

from dutyline.demo.namebank import name_bank
from dutyline.demo.officers import DEMO_TODAY, TEAM_SIZES, demo_officers, officers_by_team, team_for
from dutyline.demo.people import child_given, family_adults, family_surname, gendered_surname, known_as
from dutyline.demo.phones import (
    CANARY_PHONE,
    format_landline,
    format_mobile,
    landline_digits,
    mobile_digits,
)
from dutyline.demo.places import DISTRICT_WEIGHTS, random_postcode, school_for
from dutyline.demo.rand import between, pick, weighted_index
from dutyline.demo.stages import iso, pick_age_days, pick_stage, stage_dates
from dutyline.domain.model import Stage

__all__ = ["CASE_COLUMNS", "DEMO_TODAY", "canary_row", "demo_officers", "iter_case_rows", "write_csv"]

#: The import CSV's columns, in the order the demo writes them.
CASE_COLUMNS: tuple[str, ...] = (
    "case_ref",
    "first_name",
    "last_name",
    "known_as",
    "date_of_birth",
    "postcode",
    "district",
    "school",
    "stage",
    "stage_since",
    "request_date",
    "plan_issued_date",
    "last_review_date",
    "named_officer",
    "named_officer_email",
    "contact1_name",
    "contact1_relationship",
    "contact1_phone",
    "contact1_email",
    "contact2_name",
    "contact2_relationship",
    "contact2_phone",
    "contact2_email",
)

_DISTRICTS = tuple(DISTRICT_WEIGHTS)
_DISTRICT_CUM = tuple(itertools.accumulate(DISTRICT_WEIGHTS.values()))
_TEAMS = tuple(TEAM_SIZES)
_MAX_AGE_DAYS = 26 * 365 - 1
_REF_STRIDE = 386_731  # coprime with 10**6: scatters case numbers without ever repeating one


def _case_ref(index: int) -> str:
    """'EHC-004217'-style reference, unique per row index (a permutation within each million)."""
    block, k = divmod(index, 1_000_000)
    return f"EHC-{block * 1_000_000 + (k * _REF_STRIDE + 4217) % 1_000_000:06d}"


def _family_size(rng: random.Random) -> tuple[int, bool]:
    """Children with cases in one family, and whether the first two are twins."""
    r = rng.random()
    if r < 0.87:
        return 1, False
    if r < 0.97:
        return 2, rng.random() < 0.2
    return (3 if r < 0.995 else 4), rng.random() < 0.1


def _family_rows(
    rng: random.Random, family: int, today: int, teams: dict[str, tuple[tuple[str, str], ...]]
) -> list[dict[str, str]]:
    """All case rows for one family (1-4 children), sharing surname, address and contacts."""
    bank = name_bank()
    culture = bank.pick_culture(rng)
    surname = family_surname(rng, bank, culture)
    district = _DISTRICTS[weighted_index(rng, _DISTRICT_CUM)]
    postcode = random_postcode(rng, district)
    if rng.random() < 0.15:  # exports are not tidy: some postcodes arrive lower-case or unspaced
        postcode = postcode.lower() if rng.random() < 0.5 else postcode.replace(" ", "")
    adults = family_adults(rng, bank, culture, surname)

    phones: list[str] = []
    landline = landline_digits(family)
    for slot in range(len(adults)):
        r = rng.random()
        if slot == 1 and r < 0.05:
            phones.append("")
        elif landline and r > 0.88:
            phones.append(format_landline(rng, landline))
            landline = None
        else:
            phones.append(format_mobile(rng, mobile_digits(family, slot)))
    contact = [""] * 8
    for slot, (adult, phone) in enumerate(zip(adults, phones, strict=True)):
        contact[slot * 4 : slot * 4 + 4] = [adult.name, adult.relationship, phone, adult.email]

    size, twins = _family_size(rng)
    first_stage = pick_stage(rng, _MAX_AGE_DAYS)
    age0 = pick_age_days(rng, first_stage)
    officers: dict[str, tuple[str, str]] = {}
    givens: set[str] = set()
    last_school = ("", -1)
    rows: list[dict[str, str]] = []
    for child in range(size):
        child_surname = surname
        if child == 0:
            age, stage = age0, first_stage
        else:
            if child == 1 and twins:
                age = age0
            else:
                if rng.random() < 0.12:  # a half-sibling with their own father's surname
                    child_surname = culture.pool("surnames").pick(rng)
                gap = between(rng, 400, 2600)  # siblings are 1-7 years apart, mostly younger
                younger, older = age0 - gap, age0 + gap
                if younger >= 60 and (older > _MAX_AGE_DAYS or rng.random() < 0.7):
                    age = younger
                else:
                    age = min(older, _MAX_AGE_DAYS)
            stage = pick_stage(rng, age)
        girl = rng.random() < 0.3  # about seven in ten children with plans are boys
        given = child_given(rng, bank, culture, girl)
        while given in givens:
            given = child_given(rng, bank, culture, girl)
        givens.add(given)
        dob = today - age
        since, request, plan, review = stage_dates(rng, stage, dob, today)
        years = age // 365
        phase = min(years // 5, 4)
        if last_school[1] == phase and last_school[0] and rng.random() < 0.6:
            school = last_school[0]  # siblings often go to the same school
        else:
            school = school_for(rng, district, years)
            last_school = (school, phase)
        team = team_for(stage, district, pick(rng, _TEAMS))
        officer = officers.get(team)
        if officer is None:
            officer = officers[team] = pick(rng, teams[team])
        rows.append(
            {
                "case_ref": "",
                "first_name": given,
                "last_name": gendered_surname(child_surname, culture, girl),
                "known_as": known_as(rng, bank, given),
                "date_of_birth": iso(dob),
                "postcode": postcode,
                "district": district.value,
                "school": school,
                "stage": stage.value,
                "stage_since": iso(since),
                "request_date": iso(request) if request else "",
                "plan_issued_date": iso(plan) if plan else "",
                "last_review_date": iso(review) if review else "",
                "named_officer": officer[0],
                "named_officer_email": officer[1],
                "contact1_name": contact[0],
                "contact1_relationship": contact[1],
                "contact1_phone": contact[2],
                "contact1_email": contact[3],
                "contact2_name": contact[4],
                "contact2_relationship": contact[5],
                "contact2_phone": contact[6],
                "contact2_email": contact[7],
            }
        )
    return rows


def iter_case_rows(n: int, seed: int = 2026, today: dt.date | None = None) -> Iterator[dict[str, str]]:
    """Stream `n` synthetic case rows keyed by CASE_COLUMNS; all values are strings ('' when empty).

    `today` (default DEMO_TODAY, a fixed date) anchors every stage date, so the same seed gives the same
    rows on every machine and every day. Constant memory: one family is held at a time.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    anchor = (today or DEMO_TODAY).toordinal()
    teams = officers_by_team(seed)
    key = (seed & 0xFFFF_FFFF_FFFF_FFFF) << 32
    rng = random.Random()
    emitted = 0
    for family in itertools.count():
        if emitted >= n:
            return
        rng.seed(key | family)
        for row in _family_rows(rng, family, anchor, teams):
            if emitted >= n:
                return
            row["case_ref"] = _case_ref(emitted)
            emitted += 1
            yield row


def write_csv(path: str | os.PathLike[str], n: int, seed: int = 2026, today: dt.date | None = None) -> int:
    """Stream `n` rows to a UTF-8 CSV with the header row; returns the number of data rows written."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CASE_COLUMNS)
        for row in iter_case_rows(n, seed, today):
            writer.writerow(row.values())
            count += 1
    return count


def canary_row() -> dict[str, str]:
    """A fixed, unmistakable case for privacy-leak tests: grep logs and output for its values.

    Every value is distinctive and outside what the generator produces (its phone is in a range the
    generator never uses, its postcode district is not one the generator draws), so a hit is a leak.
    """
    officer = next(o for o in demo_officers(2026) if o["team_code"] == "annual_review_east")
    return {
        "case_ref": "EHC-CANARY",
        "first_name": "Zzcanary",
        "last_name": "Qxolotl",
        "known_as": "Zzcan",
        "date_of_birth": "2014-03-09",
        "postcode": "SG11 9ZZ",
        "district": "East Hertfordshire",
        "school": "Zzcanary Test Primary School",
        "stage": Stage.PLAN_ISSUED.value,
        "stage_since": "2025-06-02",
        "request_date": "2025-01-13",
        "plan_issued_date": "2025-06-02",
        "last_review_date": "",
        "named_officer": officer["name"],
        "named_officer_email": officer["email"],
        "contact1_name": "Yyparent Qxolotl",
        "contact1_relationship": "Mother",
        "contact1_phone": CANARY_PHONE,
        "contact1_email": "yyparent.qxolotl@example.com",
        "contact2_name": "",
        "contact2_relationship": "",
        "contact2_phone": "",
        "contact2_email": "",
    }
