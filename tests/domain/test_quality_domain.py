"""ACT scorecard scoring, Wilson intervals, Krippendorff's alpha and the sampling method, without a database."""

from __future__ import annotations

import datetime as dt
import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dutyline.domain.policy import load_policy
from dutyline.domain.quality.sampling import Candidate, Rule, draw
from dutyline.domain.quality.scorecard import (
    AnswerError,
    Section,
    TimelyFacts,
    check_answers,
    score_review,
    timely_answers,
)
from dutyline.domain.quality.stats import alpha, wilson

CARD = load_policy(None).quality.scorecard  # type: ignore[union-attr]
GOOD = {
    "verified": "yes",
    "right_team": "yes",
    "told_matches_clock": "yes",
    "promise_timed": "na",
    "situation_acknowledged": "4",
    "next_steps_plain": "3",
    "no_jargon": "yes",
}


# --- scorecard --------------------------------------------------------------------------------------


def test_the_default_scorecard_has_the_three_sections_and_auto_timely_items() -> None:
    assert {i.section for i in CARD.items} == set(Section)
    assert all(i.auto is not None for i in CARD.items if i.section is Section.TIMELY)
    assert [i.code for i in CARD.items if i.critical] == ["verified"]


def test_scoring_by_hand() -> None:
    auto = {"callback_in_standard": "na", "returned_by_due": "no", "handoff_in_standard": "yes"}
    result = score_review(CARD, {**GOOD, **auto})
    # weights x points: verified 3x1, right_team 2x1, told 2x1, situation 1x1, next 2x(2/3), jargon 1x1,
    # returned 2x0, handoff 1x1; promise_timed and callback_in_standard are n/a.
    # = 3 + 2 + 2 + 1 + 4/3 + 1 + 0 + 1 = 34/3 over weights 3+2+2+1+2+1+2+1 = 14
    assert result.score == pytest.approx((34 / 3) / 14)
    assert result.passed is True  # 0.81 >= 0.8
    assert result.sections[Section.TIMELY].passed is False  # 1 of 3
    assert result.sections[Section.ACCURATE].score == 1.0


def test_a_critical_no_fails_the_whole_review() -> None:
    result = score_review(CARD, {**GOOD, "verified": "no"})
    assert result.passed is False and result.critical_failed == ("verified",)
    assert result.sections[Section.COMPASSIONATE].passed is True


def test_answers_are_checked_item_by_item() -> None:
    with pytest.raises(AnswerError) as err:
        check_answers(CARD, {**GOOD, "next_steps_plain": "5", "returned_by_due": "yes", "bogus": "yes"})
    text = str(err.value)
    assert "next_steps_plain: answer must be one of 1, 2, 3, 4, na" in text
    assert "returned_by_due: answered from the data" in text and "bogus: not an item" in text
    missing = dict(GOOD)
    del missing["verified"]
    with pytest.raises(AnswerError, match="verified: not answered"):
        check_answers(CARD, missing)


def test_timely_items_come_from_the_data() -> None:
    t = dt.datetime(2026, 11, 23, 17, tzinfo=dt.UTC)
    facts = TimelyFacts(
        callback_due=t, callback_standard_due=t, callback_done=t + dt.timedelta(hours=1), callback_now=t
    )
    assert timely_answers(CARD, facts) == {
        "callback_in_standard": "yes",
        "returned_by_due": "no",
        "handoff_in_standard": "na",
    }


# --- Wilson -----------------------------------------------------------------------------------------

#: Newcombe (1998), "Two-sided confidence intervals for the single proportion", Stat Med 17:857-872,
#: Table I, method 3 (Wilson score, no continuity correction).
NEWCOMBE = [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)]


@pytest.mark.parametrize("x,n,low,high", NEWCOMBE)
def test_wilson_matches_published_values(x: int, n: int, low: float, high: float) -> None:
    i = wilson(x, n)
    assert (round(i.low or 0, 4), round(i.high or 0, 4)) == (low, high)


def test_wilson_edges() -> None:
    assert wilson(0, 0).rate is None
    full = wilson(10, 10)
    assert full.high == 1.0 and full.low == pytest.approx(0.7225, abs=1e-4)
    with pytest.raises(ValueError):
        wilson(3, 2)


# --- Krippendorff's alpha ------------------------------------------------------------------------------

