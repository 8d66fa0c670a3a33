"""Aggregate SQL for the quality report: reviews grouped in the database, answers counted per item.

Standing reviews only (`status != 'superseded'`); first reviews for the rates, first + blind second
reviews (the original first, not a dispute's re-score) for agreement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session

from dutyline.domain.quality.report import RANDOM, ReviewGroup
from dutyline.store.reports_repo import bucket
from dutyline.store.tables_quality import QaAnswer, QaItem, QaReview, QaSample

SECTIONS = (
    ("accurate", QaReview.pass_accurate),
    ("compassionate", QaReview.pass_compassionate),
    ("timely", QaReview.pass_timely),
)


def _standing(start: dt.datetime, end: dt.datetime, teams: Sequence[str] | None) -> ColumnElement[bool]:
    where = and_(
        QaReview.created_at >= start,
        QaReview.created_at < end,
        QaReview.status != "superseded",
        QaReview.blind.is_(False),
    )
    if teams is not None:
        where = and_(where, QaItem.team.in_(list(teams)))
    return where


def _ones(cond: Any) -> Any:
    return func.sum(case((cond, 1), else_=0))


def review_groups(
    session: Session, *, start: dt.datetime, end: dt.datetime, teams: Sequence[str] | None
) -> list[ReviewGroup]:
    cols: list[Any] = [QaItem.why, QaItem.team, QaSample.period, QaItem.person, func.count(), _ones(QaReview.passed)]
    for _, col in SECTIONS:
        cols += [_ones(col.is_not(None)), _ones(col.is_(True))]
    stmt = (
        select(*cols)
        .join(QaItem, QaItem.id == QaReview.item_id)
        .join(QaSample, QaSample.id == QaItem.sample_id)
        .where(_standing(start, end, teams))
        .group_by(QaItem.why, QaItem.team, QaSample.period, QaItem.person)
    )
    out = []
    for row in session.execute(stmt):
        why, team, period, person, n, passed, *sec = row
        out.append(
            ReviewGroup(
                why=why,
                team=team,
                period=period,
                person=person,
                n=int(n),
                passed=int(passed or 0),
                section_n={name: int(sec[2 * i] or 0) for i, (name, _) in enumerate(SECTIONS)},
                section_passed={name: int(sec[2 * i + 1] or 0) for i, (name, _) in enumerate(SECTIONS)},
            )
        )
    return out


def answer_counts(
    session: Session, *, start: dt.datetime, end: dt.datetime, teams: Sequence[str] | None
) -> list[tuple[str, str, int]]:
    stmt = (
        select(QaAnswer.code, QaAnswer.answer, func.count())
        .join(QaReview, QaReview.id == QaAnswer.review_id)
        .join(QaItem, QaItem.id == QaReview.item_id)
        .where(_standing(start, end, teams), QaItem.why == RANDOM)
        .group_by(QaAnswer.code, QaAnswer.answer)
    )
    return [(c, a, int(n)) for c, a, n in session.execute(stmt)]


def weekly_passes(
    session: Session, *, boundaries: Sequence[dt.datetime], teams: Sequence[str] | None
) -> list[tuple[int, bool, int]]:
    b = bucket(QaReview.created_at, boundaries)
    stmt = (
        select(b, QaReview.passed, func.count())
        .join(QaItem, QaItem.id == QaReview.item_id)
        .where(_standing(boundaries[0], boundaries[-1], teams), QaItem.why == RANDOM)
        .group_by(b, QaReview.passed)
    )
    return [(int(i), bool(p), int(n)) for i, p, n in session.execute(stmt)]


def paired_answers(
    session: Session, *, start: dt.datetime, end: dt.datetime, teams: Sequence[str] | None
) -> list[tuple[int, bool, str, str]]:
    """(qa item, blind?, code, answer) for items with a blind second review in the period."""
    blind_items = select(QaReview.item_id).where(
        QaReview.blind.is_(True), QaReview.created_at >= start, QaReview.created_at < end
    )
    where = and_(
        QaReview.item_id.in_(blind_items),
        QaReview.supersedes_id.is_(None),
        QaAnswer.auto.is_(False),
        QaItem.team.in_(list(teams)) if teams is not None else literal(True),
    )
    stmt = (
        select(QaReview.item_id, QaReview.blind, QaAnswer.code, QaAnswer.answer)
        .join(QaAnswer, QaAnswer.review_id == QaReview.id)
        .join(QaItem, QaItem.id == QaReview.item_id)
        .where(where)
    )
    return [(int(i), bool(b), c, a) for i, b, c, a in session.execute(stmt)]
