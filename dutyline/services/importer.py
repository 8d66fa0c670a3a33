"""Import the council's case export: validate every row first, then write all of it or nothing.

Two streaming passes over the file keep memory flat for a 1,000,000-row export: pass 1 validates and
collects problems (and case refs, to catch duplicates); pass 2, only when pass 1 found nothing, writes in
batches inside one transaction. Problems name row, line, column and reason; never a value.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dutyline.domain.import_row import CaseRow, check_header, normalise_ref, validate_row
from dutyline.domain.permissions import Action
from dutyline.services.context import Context, ServiceError
from dutyline.store.case_writer import Counts, OfficerResolver, upsert_batch

BATCH = 2000
MAX_FIELD = 100_000  # csv module limit; real limits per column are far lower (import_row.MAX_LEN)
MAX_PROBLEMS_SHOWN = 200
KEEP_ROWS = 50_000  # above this, pass 2 re-reads the file instead of holding rows (flat memory at 1M)

Progress = Callable[[int, int], None]  # (bytes read, total bytes)


@dataclass
class Problem:
    row: int  # 1 = first data row; 0 = the header or the file itself
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        if self.row == 0:
            return f"line {self.line}: {self.column}: {self.reason}"
        return f"row {self.row} (line {self.line}): {self.column}: {self.reason}"


@dataclass
class ImportReport:
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    #: Validated rows kept from pass 1 for files up to KEEP_ROWS rows, so pass 2 need not re-read them.
    kept: list[CaseRow] | None = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


class ImportRejected(ServiceError):
    """The file was refused; nothing was imported. Carries the report with every problem."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"import refused: {report.problem_count} problem(s); nothing was imported")
        self.report = report


