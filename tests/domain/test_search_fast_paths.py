"""The search's fast paths against the plain ways they replace: near dates of birth (digits compared only
where exactly one of day, month and year agrees), a word inside candidate names (one scan for all), and
the heard-form table built ahead of the first search. Each must give exactly what the plain way gave."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from types import SimpleNamespace
from typing import Any

import numpy as np

from dutyline.domain.search.columns import NO_DATE
from dutyline.domain.search.evidence import W_DOB_NEAR
from dutyline.domain.search.per_candidate import _near_dates


def reference(dob: np.ndarray, dates: list[dt.date]) -> np.ndarray:
    """The earlier implementation: every candidate's digits, both layouts, for every queried date."""
    days = dob.astype("datetime64[D]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    dmy = [day // 10, day % 10, month // 10, month % 10, *(year // 10**k % 10 for k in (3, 2, 1, 0))]
    layouts = (np.stack(dmy), np.stack(dmy[4:] + dmy[2:4] + dmy[:2]))
    near = np.zeros(len(dob), dtype=bool)
    for d in dates:
        same = (year == d.year).astype(np.int8) + (month == d.month) + (day == d.day)
        swapped = (year == d.year) & (month == d.day) & (day == d.month)
        slip = (same == 2) | swapped
        for digits, text in zip(layouts, (f"{d.day:02d}{d.month:02d}{d.year:04d}", d.strftime("%Y%m%d")), strict=True):
            typed = np.asarray([int(c) for c in text], dtype=np.int64)[:, None]
            differ = digits != typed
            n_diff = differ.sum(axis=0)
            neighbours = differ[:-1] & differ[1:] & (digits[:-1] == typed[1:]) & (digits[1:] == typed[:-1])
            slip |= (n_diff == 1) | ((n_diff == 2) & neighbours.any(axis=0))
        near |= slip & (same < 3)
    return near


def test_near_dates_match_the_whole_candidate_comparison() -> None:
    rng = random.Random(5)
    epoch = dt.date(1970, 1, 1)
    for _ in range(40):
        base = dt.date(rng.randint(2004, 2024), rng.randint(1, 12), rng.randint(1, 28))
        near_base = [base + dt.timedelta(days=rng.randint(-800, 800)) for _ in range(300)]
        # Slips of every kind around the queried date, and dates far from it.
        text = f"{base:%Y%m%d}"
        for i in range(7):
            swapped = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
            for candidate in (swapped, text[:i] + str(rng.randint(0, 9)) + text[i + 1 :]):
                with contextlib.suppress(ValueError):  # not a real day
                    near_base.append(dt.date(int(candidate[:4]), int(candidate[4:6]), int(candidate[6:])))
        if base.day <= 12:
            near_base.append(dt.date(base.year, base.day, base.month))
        dob = np.asarray([(d - epoch).days for d in near_base], dtype=np.int32)
        index: Any = SimpleNamespace(cols=SimpleNamespace(dob=dob), arrays={})
        query: Any = SimpleNamespace(dates=[base])
        uniq = np.arange(len(dob))
        got = _near_dates(index, uniq, query) > 0
        assert (got == reference(dob, [base])).all()
        assert got.any() and (_near_dates(index, uniq, query)[got] == W_DOB_NEAR).all()


def test_an_unknown_date_of_birth_is_never_near() -> None:
    dob = np.asarray([NO_DATE, NO_DATE], dtype=np.int32)
    index: Any = SimpleNamespace(cols=SimpleNamespace(dob=dob), arrays={})
    query: Any = SimpleNamespace(dates=[dt.date(2011, 1, 1), dt.date(2000, 10, 10)])
    assert not _near_dates(index, np.arange(2), query).any()


def test_the_trigram_table_finds_a_word_inside_names_as_a_search_per_name_finds() -> None:
    """The 'inside the name' level ('tori' in Victoria) looks stems up in the vocabulary's trigram table;
    it must find exactly the tokens a search from each token's second letter finds, overlapping matches
    and stems longer than three letters included."""
    import re

    from dutyline.domain.search.parts import inside_ids
    from dutyline.domain.search.vocab import Vocab

    rng = random.Random(3)
    letters = "aeiortnsl"
    for _ in range(200):
        texts = {"".join(rng.choice(letters) for _ in range(rng.randint(1, 9))) for _ in range(rng.randint(0, 60))}
        texts.add("aaaa")
        words = sorted(texts)
        stems = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 5))) for _ in range(rng.randint(1, 3))}
        stems |= {"aaa"}  # overlaps itself: 'aaaa' holds it at the second letter
        search = re.compile("|".join(sorted(stems))).search
        want = [i for i, t in enumerate(words) if search(t, 1)]
        assert inside_ids(Vocab(words), stems).tolist() == want


