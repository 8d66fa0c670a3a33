"""`dutyline route`: which team owns a call, why, how urgent, and when the callback is due.

For admins checking a policy file, for tests, and for the phone system (with --json). Standard output
carries the decision only; notes go to standard error.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from typing import Any

from dutyline.cli.common import CliError, cli_errors, open_context
from dutyline.domain.calendar import LONDON, format_day
from dutyline.domain.model import District, Reason, Stage, parse_district
from dutyline.domain.routing import RoutingDecision
from dutyline.services.routing import decide

HELP = "show which team a call goes to, and why"
_CODES = "\n".join(
    textwrap.fill(f"{title}: {', '.join(codes)}", width=100, subsequent_indent="  ")
    for title, codes in (
        ("Reasons", [r.value for r in Reason]),
        ("Stages", [s.value for s in Stage]),
        ("Districts", [d.value for d in District]),
    )
)
DESCRIPTION = f"""\
Apply the council policy's routing rules (first match wins) to a call and print the team, the reason in
plain English, the priority and when the callback is due (working days, England and Wales bank holidays).

With --case, the stage, district and acting officer (the named officer, or their cover while absent) come
from the case; otherwise from --stage and --district. With no case and no stage, the call is about no
known case.

{_CODES}
Urgent reasons: the [urgent_reasons] codes of the policy (built-in: out_of_education, placement_breakdown,
risk_of_exclusion, part_time_timetable, moving_county, change_of_address, missed_deadline_appeal,
medical_change, officer_missed_meeting).

--json prints one object: team (code), team_name, inbox, explanation, priority (urgent or standard),
callback_due (ISO 8601 date-time, UTC)."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "route", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--reason",
        required=True,
        metavar="CODE",
        choices=[r.value for r in Reason],
        help="why the caller rang (a reason code, listed above)",
    )
    p.add_argument(
        "--stage",
        metavar="STAGE",
        choices=[s.value for s in Stage],
        help="the case stage the caller describes (ignored with --case)",
    )
    p.add_argument("--district", metavar="NAME", help="the child's district, e.g. Watford (ignored with --case)")
    p.add_argument("--case", metavar="REF", help="the case reference: stage, district and officer come from it")
    p.add_argument("--urgent", metavar="CODE", help="an urgent reason code from the policy")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=run)


def decision_json(decision: RoutingDecision) -> dict[str, Any]:
    """The stable JSON shape of a routing decision."""
    return {
        "team": decision.team,
        "team_name": decision.team_name,
        "inbox": decision.inbox,
        "explanation": decision.explanation,
        "priority": decision.priority.value,
        "callback_due": decision.callback_due.isoformat() if decision.callback_due else None,
    }


@cli_errors
def run(args: argparse.Namespace) -> int:
    district = None
    if args.district:
        district = parse_district(args.district)
        if district is None:
            raise CliError(f"unknown district {args.district!r}; known: {', '.join(d.value for d in District)}")
    ctx = open_context(args)
    decision = decide(
        ctx,
        Reason(args.reason),
        case_ref=args.case,
        stage=Stage(args.stage) if args.stage else None,
        district=district,
        urgent_reason=args.urgent,
    )
    if args.json:
        print(json.dumps(decision_json(decision)))
        return 0
    due = decision.callback_due
    print(f"Team:         {decision.team_name} ({decision.team})")
    print(f"Inbox:        {decision.inbox or '-'}")
    print(f"Priority:     {decision.priority.value}")
    if due is not None:
        local = due.astimezone(LONDON)
        print(f"Callback due: {format_day(local.date())} {local:%H:%M}")
    print(f"Why:          {decision.explanation}")
    return 0
