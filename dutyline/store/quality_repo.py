"""SQL for ACT quality: sampling candidates, the sample, the call record, reviews, disputes.

Aggregates for the quality report live in `quality_report_repo`. Nothing here edits a call, callback or
hand-off: the call record is read with plain SELECTs, so a reviewer cannot change what they score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from dutyline.domain.model import ItemStatus
from dutyline.domain.quality.record import CallRecord, LaterCall, Promise, QueueEntry, ReviewView
from dutyline.domain.quality.sampling import Picked, SampledItem
from dutyline.domain.quality.scorecard import ReviewScore, Section
from dutyline.store.call_corrections_repo import corrections_of
from dutyline.store.reports_repo import epoch_seconds
from dutyline.store.tables import Call, Callback, Case, Handoff, Staff
from dutyline.store.tables_quality import QaAnswer, QaItem, QaReview, QaSample

OPEN_STATES = (ItemStatus.OPEN.value, ItemStatus.CLAIMED.value)


# --- candidates ---------------------------------------------------------------------------------------


def call_candidates(
    session: Session, *, start: dt.datetime, end: dt.datetime, lookahead: dt.timedelta
) -> list[tuple[int, str, bool, int, int | None]]:
    """(call id, handler, safeguarding, started epoch s, next call on the case epoch s) for inbound calls."""
    secs = epoch_seconds(session, Call.started_at)
    nxt = func.lead(secs).over(partition_by=Call.case_id, order_by=(Call.started_at, Call.id))
    inner = (
        select(
            Call.id.label("id"),
            Call.staff_login.label("who"),
            Call.safeguarding.label("sg"),
            Call.case_id.label("case_id"),
            Call.started_at.label("started_at"),
            secs.label("s"),
            nxt.label("next_s"),
        )
        .where(Call.started_at >= start, Call.started_at < end + lookahead, Call.callback_id.is_(None))
        .subquery()
    )
    stmt = select(inner.c.id, inner.c.who, inner.c.sg, inner.c.s, inner.c.next_s, inner.c.case_id).where(
        inner.c.started_at >= start, inner.c.started_at < end, inner.c.who != ""
    )
    return [
        (int(i), who, bool(sg), int(s), None if n is None or case_id is None else int(n))
        for i, who, sg, s, n, case_id in session.execute(stmt)
    ]


def returned_callbacks(session: Session, *, start: dt.datetime, end: dt.datetime) -> list[tuple[int, str, str]]:
    """(callback id, officer, team) for callbacks returned (done) in the period."""
    stmt = select(Callback.id, Callback.completed_by, Callback.team_code).where(
        Callback.status == ItemStatus.DONE.value,
        Callback.completed_at >= start,
        Callback.completed_at < end,
        Callback.completed_by.is_not(None),
    )
    return [(int(i), who or "", team) for i, who, team in session.execute(stmt)]


def broken_callbacks(
    session: Session, *, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> list[tuple[int, str, str]]:
    """(callback id, who holds it or team:CODE, team) for callbacks due in the period and still open past due."""
    stmt = select(Callback.id, Callback.claimed_by, Callback.team_code).where(
        Callback.status.in_(OPEN_STATES), Callback.due_at >= start, Callback.due_at < end, Callback.due_at <= now
    )
    return [(int(i), who or f"team:{team}", team) for i, who, team in session.execute(stmt)]


def reviewers(session: Session, roles: Sequence[str]) -> list[str]:
    """Active staff holding any of `roles` (the comma-separated roles column)."""
    rows = session.execute(select(Staff.login, Staff.roles).where(Staff.active.is_(True)))
    return sorted(login for login, text in rows if set(text.split(",")) & set(roles))


# --- the sample ---------------------------------------------------------------------------------------


def sample_for(session: Session, period: str) -> tuple[int, int, str] | None:
    row = session.execute(select(QaSample.id, QaSample.seed, QaSample.created_by).where(QaSample.period == period))
    first = row.first()
    return None if first is None else (int(first[0]), int(first[1]), first[2])


def insert_sample(
    session: Session,
    *,
    period: str,
    seed: int,
    per_person: int,
    second_share: float,
    version: str,
    login: str,
    now: dt.datetime,
    picked: Sequence[Picked],
) -> int:
    sample = QaSample(
        period=period,
        seed=seed,
        per_person=per_person,
        second_share=second_share,
        scorecard_version=version,
        created_at=now,
        created_by=login,
    )
    session.add(sample)
    session.flush()
    for p in picked:
        session.add(
            QaItem(
                sample_id=sample.id,
                kind=p.kind,
                ref_id=p.id,
                person=p.person,
                team=p.team,
                why=p.why,
                reviewer=p.reviewer,
                second_reviewer=p.second_reviewer,
                created_at=now,
            )
        )
    session.flush()
    return sample.id


def queue_for(session: Session, login: str) -> list[QueueEntry]:
    """Items assigned to `login` (first or blind second review) that `login` has not reviewed yet."""
    mine = select(QaReview.id).where(QaReview.item_id == QaItem.id, QaReview.reviewer == login).exists()
    stmt = (
        select(QaItem.id, QaItem.kind, QaItem.ref_id, QaItem.person, QaItem.why, QaSample.period, QaItem.reviewer)
        .join(QaSample, QaSample.id == QaItem.sample_id)
        .where(or_(QaItem.reviewer == login, QaItem.second_reviewer == login), ~mine)
        .order_by(QaSample.period, QaItem.id)
    )
    return [
        QueueEntry(qa_item_id=i, item=f"{k}:{r}", person=p, why=w, period=per, blind=(rev != login))
        for i, k, r, p, w, per, rev in session.execute(stmt)
    ]


def item_row(session: Session, qa_item_id: int) -> SampledItem | None:
    row = session.get(QaItem, qa_item_id)
    if row is None:
        return None
    return SampledItem(
        qa_item_id=row.id,
        sample_id=row.sample_id,
        kind=row.kind,
        ref_id=row.ref_id,
        person=row.person,
        why=row.why,
        reviewer=row.reviewer,
        second_reviewer=row.second_reviewer,
    )


def sample_items(session: Session, period: str) -> list[SampledItem]:
    """Every item of a month's sample, in id order (for assigning reviewers by hand)."""
    stmt = (
        select(QaItem)
        .join(QaSample, QaSample.id == QaItem.sample_id)
        .where(QaSample.period == period)
        .order_by(QaItem.id)
    )
    return [
        SampledItem(
            qa_item_id=row.id,
            sample_id=row.sample_id,
            kind=row.kind,
            ref_id=row.ref_id,
            person=row.person,
            why=row.why,
            reviewer=row.reviewer,
            second_reviewer=row.second_reviewer,
        )
        for row in session.scalars(stmt)
    ]