def test_warm_builds_the_heard_table_the_first_search_would_build() -> None:
    """At a million cases the first search paid ~0.5 s for the heard-form table; the app warms it just
    after the index is ready, and a search after that finds the same children."""
    from tests.domain.test_search_evidence import case, index_of

    ix = index_of([case(1, "Oisin", "Doyle"), case(2, "Owen", "Doyle")])
    assert ix.base.vocab._heard is None
    ix.warm()
    assert ix.base.vocab._heard is not None
    assert ix.search("usheen doyle", limit=2, today=dt.date(2026, 12, 6), complete=True)[0].first_name == "Oisin"


def test_warm_sorts_the_postcodes_the_first_outward_search_would_sort() -> None:
    """At a million cases the first outward postcode search of a session ("oliver al8") paid 0.2 s to
    sort the postcodes; warming sorts them, and the search finds the same child."""
    from tests.domain.test_search_evidence import case, index_of

    ix = index_of([case(1, "Oliver", "Doyle", pc="SG1 1AA"), case(2, "Oliver", "Doyle", pc="AL8 6AB")])
    assert ix.base._pc_sorted is None
    ix.warm()
    assert ix.base._pc_sorted is not None
    hits = ix.search("oliver al8", limit=2, today=dt.date(2026, 12, 6), complete=True)
    assert [h.postcode for h in hits][:1] == ["AL8 6AB"]


def _demo_index(n: int) -> tuple[Any, list[dict[str, str]]]:
    from dutyline.demo.generator import iter_case_rows
    from dutyline.domain.search import UpdatableIndex

    rows = list(iter_case_rows(n, seed=11))
    cases = [
        (i, r["case_ref"], r["first_name"], r["last_name"], r["known_as"], r["date_of_birth"], r["postcode"],
         r["school"], r["stage"], r["named_officer"])
        for i, r in enumerate(rows, 1)
    ]  # fmt: skip
    contacts = [
        (i, k, r[f"contact{k}_name"], r[f"contact{k}_phone"], "")
        for i, r in enumerate(rows, 1)
        for k in (1, 2)
        if r[f"contact{k}_name"]
    ]
    return UpdatableIndex.from_rows(cases, contacts), rows