#: Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers, 12 units,
#: missing values; published alpha nominal 0.743, ordinal 0.815.
K2011 = [
    ["1", "2", "3", "3", "2", "1", "4", "1", "2", None, None, None],
    ["1", "2", "3", "3", "2", "2", "4", "1", "2", "5", None, "3"],
    [None, "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", None],
    ["1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", None],
]
UNITS = [list(u) for u in zip(*K2011, strict=True)]


def test_alpha_matches_the_published_worked_example() -> None:
    assert round(alpha(UNITS, "nominal") or 0, 3) == 0.743
    assert round(alpha(UNITS, "ordinal") or 0, 3) == 0.815


def test_alpha_matches_the_package_for_yes_no_na() -> None:
    first = ["yes", "no", "yes", "na", "yes", "no", "yes", "yes"]
    second = ["yes", "no", "no", "na", "yes", "yes", "yes", "na"]
    codes = {"yes": 0.0, "no": 1.0, "na": 2.0}
    matrix = np.array([[codes[a] for a in first], [codes[b] for b in second]])
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert alpha(list(zip(first, second, strict=True)), "nominal") == pytest.approx(expected)


def test_alpha_treats_na_as_missing_on_a_scale() -> None:
    first, second = ["1", "2", "3", "4", "na"], ["1", "3", "3", "4", "2"]
    matrix = np.array([[1, 2, 3, 4, math.nan], [1, 3, 3, 4, 2]], dtype=float)
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal")
    assert alpha(list(zip(first, second, strict=True)), "ordinal") == pytest.approx(expected)


def test_alpha_is_undefined_without_variation_or_pairs() -> None:
    assert alpha([["yes", "yes"], ["yes", "yes"]], "nominal") is None
    assert alpha([["yes", None], ["no", None]], "nominal") is None


# --- sampling -----------------------------------------------------------------------------------------

people = st.sampled_from(["ann", "bob", "cat", "dan", "eve"])


@st.composite
def pools(draw_: st.DrawFn) -> list[Candidate]:
    n = draw_(st.integers(min_value=0, max_value=60))
    out = []
    for i in range(n):
        rules = draw_(st.lists(st.sampled_from(list(Rule)), max_size=2, unique=True))
        kind = draw_(st.sampled_from(["call", "callback"]))
        out.append(Candidate(kind=kind, id=i + 1, person=draw_(people), rules=tuple(rules)))
    return out


@settings(max_examples=150, deadline=None)
@given(
    pools(),
    st.integers(min_value=1, max_value=6),
    st.integers(min_value=0, max_value=2**31 - 2),
    st.lists(people, max_size=4),
    st.floats(min_value=0, max_value=1),
)
def test_sampling_properties(pool: list[Candidate], n: int, seed: int, reviewers: list[str], share: float) -> None:
    picked = draw(pool, per_person=n, seed=seed, reviewers=reviewers, second_share=share)
    # reproducible
    assert picked == draw(pool, per_person=n, seed=seed, reviewers=reviewers, second_share=share)
    # strata sizes: min(N, available) random units per (kind, person)
    for kind in ("call", "callback"):
        for person in {c.person for c in pool}:
            have = sum(1 for c in pool if c.kind == kind and c.person == person)
            got = sum(1 for p in picked if p.kind == kind and p.person == person and p.why == "random")
            assert got == min(n, have)
    # every unit meeting a rule is in, labelled targeted unless the random draw took it; no duplicates
    items = [p.item for p in picked]
    assert len(items) == len(set(items))
    assert {c.item for c in pool if c.rules} <= set(items)
    for p in picked:
        assert p.why == "random" or p.why.startswith("targeted:")
        # nobody reviews their own work, and the blind second reviewer is a third person
        assert p.reviewer != p.person and p.second_reviewer != p.person
        assert p.second_reviewer is None or p.second_reviewer != p.reviewer
        assert p.second_reviewer is None or not p.targeted
        if p.reviewer is None:
            assert set(reviewers) <= {p.person}


def test_a_different_seed_gives_a_different_sample() -> None:
    pool = [Candidate(kind="call", id=i, person="ann") for i in range(1, 200)]
    a = draw(pool, per_person=5, seed=1, reviewers=["bob"])
    b = draw(pool, per_person=5, seed=2, reviewers=["bob"])
    assert [p.id for p in a] != [p.id for p in b]