def set_reviewer(session: Session, qa_item_id: int, *, second: bool, expect: str | None, login: str) -> bool:
    """Assign the first (or blind second) review of an item to `login`, if it is still `expect`'s."""
    column = QaItem.second_reviewer if second else QaItem.reviewer
    current = column.is_(None) if expect is None else column == expect
    result = session.execute(update(QaItem).where(QaItem.id == qa_item_id, current).values({column.key: login}))
    return bool(getattr(result, "rowcount", 0))


def sample_period(session: Session, sample_id: int) -> str:
    return session.scalar(select(QaSample.period).where(QaSample.id == sample_id)) or ""


# --- the call record ----------------------------------------------------------------------------------


def _promises(session: Session, call_id: int) -> list[Promise]:
    out = []
    for h in session.scalars(select(Handoff).where(Handoff.call_id == call_id).order_by(Handoff.id)):
        out.append(
            Promise(
                kind="handoff",
                id=h.id,
                team=h.team_code,
                due_at=h.due_at,
                status=h.status,
                created_at=h.created_at,
                completed_at=h.completed_at,
                completed_by=h.completed_by,
                proposed_team=h.proposed_team_code,
                override_reason=h.override_reason,
            )
        )
    for c in session.scalars(select(Callback).where(Callback.call_id == call_id).order_by(Callback.id)):
        out.append(_callback(c))
    return out


def _callback(c: Callback) -> Promise:
    return Promise(
        kind="callback",
        id=c.id,
        team=c.team_code,
        due_at=c.due_at,
        status=c.status,
        created_at=c.created_at,
        completed_at=c.completed_at,
        completed_by=c.completed_by,
        attempts=c.attempts,
    )


def call_record(session: Session, kind: str, ref_id: int, later_until: dt.timedelta) -> CallRecord | None:
    """The read-only record of a sampled call, or of a sampled callback (its return call, else its booking)."""
    promises: list[Promise] = []
    if kind == "callback":
        cb = session.get(Callback, ref_id)
        if cb is None:
            return None
        promises.append(_callback(cb))
        call = session.scalars(select(Call).where(Call.callback_id == ref_id).order_by(Call.id)).first()
        if call is None and cb.call_id is not None:
            call = session.get(Call, cb.call_id)
    else:
        call = session.get(Call, ref_id)
        if call is None:
            return None
        promises.extend(_promises(session, call.id))
    if call is None:
        return CallRecord(item=f"{kind}:{ref_id}", call_id=None, handler="", started_at=None, promises=tuple(promises))
    case = session.get(Case, call.case_id) if call.case_id is not None else None
    later: list[LaterCall] = []
    if call.case_id is not None:
        stmt = (
            select(Call.started_at, Call.reason, Call.outcome)
            .where(
                Call.case_id == call.case_id,
                Call.id != call.id,
                Call.started_at > call.started_at,
                Call.started_at <= call.started_at + later_until,
            )
            .order_by(Call.started_at)
            .limit(20)
        )
        later = [LaterCall(started_at=a, reason=r, outcome=o) for a, r, o in session.execute(stmt)]
    return CallRecord(
        item=f"{kind}:{ref_id}",
        call_id=call.id,
        handler=call.staff_login,
        started_at=call.started_at,
        duration_s=call.duration_s,
        case_ref=case.case_ref if case else "",
        stage=case.stage if case else "",
        caller_kind=call.caller_kind,
        caller_name=call.caller_name,
        caller_has_pr=call.caller_has_pr,
        verified_dob=call.verified_dob,
        verified_postcode=call.verified_postcode,
        reason=call.reason,
        urgent_reason=call.urgent_reason,
        notes=call.notes,
        outcome=call.outcome,
        safeguarding=call.safeguarding,
        referral_ref=call.referral_ref,
        promises=tuple(promises),
        later_calls=tuple(later),
        corrections=tuple(corrections_of(session, [call.id]).get(call.id, [])),
    )


