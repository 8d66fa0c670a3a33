"""`dutyline search QUERY`: find cases from the command line, for scripts and the phone system.

Standard output carries results only (a table, one JSON array, or one JSON array per input line in batch
mode); notes such as schema upgrades go to standard error, so a script can parse stdout blindly.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from dutyline.cli.common import cli_errors, database_of, open_context
from dutyline.domain.call_record import EarlierCaller
from dutyline.domain.search import RESULTS_CLI_DEFAULT, RESULTS_MAX, SearchHit, SearchResults
from dutyline.domain.text import sanitize

HELP = "find cases by name, nickname, date of birth, phone, postcode, reference or school"
DESCRIPTION = """\
Search cases the way a handler would while on a call. QUERY may mix any of: the child's names (typos,
sound-alikes, nicknames and surname-first are fine), a parent or carer's name, a date of birth
(03/07/2014, 3/7/14, 3 July 2014, 2014-07-03), a birth year next to a name, a phone number in any format,
a postcode with or without the space, a case reference or its last digits, a school name.

With QUERY "-" (batch mode) one query is read per line from standard input and exactly one JSON array is
printed per line, in order ([] when nothing matches); the database is opened and the index built once.
With --with-band, each result (each query's, in batch mode) is preceded by one JSON line saying how sure
it is: {"band": "match"|"possible"|"several_alike"|null, "shown": N, "total": M, "ask":
"date_of_birth"|"postcode"|null}: "several_alike" means two or more children are about equally likely and
"ask" names the question that splits them; "total" counts every plausible match, shown or not (it
may be fewer than "shown": the list goes on past the plausible rows).

With --callers, callers with no case who rang before (matched by their number, its last digits, or the
caller's or child's name) are listed too: after the table, or, with --json and in batch mode, as one more
JSON line after each result array: {"no_case_callers": [{"caller_name", "caller_phone", "child_name",
"child_date_of_birth", "child_postcode", "child_district", "matched", "calls": [{"call_id", "started_at",
"taken_by", "reason", "outcome", "safeguarding", "notes"}, ...]}, ...]}. The case array is unchanged.

Every search is recorded in the audit trail (the number of results, never the query text); a batch is
recorded once, with its number of queries."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "search", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("query", metavar="QUERY", help='what the caller said, or "-" to read queries from stdin')
    p.add_argument(
        "--limit",
        type=int,
        default=RESULTS_CLI_DEFAULT,
        metavar="N",
        help=f"most results per query (default {RESULTS_CLI_DEFAULT}, at most {RESULTS_MAX})",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print a JSON array (best first) instead of a table; batch mode always prints JSON",
    )
    p.add_argument(
        "--with-band",
        action="store_true",
        help='print {"band", "shown", "total", "ask"} as a JSON line before each result',
    )
    p.add_argument(
        "--callers",
        action="store_true",
        help="also list callers with no case who rang before (by number or name), with their calls",
    )
    p.set_defaults(handler=run)


def band_json(results: SearchResults) -> dict[str, Any]:
    """The stable JSON shape of a result set's band line (--with-band)."""
    return {"band": results.band, "shown": results.shown, "total": results.total, "ask": results.ask}


def hit_json(hit: SearchHit) -> dict[str, Any]:
    """The stable JSON shape for one result (documented in --help and used by the phone system)."""
    return {
        "case_ref": hit.case_ref,
        "score": round(hit.score, 4),
        "first_name": hit.first_name,
        "last_name": hit.last_name,
        "known_as": hit.known_as,
        "date_of_birth": hit.date_of_birth.isoformat() if hit.date_of_birth else None,
        "age": hit.age,
        "postcode": hit.postcode,
        "school": hit.school,
        "stage": hit.stage,
        "named_officer": hit.named_officer,
        "matched": list(hit.matched_fields),
    }


def caller_json(earlier: EarlierCaller) -> dict[str, Any]:
    """The stable JSON shape for one no-case caller who rang before (--callers)."""
    dob = earlier.child_dob
    return {
        "caller_name": earlier.first("caller_name"),
        "caller_phone": earlier.first("caller_phone"),
        "child_name": earlier.first("child_name"),
        "child_date_of_birth": dob.isoformat() if dob else None,
        "child_postcode": earlier.first("child_postcode"),
        "child_district": earlier.first("child_district"),
        "matched": list(earlier.matched),
        "calls": [
            {
                "call_id": c.id,
                "started_at": c.started_at.isoformat(),
                "taken_by": c.staff_login,
                "reason": c.reason.value,
                "outcome": c.outcome.value,
                "safeguarding": c.safeguarding,
                "notes": c.notes,
            }
            for c in earlier.calls
        ],
    }


def _callers_table(callers: list[EarlierCaller]) -> str:
    lines = ["Callers with no case who rang before:"]
    for c in callers:
        child = c.first("child_name")
        about = f" about {child}" if child else ""
        n = len(c.calls)
        last = c.latest.started_at.strftime("%d/%m/%Y")
        who = c.first("caller_name") or "a caller"
        lines.append(
            sanitize(f"  {who} {c.first('caller_phone')}{about}: {n} call{'s' if n != 1 else ''}, last {last}")
        )
    return "\n".join(lines)


def _table(hits: list[SearchHit]) -> str:
    if not hits:
        return ""
    head = ("REF", "NAME", "BORN", "AGE", "POSTCODE", "SCHOOL", "MATCHED")
    raw = [
        (
            h.case_ref,
            h.display_name,
            h.date_of_birth.strftime("%d/%m/%Y") if h.date_of_birth else "",
            "" if h.age is None else str(h.age),
            h.postcode,
            h.school[:28],
            ",".join(h.matched_fields),
        )
        for h in hits
    ]
    rows = [tuple(sanitize(c) for c in r) for r in raw]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [head, *rows])


