"""`dutyline report promises|calls|quality`: the manager's workspace figures from a shell, as text, JSON or CSV."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from dutyline.cli.common import CliError, cli_errors, open_context
from dutyline.domain.queue import working_amount
from dutyline.domain.reports.period import Period, Preset, make_period
from dutyline.services import reports
from dutyline.services.context import Context

HELP = "promises kept and the calls figures, for one team or all (team managers)"
DESCRIPTION = """\
Print the figures the manager's workspace shows, for callbacks and hand-offs DUE in the period (promises)
or inbound calls STARTED in it (calls). Team managers and admins only; every report is audited.

  dutyline report promises [--team CODE | --all] [--from YYYY-MM-DD --to YYYY-MM-DD] [--json | --csv FILE]
  dutyline report calls    [--team CODE | --all] [...]
  dutyline report quality  [--team CODE | --all] [...]   (quality reviewers too)

The period defaults to the last 4 weeks (today included). `promises --json` prints one object whose top
level holds total_due, kept_on_time, kept_late, broken (still open past due), cancelled and
open_not_yet_due (these five add up to total_due), on_time_rate, and breakdowns under by_team,
by_officer, by_reason, by_urgency and by_kind, plus return_time, trend, due_soon and overdue.
--csv writes (figure, value) rows: every field quoted, spreadsheet formulas neutralised, mode 0600.

