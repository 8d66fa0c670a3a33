"""Quality figures: pass rates with a Wilson interval and N beside each, agreement, trend and impact.

Random-sample rates and targeted ones are never mixed: targeted items were picked *because* something
went wrong, so counting them in would make the service look worse than it is, and the random rate is the
one that estimates the whole month's work. Per-person rates carry a plain warning when N is below the
policy's minimum ("too few reviews to compare people"). A scale item "passes" on a 3 or a 4.

Counts come grouped from the store; a superseded review (replaced after a dispute) is never counted, and
blind second reviews count only towards agreement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Literal

from dutyline.domain.model import Frozen
from dutyline.domain.quality.scorecard import AnswerType, Scorecard, Section
from dutyline.domain.quality.stats import ALPHA_FLAG, Interval, alpha, wilson

FEW = "too few reviews to compare people"
RANDOM = "random"

DEFINITIONS: dict[str, str] = {
    "random": "Pass rate of randomly sampled items reviewed in the period (first reviews; the standing version).",
    "sections": "Share of random reviews passing each ACT section (sections with every item n/a left out).",
    "items": "Per scorecard item: yes / (yes + no), or 3-4 / all answers on a 1-4 scale.",
    "targeted": "Pass rate of targeted items (safeguarding, broken promises, rang again), by rule: reported apart.",
    "agreement": "Krippendorff's alpha between first and blind second reviews; flagged below the threshold.",
    "trend": "Random-sample pass rate per week (by review date) for the 13 weeks ending with the period.",
    "impact": "Per week: the promises on-time rate beside the random-sample quality pass rate.",
}


class ReviewGroup(Frozen):
    """Reviews grouped by why, team, sample month and person: counts of passes overall and per section."""

    why: str
    team: str
    period: str
    person: str
    n: int
    passed: int
    section_n: dict[str, int]
    section_passed: dict[str, int]


class PersonRate(Frozen):
    person: str
    rate: Interval
    warning: str = ""


class ItemAgreement(Frozen):
    code: str
    level: Literal["nominal", "ordinal"]
    units: int
    alpha: float | None
    flagged: bool


class Disagreement(Frozen):
    qa_item_id: int
    code: str
    first: str
    second: str


class Agreement(Frozen):
    pairs: int
    nominal: float | None
    ordinal: float | None
    threshold: float
    flagged: bool
    items: list[ItemAgreement]
    disagreements: list[Disagreement]


class WeekPass(Frozen):
    week_of: dt.date
    rate: Interval


class ImpactWeek(Frozen):
    week_of: dt.date
    on_time_rate: float | None
    on_time_n: int
    pass_rate: float | None
    pass_n: int


def _add(acc: dict[str, list[int]], key: str, n: int, passed: int) -> None:
    got = acc.setdefault(key, [0, 0])
    got[0] += n
    got[1] += passed


def _rates(acc: dict[str, list[int]]) -> dict[str, Interval]:
    return {k: wilson(v[1], v[0]) for k, v in sorted(acc.items())}


class PassRates(Frozen):
    random: Interval
    sections: dict[str, Interval]
    by_team: dict[str, Interval]
    by_month: dict[str, Interval]
    by_person: list[PersonRate]
    targeted: Interval
    by_rule: dict[str, Interval]


def pass_rates(groups: Iterable[ReviewGroup], min_n: int) -> PassRates:
    """Random-sample rates overall, per section, team, month and person; targeted rates apart, by rule."""
    overall = [0, 0]
    targeted = [0, 0]
    sections: dict[str, list[int]] = {}
    teams: dict[str, list[int]] = {}
    months: dict[str, list[int]] = {}
    persons: dict[str, list[int]] = {}
    rules: dict[str, list[int]] = {}
    for g in groups:
        if g.why != RANDOM:
            targeted[0] += g.n
            targeted[1] += g.passed
            _add(rules, g.why.removeprefix("targeted:"), g.n, g.passed)
            continue
        overall[0] += g.n
        overall[1] += g.passed
        for s in Section:
            _add(sections, s.value, g.section_n.get(s.value, 0), g.section_passed.get(s.value, 0))
        _add(teams, g.team or "none", g.n, g.passed)
        _add(months, g.period, g.n, g.passed)
        _add(persons, g.person, g.n, g.passed)
    people = [PersonRate(person=p, rate=r, warning=(FEW if r.n < min_n else "")) for p, r in _rates(persons).items()]
    return PassRates(
        random=wilson(overall[1], overall[0]),
        sections=_rates(sections),
        by_team=_rates(teams),
        by_month=_rates(months),
        by_person=people,
        targeted=wilson(targeted[1], targeted[0]),
        by_rule=_rates(rules),
    )


def item_rates(card: Scorecard, counts: Iterable[tuple[str, str, int]]) -> dict[str, Interval]:
    """Per item pass rate from (code, answer, count) of random first reviews."""
    acc: dict[str, list[int]] = {i.code: [0, 0] for i in card.items}
    for code, answer, n in counts:
        if code not in acc or answer == "na":
            continue
        item = card.item(code)
        ok = answer == "yes" if item.answer is AnswerType.YES_NO else answer in ("3", "4")
        acc[code][0] += n
        acc[code][1] += n if ok else 0
    return {code: wilson(v[1], v[0]) for code, v in acc.items()}


def agreement(card: Scorecard, rows: Iterable[tuple[int, bool, str, str]], threshold: float = ALPHA_FLAG) -> Agreement:
    """Alpha per item and overall from (qa item, blind?, code, answer) of first and blind second reviews."""
    first: dict[tuple[int, str], str] = {}
    second: dict[tuple[int, str], str] = {}
    for item_id, blind, code, answer in rows:
        (second if blind else first)[(item_id, code)] = answer
    keys = sorted(k for k in second if k in first)
    items: list[ItemAgreement] = []
    nominal_units: list[Sequence[str | None]] = []
    ordinal_units: list[Sequence[str | None]] = []
    for item in card.manual:
        units = [(first[k], second[k]) for k in keys if k[1] == item.code]
        level: Literal["nominal", "ordinal"] = "nominal" if item.answer is AnswerType.YES_NO else "ordinal"
        (nominal_units if level == "nominal" else ordinal_units).extend(units)
        a = alpha(units, level) if units else None
        items.append(
            ItemAgreement(
                code=item.code, level=level, units=len(units), alpha=a, flagged=a is not None and a < threshold
            )
        )
    nominal = alpha(nominal_units, "nominal") if nominal_units else None
    ordinal = alpha(ordinal_units, "ordinal") if ordinal_units else None
    disagreements = [
        Disagreement(qa_item_id=k[0], code=k[1], first=first[k], second=second[k])
        for k in keys
        if first[k] != second[k] and card.item(k[1]).auto is None
    ]
    return Agreement(
        pairs=len({k[0] for k in keys}),
        nominal=nominal,
        ordinal=ordinal,
        threshold=threshold,
        flagged=any(a is not None and a < threshold for a in (nominal, ordinal)),
        items=items,
        disagreements=disagreements,
    )


def weekly(weeks: Sequence[dt.date], counts: Iterable[tuple[int, bool, int]]) -> list[WeekPass]:
    """Random-sample pass rate per week from (bucket, passed, count)."""
    n = [0] * len(weeks)
    ok = [0] * len(weeks)
    for bucket, passed, count in counts:
        if 0 <= bucket < len(weeks):
            n[bucket] += count
            ok[bucket] += count if passed else 0
    return [WeekPass(week_of=w, rate=wilson(ok[i], n[i])) for i, w in enumerate(weeks)]


def impact(weeks: Sequence[WeekPass], on_time: Sequence[tuple[dt.date, float | None, int]]) -> list[ImpactWeek]:
    """Side by side per week: the promises on-time rate and the quality pass rate."""
    timely = {w: (r, n) for w, r, n in on_time}
    return [
        ImpactWeek(
            week_of=w.week_of,
            on_time_rate=timely.get(w.week_of, (None, 0))[0],
            on_time_n=timely.get(w.week_of, (None, 0))[1],
            pass_rate=w.rate.rate,
            pass_n=w.rate.n,
        )
        for w in weeks
    ]


class QualityReport(Frozen):
    team: str
    first: dt.date
    last: dt.date
    as_of: dt.datetime
    scorecard_version: str
    rates: PassRates
    items: dict[str, Interval]
    agreement: Agreement
    trend: list[WeekPass]
    impact: list[ImpactWeek]
    definitions: dict[str, str] = DEFINITIONS
