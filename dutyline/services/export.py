"""Safe CSV exports: every file dutyline writes for people to open in a spreadsheet goes through here.

Why one helper: an export leaves the app's protection, so each one must (a) quote every field (RFC 4180),
(b) neutralise spreadsheet formulas (OWASP ASVS 1.2.10: a cell starting with `= + - @`, TAB, CR or NUL
gets a leading `'`, so `=HYPERLINK(...)` typed into a note is shown as text, not run), and (c) be readable
by its owner only (mode 0600; the default umask gives 0644). The file is written to a temporary name
beside the target and renamed into place, so a crash never leaves half an export that looks complete.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

#: First characters that make a spreadsheet treat a cell as a formula (or that hide one after them).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
GUARD = "'"


def safe_cell(value: object) -> str:
    """The cell text for `value`: None is empty, NUL bytes are dropped, formulas are neutralised.

    NUL goes first (the csv module cannot write it and no real value needs it), so a NUL cannot hide a
    formula behind it: "\\0=1" is exported as "'=1".
    """
    if value is None:
        return ""
    text = (value if isinstance(value, str) else str(value)).replace("\0", "")
    return GUARD + text if _guarded(text) else text


def _guarded(text: str) -> bool:
    """Whether `text` gets a guard: it starts with a formula trigger, or with guards before one. The
    second is so a value of its own beginning "'=" keeps its quote through `unguard_cell`."""
    return text.lstrip(GUARD).startswith(FORMULA_TRIGGERS)


def unguard_cell(text: str) -> str:
    """Undo `safe_cell`'s guard when reading an export back (a re-import must not keep the quote)."""
    return text[1:] if text.startswith(GUARD) and _guarded(text[1:]) else text


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) as 0700: export folders hold personal data or audit records."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a guarded, fully quoted CSV at `path`, mode 0600, atomically. Returns the number of rows.

    The parent folder must exist (it is not silently created with the umask's permissions); use
    `private_dir` for dutyline's own export folder.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=".export-", suffix=".tmp", dir=folder)  # mkstemp: mode 0600
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            writer.writerow([safe_cell(h) for h in header])
            for row in rows:
                writer.writerow([safe_cell(v) for v in row])
                count += 1
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return count