Definitions:
"""


def _definitions() -> str:
    from dutyline.domain.quality.report import DEFINITIONS as QUALITY
    from dutyline.domain.reports.call_figures import DEFINITIONS as CALLS
    from dutyline.domain.reports.promises import DEFINITIONS as PROMISES

    lines = [f"  promises.{k}: {v}" for k, v in PROMISES.items()]
    lines += [f"  calls.{k}: {v}" for k, v in CALLS.items()]
    lines += [f"  quality.{k}: {v}" for k, v in QUALITY.items()]
    return "\n".join(lines)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "report",
        help=HELP,
        description=DESCRIPTION + _definitions(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("which", choices=("promises", "calls", "quality"), help="which figures")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--team", metavar="CODE", help="one team (a code from the policy file)")
    scope.add_argument("--all", action="store_true", help="all teams (the default)")
    p.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="first day (default: 27 days before --to)")
    p.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="last day, included (default: today)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--csv", type=Path, metavar="FILE", help="write (figure, value) rows to FILE (mode 0600)")
    p.set_defaults(handler=run)


def _day(text: str | None, flag: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{flag} must be a date written YYYY-MM-DD") from None


def period_from(args: argparse.Namespace, ctx: Context) -> Period:
    first, last = _day(args.first, "--from"), _day(args.last, "--to")
    if first is None and last is None:
        return make_period(Preset.LAST_4_WEEKS, ctx.today())
    last = last or ctx.today()
    first = first or last - dt.timedelta(days=27)
    if last < first:
        raise CliError("--to is before --from")
    return Period(first=first, last=last)


@cli_errors
def run(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    period = period_from(args, ctx)
    team = None if args.all else args.team
    from dutyline.services import quality_report

    use = {"promises": reports.promises, "calls": reports.calls, "quality": quality_report.report}[args.which]
    report: Any = use(ctx, period, team)
    data = report.model_dump(mode="json")
    if args.json:
        print(json.dumps(data, indent=2))
    elif args.csv is not None:
        if not args.csv.parent.is_dir() and str(args.csv.parent):
            raise CliError(f"no such folder: {args.csv.parent}")
        rows = reports.export_csv(ctx, args.which, data, args.csv)
        print(f"Wrote {rows} rows to {args.csv}", file=sys.stderr)
    else:
        print({"promises": text_promises, "calls": text_calls, "quality": text_quality}[args.which](report))
    return 0


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _h(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} wh"


def text_promises(r: Any) -> str:
    lines = [
        f"Promises due {r.first} to {r.last} · team {r.team} · as of {r.as_of:%Y-%m-%d %H:%M} UTC",
        f"Due {r.total_due}: kept on time {r.kept_on_time}, kept late {r.kept_late}, BROKEN {r.broken}, "
        f"cancelled {r.cancelled}, not yet due {r.open_not_yet_due} · on time {_pct(r.on_time_rate)}",
        f"Callback return time (N {r.return_time.n}): p50 {_h(r.return_time.p50_hours)}, "
        f"p90 {_h(r.return_time.p90_hours)}",
        "",
        f"{'Team':<28}{'Due':>6}{'On time':>9}{'Late':>6}{'Broken':>8}{'Rate':>6}",
    ]
    for code, c in r.by_team.items():
        lines.append(
            f"{code[:27]:<28}{c.total_due:>6}{c.kept_on_time:>9}{c.kept_late:>6}{c.broken:>8}{_pct(c.on_time_rate):>6}"
        )
    lines.append(f"\nOverdue now: {r.overdue_total} · due within the next working hour: {r.due_soon_total}")
    for item in r.overdue[:20]:
        lines.append(
            f"  OVERDUE {working_amount(item.hours)}  {item.kind}:{item.id}  {item.team}  {item.case_ref or 'no case'}"
        )
    return "\n".join(lines)


def text_calls(r: Any) -> str:
    lines = [
        f"Calls started {r.first} to {r.last} · team {r.team} · {r.total_calls} inbound calls",
        f"First-contact resolution: {_pct(r.first_contact_resolution.rate)} "
        f"({r.first_contact_resolution.n} of {r.first_contact_resolution.of})",
        "Repeat callers per 100 calls: "
        + ("—" if r.repeat_callers.rate is None else f"{r.repeat_callers.rate:.1f}")
        + f" ({r.repeat_callers.n} cases)",
        f"Overrides of the proposed team: {r.overrides.overridden} of {r.overrides.handoffs} hand-offs "
        f"({_pct(r.overrides.share)})",
        f"Safeguarding calls: {r.safeguarding.calls}, referred {r.safeguarding.referred}, "
        f"p50 {_h(r.safeguarding.p50_hours).replace('wh', 'h')}",
        "",
        "By reason:",
    ]
    lines += [f"  {s.key:<28}{s.n:>6}  {_pct(s.share):>5}" for s in r.by_reason]
    lines.append("Routed to:")
    lines += [f"  {s.key:<28}{s.n:>6}  {_pct(s.share):>5}" for s in r.routed]
    last = r.complaint_rate[-1]
    lines.append(
        "Rolling-year complaint rate: "
        + ("—" if last.rate is None else f"{last.rate:.1f}")
        + f" per 100 open cases ({last.complaints_12m} complaints, {last.open_cases} open cases)"
    )
    lines.append(
        "Appeals (cases entering tribunal): " + ", ".join(f"year to {y.year_ending}: {y.n}" for y in r.appeals)
    )
    return "\n".join(lines)


def _ci(i: Any) -> str:
    """'82% (74-88%, N 120)': every rate with its Wilson 95% interval and N."""
    if i.rate is None:
        return "— (N 0)"
    return f"{i.rate:.0%} ({i.low:.0%}-{i.high:.0%}, N {i.n})"


def text_quality(r: Any) -> str:
    a = r.agreement
    lines = [
        f"ACT quality, reviews {r.first} to {r.last} · team {r.team} · scorecard {r.scorecard_version}",
        f"Random sample pass rate: {_ci(r.rates.random)}",
        "  " + " · ".join(f"{k.title()} {_ci(v)}" for k, v in r.rates.sections.items()),
        f"Targeted (reported apart): {_ci(r.rates.targeted)}",
        "Agreement (Krippendorff's alpha, blind second reviews: "
        + f"{a.pairs} items): yes/no/na "
        + ("—" if a.nominal is None else f"{a.nominal:.2f}")
        + ", scales "
        + ("—" if a.ordinal is None else f"{a.ordinal:.2f}")
        + (f"  BELOW {a.threshold}: discuss at calibration" if a.flagged else ""),
        "",
        "People (random sample):",
    ]
    for p in r.rates.by_person:
        lines.append(f"  {p.person[:24]:<25}{_ci(p.rate)}" + (f"  {p.warning}" if p.warning else ""))
    return "\n".join(lines)
