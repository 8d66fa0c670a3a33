"""`dutyline import FILE.csv`: load or refresh cases from the council's case-management export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dutyline.cli.common import cli_errors, open_context
from dutyline.cli.progress import ProgressBar
from dutyline.domain.import_row import COLUMNS, REQUIRED
from dutyline.domain.text import shown
from dutyline.services.importer import ImportRejected, import_cases


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    required = ", ".join(c for c in COLUMNS if c in REQUIRED)
    p = sub.add_parser(
        "import",
        help="import or refresh cases from a CSV export (all rows or none)",
        description=(
            "Import cases from the council's CSV export. Every row is checked first; if any row is bad, "
            "nothing is imported and every problem is listed as 'row N (line L): column: reason'. "
            "Re-importing updates cases by case_ref, keeps their call history, and reports how many were "
            "added, updated and unchanged. Columns may be in any order. "
            f"Required columns: {required}. All columns: {', '.join(COLUMNS)}. "
            "Dates are YYYY-MM-DD; the file must be UTF-8 (a byte-order mark and CRLF are fine)."
        ),
    )
    p.add_argument("file", type=Path, metavar="FILE.csv", help="the CSV export to import")
    p.add_argument(
        "--create",
        action="store_true",
        help="create the database first if it does not exist yet (otherwise a missing database is an error)",
    )
    p.set_defaults(handler=run)


@cli_errors
def run(args: argparse.Namespace) -> int:
    ctx = open_context(args, create=args.create)
    check = ProgressBar("checking")
    write = ProgressBar("importing")
    try:
        report = import_cases(ctx, args.file, progress=check, write_progress=write)
    except ImportRejected as exc:
        check.close()
        write.close()
        rep = exc.report
        print(
            f"dutyline: import refused, nothing was imported: {rep.problem_count} problem(s) in "
            f"{shown(str(args.file), 200)}",
            file=sys.stderr,
        )
        for problem in rep.problems:
            print(f"  {shown(str(problem), 300)}", file=sys.stderr)
        if rep.problem_count > len(rep.problems):
            print(f"  … and {rep.problem_count - len(rep.problems)} more", file=sys.stderr)
        return 1
    finally:
        check.close()
        write.close()
        ctx.db.dispose()
    print(f"Imported {report.rows} rows: {report.added} added, {report.updated} updated, {report.unchanged} unchanged.")
    return 0
