"""`dutyline quality sample|queue|mine`: the ACT quality method from a shell (the workspace does the same)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from dutyline.cli.common import CliError, cli_errors, open_context
from dutyline.services import quality, quality_assign, quality_feedback

HELP = "ACT quality checks: draw a month's sample, list your review queue, see reviews of your work"
DESCRIPTION = """\
Quality checks of call records against the ACT scorecard (Accurate, Compassionate, Timely) in the policy.

  dutyline quality sample --period YYYY-MM [--per-person N] [--seed S] [--json]   (team managers)
  dutyline quality queue [--json]                                                 (reviewers)
  dutyline quality mine [--json]                                                  (anyone)
  dutyline quality resolve REVIEW --note TEXT [--answer CODE=VALUE ...]           (another reviewer)
  dutyline quality items --period YYYY-MM [--json]                                (team managers)
  dutyline quality assign ITEM --to LOGIN [--second]                              (team managers)

`sample` draws, for the month, N random inbound calls per call handler and N returned callbacks per duty
officer (N from the policy unless --per-person), plus targeted items: every safeguarding call, every broken
promise, every call after which the family rang again within 2 working days. Targeted items are labelled
`targeted:<rule>` and kept out of the random-sample pass rates. Reviewers are assigned so nobody reviews
their own work, and a share (policy) get a blind second reviewer for calibration. The seed is recorded
(and printed): the same seed on the same data draws the same sample. A month is drawn once.
`sample --json` prints an array of objects with item (call:ID or callback:ID), person (whose work it is),
reviewer (when assigned), second_reviewer and why (random or targeted:<rule>).
`items` lists a month's sample with each item's number; `assign` gives an item's first (or, with --second,
blind second) review to another reviewer, never the person whose work it is; a saved review is not moved."""


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
    i = sub.add_parser("items", help="a month's sample: each item's number, person and reviewers")
    i.add_argument("--period", required=True, metavar="YYYY-MM", help="the sampled month")
    i.add_argument("--json", action="store_true", help="print a JSON array")
    i.set_defaults(handler=run_items)
    a = sub.add_parser("assign", help="give an item's review to another reviewer (never the person reviewed)")
    a.add_argument("item", type=int, metavar="ITEM", help="the item's number (from 'quality items')")
    a.add_argument("--to", required=True, metavar="LOGIN", help="the reviewer who takes it")
    a.add_argument("--second", action="store_true", help="the blind second review instead of the first")
    a.set_defaults(handler=run_assign)


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
    reviews = quality_feedback.my_reviews(open_context(args))
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
    standing = quality_feedback.resolve(open_context(args), args.review, args.note, answers or None)
    print(f"Review {args.review} {'re-scored as review ' + str(standing) if answers else 'upheld'}.")
    return 0


@cli_errors
def run_items(args: argparse.Namespace) -> int:
    items = quality_assign.sample_items(open_context(args), args.period)
    if args.json:
        print(json.dumps([i.model_dump(mode="json") for i in items], indent=2))
        return 0
    print(f"{len(items)} item(s)")
    for i in items:
        second = f" + blind {i.second_reviewer}" if i.second_reviewer else ""
        item = f"{i.kind}:{i.ref_id}"
        print(f"  #{i.qa_item_id:<6} {item:<16} {i.person[:20]:<21} {i.why:<28} {i.reviewer or 'UNASSIGNED'}{second}")
    return 0


@cli_errors
def run_assign(args: argparse.Namespace) -> int:
    item = quality_assign.assign(open_context(args), args.item, args.to, second=args.second)
    who = item.second_reviewer if args.second else item.reviewer
    print(f"Item {args.item}: {'blind second' if args.second else 'first'} review assigned to {who}.")
    return 0