# --- reviews ------------------------------------------------------------------------------------------


def insert_review(
    session: Session,
    *,
    qa_item_id: int,
    reviewer: str,
    blind: bool,
    version: str,
    answers: dict[str, str],
    auto_codes: set[str],
    score: ReviewScore,
    comment: str,
    now: dt.datetime,
    supersedes: int | None = None,
) -> int:
    row = QaReview(
        item_id=qa_item_id,
        reviewer=reviewer,
        blind=blind,
        scorecard_version=version,
        comment=comment,
        score=score.score,
        passed=score.passed,
        pass_accurate=_section(score, Section.ACCURATE),
        pass_compassionate=_section(score, Section.COMPASSIONATE),
        pass_timely=_section(score, Section.TIMELY),
        created_at=now,
        status="current",
        supersedes_id=supersedes,
    )
    session.add(row)
    session.flush()
    for code, answer in answers.items():
        session.add(QaAnswer(review_id=row.id, code=code, answer=answer, auto=code in auto_codes))
    session.flush()
    return row.id


def _section(score: ReviewScore, section: Section) -> bool | None:
    result = score.sections[section]
    return None if result.score is None else result.passed


def reviewed_by(session: Session, qa_item_id: int, login: str) -> bool:
    stmt = select(func.count()).select_from(QaReview).where(QaReview.item_id == qa_item_id, QaReview.reviewer == login)
    return bool(session.scalar(stmt))


def review_views(session: Session, where: Any) -> list[ReviewView]:
    stmt = (
        select(QaReview, QaItem, QaSample.period)
        .join(QaItem, QaItem.id == QaReview.item_id)
        .join(QaSample, QaSample.id == QaItem.sample_id)
        .where(where)
        .order_by(QaReview.created_at.desc(), QaReview.id.desc())
    )
    rows = list(session.execute(stmt))
    ids = [r[0].id for r in rows]
    answers: dict[int, dict[str, str]] = {i: {} for i in ids}
    autos: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for rid, code, answer, auto in session.execute(
            select(QaAnswer.review_id, QaAnswer.code, QaAnswer.answer, QaAnswer.auto).where(QaAnswer.review_id.in_(ids))
        ):
            answers[rid][code] = answer
            if auto:
                autos[rid].append(code)
    out = []
    for review, item, period in rows:
        out.append(
            ReviewView(
                id=review.id,
                qa_item_id=item.id,
                item=f"{item.kind}:{item.ref_id}",
                person=item.person,
                reviewer=review.reviewer,
                blind=review.blind,
                why=item.why,
                period=period,
                scorecard_version=review.scorecard_version,
                score=review.score,
                passed=review.passed,
                sections={
                    "accurate": review.pass_accurate,
                    "compassionate": review.pass_compassionate,
                    "timely": review.pass_timely,
                },
                answers=answers[review.id],
                auto_codes=tuple(sorted(autos[review.id])),
                comment=review.comment,
                created_at=review.created_at,
                status=review.status,
                supersedes_id=review.supersedes_id,
                superseded_by_id=review.superseded_by_id,
                acknowledged_at=review.acknowledged_at,
                disputed_at=review.disputed_at,
                dispute_reason=review.dispute_reason,
                resolved_at=review.resolved_at,
                resolved_by=review.resolved_by,
                resolution=review.resolution,
            )
        )
    return out


def reviews_of_person(session: Session, login: str) -> list[ReviewView]:
    """Reviews of `login`'s work (first reviews and their resolved versions; blind calibration ones are not)."""
    return review_views(session, and_(QaItem.person == login, QaReview.blind.is_(False)))


def review_by_id(session: Session, review_id: int) -> ReviewView | None:
    rows = review_views(session, QaReview.id == review_id)
    return rows[0] if rows else None


def open_disputes(session: Session) -> list[ReviewView]:
    return review_views(session, QaReview.status == "disputed")


def set_review(session: Session, /, review_id: int, expect_status: str, **values: Any) -> bool:
    """One guarded UPDATE: only when the review is still in `expect_status` (two resolvers cannot both win)."""
    from sqlalchemy import update

    result = session.execute(
        update(QaReview)
        .where(QaReview.id == review_id, QaReview.status == expect_status)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))
