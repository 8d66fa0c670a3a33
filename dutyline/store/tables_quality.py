"""Tables for ACT quality assurance: samples, the items in them, reviews and their answers.

Kept apart from `tables.py` (which imports this module at its end so one metadata holds everything).
Reviews are never edited in place once a dispute is resolved with new scores: the new review is a new row
and the old one is marked `superseded` with a pointer to it, so earlier versions stay visible. Answers are
rows (`qa_answer`), not a JSON blob, so pass rates per item are a GROUP BY in the database.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dutyline.store.tables import TS, Base, utcnow


class QaSample(Base):
    """One month's draw: its seed (to reproduce it), the method's numbers, and who drew it."""

    __tablename__ = "qa_sample"
    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), unique=True)  # YYYY-MM
    seed: Mapped[int] = mapped_column(Integer)
    per_person: Mapped[int] = mapped_column(Integer)
    second_share: Mapped[float] = mapped_column(Float, default=0.0)
    scorecard_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class QaItem(Base):
    """A call or returned callback picked for review, why it was picked, and who reviews it."""

    __tablename__ = "qa_item"
    __table_args__ = (UniqueConstraint("sample_id", "kind", "ref_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("qa_sample.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # call / callback
    ref_id: Mapped[int] = mapped_column(Integer)
    person: Mapped[str] = mapped_column(String(100), index=True)
    team: Mapped[str] = mapped_column(String(64), default="")
    why: Mapped[str] = mapped_column(String(40))  # random / targeted:<rule>
    reviewer: Mapped[str | None] = mapped_column(String(100), index=True)
    second_reviewer: Mapped[str | None] = mapped_column(String(100), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utcnow)


class QaReview(Base):
    """One reviewer's scoring of one item. `blind` marks the calibration second review."""

    __tablename__ = "qa_review"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("qa_item.id", ondelete="CASCADE"), index=True)
    reviewer: Mapped[str] = mapped_column(String(100))
    blind: Mapped[bool] = mapped_column(Boolean, default=False)
    scorecard_version: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    #: Per-section result; None when every item in the section was "not applicable".
    pass_accurate: Mapped[bool | None] = mapped_column(Boolean)
    pass_compassionate: Mapped[bool | None] = mapped_column(Boolean)
    pass_timely: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utcnow, index=True)
    #: current / disputed / superseded
    status: Mapped[str] = mapped_column(String(16), default="current", index=True)
    supersedes_id: Mapped[int | None] = mapped_column(Integer)
    superseded_by_id: Mapped[int | None] = mapped_column(Integer)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(TS)
    disputed_at: Mapped[dt.datetime | None] = mapped_column(TS)
    dispute_reason: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(TS)
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolution: Mapped[str] = mapped_column(Text, default="")


class QaAnswer(Base):
    """One item's answer in one review (`auto` when the data answered it)."""

    __tablename__ = "qa_answer"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("qa_review.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    answer: Mapped[str] = mapped_column(String(8))
    auto: Mapped[bool] = mapped_column(Boolean, default=False)


Index("ix_qa_answer_code_answer", QaAnswer.code, QaAnswer.answer)
