"""`dutyline callbacks …`: the duty queue from a shell, acting as the current user (scripts and tests).

Claims here are the same leases the app takes. A CLI process keeps no lease token between runs, so
`complete` and `release` use the CLI rule: the same login may act while its lease is still live (the
guard is claimed_by = you AND lease not expired). Once the lease lapses, or someone else claims the
item, the late completion is refused like any other. A script that keeps the token from
`claim --json` can pass it back with --token for the stricter desk rule.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from dutyline.cli.common import CliError, cli_errors, open_context
from dutyline.domain.model import Outcome
from dutyline.domain.queue import ItemKind, QueueItem, StatusFilter, time_left_text
from dutyline.domain.text import one_line
from dutyline.services import queue
from dutyline.services.queue_guard import hhmm

HELP = "the duty queue: list, claim, complete or release callbacks and hand-offs"
DESCRIPTION = """\
Work the duty officer's queue as the current user (your login must be a duty officer or manager).

  dutyline callbacks list [--team CODE] [--status available|open|claimed|mine|done|all] [--json]
  dutyline callbacks claim ID
  dutyline callbacks claim --next [--team CODE]
  dutyline callbacks complete ID --outcome resolved|signposted|handed_off|callback_booked [--notes TEXT]
  dutyline callbacks release ID

ID is a callback number (12) or KIND:NUMBER (callback:12, handoff:45). The list is urgent first, then by
due time; "time left" counts working hours (Mon-Fri 9:00-17:00, bank holidays excluded).

A claim is a lease (15 minutes unless DUTYLINE_LEASE_SECONDS says otherwise): if it lapses the item goes
back to the queue. The CLI keeps no token between runs, so complete/release are allowed for the login
that claimed the item while its lease is still live; after it lapses or someone else claims it, they are
refused (exit 2). Completing a callback also logs the return call on the case, as you."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "callbacks", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="callbacks_command", metavar="ACTION", required=True)

    ls = sub.add_parser(
        "list",
        help="list the queue for your teams",
        description="List the queue: urgent "
        "first, then by due time, with OVERDUE / DUE SOON flags and working hours left.",
    )
    ls.add_argument("--team", metavar="CODE", help="one team's queue (default: all your teams)")
    ls.add_argument(
        "--status",
        choices=[s.value for s in StatusFilter],
        default=StatusFilter.AVAILABLE.value,
        help="which items (default: available = open, lapsed, or claimed by you)",
    )
    ls.add_argument("--json", action="store_true", help="print a JSON array")
    ls.set_defaults(handler=run_list)

    cl = sub.add_parser(
        "claim",
        help="claim an item (a lease)",
        description="Claim one item. Exactly one "
        "desk wins; if someone holds it, this says who and until when (exit 2).",
    )
    cl.add_argument("id", metavar="ID", nargs="?", help="12, callback:12 or handoff:45")
    cl.add_argument(
        "--next",
        action="store_true",
        help="claim the most pressing free item instead: urgent first, then most overdue, across all your teams",
    )
    cl.add_argument("--team", metavar="CODE", help="with --next: only this team's queue")
    cl.add_argument("--json", action="store_true", help="print the claim (including its lease token) as JSON")
    cl.set_defaults(handler=run_claim)

    co = sub.add_parser(
        "complete",
        help="complete an item you hold",
        description="Complete an item you "
        "hold, with its outcome and notes. A callback's completion is logged as a call.",
    )
    co.add_argument("id", metavar="ID")
    co.add_argument("--outcome", required=True, choices=[o.value for o in Outcome], help="how it ended")
    co.add_argument("--notes", default="", help="what was said and agreed")
    co.add_argument("--token", help="the lease token from `claim --json` (default: the CLI rule)")
    co.set_defaults(handler=run_complete)

    rl = sub.add_parser(
        "release",
        help="give an item back to the queue",
        description="Release an item you hold so someone else can take it.",
    )
    rl.add_argument("id", metavar="ID")
    rl.add_argument("--token", help="the lease token from `claim --json` (default: the CLI rule)")
    rl.set_defaults(handler=run_release)


