"""Attack: make dutyline print a child's data or terminal escapes (docs/PRIVACY.md, C4 and C2).

On the old code a CSV without its header row had its whole first line (name, date of birth, postcode,
school, parent, phone, email) printed back as "unknown columns"; a column name or file name carrying an
ANSI escape reached the terminal raw, and a 5,000-character one was printed in full.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dutyline.cli import main
from dutyline.store.engine import Database
from tests.store.test_import import base_row
from tests.test_privacy import NEEDLES, canary_row

ESC = "\x1b"


def headerless(path: Path) -> Path:
    """The export with its header row cut off: line 1 is the canary child's record."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(canary_row(1).values()))
        writer.writerow(list(base_row(2).values()))
    return path


def test_headerless_csv_is_refused_without_echoing_line_one(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dutyline.store.search_source import fingerprint

    code = main(["--db", db.url, "import", str(headerless(tmp_path / "noheader.csv"))])
    out = capsys.readouterr()
    assert code == 1
    assert "not a header row" in out.err
    text = out.out + out.err
    leaked = [n for n in NEEDLES if n in text]
    assert leaked == [], leaked
    for value in canary_row(1).values():  # school, e-mail, relationship, officer: none of line 1 at all
        if len(value) > 3:
            assert value not in text, "a field of line 1 was echoed"
    assert fingerprint(db).count == 0


def test_hostile_column_and_file_names_are_sanitised_and_cut(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row = base_row(1)
    header = [*row.keys(), f"{ESC}[31mred{ESC}]0;pwned\x07", "x" * 5000]
    path = tmp_path / f"cases{ESC}[2J.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerow([*row.values(), "a", "b"])
    code = main(["--db", db_url, "import", str(path)])
    err = capsys.readouterr().err
    assert code == 1 and "unexpected column" in err
    assert ESC not in err and "\x07" not in err
    assert "x" * 200 not in err
    assert max(len(line) for line in err.splitlines()) <= 320
