"""The quality report use case: pass rates with intervals, agreement, trend and impact for a selection.

Who: `qa_report` (quality reviewers, team managers, admins). Audited with the selection and N only.
"""

from __future__ import annotations

from dutyline.domain.permissions import Action
from dutyline.domain.quality import report as qr
from dutyline.domain.reports import promises as prom
from dutyline.domain.reports.period import Period, week_boundaries, week_starts
from dutyline.services.context import Context
from dutyline.services.quality import settings
from dutyline.services.reports import ALL, TREND_WEEKS, _teams


def report(ctx: Context, period: Period, team: str | None = None, *, audit: bool = True) -> qr.QualityReport:
    ctx.require(Action.QA_REPORT)
    q = settings(ctx)
    card = q.scorecard
    teams = _teams(ctx, team)
    now = ctx.now()
    weeks = week_starts(period.last, TREND_WEEKS)
    bounds = week_boundaries(period.last, TREND_WEEKS)
    with ctx.uow.read() as work:
        groups = work.quality_figures.review_groups(start=period.start, end=period.end, teams=teams)
        answers = work.quality_figures.answer_counts(start=period.start, end=period.end, teams=teams)
        paired = work.quality_figures.paired_answers(start=period.start, end=period.end, teams=teams)
        weekly = work.quality_figures.weekly_passes(boundaries=bounds, teams=teams)
        on_time = work.promise_figures.trend_groups(boundaries=bounds, now=now, teams=teams)
    trend = qr.weekly(weeks, weekly)
    timely = [(w.week_of, w.rate, w.decided) for w in prom.on_time_trend(weeks, on_time)]
    result = qr.QualityReport(
        team=team or ALL,
        first=period.first,
        last=period.last,
        as_of=now,
        scorecard_version=card.version,
        rates=qr.pass_rates(groups, q.min_compare_n),
        items=qr.item_rates(card, answers),
        agreement=qr.agreement(card, paired, q.agreement_threshold),
        trend=trend,
        impact=qr.impact(trend, timely),
    )
    if audit:
        with ctx.uow.write() as work:
            ctx.audit(
                work,
                Action.QA_REPORT,
                detail=f"quality team:{team or ALL} from:{period.first} to:{period.last} n:{result.rates.random.n}",
            )
    return result