def parse_id(text: str) -> tuple[ItemKind, int]:
    kind_text, _, number = text.strip().rpartition(":")
    try:
        kind = ItemKind(kind_text) if kind_text else ItemKind.CALLBACK
        return kind, int(number)
    except ValueError:
        raise CliError(f"ID must be a number or callback:N / handoff:N, not {one_line(text)[:40]!r}") from None


def item_json(item: QueueItem) -> dict[str, Any]:
    return {
        "key": item.key,
        "kind": item.kind.value,
        "id": item.id,
        "team": item.team_code,
        "priority": item.priority.value,
        "urgent_reason": item.urgent_reason,
        "reason": item.reason,
        "due_at": item.due_at.isoformat(),
        "status": item.status.value,
        "claimed_by": item.claimed_by,
        "lease_expires": item.lease_expires.isoformat() if item.lease_expires else None,
        "overdue": item.overdue,
        "due_soon": item.due_soon,
        "working_hours_left": round(item.hours_left, 2),
        "escalated": item.escalated,
        "attempts": item.attempts,
        "case_id": item.case_id,
        "case_ref": item.case_ref,
        "child": one_line(item.child_name),
        "contact": one_line(item.contact_name),
        "phone": one_line(item.phone),
        "preferred_time": one_line(item.preferred_time),
    }


def item_line(item: QueueItem, login: str) -> str:
    flags = (
        " ".join(f for f, on in (("URGENT", item.urgent), ("OVERDUE", item.overdue), ("DUE-SOON", item.due_soon)) if on)
        or "-"
    )
    holder = (
        ("yours" if item.claimed_by == login else f"with {item.claimed_by}")
        if item.as_of and item.lease_live(item.as_of)
        else item.effective_status(item.as_of or item.due_at).value
    )
    due = item.due_at.strftime("%Y-%m-%d") + " " + hhmm(item.due_at)
    return "  ".join(
        [
            f"{item.key:<16}",
            f"{flags:<16}",
            f"{time_left_text(item):<16}",
            due,
            f"{item.team_code:<20}",
            f"{item.case_ref or '-':<12}",
            one_line(item.child_name) or "-",
            f"[{holder}]",
        ]
    )


@cli_errors
def run_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    items = queue.list_items(ctx, teams=[args.team] if args.team else None, status=args.status)
    if args.json:
        print(json.dumps([item_json(i) for i in items], indent=2))
        return 0
    for item in items:
        print(item_line(item, ctx.actor.login))
    if not items:
        print(f"Nothing in the queue in {ctx.db.describe()}.", file=sys.stderr)
    return 0


@cli_errors
def run_claim(args: argparse.Namespace) -> int:
    if bool(args.next) == bool(args.id):
        print("Give an item ID, or --next for the most pressing free item (not both).", file=sys.stderr)
        return 2
    ctx = open_context(args)
    if args.next:
        got = queue.claim_next(ctx, args.team)
        if got is None:
            print("Nothing free to claim.")
            return 0
        ticket = got
    else:
        kind, item_id = parse_id(args.id)
        ticket = queue.claim(ctx, kind, item_id)
    if args.json:
        print(
            json.dumps(
                {
                    "key": ticket.key,
                    "claimed_by": ticket.claimed_by,
                    "token": ticket.token,
                    "lease_expires": ticket.lease_expires.isoformat(),
                }
            )
        )
    else:
        print(
            f"Claimed {ticket.key} until {hhmm(ticket.lease_expires)}. Complete or release it before then, "
            "or it goes back to the queue."
        )
    return 0


@cli_errors
def run_complete(args: argparse.Namespace) -> int:
    kind, item_id = parse_id(args.id)
    ctx = open_context(args)
    call_id = queue.complete(ctx, kind, item_id, args.token, args.outcome, args.notes)
    print(f"Completed {kind.value}:{item_id}" + (f"; logged as call {call_id} on the case." if call_id else "."))
    return 0


@cli_errors
def run_release(args: argparse.Namespace) -> int:
    kind, item_id = parse_id(args.id)
    ctx = open_context(args)
    queue.release(ctx, kind, item_id, args.token)
    print(f"Released {kind.value}:{item_id}: it is back in the queue.")
    return 0