def test_skipping_candidates_by_their_bound_changes_nothing(monkeypatch: Any) -> None:
    """`totals.survivors` skips candidates whose score bound is below what the shown and the plausible
    rows reach. With it forced on for small candidate sets, every query must give the same hits, scores,
    total, band and question as scoring every candidate (names, typos, surnames alone, parents' names,
    dates, outward codes, half-typed words, and with cases deleted since the build)."""
    from dutyline.domain.search import totals

    ix, rows = _demo_index(4000)
    rng = random.Random(3)
    queries: list[str] = []
    for r in rng.sample(rows, 40):
        first, last = r["first_name"], r["last_name"]
        queries += [
            f"{first} {last}",
            last,
            f"{last} {first}",
            f"{first} {last[:-1]}x",
            f"{first} {last} {r['date_of_birth'][8:]}/{r['date_of_birth'][5:7]}/{r['date_of_birth'][:4]}",
            f"{first} {r['postcode'].split()[0]}",
            r["contact1_name"],
            f"{first} {last[:3]}",
        ]
    barrelled = [r for r in rows if "-" in r["last_name"] or "'" in r["last_name"]][:40]
    for r in barrelled:  # re-scoring lowers the best (one token per word): the plausible cut must allow it
        first, last = r["first_name"], r["last_name"]
        queries += [f"{first} {last}", f"{first} {last.replace('-', ' ')}"]
    for r in rows[:200]:  # two words meeting one name ('anay anaya'): re-scoring takes the second away
        queries.append(f"{r['first_name'][:-1]} {r['first_name']}")
    for r in rows[:100]:  # a word said twice: every row with it over-claims until re-scored, past the first
        queries += [f"{r['last_name']} {r['last_name']}", f"{r['first_name']} {r['first_name']} {r['last_name']}"]
    ix.apply([], [], deleted_ids=range(1, 4000, 7))
    today = dt.date(2026, 12, 6)

    def run() -> list[tuple[object, ...]]:
        out: list[tuple[object, ...]] = []
        for q in queries:
            for complete in (True, False):
                r = ix.search_results(q, limit=3, today=today, complete=complete)
                out.append((q, [(h.case_id, h.score, h.matched) for h in r.hits], r.total, r.band, r.ask))
        return out

    # Rank only the three rows asked for (not the ten the splitting question looks at): small sets to skip in.
    monkeypatch.setattr("dutyline.domain.search.updatable.ASK_FROM", 1)
    monkeypatch.setattr(totals, "PRUNE_MIN", 10**9)
    every = run()
    monkeypatch.setattr(totals, "PRUNE_MIN", 0)
    monkeypatch.setattr(totals, "PRUNE_FIRST", 8)
    calls: list[bool] = []
    real = totals.survivors

    def spy(*args: Any) -> Any:
        kept = real(*args)
        calls.append(kept is not None and len(kept) < len(args[0].uniq))
        return kept

    monkeypatch.setattr("dutyline.domain.search.scoring.survivors", spy)
    assert run() == every
    assert sum(calls) >= len(calls) // 10  # the skipping really ran (and skipped rows) on many queries


def test_weights_kept_per_word_are_the_weights_worked_out() -> None:
    """`Vocab.weigh_fields` keeps each word's weights token by token; asked in any order and in pieces,
    it must give what working them out afresh gives."""
    ix, _rows = _demo_index(1500)
    vocab = ix.base.vocab
    rng = np.random.default_rng(4)
    n = len(vocab.tokens)
    for word in ("jamie", "bell", "smyth", "oliv", "tomi", "zzq", "mohammed"):
        for prefix in (False, True):
            for _ in range(3):
                tids = rng.choice(n, size=min(n, 300), replace=True).astype(np.int64)
                got = vocab.weigh_fields(word, tids, prefix=prefix)
                fresh = vocab._weigh_fields(word, tids, prefix=prefix)
                for a, b in zip(got, fresh, strict=True):
                    assert np.array_equal(a, b)


def outcomes(ix: Any, queries: list[str], limit: int) -> list[tuple[object, ...]]:
    """Each query's ranked (case, score) pairs, total, band and question: what a fast path must keep."""
    today = dt.date(2026, 12, 6)
    return [
        (q, [(h.case_id, h.score) for h in r.hits], r.total, r.band, r.ask)
        for q in queries
        for r in [ix.search_results(q, limit=limit, today=today, complete=True)]
    ]


