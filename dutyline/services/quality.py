"""ACT quality use cases: draw a month's sample, review, second-review blind (feedback to the person
reviewed, disputes and their resolution: `quality_feedback`).

Every action checks its permission and writes one audit row (ids and counts only) in the same transaction
as its change. Opening an item for review is a read of a child's call record, so it is audited too.
Nobody reviews their own work: the sample never assigns it, and every use case re-checks it.
"""

from __future__ import annotations

import datetime as dt
import secrets

from dutyline.domain.calendar import add_working_days, local_date
from dutyline.domain.model import Frozen, Reason
from dutyline.domain.permissions import Action
from dutyline.domain.quality.record import CallRecord, QueueEntry
from dutyline.domain.quality.sampling import Candidate, Picked, Rule, SampledItem, draw
from dutyline.domain.quality.scorecard import (
    AnswerError,
    QualitySettings,
    Scorecard,
    TimelyFacts,
    check_answers,
    score_review,
    timely_answers,
)
from dutyline.domain.reports.period import local_midnight
from dutyline.domain.routing import callback_due
from dutyline.domain.text import one_line
from dutyline.services.context import Context, ServiceError
from dutyline.store.uow import Work

#: How far after a call the record's "what happened next" looks.
LATER_CALLS = dt.timedelta(days=16)


def settings(ctx: Context) -> QualitySettings:
    policy = ctx.policy
    if policy.quality is None:
        raise ServiceError("The policy file has no [quality] table: there is no scorecard to review against.")
    return policy.quality


def parse_month(text: str) -> tuple[dt.date, dt.date]:
    """'2026-11' -> (1 Nov 2026, 1 Dec 2026)."""
    try:
        first = dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise ServiceError("The period must be a month written YYYY-MM, e.g. 2026-11.") from None
    year, month = divmod(first.year * 12 + first.month, 12)
    return first, dt.date(year, month + 1, 1)


class SampleResult(Frozen):
    period: str
    seed: int
    per_person: int
    items: list[Picked]


def candidates(ctx: Context, first: dt.date, after: dt.date, q: QualitySettings) -> list[Candidate]:
    """Calls per handler and returned callbacks per officer in the month, with their targeting rules."""
    start, end = local_midnight(first), local_midnight(after)
    out: list[Candidate] = []
    with ctx.uow.read() as work:
        calls = work.quality.call_candidates(start=start, end=end, lookahead=dt.timedelta(days=10))
        returned = work.quality.returned_callbacks(start=start, end=end)
        broken = work.quality.broken_callbacks(start=start, end=end, now=ctx.now())
    for call_id, who, safeguarding, began, nxt in calls:
        rules: list[Rule] = []
        if safeguarding:
            rules.append(Rule.SAFEGUARDING)
        if nxt is not None:
            day = local_date(dt.datetime.fromtimestamp(began, dt.UTC))
            again = local_date(dt.datetime.fromtimestamp(nxt, dt.UTC))
            if again <= add_working_days(day, q.rang_again_working_days):
                rules.append(Rule.RANG_AGAIN)
        out.append(Candidate(kind="call", id=call_id, person=who, rules=tuple(rules)))
    out += [Candidate(kind="callback", id=i, person=who, team=team) for i, who, team in returned]
    out += [
        Candidate(kind="callback", id=i, person=who, team=team, rules=(Rule.BROKEN_PROMISE,), in_random_pool=False)
        for i, who, team in broken
    ]
    return out


def sample(ctx: Context, period: str, *, per_person: int | None = None, seed: int | None = None) -> SampleResult:
    """Draw and store the month's sample (refused if one exists: re-draw it with its recorded seed)."""
    ctx.require(Action.QA_SAMPLE)
    q = settings(ctx)
    first, after = parse_month(period)
    label = f"{first:%Y-%m}"
    n = per_person or q.per_person
    if n < 1 or n > 200:
        raise ServiceError("--per-person must be between 1 and 200.")
    seed = secrets.randbelow(2**31 - 1) if seed is None else int(seed)
    with ctx.uow.read() as work:
        existing = work.quality.sample_for(label)
        people = work.quality.reviewers(q.reviewer_roles)
    if existing is not None:
        raise ServiceError(f"A sample for {label} was already drawn by {existing[2]} with seed {existing[1]}.")
    picked = draw(
        candidates(ctx, first, after, q), per_person=n, seed=seed, reviewers=people, second_share=q.second_review_share
    )
    now = ctx.now()

    def tx(work: Work) -> None:
        work.quality.insert_sample(
            period=label,
            seed=seed,
            per_person=n,
            second_share=q.second_review_share,
            version=q.version,
            login=ctx.actor.login,
            now=now,
            picked=picked,
        )
        targeted = sum(p.targeted for p in picked)
        unassigned = sum(p.reviewer is None for p in picked)
        seconds = sum(p.second_reviewer is not None for p in picked)
        ctx.audit(
            work,
            Action.QA_SAMPLE,
            detail=f"period:{label} seed:{seed} items:{len(picked)} targeted:{targeted} "
            f"second:{seconds} unassigned:{unassigned}",
        )

    ctx.uow.run(tx)
    return SampleResult(period=label, seed=seed, per_person=n, items=picked)


