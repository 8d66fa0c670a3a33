"""Nicknames learned from the records' own known-as names (`dutyline.domain.search.learned`)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from dutyline.domain.search import UpdatableIndex
from dutyline.domain.search.learned import known_as_pairs
from dutyline.domain.search.lexicon import Lexicon

TODAY = dt.date(2026, 1, 15)
EMPTY = Lexicon()


def case(cid: int, first: str, last: str, known: str = "") -> tuple[object, ...]:
    return (cid, f"EHC-{100000 + cid}", first, last, known, "2015-03-02", "SG1 1AA", "Oak School", "assessment", "X")


def index_of(cases: list[tuple[object, ...]]) -> UpdatableIndex:
    ix = UpdatableIndex.from_rows(cases, [])
    ix.set_lexicon(EMPTY)  # no name files: whatever is known comes from the records
    return ix


def names(ix: UpdatableIndex, query: str) -> list[str]:
    return [f"{h.first_name} {h.last_name}" for h in ix.search(query, today=TODAY, complete=True, limit=5)]


def pairs(rows: list[tuple[str, str, str]]) -> dict[str, frozenset[str]]:
    """known_as_pairs over (first, known, last) rows, with a toy name table and tokeniser."""
    table: list[str] = []
    tokens: list[str] = []
    codes: dict[str, int] = {}
    off = [0]
    flat: list[int] = []

    def code(name: str) -> int:
        if name not in codes:
            codes[name] = len(table)
            table.append(name)
            for w in name.lower().split():
                if w not in tokens:
                    tokens.append(w)
                flat.append(tokens.index(w))
            off.append(len(flat))
        return codes[name]

    first, known, last = (np.array([code(r[i]) for r in rows], np.int32) for i in range(3))
    return known_as_pairs(first, known, last, np.array(off, np.int64), np.array(flat, np.int32), tokens)


def test_a_pair_seen_on_two_records_is_learned_both_ways_round() -> None:
    got = pairs([("Wojciech", "Wojtek", "Nowak"), ("Wojciech", "Wojtek", "Zieliński"), ("Tomasz", "", "Nowak")])
    assert got == {"wojtek": frozenset({"wojciech"}), "wojciech": frozenset({"wojtek"})}


def test_one_record_a_middle_name_beside_a_known_as_or_a_known_as_that_is_the_own_name_teach_nothing() -> None:
    rows = [("Olivia", "Liv", f"S{i}") for i in range(8)] + [("Olivia Grace", "Liv", "A"), ("Olivia Grace", "Liv", "B")]
    rows += [("Kwame", "Kofi", "Mensah")]  # once only: a family's own choice, not yet a pattern
    rows += [("Anna Maria", "Maria", "Kowalska"), ("Anna Maria", "Maria", "Nowak")]  # known by the second forename
    rows += [("Lee", "Lee", "Smith"), ("Jo", "Smith", "Smith"), ("Jo", "Smith", "Smith")]
    got = pairs(rows)
    assert got["liv"] == {"olivia"}  # Grace beside Liv on 2 of 10 records is not Liv's long form
    assert "kofi" not in got and "maria" not in got and "lee" not in got and "smith" not in got


def test_a_nickname_no_file_lists_finds_the_formal_name_because_other_records_use_it() -> None:
    """'Wojtek Kowalczyk': the one meant is recorded as Wojciech with no known-as. Without learning, a
    Wojciech Kowalski recorded as known as Wojtek wins on the exact known-as; two other Wojciechs known as
    Wojtek teach the engine that Wojtek is Wojciech, and the exact surname decides."""
    rows = [
        case(1, "Wojciech", "Kowalczyk"),
        case(2, "Wojciech", "Kowalski", "Wojtek"),
        case(3, "Wojciech", "Zieliński", "Wojtek"),
        case(4, "Wojciech", "Lewandowski", "Wojtek"),
        case(5, "Marek", "Kowalczyk"),
    ]
    ix = index_of(rows)
    assert names(ix, "wojtek kowalczyk")[0] == "Wojciech Kowalczyk"
    ix.set_lexicon(EMPTY, learning=False)
    assert names(ix, "wojtek kowalczyk")[0] == "Wojciech Kowalski"


def test_a_changed_case_in_the_delta_uses_the_pairs_learned_from_the_base() -> None:
    """A case changed after the index was built sits in the delta segment, which learns nothing itself."""
    rows = [case(i, "Zorvath", s, "Kippy") for i, s in enumerate(("Kowalski", "Abbott", "Brook"), 1)]
    ix = index_of([*rows, case(9, "Marek", "Kowalczyk")])
    ix.apply([case(10, "Zorvath", "Kowalczyk")], [])
    assert ix.delta_size == 1
    assert names(ix, "kippy kowalczyk")[0] == "Zorvath Kowalczyk"
    hit = ix.search("kippy kowalczyk", today=TODAY, complete=True, limit=1)[0]
    assert any(m.kind == "nickname" for m in hit.matched)


def test_the_delta_searches_with_the_name_knowledge_the_base_was_given() -> None:
    """Wojtek is in the shipped Polish file; an index given no files must not find it through a delta."""
    ix = index_of([case(1, "Marek", "Nowak"), case(2, "Wojciech", "Nowak")])
    ix.set_lexicon(EMPTY, learning=False)
    ix.apply([case(3, "Wojciech", "Kowalczyk")], [])
    hits = ix.search("wojtek kowalczyk", today=TODAY, complete=True, limit=1)
    assert hits and not any(m.kind == "nickname" for m in hits[0].matched)


def _pairs_one_by_one(rows: list[tuple[str, str, str]]) -> dict[str, frozenset[str]]:
    """The rule as plain loops over records, to check the vectorised `known_as_pairs` against."""
    seen: dict[tuple[str, str], int] = {}
    by_known: dict[str, int] = {}
    for first, known, last in rows:
        if not known or known in (first, last):
            continue
        own = set(first.lower().split())
        for k in dict.fromkeys(known.lower().split()):
            if k in own:
                continue
            by_known[k] = by_known.get(k, 0) + 1
            for f in own:
                seen[(f, k)] = seen.get((f, k), 0) + 1
    out: dict[str, set[str]] = {}
    for (f, k), n in seen.items():
        if n >= 2 and n >= 0.25 * by_known[k]:
            out.setdefault(f, set()).add(k)
            out.setdefault(k, set()).add(f)
    return {w: frozenset(p) for w, p in out.items()}


def test_the_vectorised_pairs_are_the_rule_applied_record_by_record() -> None:
    import random

    rng = random.Random(5)
    words = ["ann", "anna", "maria", "liv", "olivia", "tom", "tomek", "kit", "kat", "bo"]
    for _ in range(100):
        rows = []
        for _ in range(rng.randint(0, 40)):
            first = " ".join(rng.sample(words, rng.choice((1, 1, 1, 2))))
            known = rng.choice(["", "", " ".join(rng.sample(words, rng.choice((1, 1, 2))))])
            rows.append((first, known, rng.choice(["smith", "tom", "kat"])))
        assert pairs(rows) == _pairs_one_by_one(rows)


def test_distinct_known_as_names_take_no_python_step_per_record() -> None:
    """One distinct known-as per record (nothing to learn) must not cost a Python step per record: the
    pairs are worked out under the search lock, and a table may hold a million. Counted, not timed: every
    Python and C function call made while 200,000 records are read must stay far below one per record."""
    import sys

    n = 200_000
    first = np.arange(n, dtype=np.int32) % 500
    known = 500 + np.arange(n, dtype=np.int32)
    off = np.arange(n + 501, dtype=np.int64)
    tokens = [f"t{i}" for i in range(n + 500)]
    calls = 0

    def count(_frame: object, event: str, _arg: object) -> None:
        nonlocal calls
        calls += event in ("call", "c_call")

    sys.setprofile(count)
    try:
        got = known_as_pairs(first, known, first, off, np.arange(n + 500, dtype=np.int32), tokens)
    finally:
        sys.setprofile(None)
    assert got == {} and calls < 5_000
