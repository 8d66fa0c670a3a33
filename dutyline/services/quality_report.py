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
from dutyline.store import quality_report_repo as repo
from dutyline.store import reports_repo


def report(ctx: Context, period: Period, team: str | None = None, *, audit: bool = True) -> qr.QualityReport:
    ctx.require(Action.QA_REPORT)
    q = settings(ctx)
    card = q.scorecard
    teams = _teams(ctx, team)
    now = ctx.now()
    weeks = week_starts(period.last, TREND_WEEKS)
    bounds = week_boundaries(period.last, TREND_WEEKS)
    with ctx.db.read() as s:
        groups = repo.review_groups(s, start=period.start, end=period.end, teams=teams)
        answers = repo.answer_counts(s, start=period.start, end=period.end, teams=teams)
        paired = repo.paired_answers(s, start=period.start, end=period.end, teams=teams)
        weekly = repo.weekly_passes(s, boundaries=bounds, teams=teams)
        on_time = reports_repo.trend_groups(s, boundaries=bounds, now=now, teams=teams)
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
        with ctx.db.write() as s:
            ctx.audit(
                s,
                Action.QA_REPORT,
                detail=f"quality team:{team or ALL} from:{period.first} to:{period.last} n:{result.rates.random.n}",
            )
    return result