def review_queue(ctx: Context) -> list[QueueEntry]:
    """The items waiting for this reviewer."""
    ctx.require(Action.QA_REVIEW)
    with ctx.uow.read() as work:
        return work.quality.queue_for(ctx.actor.login)


class ReviewForm(Frozen):
    entry: QueueEntry
    record: CallRecord
    scorecard: Scorecard
    auto: dict[str, str]


def _assigned(ctx: Context, item: SampledItem | None) -> SampledItem:
    login = ctx.actor.login
    if item is None or login not in (item.reviewer, item.second_reviewer):
        raise ServiceError("That item is not assigned to you for review.")
    if item.person == login:
        raise ServiceError("Nobody reviews their own work.")
    return item


def auto_answers(ctx: Context, card: Scorecard, record: CallRecord, now: dt.datetime) -> dict[str, str]:
    """Timely answers from the record's promises (the booked callback against the service standard)."""
    policy = ctx.policy
    cb = next((p for p in record.promises if p.kind == "callback"), None)
    ho = next((p for p in record.promises if p.kind == "handoff" and p.team != "safeguarding"), None)
    standard = None
    if cb is not None:
        try:
            reason = Reason(record.reason)
        except ValueError:
            reason = Reason.GENERAL_ENQUIRY
        standard = callback_due(policy, reason, cb.created_at, urgent_reason=record.urgent_reason)
    facts = TimelyFacts(
        callback_due=cb.due_at if cb else None,
        callback_standard_due=standard,
        callback_done=cb.completed_at if cb else None,
        callback_now=now,
        handoff_due=ho.due_at if ho else None,
        handoff_done=ho.completed_at if ho else None,
    )
    return timely_answers(card, facts)


def open_item(ctx: Context, qa_item_id: int) -> ReviewForm:
    """The read-only call record, the scorecard and the Timely answers the data gives (audited read)."""
    ctx.require(Action.QA_REVIEW)
    q = settings(ctx)
    with ctx.uow.read() as work:
        item = _assigned(ctx, work.quality.item_row(qa_item_id))
        kind, ref, person, why, blind = item.kind, item.ref_id, item.person, item.why, item.reviewer != ctx.actor.login
        record = work.quality.call_record(kind, ref, LATER_CALLS)
        period = work.quality.sample_period(item.sample_id)
    if record is None:
        raise ServiceError(f"The {kind} {ref} is no longer in the database (erased under retention).")
    with ctx.uow.write() as work:
        ctx.audit(work, Action.QA_REVIEW, detail=f"open qa_item:{qa_item_id} {kind}:{ref}")
    entry = QueueEntry(qa_item_id=qa_item_id, item=f"{kind}:{ref}", person=person, why=why, period=period, blind=blind)
    card = q.scorecard
    return ReviewForm(entry=entry, record=record, scorecard=card, auto=auto_answers(ctx, card, record, ctx.now()))


def save_review(ctx: Context, qa_item_id: int, answers: dict[str, str], comment: str = "") -> int:
    """Score an assigned item once; the Timely items come from the data. Returns the review's id."""
    form = open_item(ctx, qa_item_id)
    try:
        manual = check_answers(form.scorecard, answers)
    except AnswerError as exc:
        raise ServiceError(f"The review is not complete: {exc}") from None
    full = {**manual, **form.auto}
    score = score_review(form.scorecard, full)
    comment = one_line(comment)[:2000]
    login, now = ctx.actor.login, ctx.now()

    def tx(work: Work) -> int:
        if work.quality.reviewed_by(qa_item_id, login):
            raise ServiceError("You have already reviewed this item.")
        rid = work.quality.insert_review(
            qa_item_id=qa_item_id,
            reviewer=login,
            blind=form.entry.blind,
            version=form.scorecard.version,
            answers=full,
            auto_codes=set(form.auto),
            score=score,
            comment=comment,
            now=now,
        )
        ctx.audit(
            work,
            Action.QA_REVIEW,
            detail=f"qa_item:{qa_item_id} review:{rid} passed:{int(score.passed)} blind:{int(form.entry.blind)}",
        )
        return rid

    return ctx.uow.run(tx)