@cli_errors
def run(args: argparse.Namespace) -> int:
    from dutyline.services import calls
    from dutyline.services.search import SearchService

    limit = max(1, min(int(args.limit), RESULTS_MAX))
    ctx = open_context(args, quiet=True)
    try:
        service = SearchService(
            database_of(ctx), snapshot_dir=ctx.settings.search_dir, names_dir=ctx.settings.names_dir
        )
        service.build()
        if args.query == "-":
            queries = [line.rstrip("\r\n") for line in sys.stdin]
            batch = service.search_batch_results(ctx, queries, limit=limit)
            out = sys.stdout
            for query, results in zip(queries, batch, strict=True):
                if args.with_band:
                    out.write(json.dumps(band_json(results)) + "\n")
                out.write(json.dumps([hit_json(h) for h in results.hits], ensure_ascii=False))
                out.write("\n")
                if args.callers:
                    rang = [caller_json(c) for c in calls.find_callers(ctx, query)]
                    out.write(json.dumps({"no_case_callers": rang}, ensure_ascii=False) + "\n")
            out.flush()
            return 0
        found = service.search_results(ctx, args.query, limit=limit, complete=True)
        hits = list(found.hits)
        if args.with_band:
            print(json.dumps(band_json(found)))
        callers = calls.find_callers(ctx, args.query) if args.callers else []
        if not hits:  # say where we looked: a wrong --db must not pass for "no such child"
            print(f"No matching cases in {ctx.uow.describe()}.", file=sys.stderr)
        if args.json:
            print(json.dumps([hit_json(h) for h in hits], ensure_ascii=False))
            if args.callers:
                print(json.dumps({"no_case_callers": [caller_json(c) for c in callers]}, ensure_ascii=False))
        else:
            if hits:
                if found.header():
                    print(sanitize(found.header()))
                print(_table(hits))
            if callers:
                print(_callers_table(callers))
        return 0
    finally:
        ctx.uow.close()
