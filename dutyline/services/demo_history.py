"""The demo's year of history and its months of quality reviews, so the workspace is full on first start.

History comes from `dutyline.demo.history` (seasonal, team-dependent promises) and goes in with bulk
inserts. Quality: the last three whole months are sampled by the real sampling use case (so the method is
the one a council would run), then reviewed by the demo's reviewers with answers that depend on the person
(some handlers are better than others) and a blind second review that disagrees now and then. The newest
month is left partly unreviewed, so the review queue has work in it. Everything follows the seed.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib

from dutyline.demo.history import HANDLERS, OFFICERS, REVIEWERS, Caller, calls_per_day_for, history
from dutyline.domain.calendar import LONDON
from dutyline.domain.model import Role
from dutyline.domain.permissions import Action
from dutyline.domain.policy import Policy
from dutyline.domain.quality.scorecard import AnswerType, Scorecard, score_review
from dutyline.services.context import Context
from dutyline.services.quality import auto_answers, sample
from dutyline.store.uow import Work

REVIEW_MONTHS = 3


def seed_staff(ctx: Context) -> int:
    """Staff rows for the invented handlers, officers and reviewers (so sampling has people to assign)."""
    people: list[tuple[str, str, str]] = [(h, Role.CALL_HANDLER.value, "") for h in HANDLERS]
    people += [(o, Role.DUTY_OFFICER.value, team) for team, logins in OFFICERS.items() for o in logins]
    people += [(r, Role.QUALITY_REVIEWER.value, "") for r in REVIEWERS]

    return ctx.uow.run(lambda work: work.history.add_missing_staff(people))


def seed_history(
    ctx: Context, policy: Policy, seed: int, *, days: int = 365, calls_per_day: float | None = None
) -> int:
    """A year of calls, callbacks and hand-offs ending yesterday; returns the number of calls.

    By default the year is as busy as the demo is big (`calls_per_day_for` the number of cases): a
    300-case demo builds in seconds, the 15,000-case default has the county's ~27,000 calls.
    """
    ctx.require(Action.IMPORT)
    with ctx.uow.read() as work:
        rows = work.history.case_districts()
        first_contacts = work.history.case_callers()
    callers = {case_id: Caller(*who) for case_id, who in first_contacts.items()}
    cases = []
    for case_id, district in rows:
        area = next((a for a in policy.areas.values() if district in {d.value for d in a.districts}), None)
        cases.append((int(case_id), area.review_team if area else "front_door"))
    total = 0
    with ctx.uow.write() as work:
        rate = calls_per_day_for(len(cases)) if calls_per_day is None else calls_per_day
        for day in history(policy, cases, now=ctx.now(), days=days, calls_per_day=rate, seed=seed, callers=callers):
            total += work.history.write_day(day.calls, day.callbacks, day.handoffs)[0]
        ctx.audit(work, Action.IMPORT, detail=f"demo history calls:{total}")
    return total


def _months(now: dt.datetime) -> list[str]:
    first = now.astimezone(LONDON).date().replace(day=1)
    out = []
    for k in range(REVIEW_MONTHS, 0, -1):
        index = first.year * 12 + first.month - 1 - k
        out.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
    return out


def _answers(card: Scorecard, rng: random.Random, skill: float) -> dict[str, str]:
    out = {}
    for item in card.manual:
        if item.answer is AnswerType.SCALE:
            out[item.code] = rng.choices(["1", "2", "3", "4"], [0.05, 0.2 - skill / 10, 0.4, 0.25 + skill / 5])[0]
        elif item.critical:
            out[item.code] = "no" if rng.random() < 0.03 else "yes"
        else:
            out[item.code] = "yes" if rng.random() < skill else ("na" if rng.random() < 0.2 else "no")
    return out


def _blind(card: Scorecard, first: dict[str, str], rng: random.Random) -> dict[str, str]:
    out = dict(first)
    for item in card.manual:
        if rng.random() < 0.12:
            out[item.code] = rng.choice(item.allowed())
    return out


def seed_reviews(ctx: Context, policy: Policy, seed: int) -> int:
    """Sample the last three whole months and review most of it; returns the number of reviews."""
    if policy.quality is None:
        return 0
    card = policy.quality.scorecard
    rng = random.Random(seed * 31 + 5)
    now = ctx.now()
    months = _months(now)
    with ctx.uow.read() as work:
        done = work.history.sampled_periods()
    for i, month in enumerate(months):
        if month not in done:
            sample(ctx, month, seed=seed + i)

    def tx(work: Work) -> int:
        made = 0
        for item in work.history.sampled_items():
            period = item.period
            newest = period == months[-1]
            if item.reviewer is None or (newest and rng.random() < 0.25):
                continue
            record = work.quality.call_record(item.kind, item.ref_id, dt.timedelta(days=16))
            if record is None:
                continue
            auto = auto_answers(ctx, card, record, now)
            skill = 0.72 + (zlib.crc32(item.person.encode()) % 23) / 100
            first = _answers(card, rng, skill)
            year, month = (int(x) for x in period.split("-"))
            when = dt.datetime(year + month // 12, month % 12 + 1, 1, 10, tzinfo=dt.UTC) + dt.timedelta(
                days=rng.randint(0, 20), minutes=rng.randint(0, 400)
            )
            when = min(when, now - dt.timedelta(hours=1))
            full = {**first, **auto}
            rid = work.quality.insert_review(
                qa_item_id=item.id,
                reviewer=item.reviewer,
                blind=False,
                version=card.version,
                answers=full,
                auto_codes=set(auto),
                score=score_review(card, full),
                comment="",
                now=when,
            )
            made += 1
            if item.second_reviewer:
                second = {**_blind(card, first, rng), **auto}
                work.quality.insert_review(
                    qa_item_id=item.id,
                    reviewer=item.second_reviewer,
                    blind=True,
                    version=card.version,
                    answers=second,
                    auto_codes=set(auto),
                    score=score_review(card, second),
                    comment="",
                    now=when + dt.timedelta(hours=2),
                )
                made += 1
            if made % 97 == 0:
                work.quality.set_review(
                    rid,
                    "current",
                    status="disputed",
                    disputed_at=when + dt.timedelta(days=1),
                    dispute_reason="The caller had been verified on the earlier call the same morning.",
                )
        ctx.audit(work, Action.QA_REVIEW, detail=f"demo reviews:{made}")
        return made

    return ctx.uow.run(tx)
