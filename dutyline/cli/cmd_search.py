"""`dutyline search QUERY`: find cases from the command line, for scripts and the phone system.

Standard output carries results only (a table, one JSON array, or one JSON array per input line in batch
mode); notes such as schema upgrades go to standard error, so a script can parse stdout blindly.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from dutyline.cli.common import cli_errors, open_context
from dutyline.domain.search import SearchHit, SearchResults
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
"ask" names the question that splits them; "total" counts every plausible match, shown or not.

Every search is recorded in the audit trail (the number of results, never the query text); a batch is
recorded once, with its number of queries."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "search", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("query", metavar="QUERY", help='what the caller said, or "-" to read queries from stdin')
    p.add_argument("--limit", type=int, default=10, metavar="N", help="most results per query (default 10)")
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
    from dutyline.services.search import SearchService

    limit = max(1, min(int(args.limit), 200))
    ctx = open_context(args, quiet=True)
    try:
        service = SearchService(ctx.db)
        service.build()
        if args.query == "-":
            queries = [line.rstrip("\r\n") for line in sys.stdin]
            batch = service.search_batch_results(ctx, queries, limit=limit)
            out = sys.stdout
            for results in batch:
                if args.with_band:
                    out.write(json.dumps(band_json(results)) + "\n")
                out.write(json.dumps([hit_json(h) for h in results.hits], ensure_ascii=False))
                out.write("\n")
            out.flush()
            return 0
        found = service.search_results(ctx, args.query, limit=limit, complete=True)
        hits = list(found.hits)
        if args.with_band:
            print(json.dumps(band_json(found)))
        if not hits:  # say where we looked: a wrong --db must not pass for "no such child"
            print(f"No matching cases in {ctx.db.describe()}.", file=sys.stderr)
        if args.json:
            print(json.dumps([hit_json(h) for h in hits], ensure_ascii=False))
        elif hits:
            if found.header():
                print(sanitize(found.header()))
            print(_table(hits))
        return 0
    finally:
        ctx.db.dispose()
