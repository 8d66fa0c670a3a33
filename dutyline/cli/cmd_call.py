"""`dutyline call list REF` and `dutyline call correct ID --notes TEXT`: a case's saved calls, and a
correction that supersedes a call's notes (the call itself is never changed; both stay visible).

Notes are a child's data: printed sanitised (no terminal escapes), never echoed in errors.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from dutyline.cli.common import CliError, cli_errors, open_context
from dutyline.domain.calendar import LONDON
from dutyline.domain.call_record import CallRecord
from dutyline.domain.text import sanitize
from dutyline.services.call_corrections import calls_of_case, correct_call

HELP = "a case's saved calls, and corrections of a call's notes (append-only: both are kept)"
DESCRIPTION = """\
  dutyline call list REF [--limit N]
  dutyline call correct ID --notes TEXT     (or --notes - to read the notes from stdin)

Saved calls are append-only: a correction is a new record that supersedes the call's notes. The case
view and `call list` show the notes that stand, with every earlier version marked SUPERSEDED, who wrote
each and when. Anyone who may log a call may correct one; the correction is recorded under your login
and audited (ids only)."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "call", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="call_command", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="a case's most recent calls with their ids and corrections")
    ls.add_argument("ref", metavar="REF", help="the case reference")
    ls.add_argument("--limit", type=int, default=20, help="how many calls, newest first (default 20)")
    ls.set_defaults(handler=run_list)
    fix = sub.add_parser("correct", help="correct a saved call's notes (the earlier text is kept, superseded)")
    fix.add_argument("id", metavar="ID", type=int, help="the call's number (from `call list`)")
    fix.add_argument("--notes", required=True, help="the corrected notes in full ('-' reads them from stdin)")
    fix.set_defaults(handler=run_correct)


def _when(moment: Any) -> str:
    return f"{moment.astimezone(LONDON):%a %d %b %Y %H:%M}"


def call_lines(call: CallRecord) -> list[str]:
    """One call as text: the notes that stand first, then each superseded version, newest first."""
    flag = " · SAFEGUARDING" if call.safeguarding else ""
    lines = [
        f"Call {call.id}  {_when(call.started_at)}  taken by {sanitize(call.staff_login)}  "
        f"{call.reason.label}{flag}  {call.outcome.value.replace('_', ' ')}"
    ]
    versions = [(call.staff_login, call.started_at, call.notes)] + [
        (c.staff_login, c.created_at, c.notes) for c in call.corrections
    ]
    for i, (who, at, text) in enumerate(reversed(versions)):
        label = "  notes" if i == 0 else "  SUPERSEDED"
        if i == 0 and call.corrections:
            label += f" (corrected by {sanitize(who)}, {_when(at)})"
        elif i > 0:
            label += f" ({'original' if i == len(versions) - 1 else 'correction'} by {sanitize(who)}, {_when(at)})"
        body = sanitize(text, multiline=True) or "(no notes)"
        lines.append(f"{label}:")
        lines += [f"    {line}" for line in body.splitlines()]
    return lines


@cli_errors
def run_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    found = calls_of_case(ctx, args.ref, args.limit)
    if not found:
        print(f"No calls logged on this case in {ctx.uow.describe()}", file=sys.stderr)
        return 0
    for call in found:
        print("\n".join(call_lines(call)))
    return 0


@cli_errors
def run_correct(args: argparse.Namespace) -> int:
    notes = sys.stdin.read() if args.notes == "-" else args.notes
    if not notes.strip():
        raise CliError("give the corrected notes: --notes TEXT (or --notes - to read them from stdin)")
    ctx = open_context(args)
    correction = correct_call(ctx, args.id, notes)
    print(f"Call {args.id} corrected (correction {correction}); the earlier notes are kept, marked superseded.")
    return 0
