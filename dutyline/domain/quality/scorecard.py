"""The ACT scorecard (Accurate, Compassionate, Timely): items, answers, and how a review is scored.

The scorecard lives in the policy file (`[quality]`), versioned, so a council changes its questions without
code and every stored review names the version it was scored against. Answers are strings: "yes", "no",
"na" for yes/no items; "1".."4" (or "na") for scale items. Scoring:

- a yes is worth 1, a no 0, a scale answer (v - 1) / 3; "na" items are left out of the sums;
- score = sum(weight x points) / sum(weight) over the answered items (None when all are "na");
- a review passes when no **critical** item is "no" and the score reaches the pass mark; a section passes
  the same way over its own items.

Timely items are answered from the data (`auto`), never by the reviewer: see `timely_answers`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator, model_validator

from dutyline.domain.model import Frozen


class Section(StrEnum):
    ACCURATE = "accurate"
    COMPASSIONATE = "compassionate"
    TIMELY = "timely"

    @property
    def label(self) -> str:
        return self.value.title()


class AnswerType(StrEnum):
    YES_NO = "yes_no"  # yes / no / not applicable
    SCALE = "scale"  # 1-4 / not applicable


class Auto(StrEnum):
    """Timely items the data answers."""

    CALLBACK_WITHIN_STANDARD = "callback_within_standard"
    RETURNED_BY_DUE = "returned_by_due"
    HANDOFF_WITHIN_STANDARD = "handoff_within_standard"


YES, NO, NA = "yes", "no", "na"
SCALE_VALUES = ("1", "2", "3", "4")


class ScoreItem(Frozen):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    section: Section
    text: str = Field(min_length=1)
    weight: int = Field(default=1, ge=1, le=10)
    answer: AnswerType = AnswerType.YES_NO
    critical: bool = False
    auto: Auto | None = None

    @model_validator(mode="after")
    def _critical_is_yes_no(self) -> ScoreItem:
        if self.critical and self.answer is not AnswerType.YES_NO:
            raise ValueError(f"{self.code}: only a yes/no item can be critical")
        return self

    def allowed(self) -> tuple[str, ...]:
        return (YES, NO, NA) if self.answer is AnswerType.YES_NO else (*SCALE_VALUES, NA)

    def points(self, answer: str) -> float | None:
        if answer == NA:
            return None
        if self.answer is AnswerType.YES_NO:
            return 1.0 if answer == YES else 0.0
        return (int(answer) - 1) / 3


class Scorecard(Frozen):
    version: str = Field(min_length=1, max_length=40)
    pass_mark: float = Field(default=0.8, gt=0, le=1)
    items: tuple[ScoreItem, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> Scorecard:
        codes = [i.code for i in self.items]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"scorecard item codes must be unique: {', '.join(dup)}")
        return self

    def item(self, code: str) -> ScoreItem:
        for i in self.items:
            if i.code == code:
                return i
        raise KeyError(code)

    @property
    def manual(self) -> tuple[ScoreItem, ...]:
        return tuple(i for i in self.items if i.auto is None)


class AnswerError(ValueError):
    """Answers that do not fit the scorecard; the message names the item (answers hold no personal data)."""


def check_answers(card: Scorecard, answers: Mapping[str, str]) -> dict[str, str]:
    """Every manual item answered with an allowed value, nothing unknown; auto items may not be set."""
    problems = []
    known = {i.code: i for i in card.items}
    for code in answers:
        if code not in known:
            problems.append(f"{code[:40]}: not an item of scorecard {card.version}")
        elif known[code].auto is not None:
            problems.append(f"{code}: answered from the data, not by the reviewer")
    for item in card.manual:
        value = answers.get(item.code)
        if value is None:
            problems.append(f"{item.code}: not answered")
        elif value not in item.allowed():
            problems.append(f"{item.code}: answer must be one of {', '.join(item.allowed())}")
    if problems:
        raise AnswerError("; ".join(problems))
    return {i.code: answers[i.code] for i in card.manual}


class SectionResult(Frozen):
    score: float | None
    passed: bool


class ReviewScore(Frozen):
    score: float | None
    passed: bool
    critical_failed: tuple[str, ...]
    sections: dict[Section, SectionResult]


def _score(card: Scorecard, items: list[ScoreItem], answers: Mapping[str, str]) -> tuple[float | None, bool, list[str]]:
    total = weight = 0.0
    critical = []
    for item in items:
        value = answers.get(item.code, NA)
        if item.critical and value == NO:
            critical.append(item.code)
        pts = item.points(value)
        if pts is not None:
            total += item.weight * pts
            weight += item.weight
    score = None if not weight else total / weight
    passed = not critical and (score is None or score >= card.pass_mark - 1e-9)
    return score, passed, critical


def score_review(card: Scorecard, answers: Mapping[str, str]) -> ReviewScore:
    """Score a complete set of answers (manual + auto) against `card`."""
    score, passed, critical = _score(card, list(card.items), answers)
    sections = {}
    for section in Section:
        items = [i for i in card.items if i.section is section]
        s_score, s_passed, _ = _score(card, items, answers)
        sections[section] = SectionResult(score=s_score, passed=s_passed)
    return ReviewScore(score=score, passed=passed, critical_failed=tuple(critical), sections=sections)


class TimelyFacts(Frozen):
    """What the data says about the promise made on a sampled call, or the sampled callback itself."""

    callback_due: dt.datetime | None = None
    callback_standard_due: dt.datetime | None = None
    callback_done: dt.datetime | None = None
    callback_now: dt.datetime | None = None  # when the item was sampled: an open callback past due is "no"
    handoff_due: dt.datetime | None = None
    handoff_done: dt.datetime | None = None

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        """SQLite hands back naive datetimes; every stored time is UTC."""
        return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def _kept(due: dt.datetime | None, done: dt.datetime | None, now: dt.datetime | None) -> str:
    if due is None:
        return NA
    if done is not None:
        return YES if done <= due else NO
    return NO if now is not None and now >= due else NA


def timely_answers(card: Scorecard, facts: TimelyFacts) -> dict[str, str]:
    """The answers to every auto item: yes, no, or na when the call made no such promise."""
    out: dict[str, str] = {}
    for item in card.items:
        if item.auto is Auto.CALLBACK_WITHIN_STANDARD:
            due, std = facts.callback_due, facts.callback_standard_due
            out[item.code] = NA if due is None or std is None else (YES if due <= std else NO)
        elif item.auto is Auto.RETURNED_BY_DUE:
            out[item.code] = _kept(facts.callback_due, facts.callback_done, facts.callback_now)
        elif item.auto is Auto.HANDOFF_WITHIN_STANDARD:
            out[item.code] = _kept(facts.handoff_due, facts.handoff_done, facts.callback_now)
    return out


class QualitySettings(Frozen):
    """The policy's `[quality]` table: the scorecard and the method's numbers."""

    version: str = Field(min_length=1, max_length=40)
    pass_mark: float = Field(default=0.8, gt=0, le=1)
    per_person: int = Field(default=5, ge=1, le=200)
    second_review_share: float = Field(default=0.10, ge=0, le=1)
    agreement_threshold: float = Field(default=0.667, ge=0, le=1)
    dispute_working_days: int = Field(default=10, ge=1, le=60)
    rang_again_working_days: int = Field(default=2, ge=1, le=20)
    min_compare_n: int = Field(default=20, ge=1)
    items: tuple[ScoreItem, ...] = Field(min_length=1)
    #: Who may be assigned reviews: "quality_reviewer" and "team_manager" roles by default.
    reviewer_roles: tuple[Literal["quality_reviewer", "team_manager", "admin"], ...] = (
        "quality_reviewer",
        "team_manager",
    )

    @property
    def scorecard(self) -> Scorecard:
        return Scorecard(version=self.version, pass_mark=self.pass_mark, items=self.items)