def counting(monkeypatch: Any, module: Any, name: str) -> list[int]:
    """Replace `module.name` by a wrapper that notes each call in the list returned."""
    real, calls = getattr(module, name), []

    def counted(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_rows_alike_share_a_correction_only_when_their_contacts_are_alike_too(monkeypatch: Any) -> None:
    """`_shown` keeps one query's re-scoring corrections under what they depend on (`rescore.depends`), so
    rows alike are re-scored once.
    Two children both named Amy Bell, whose parents (Jamie Parker-Bell and Jamie Bell) meet "jamie bell"
    with the same weights, must still be told apart: the double-barrelled parent is only partly met.
    Every query must give what re-scoring each row afresh gives."""
    from dutyline.domain.search import UpdatableIndex, scoring

    cases = [
        (i, f"EHC-{i:06d}", "Amy", "Bell", "", f"2015-03-0{1 + i % 9}", "SG1 1AA", "", "", "") for i in range(1, 13)
    ]
    contacts = [(i, 1, "Jamie Parker-Bell" if i % 2 else "Jamie Bell", "", "") for i in range(1, 13)]
    ix = UpdatableIndex.from_rows(cases, contacts)
    queries = ["jamie bell", "amy bell", "bell jamie", "jamie parker bell", "amy jamie bell", "jamie bel"]
    shared = outcomes(ix, queries, 12)
    by_parent = {case_id % 2: score for case_id, score in shared[0][1]}  # type: ignore[attr-defined]
    assert by_parent[0] > by_parent[1]  # "jamie bell" is Jamie Bell's child before Jamie Parker-Bell's
    calls = counting(monkeypatch, scoring, "rescore")
    assert outcomes(ix, queries, 12) == shared
    alone = len(calls)
    monkeypatch.setattr(scoring, "depends", lambda *args: object())  # every row its own key: no sharing
    calls.clear()
    assert outcomes(ix, queries, 12) == shared
    assert alone < len(calls)  # the sharing really ran


def test_contact_weights_kept_per_query_are_the_weights_worked_out(monkeypatch: Any) -> None:
    """`rescore` keeps one query's contact-name weights by (name, reading): many rows' parents share a
    name. Re-scoring with the kept weights must give what working each contact out afresh gives, for
    readings that differ (a joined word) and for two contacts of one name on different rows."""
    from dutyline.domain.search import UpdatableIndex, rescore

    lasts = ["Bell", "Smith", "Smithson", "Son"]
    cases = [
        (i, f"EHC-{i:06d}", first, lasts[i % 4], "", f"2015-03-0{1 + i % 9}", "SG1 1AA", "", "", "")
        for i, first in enumerate(["Amy", "Jo", "Amy", "Ted", "Amy", "Jo"] * 4, 1)
    ]
    parents = ["Jamie Parker-Bell", "Jamie Bell", "Smith Son", "Jamie Smith-Son", "Jamie Smithson"]
    contacts = [(i, 1, parents[i % 5], "", "") for i in range(1, 25)]
    ix = UpdatableIndex.from_rows(cases, contacts)
    queries = [
        "jamie bell",
        "jamie parker bell",
        "jamie smith son",
        "amy jamie bell",
        "smith son bell",
        "jamie smiths on",
    ]
    kept = outcomes(ix, queries, 24)
    worked = counting(monkeypatch, rescore, "_name_weights")
    assert outcomes(ix, queries, 24) == kept
    kept_calls = len(worked)
    plain = rescore._contact_weights

    def nothing_kept(
        index: Any, row: int, p: int, read: list[int], names: list[str], prefix_last: int, _heard: Any
    ) -> Any:
        return plain(index, row, p, read, names, prefix_last, {})

    monkeypatch.setattr(rescore, "_contact_weights", nothing_kept)
    worked.clear()
    assert outcomes(ix, queries, 24) == kept
    assert kept_calls < len(worked)  # the keeping really ran
    # One contact under two readings of one query ('smith son' as typed, and joined): kept apart.
    monkeypatch.undo()
    names = ["jamie", "smith", "son", "smithson"]
    row = int(np.flatnonzero(ix.base.cols.case_id == 3)[0])  # a child whose parent is Jamie Smith-Son
    heard: rescore.ContactMemo = {}
    for read in ([0, 1, 2], [0, 3], [0, 1, 2]):
        got = plain(ix.base, row, 1, read, names, -1, heard)
        fresh = plain(ix.base, row, 1, read, names, -1, {})
        assert got is not None and fresh is not None
        assert got[0].tolist() == fresh[0].tolist() and got[1] == fresh[1]


def test_best_positions_are_the_k_largest_and_the_first_of_a_tie() -> None:
    from dutyline.domain.search.totals import best_positions

    rng = np.random.default_rng(5)
    for _ in range(200):
        values = rng.integers(0, 6, int(rng.integers(1, 60))).astype(np.float32)
        values[rng.random(len(values)) < 0.1] = -np.inf
        k = int(rng.integers(1, len(values) + 2))
        got = sorted(best_positions(values, k).tolist())
        # The plain way: a stable sort by value, largest first, so ties keep their order.
        want = sorted(np.argsort(-values, kind="stable")[:k].tolist())
        assert got == want
