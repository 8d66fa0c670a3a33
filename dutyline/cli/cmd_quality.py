"""`dutyline quality sample|queue|mine`: the ACT quality method from a shell (the workspace does the same)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from dutyline.cli.common import CliError, cli_errors, open_context
from dutyline.services import quality

HELP = "ACT quality checks: draw a month's sample, list your review queue, see reviews of your work"
DESCRIPTION = """\
Quality checks of call records against the ACT scorecard (Accurate, Compassionate, Timely) in the policy.

  dutyline quality sample --period YYYY-MM [--per-person N] [--seed S] [--json]   (team managers)
  dutyline quality queue [--json]                                                 (reviewers)
  dutyline quality mine [--json]                                                  (anyone)
  dutyline quality resolve REVIEW --note TEXT [--answer CODE=VALUE ...]           (another reviewer)

`sample` draws, for the month, N random inbound calls per call handler and N returned callbacks per duty
officer (N from the policy unless --per-person), plus targeted items: every safeguarding call, every broken
promise, every call after which the family rang again within 2 working days. Targeted items are labelled
`targeted:<rule>` and kept out of the random-sample pass rates. Reviewers are assigned so nobody reviews
their own work, and a share (policy) get a blind second reviewer for calibration. The seed is recorded
(and printed): the same seed on the same data draws the same sample. A month is drawn once.
`sample --json` prints an array of objects with item (call:ID or callback:ID), person (whose work it is),
reviewer (when assigned), second_reviewer and why (random or targeted:<rule>)."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "quality", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="quality_command", metavar="ACTION", required=True)
    s = sub.add_parser("sample", help="draw and store a month's sample", description=DESCRIPTION)
    s.add_argument("--period", required=True, metavar="YYYY-MM", help="the month whose work is sampled")
    s.add_argument("--per-person", type=int, metavar="N", help="random items per person (default: the policy's)")
    s.add_argument("--seed", type=int, metavar="S", help="seed for the draw (default: a fresh random one)")
    s.add_argument("--json", action="store_true", help="print a JSON array")
    s.set_defaults(handler=run_sample)
    q = sub.add_parser("queue", help="items waiting for your review")
    q.add_argument("--json", action="store_true", help="print a JSON array")
    q.set_defaults(handler=run_queue)
    m = sub.add_parser("mine", help="reviews of your own work (superseded versions marked)")
    m.add_argument("--json", action="store_true", help="print a JSON array")
    m.set_defaults(handler=run_mine)
    r = sub.add_parser(
        "resolve",
        help="resolve a disputed review: uphold it, or re-score it (the old version is kept, superseded)",
    )
    r.add_argument("review", type=int, metavar="REVIEW", help="the disputed review's number")
    r.add_argument("--note", required=True, help="the resolution, for the person reviewed")
    r.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="CODE=VALUE",
        help="re-score: every scorecard item the reviewer answers (yes/no/na or 1-4); none: uphold",
    )
    r.set_defaults(handler=run_resolve)


@cli_errors
def run_sample(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    result = quality.sample(ctx, args.period, per_person=args.per_person, seed=args.seed)
    rows = [
        {
            "item": p.item,
            "person": p.person,
            "team": p.team,
            "reviewer": p.reviewer,
            "second_reviewer": p.second_reviewer,
            "why": p.why,
        }
        for p in result.items
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    targeted = sum(p.targeted for p in result.items)
    print(f"Sample for {result.period}: {len(rows)} items ({len(rows) - targeted} random, {targeted} targeted)")
    print(f"Seed {result.seed} (recorded with the sample), {result.per_person} per person")
    for p in result.items:
        second = f" + blind {p.second_reviewer}" if p.second_reviewer else ""
        print(f"  {p.item:<16} {p.person[:20]:<21} {p.why:<28} {p.reviewer or 'UNASSIGNED'}{second}")
    return 0


@cli_errors
def run_queue(args: argparse.Namespace) -> int:
    entries = quality.review_queue(open_context(args))
    if args.json:
        print(json.dumps([e.model_dump(mode="json") for e in entries], indent=2))
        return 0
    print(f"{len(entries)} item(s) to review")
    for e in entries:
        print(f"  #{e.qa_item_id:<6} {e.item:<16} {e.period}  {e.why}" + ("  (blind second review)" if e.blind else ""))
    return 0


@cli_errors
def run_mine(args: argparse.Namespace) -> int:
    reviews = quality.my_reviews(open_context(args))
    if args.json:
        print(json.dumps([r.model_dump(mode="json") for r in reviews], indent=2))
        return 0
    for r in reviews:
        state = "SUPERSEDED" if r.status == "superseded" else r.status
        verdict = "pass" if r.passed else "FAIL"
        print(f"  review {r.id:<6} {r.item:<16} {r.period}  {verdict:<5} {state}")
    return 0


@cli_errors
def run_resolve(args: argparse.Namespace) -> int:
    answers: dict[str, str] = {}
    for pair in args.answer:
        code, sep, value = pair.partition("=")
        if not sep or not code.strip():
            raise CliError("--answer takes CODE=VALUE, e.g. --answer verified=yes")
        answers[code.strip()] = value.strip()
    standing = quality.resolve(open_context(args), args.review, args.note, answers or None)
    print(f"Review {args.review} {'re-scored as review ' + str(standing) if answers else 'upheld'}.")
    return 0
