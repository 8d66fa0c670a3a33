"""`dutyline retention --dry-run|--apply`: erase or anonymise records past the council's retention periods."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from dutyline.cli.common import cli_errors, open_context
from dutyline.domain.text import one_line
from dutyline.services import retention


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "retention",
        help="list (--dry-run) or erase (--apply) records past their retention period (admins)",
        description=(
            "Records are kept no longer than the council's schedule, set per record class in the policy "
            "file's [retention] table: case_years_after_birth (default 31: a case is deleted, with its "
            "contacts, on the child's date of birth + 31 years; IRMS guidance, CONFIRM WITH THE COUNCIL'S "
            "SCHEDULE), call_without_case_years (default 2: a call with no case is anonymised 2 years after "
            "it), draft_days (default 30: an unfinished call draft is deleted). Calls of a deleted case are "
            "anonymised (notes, caller name and phone, safeguarding summary, referral reference and the case "
            "link blanked), so the council's call counts stay right. Kept whatever the date: cases in "
            "mediation or tribunal, and anything with an open hand-off or callback. --dry-run lists what is "
            "due by id and case reference only; --apply does it all in one transaction and writes one audit "
            "row per record, with no content."
        ),
    )
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="list what is due; change nothing")
    mode.add_argument("--apply", action="store_true", help="erase and anonymise what is due, in one transaction")
    p.set_defaults(handler=run)


def _listing(label: str, items: Iterable[object]) -> list[str]:
    values = [one_line(str(i)) for i in items]
    return [f"  {label}: {', '.join(values)}"] if values else []


def report_lines(result: retention.RetentionPlan, *, applied: bool) -> list[str]:
    """What is (or was) due and what is kept: counts, ids and case references only."""
    verb = "Erased/anonymised" if applied else "Due"
    lines = [
        f"{verb}: {len(result.cases)} case(s) (with {len(result.case_calls)} call(s) anonymised), "
        f"{len(result.calls)} call(s) without a case, {len(result.drafts)} draft(s)."
    ]
    lines += _listing("cases", (ref for _id, ref in result.cases))
    lines += _listing("calls without a case (ids)", result.calls)
    lines += _listing("drafts (ids)", result.drafts)
    kept = len(result.kept_disagreement) + len(result.kept_open_work) + result.kept_calls_open_work
    if kept:
        lines.append(f"Kept although past the period: {kept}.")
        lines += _listing("in mediation or tribunal", (ref for _id, ref in result.kept_disagreement))
        lines += _listing("cases with an open hand-off or callback", (ref for _id, ref in result.kept_open_work))
        if result.kept_calls_open_work:
            lines.append(f"  calls with an open hand-off or callback: {result.kept_calls_open_work}")
    return lines


@cli_errors
def run(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    result = retention.apply(ctx) if args.apply else retention.plan(ctx)
    per = result.periods
    print(
        f"Retention on {result.today.isoformat()}: cases {per.case_years_after_birth} years after birth "
        f"(confirm with the council's schedule), calls without a case {per.call_without_case_years} years, "
        f"drafts {per.draft_days} days.",
        file=sys.stderr,
    )
    print("\n".join(report_lines(result, applied=args.apply)))
    if not result.total:  # say where we looked: a wrong --db must not pass for "nothing is due"
        print(f"Nothing due in {ctx.uow.describe()}.", file=sys.stderr)
    if not args.apply and result.total:
        print("Nothing was changed (dry run). Run 'dutyline retention --apply' to do this.", file=sys.stderr)
    if args.apply and result.cases:
        dropped = drop_search_snapshots(ctx.settings.search_dir)
        if dropped:
            print(
                f"Removed {dropped} search index snapshot(s) that held erased cases; the next search rebuilds "
                "it. Other desks: remove the 'search' folder in their dutyline data folder too.",
                file=sys.stderr,
            )
    return 0


def drop_search_snapshots(folder: Path) -> int:
    """Delete this desk's search index snapshots: they copy names from the database, so an erased child
    would otherwise survive in them until the next full rebuild. A snapshot is only a start-up speed-up."""
    count = 0
    for path in folder.glob("index-*") if folder.is_dir() else ():
        path.unlink(missing_ok=True)
        count += 1
    return count
