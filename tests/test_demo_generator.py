"""The demo generator: deterministic, importable, realistic enough to make search tests honest, streaming."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import itertools
import re
import sys
import tracemalloc
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from dutyline.demo import CASE_COLUMNS, DEMO_TODAY, canary_row, demo_officers, iter_case_rows, write_csv
from dutyline.domain.import_row import COLUMNS, REQUIRED, CaseRow, validate_row
from dutyline.domain.model import District, Stage
from dutyline.domain.text import format_postcode, phone_digits, valid_uk_phone

N = 20_000
EAST = {"Broxbourne", "East Hertfordshire", "North Hertfordshire", "Stevenage", "Welwyn Hatfield"}
OUTWARD_PREFIX = {  # which postcode areas each district may use
    "Broxbourne": ("EN",),
    "Dacorum": ("HP",),
    "East Hertfordshire": ("SG", "CM"),
    "Hertsmere": ("WD", "EN"),
    "North Hertfordshire": ("SG",),
    "St Albans": ("AL",),
    "Stevenage": ("SG",),
    "Three Rivers": ("WD",),
    "Watford": ("WD",),
    "Welwyn Hatfield": ("AL",),
}
DATE_COLUMNS = ("date_of_birth", "stage_since", "request_date", "plan_issued_date", "last_review_date")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return list(iter_case_rows(N))


def _d(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _day(value: str) -> dt.date:
    """A date that must be there (an empty one fails the test)."""
    return dt.date.fromisoformat(value)


# --- determinism -------------------------------------------------------------------------------------------


def test_same_seed_gives_same_rows_and_other_seed_differs() -> None:
    a = list(iter_case_rows(800, seed=7))
    assert a == list(iter_case_rows(800, seed=7))
    b = list(iter_case_rows(800, seed=8))
    assert sum(x["first_name"] == y["first_name"] for x, y in zip(a, b, strict=True)) < 200
    assert [r["first_name"] for r in a] != [r["first_name"] for r in b]


def test_rows_are_a_prefix_of_a_longer_run_and_today_defaults_to_fixed_date() -> None:
    short = list(iter_case_rows(301))
    assert short == list(itertools.islice(iter_case_rows(5_000), 301))
    assert short == list(iter_case_rows(301, today=dt.date(2026, 11, 23)))
    moved = list(iter_case_rows(301, today=dt.date(2027, 11, 23)))
    assert moved != short and all(_day(r["stage_since"]) <= dt.date(2027, 11, 23) for r in moved)


def test_csv_is_byte_identical_and_reads_back(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert write_csv(first, 1_500, seed=11) == 1_500
    assert write_csv(second, 1_500, seed=11) == 1_500
    assert first.read_bytes() == second.read_bytes()
    with first.open(encoding="utf-8", newline="") as fh:
        read = list(csv.DictReader(fh))
    assert read == list(iter_case_rows(1_500, seed=11))
    assert first.read_text(encoding="utf-8").splitlines()[0] == ",".join(CASE_COLUMNS)


def test_zero_rows_and_negative() -> None:
    assert list(iter_case_rows(0)) == []
    with pytest.raises(ValueError):
        list(iter_case_rows(-1))


# --- every row passes the import rules ------------------------------------------------------------------------


def test_columns_are_the_import_format(rows: list[dict[str, str]]) -> None:
    assert CASE_COLUMNS == COLUMNS
    assert all(list(r) == list(COLUMNS) and all(isinstance(v, str) for v in r.values()) for r in rows[:500])


def test_every_row_passes_the_importer_validation(rows: list[dict[str, str]]) -> None:
    problems: Counter[tuple[str, str]] = Counter()
    for r in rows:
        result = validate_row(r, DEMO_TODAY)
        if not isinstance(result, CaseRow):
            problems.update((p.column, p.reason) for p in result)
    assert not problems
    assert isinstance(validate_row(canary_row(), DEMO_TODAY), CaseRow)


def test_fields_are_valid(rows: list[dict[str, str]]) -> None:
    refs = [r["case_ref"] for r in rows]
    assert len(set(refs)) == N and all(re.fullmatch(r"EHC-\d{6}", ref) for ref in refs)
    districts = {d.value for d in District}
    stages = {s.value for s in Stage}
    for r in rows:
        assert all(r[c] for c in REQUIRED), r["case_ref"]
        assert r["district"] in districts and r["stage"] in stages
        for c in DATE_COLUMNS:
            assert r[c] == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", r[c])
        postcode = format_postcode(r["postcode"])
        assert postcode is not None
        assert postcode.startswith(OUTWARD_PREFIX[r["district"]])
        for n in (1, 2):
            if r[f"contact{n}_phone"]:
                assert valid_uk_phone(phone_digits(r[f"contact{n}_phone"])), r[f"contact{n}_phone"]
            if r[f"contact{n}_email"]:
                assert re.fullmatch(r"[a-z0-9._]+@example\.(com|org|net)", r[f"contact{n}_email"])
        assert r["contact2_name"] or not (r["contact2_phone"] or r["contact2_email"])


def test_dates_agree_with_each_other_and_the_stage(rows: list[dict[str, str]]) -> None:
    today = DEMO_TODAY
    for r in rows:
        dob, since = _d(r["date_of_birth"]), _d(r["stage_since"])
        req, plan, review = _d(r["request_date"]), _d(r["plan_issued_date"]), _d(r["last_review_date"])
        assert dob is not None and since is not None
        assert 0 <= (today - dob).days <= 26 * 366
        for d in (req, plan, review, since):
            assert d is None or dob < d <= today
        if req:
            assert req <= since and (plan is None or req <= plan)
        if plan:
            assert plan <= since and (review is None or plan < review)
        if review:
            assert review <= since
        stage = Stage(r["stage"])
        if stage in (Stage.REQUEST_RECEIVED, Stage.ASSESSMENT, Stage.DRAFT_PLAN):
            assert req is not None and plan is None and review is None
            elapsed = (today - req).days
            low, high = {Stage.REQUEST_RECEIVED: (0, 41), Stage.ASSESSMENT: (42, 111), Stage.DRAFT_PLAN: (98, 200)}[
                stage
            ]
            assert low <= elapsed <= high, (stage, elapsed)
        if stage in (Stage.PLAN_ISSUED, Stage.ANNUAL_REVIEW, Stage.AMENDMENT, Stage.CEASED):
            assert plan is not None
        if stage is Stage.ANNUAL_REVIEW:
            assert review == since and (today - review).days <= 56
        if stage in (Stage.NOT_ASSESSING, Stage.NOT_ISSUING):
            assert req is not None and plan is None and (today - since).days <= 240  # a recent decision
    overdue = [r for r in rows if r["stage"] == "draft_plan" and (today - _day(r["request_date"])).days > 140]
    assert overdue, "a few draft plans should be past the 20-week deadline"
    ceased_ages = [(today - _day(r["date_of_birth"])).days / 365 for r in rows if r["stage"] == "ceased"]
    assert sum(ceased_ages) / len(ceased_ages) > 15


def test_stage_mix(rows: list[dict[str, str]]) -> None:
    stage = Counter(r["stage"] for r in rows)
    share = {k: v / N for k, v in stage.items()}
    first20 = share["request_received"] + share["assessment"] + share["draft_plan"]
    plan = share["plan_issued"] + share["annual_review"] + share["amendment"]
    disagreement = share["mediation"] + share["tribunal"]
    assert 0.06 <= first20 <= 0.10 and 0.75 <= plan <= 0.85 and 0.02 <= disagreement <= 0.045
    assert set(stage) == {s.value for s in Stage}
    ages = Counter((DEMO_TODAY - _day(r["date_of_birth"])).days // 365 for r in rows)
    assert sum(ages[a] for a in range(5, 17)) / N > 0.6


# --- realism ------------------------------------------------------------------------------------------------


def test_names_from_many_cultures(rows: list[dict[str, str]]) -> None:
    firsts = Counter(r["first_name"] for r in rows)
    lasts = Counter(r["last_name"] for r in rows)
    markers = {
        "Irish": ({"Niamh", "Aoife", "Saoirse", "Oisín", "Siobhan"}, {"O'Brien", "Murphy", "O'Sullivan"}),
        "Welsh": ({"Cerys", "Ffion", "Gethin", "Osian", "Seren"}, set()),
        "Scottish": ({"Eilidh", "Hamish", "Mhairi"}, {"MacDonald", "McDonald", "MacLeod", "McKenzie"}),
        "South Asian": ({"Arjun", "Priya", "Aarav"}, {"Patel", "Khan", "Singh", "Hussain", "Rahman"}),
        "Arabic": ({"Layla", "Omar"}, {"Al-Hassan", "Haddad", "Mansour", "El-Sayed"}),
        "African": ({"Chiamaka", "Kwame", "Oluwaseun"}, {"Adeyemi", "Okafor", "Mensah", "Owusu", "Warsame"}),
        "Caribbean": ({"Malachi", "Tyrese", "Aaliyah", "Imani"}, set()),
        "Eastern European": ({"Jakub", "Zofia", "Łucja", "Andrei"}, {"Kowalski", "Kowalska", "Nowak"}),
        "Chinese": ({"Haoran", "Xinyi"}, {"Wong", "Chan", "Zhang", "Chen"}),
        "Vietnamese": ({"Minh", "Linh"}, {"Nguyen", "Tran"}),
    }
    for group, (given, family) in markers.items():
        hits = sum(firsts[g] for g in given) + sum(lasts[s] for s in family)
        assert hits >= 20, group
    mohammed = {n for n in firsts if re.fullmatch(r"M[ou]hamm?[ae]d", n)}
    assert len(mohammed) >= 3
    assert lasts["Smith"] > 0.015 * N  # common names are common
    full = Counter(f"{r['first_name']} {r['last_name']}" for r in rows)
    assert full.most_common(1)[0][1] >= 5  # many children share a name like "Oliver Smith"
    english_share = sum(lasts[s] for s in ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson")) / N
    assert english_share < 0.15  # but the mix is not all-English


def test_accents_apostrophes_double_barrels_nicknames(rows: list[dict[str, str]]) -> None:
    names = [f"{r['first_name']} {r['last_name']}" for r in rows]
    assert sum(any(ord(c) > 127 for c in n) for n in names) > 0.01 * N
    assert {"Zoë", "Chloé", "Łucja", "José"} & {r["first_name"] for r in rows}
    assert sum("'" in r["last_name"] for r in rows) > 0.005 * N
    assert any(r["last_name"].startswith("D'") for r in rows)
    barrels = [
        r["last_name"]
        for r in rows
        if re.fullmatch(r"[A-Z][a-z']+-[A-Z][a-z']+", r["last_name"]) and not r["last_name"].startswith(("Al-", "El-"))
    ]
    assert len(barrels) > 0.01 * N
    pairs = {(r["first_name"], r["known_as"]) for r in rows if r["known_as"]}
    assert ("Alexander", "Alex") in pairs and ("William", "Billy") in pairs and ("Elizabeth", "Lizzie") in pairs
    assert 0.02 * N < sum(bool(r["known_as"]) for r in rows) < 0.2 * N


def test_siblings_and_twins_share_family_details(rows: list[dict[str, str]]) -> None:
    families: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        families[phone_digits(r["contact1_phone"])].append(r)
    siblings = [f for f in families.values() if len(f) > 1]
    assert len(siblings) > 0.05 * len(families)
    twins = 0
    for fam in siblings:
        assert len({(r["postcode"], r["contact1_name"], r["contact2_name"], r["contact2_phone"]) for r in fam}) == 1
        assert len({r["first_name"] for r in fam}) == len(fam)
        dobs = Counter(r["date_of_birth"] for r in fam)
        twins += any(c > 1 for c in dobs.values())
    assert twins >= 20
    # Phones are unique per family: no number appears in two families.
    owner: dict[str, str] = {}
    for key, fam in families.items():
        for r in fam:
            for n in (1, 2):
                digits = phone_digits(r[f"contact{n}_phone"])
                if digits:
                    assert owner.setdefault(digits, key) == key


def test_contacts_relationships_and_phone_formats(rows: list[dict[str, str]]) -> None:
    rels = Counter(r[f"contact{n}_relationship"] for r in rows for n in (1, 2) if r[f"contact{n}_name"])
    for rel in ("Mother", "Father", "Grandmother", "Foster carer", "Special guardian", "Adoptive parent"):
        assert rels[rel] > 0, rel
    assert rels["Mother"] > rels["Father"] > rels["Foster carer"]
    shapes = Counter(re.sub(r"\d", "9", r["contact1_phone"]) for r in rows)
    for shape in ("99999 999999", "99999999999", "+99 9999 999999", "(99999) 999999"):
        assert shapes[shape] > 0, shape
    assert any(r["contact1_phone"].startswith("01632") for r in rows)
    assert any(not r["contact2_name"] for r in rows)
    # Mothers in some cultures keep their own surname; Polish daughters and mothers take the -ska form.
    assert (
        sum(r["contact1_relationship"] == "Mother" and not r["contact1_name"].endswith(r["last_name"]) for r in rows)
        > 0.05 * N
    )
    assert any(r["last_name"].endswith("ska") for r in rows)


def test_officers_and_case_teams_fit(rows: list[dict[str, str]]) -> None:
    officers = demo_officers()
    assert officers == demo_officers(2026)
    assert 50 <= len(officers) <= 70
    by_email = {o["email"]: o for o in officers}
    assert len(by_email) == len(officers) and len({o["name"] for o in officers}) == len(officers)
    teams = Counter(o["team_code"] for o in officers)
    assert set(teams) == {
        "front_door",
        "provision_outcomes_placement",
        "resolution",
        "annual_review_east",
        "annual_review_west",
    }
    absent_today = 0
    for o in officers:
        if o["cover_email"]:
            cover = by_email[o["cover_email"]]
            assert cover["team_code"] == o["team_code"] and cover["email"] != o["email"]
        if o["absent_from"]:
            assert o["absent_from"] <= o["absent_until"]
            if o["absent_from"] <= DEMO_TODAY.isoformat() <= o["absent_until"]:
                absent_today += 1
                assert o["cover_email"] and not by_email[o["cover_email"]]["absent_from"]
    assert absent_today >= 3
    assert any(not o["cover_email"] for o in officers)
    for r in rows:
        officer = by_email[r["named_officer_email"]]
        assert officer["name"] == r["named_officer"]
        stage, team = r["stage"], officer["team_code"]
        if stage in ("request_received", "assessment", "draft_plan", "not_assessing", "not_issuing"):
            assert team == "front_door"
        elif stage in ("plan_issued", "annual_review", "amendment"):
            assert team == ("annual_review_east" if r["district"] in EAST else "annual_review_west")
        elif stage in ("mediation", "tribunal"):
            assert team == "resolution"


def test_canary_is_distinctive_and_never_generated(rows: list[dict[str, str]]) -> None:
    canary = canary_row()
    assert canary == canary_row() and list(canary) == list(COLUMNS)
    assert canary["first_name"] == "Zzcanary" and canary["last_name"] == "Qxolotl"
    phone = phone_digits(canary["contact1_phone"])
    for r in rows:
        assert r["case_ref"] != canary["case_ref"] and r["postcode"] != canary["postcode"]
        assert phone_digits(r["contact1_phone"]) != phone and phone_digits(r["contact2_phone"]) != phone
        assert "Zzcanary" not in r["first_name"] and "Qxolotl" not in r["last_name"]


# --- streaming ------------------------------------------------------------------------------------------------


def _peak_bytes(n: int) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        for _ in iter_case_rows(n, seed=99):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_generation_streams_in_constant_memory() -> None:
    """Peak traced memory does not grow with the row count, and live blocks stay flat over 200k rows.

    tracemalloc makes generation ~10x slower, so its peak is compared at 2k and 6k rows (a retained row
    costs ~3 KB, so 4k kept rows would add ~12 MB against a 500 KB allowance); the 60k run samples live
    allocations instead (a retained row is ~25 blocks, so 60k kept rows would be 1.5M blocks, not 20k).
    """
    for _ in iter_case_rows(6_000, seed=99):  # warm the name bank and date caches first
        pass
    small, large = _peak_bytes(2_000), _peak_bytes(6_000)
    assert large < 3_000_000, large
    assert large < small + 500_000, (small, large)
    gc.collect()
    samples: list[int] = []
    for i, _ in enumerate(iter_case_rows(60_000, seed=99)):
        if i % 6_000 == 0:
            samples.append(sys.getallocatedblocks())
    assert max(samples) - samples[0] < 20_000, samples
