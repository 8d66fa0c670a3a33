"""`dutyline case REF`: the case summary a handler would see, with the statutory clock.

Every use is audited as a case view. Text that came from an import is sanitised before printing, so a
crafted name cannot move the cursor or change the terminal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from dutyline.cli.common import CliError, cli_errors, open_context
from dutyline.domain.calendar import format_day
from dutyline.domain.clock import Deadline
from dutyline.domain.clock_text import status_text
from dutyline.domain.model import OfficerInfo
from dutyline.domain.summary import CaseSummary, TeamInfo
from dutyline.domain.text import sanitize
from dutyline.services.cases import case_summary

HELP = "show a case: the child, officers, contacts and the statutory clock"
DESCRIPTION = """\
Print the case summary: the child, date of birth and age, school year, stage and since when, the named
officer and the officer acting today (their cover while they are absent) with their teams, the contacts,
and the statutory clock: every EHC deadline that applies, its due date and status (met, upcoming, due_soon
= within 10 working days, overdue), with any recorded reg 10(4) exception beside it.

--as-of YYYY-MM-DD computes the clock as of another day (default: today in England).
--json prints one object; its `clock` holds `week` (week of the 20-week assessment, or null),
`deadlines` (each with key, label, due as an ISO date, status) and `next` (the first not yet met, or null).
Viewing a case is recorded in the audit trail."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "case", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("ref", metavar="REF", help="the case reference")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="compute the clock as of this day")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=run)


def _as_of(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CliError(f"--as-of must be a date like 2026-03-03, not {text!r}") from None


def deadline_json(d: Deadline) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": d.key,
        "label": d.label,
        "due": d.due.isoformat(),
        "status": d.status.value,
        "owner": d.owner,
    }
    if d.exception is not None:
        out["exception"] = {"code": d.exception.code, "label": d.exception.label}
    return out


def _officer_json(officer: OfficerInfo | None, team: TeamInfo | None, day: dt.date) -> dict[str, Any] | None:
    if officer is None:
        return None
    return {
        "name": officer.name,
        "email": officer.email,
        "team": officer.team_code or None,
        "team_name": team.name if team else None,
        "absent": officer.absent_on(day),
    }


def summary_json(s: CaseSummary) -> dict[str, Any]:
    """The stable JSON shape of a case summary."""
    c, clock = s.case, s.clock
    return {
        "case_ref": c.case_ref,
        "as_of": s.as_of.isoformat(),
        "child": {
            "first_name": c.first_name,
            "last_name": c.last_name,
            "known_as": c.known_as,
            "date_of_birth": c.date_of_birth.isoformat(),
            "age": s.age,
            "year_group": s.year_group_label,
            "district": c.district.value,
            "postcode": c.postcode,
            "school": c.school,
        },
        "stage": c.stage.value,
        "stage_label": c.stage.label,
        "stage_since": c.stage_since.isoformat(),
        "named_officer": _officer_json(s.named_officer, s.named_officer_team, s.as_of),
        "acting_officer": _officer_json(s.acting_officer, s.acting_officer_team, s.as_of),
        "acting_is_cover": s.acting_is_cover,
        "contacts": [
            {
                "name": k.name,
                "relationship": k.relationship,
                "phone": k.phone,
                "email": k.email,
                "parental_responsibility": k.parental_responsibility,
            }
            for k in c.contacts
        ],
        "decision_rights_young_person": s.decision_rights_young_person,
        "plan_ends": s.plan_ends.isoformat() if s.plan_ends else None,
        "clock": {
            "week": clock.week,
            "deadlines": [deadline_json(d) for d in clock.deadlines],
            "next": deadline_json(clock.next) if clock.next else None,
            "headline": s.headline,
            "tell_family": s.tell_family,
        },
    }


def _officer_line(officer: OfficerInfo | None, team: TeamInfo | None) -> str:
    if officer is None:
        return "none recorded"
    return sanitize(f"{officer.name} <{officer.email}> — {team.name if team else officer.team_code or 'no team'}")


def summary_text(s: CaseSummary) -> str:
    c, clock = s.case, s.clock
    lines = [
        f"Case {sanitize(c.case_ref)}: {sanitize(c.display_name)}",
        f"Born:        {format_day(c.date_of_birth)} (age {s.age}, {s.year_group_label})",
        f"Area:        {c.district.value}, {sanitize(c.postcode)}"
        + (f"; school: {sanitize(c.school)}" if c.school else ""),
        f"Stage:       {c.stage.label} since {format_day(c.stage_since)}",
        f"Officer:     {_officer_line(s.named_officer, s.named_officer_team)}",
    ]
    if s.acting_is_cover:
        lines.append(
            f"Acting now:  {_officer_line(s.acting_officer, s.acting_officer_team)} (cover while the "
            "named officer is absent)"
        )
    if s.decision_rights_young_person:
        lines.append(
            "Consent:     the young person makes their own decisions: check their consent before "
            "discussing the case with a parent."
        )
    if s.plan_ends:
        lines.append(f"Plan ends:   {format_day(s.plan_ends)} at the latest (end of the school year they turn 25)")
    lines.append("Contacts:" if c.contacts else "Contacts:    none recorded")
    for k in c.contacts:
        pr = ", parental responsibility" if k.parental_responsibility else ""
        lines.append(sanitize(f"  - {k.name} ({k.relationship or 'relationship not given'}{pr}) {k.phone}"))
    lines.append(f"Clock ({format_day(s.as_of)}): {s.headline}")
    for d in clock.deadlines:
        extra = f"  [exception: {d.exception.label}]" if d.exception else ""
        lines.append(f"  {d.label:<34} {format_day(d.due):<16} {status_text(d)}{extra}")
    lines.append(f"Tell the family: {s.tell_family}")
    return "\n".join(lines)


@cli_errors
def run(args: argparse.Namespace) -> int:
    as_of = _as_of(args.as_of)
    ctx = open_context(args)
    summary = case_summary(ctx, case_ref=args.ref, as_of=as_of)
    print(json.dumps(summary_json(summary)) if args.json else summary_text(summary))
    return 0