class _Reader:
    """Iterates (row number, first line number, dict) over a CSV file, tracking bytes for progress."""

    def __init__(self, path: Path, progress: Progress | None) -> None:
        self.path = path
        self.progress = progress
        self.total = path.stat().st_size
        self.header: list[str] = []

    def rows(self) -> Iterator[tuple[int, int, dict[str, str]]]:
        csv.field_size_limit(MAX_FIELD)
        with open(self.path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.reader(text)
            self.header = [h.strip().lower() for h in next(reader, [])]
            row_no, last_line, tick = 0, reader.line_num, 0
            for fields in reader:
                first_line = last_line + 1
                last_line = reader.line_num
                if not any(f.strip() for f in fields):  # blank lines, trailing ",,,," rows
                    continue
                row_no += 1
                if len(fields) > len(self.header):
                    yield row_no, first_line, {"__extra__": "1"}
                    continue
                yield row_no, first_line, dict(zip(self.header, fields, strict=False))
                tick += 1
                if self.progress and tick % 5000 == 0:
                    self.progress(raw.tell(), self.total)
            if self.progress:
                self.progress(self.total, self.total)


def _first_bad_utf8_line(path: Path) -> int:
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0


def validate_file(path: Path, today: dt.date, progress: Progress | None = None) -> ImportReport:
    """Pass 1: every problem in the file, without writing anything."""
    report = ImportReport()

    def add(p: Problem) -> None:
        report.problem_count += 1
        if len(report.problems) < MAX_PROBLEMS_SHOWN:
            report.problems.append(p)

    reader = _Reader(path, progress)
    rows = reader.rows()
    # 64-bit hashes of case refs seen so far: ~60 bytes each instead of the refs themselves, so a
    # million-row file stays small. Suspected duplicates are confirmed (and their first row found) by a
    # second, cheap scan at the end, which also rules out hash collisions.
    seen: set[int] = set()
    suspects: list[tuple[int, int, str]] = []
    try:
        first = next(rows, None)  # reads the header too
        if not reader.header:
            add(Problem(0, 1, "(file)", "is empty: no header row"))
            return report
        for hp in check_header(reader.header):
            add(Problem(0, 1, hp.column, hp.reason))
        if report.problem_count:
            return report  # a bad header makes every row meaningless
        for row_no, line, values in itertools.chain([first] if first else [], rows):
            report.rows = row_no
            if "__extra__" in values:
                add(Problem(row_no, line, "(row)", "more fields than the header has columns"))
                continue
            result = validate_row(values, today)
            if isinstance(result, list):
                for rp in result:
                    add(Problem(row_no, line, rp.column, rp.reason))
                continue
            key = _ref_hash(result.case_ref)
            if key in seen:
                suspects.append((row_no, line, result.case_ref))
            else:
                seen.add(key)
                if report.kept is not None:
                    report.kept.append(result)
                    if len(report.kept) > KEEP_ROWS:
                        report.kept = None
    except UnicodeDecodeError:
        bad = _first_bad_utf8_line(path)
        add(Problem(0, bad, "(file)", "is not UTF-8 text; save the export as CSV UTF-8 and try again"))
    except csv.Error as exc:
        add(Problem(0, 0, "(file)", f"is not a readable CSV file ({str(exc).split(':')[0]})"))
    if suspects:
        first_row = _first_rows(path, {ref for _r, _l, ref in suspects})
        for row_no, line, ref in suspects:
            if first_row.get(ref, row_no) < row_no:
                add(Problem(row_no, line, "case_ref", f"duplicate of the case_ref in row {first_row[ref]}"))
        report.problems.sort(key=lambda p: (p.row, p.line))
    return report


def _ref_hash(case_ref: str) -> int:
    return int.from_bytes(hashlib.blake2b(case_ref.encode(), digest_size=8).digest(), "little")


def _first_rows(path: Path, refs: set[str]) -> dict[str, int]:
    """Row number of the first occurrence of each of `refs` (normalised as validate_row does)."""
    found: dict[str, int] = {}
    for row_no, _line, values in _Reader(path, None).rows():
        ref = normalise_ref(values.get("case_ref") or "")
        if ref in refs and ref not in found:
            found[ref] = row_no
    return found


def _valid_rows(path: Path, today: dt.date, progress: Progress | None) -> Iterator[CaseRow]:
    for _row_no, _line, values in _Reader(path, progress).rows():
        result = validate_row(values, today)
        if isinstance(result, list):  # cannot happen after a clean pass 1 unless the file changed
            raise ServiceError("the file changed while it was being imported; nothing was imported")
        yield result


def import_cases(
    ctx: Context, path: Path, *, progress: Progress | None = None, write_progress: Progress | None = None
) -> ImportReport:
    """Validate then import `path`. Raises ImportRejected (nothing written) if any row is bad."""
    ctx.require(Action.IMPORT)
    if not path.is_file():
        raise ServiceError(f"no such file: {path}")
    if os.path.getsize(path) == 0:
        report = ImportReport(problems=[Problem(0, 1, "(file)", "is empty: no header row")], problem_count=1)
        _audit_rejected(ctx, report)
        raise ImportRejected(report)
    today = ctx.today()
    report = validate_file(path, today, progress)
    if not report.ok:
        _audit_rejected(ctx, report)
        raise ImportRejected(report)

    counts = Counts()
    with ctx.db.write() as session:
        officers = OfficerResolver(session)
        batch: list[CaseRow] = []
        rows = report.kept if report.kept is not None else _valid_rows(path, today, write_progress)
        report.kept = None
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                upsert_batch(session, batch, officers, counts)
                batch.clear()
        if batch:
            upsert_batch(session, batch, officers, counts)
        ctx.audit(
            session,
            Action.IMPORT,
            detail=f"rows={report.rows} added={counts.added} updated={counts.updated} unchanged={counts.unchanged}",
        )
    report.added, report.updated, report.unchanged = counts.added, counts.updated, counts.unchanged
    return report


def _audit_rejected(ctx: Context, report: ImportReport) -> None:
    with ctx.db.write() as session:
        ctx.audit(session, Action.IMPORT, outcome="rejected", detail=f"problems={report.problem_count}")
