"""ACT quality feedback: the person reviewed sees their reviews, acknowledges or disputes one (within the
policy's working days, with a reason), and a different reviewer resolves the dispute by upholding it or
re-scoring it as a new version; the disputed version is kept, marked superseded.

Every action checks its permission and writes one audit row (ids only) in the same transaction as its
change; a change is refused if the review moved on since it was read (another resolver, a re-score).
"""

from __future__ import annotations

from dutyline.domain.calendar import local_date, working_days_between
from dutyline.domain.model import Frozen
from dutyline.domain.permissions import Action
from dutyline.domain.quality.record import CallRecord, ReviewView
from dutyline.domain.quality.scorecard import AnswerError, Scorecard, check_answers, score_review
from dutyline.domain.text import one_line
from dutyline.services.context import Context, ServiceError
from dutyline.services.quality import LATER_CALLS, settings
from dutyline.store.uow import Work


def my_reviews(ctx: Context) -> list[ReviewView]:
    """Reviews of the actor's own work, newest first, superseded versions included and marked."""
    ctx.require(Action.QA_MY_REVIEWS)
    with ctx.uow.read() as work:
        rows = work.quality.reviews_of_person(ctx.actor.login)
    with ctx.uow.write() as work:
        ctx.audit(work, Action.QA_MY_REVIEWS, detail=f"reviews:{len(rows)}")
    return rows


def _own_review(ctx: Context, review_id: int, action: Action) -> ReviewView:
    ctx.require(action)
    with ctx.uow.read() as work:
        review = work.quality.review_by_id(review_id)
    if review is None or review.person != ctx.actor.login or review.blind:
        raise ServiceError("That is not a review of your work.")
    return review


def _change(ctx: Context, review_id: int, action: Action, expect: str, detail: str, **values: object) -> None:
    def tx(work: Work) -> None:
        if not work.quality.set_review(review_id, expect, **values):
            raise ServiceError("That review has changed since you opened it; reload and try again.")
        ctx.audit(work, action, detail=detail)

    ctx.uow.run(tx)


def acknowledge(ctx: Context, review_id: int) -> None:
    review = _own_review(ctx, review_id, Action.QA_MY_REVIEWS)
    if review.status != "current":
        raise ServiceError("Only a current review can be acknowledged.")
    _change(
        ctx, review_id, Action.QA_MY_REVIEWS, "current", f"acknowledge review:{review_id}", acknowledged_at=ctx.now()
    )


def dispute(ctx: Context, review_id: int, reason: str) -> None:
    """Dispute a review of one's own work within the policy's working days, with a reason."""
    review = _own_review(ctx, review_id, Action.QA_MY_REVIEWS)
    q = settings(ctx)
    reason = one_line(reason)[:1000]
    if not reason:
        raise ServiceError("Say why you dispute the review: the resolver reads it.")
    if review.status != "current":
        raise ServiceError("Only a current review can be disputed.")
    if working_days_between(local_date(review.created_at), ctx.today()) > q.dispute_working_days:
        raise ServiceError(f"Reviews can be disputed within {q.dispute_working_days} working days.")
    _change(
        ctx,
        review_id,
        Action.QA_MY_REVIEWS,
        "current",
        f"dispute review:{review_id}",
        status="disputed",
        disputed_at=ctx.now(),
        dispute_reason=reason,
    )


def disputes(ctx: Context) -> list[ReviewView]:
    """Open disputes this actor may resolve (not their own review, not their own work)."""
    ctx.require(Action.QA_RESOLVE)
    with ctx.uow.read() as work:
        rows = work.quality.open_disputes()
    me = ctx.actor.login
    return [r for r in rows if me not in (r.reviewer, r.person)]


class DisputeForm(Frozen):
    """What the resolver reads: the disputed review (answers and the person's reason), the call record and
    the scorecard to re-score against."""

    review: ReviewView
    record: CallRecord
    scorecard: Scorecard


def _resolvable(ctx: Context, review: ReviewView | None) -> ReviewView:
    if review is None or review.status != "disputed":
        raise ServiceError("That review is not in dispute.")
    if ctx.actor.login in (review.reviewer, review.person):
        raise ServiceError("A dispute is resolved by a different reviewer from the one who scored it.")
    return review


def open_dispute(ctx: Context, review_id: int) -> DisputeForm:
    """The disputed review beside the read-only call record, for its resolver (an audited read)."""
    ctx.require(Action.QA_RESOLVE)
    q = settings(ctx)
    with ctx.uow.read() as work:
        review = _resolvable(ctx, work.quality.review_by_id(review_id))
        item = work.quality.item_row(review.qa_item_id)
        record = None if item is None else work.quality.call_record(item.kind, item.ref_id, LATER_CALLS)
    if record is None:
        raise ServiceError(f"The record behind {review.item} is no longer in the database (erased under retention).")
    with ctx.uow.write() as work:
        ctx.audit(work, Action.QA_RESOLVE, detail=f"open dispute review:{review_id} qa_item:{review.qa_item_id}")
    return DisputeForm(review=review, record=record, scorecard=q.scorecard)


def resolve(ctx: Context, review_id: int, note: str, answers: dict[str, str] | None = None) -> int:
    """Resolve a dispute: uphold the review (answers None), or re-score it as a new version.

    Returns the id of the review that stands. The disputed version is kept, marked superseded.
    """
    ctx.require(Action.QA_RESOLVE)
    q = settings(ctx)
    note = one_line(note)[:1000]
    if not note:
        raise ServiceError("Write a resolution note: the person reviewed reads it.")
    with ctx.uow.read() as work:
        review = _resolvable(ctx, work.quality.review_by_id(review_id))
    me = ctx.actor.login
    now = ctx.now()
    if answers is None:
        _change(
            ctx,
            review_id,
            Action.QA_RESOLVE,
            "disputed",
            f"uphold review:{review_id}",
            status="current",
            resolved_at=now,
            resolved_by=me,
            resolution=note,
        )
        return review_id
    card = q.scorecard
    try:
        manual = check_answers(card, answers)
    except AnswerError as exc:
        raise ServiceError(f"The new scores are not complete: {exc}") from None
    auto = {c: review.answers[c] for c in review.auto_codes}
    full = {**manual, **auto}
    score = score_review(card, full)

    def tx(work: Work) -> int:
        new_id = work.quality.insert_review(
            qa_item_id=review.qa_item_id,
            reviewer=me,
            blind=False,
            version=card.version,
            answers=full,
            auto_codes=set(auto),
            score=score,
            comment=note,
            now=now,
            supersedes=review_id,
        )
        ok = work.quality.set_review(
            review_id,
            "disputed",
            status="superseded",
            superseded_by_id=new_id,
            resolved_at=now,
            resolved_by=me,
            resolution=note,
        )
        if not ok:
            raise ServiceError("Someone else resolved that dispute first.")
        ctx.audit(work, Action.QA_RESOLVE, detail=f"rescore review:{review_id} new:{new_id}")
        return new_id

    return ctx.uow.run(tx)
