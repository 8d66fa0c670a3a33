"""The application log: a file in the data folder that can only ever hold ids, codes and counts.

Why so strict: a log is copied, tailed and attached to support tickets far more freely than the database,
and dutyline's data is children's health information (docs/PRIVACY.md, C4). So the rules are enforced here
rather than trusted to each call site:

- Only the `dutyline` logger tree writes here (third-party loggers such as SQLAlchemy's do not propagate
  into it), and nothing is configured at import time: the composition root calls `setup_file_log()` once.
- The message is the developer's constant format string. Its arguments pass through `IdsOnly`: numbers,
  booleans, dates, enum codes and None are kept; ANY string becomes `[text]`, so a name or a note can
  never reach the file, even by mistake. Log `case_id=%d`, not the child's name.
- Exceptions are reduced to their class name: the text of a driver or validation error can quote values.
- The file and its rotations are created 0600 in a 0700 folder; a message can never contain CR/LF
  (no forged lines).

Usage: `log = get_logger(__name__)`; `log.info("case viewed case_id=%d", case_id)`.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import logging
import os
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

ROOT = "dutyline"
LOG_NAME = "dutyline.log"
MAX_BYTES = 1_000_000
BACKUPS = 3


class Code(str):
    """A fixed identifier chosen by the code (a command name, an exception class), safe to log.

    Kept only while it looks like an identifier, so a Code built from user text by mistake still
    cannot carry a name or a note into the file.
    """


_CODE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def _safe(value: object) -> object:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Code) and _CODE.fullmatch(value):
        return str(value)
    if isinstance(value, enum.Enum):
        return str(value.value) if isinstance(value.value, str | int) else type(value).__name__
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, str | bytes):
        return "[text]"
    return f"[{type(value).__name__}]"


class IdsOnly(logging.Filter):
    """Rewrite each record so only ids, codes and counts survive (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str):
            record.msg = f"[{type(record.msg).__name__}]"
        if isinstance(record.args, dict):
            record.args = {k: _safe(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_safe(a) for a in record.args)
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.msg} (exception {record.exc_info[0].__name__})"
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        record.msg = record.msg.replace("\r", " ").replace("\n", " ")
        return True


class _PrivateRotatingHandler(RotatingFileHandler):
    """A rotating file handler whose files are created 0600 whatever the umask."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.chmod(self.baseFilename, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors=self.errors)


def setup_file_log(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Send the `dutyline` logger tree to `folder/dutyline.log` (default: logs/ in the data folder).

    Idempotent: a second call replaces the handler rather than doubling every line.
    """
    if folder is None:
        from dutyline.config import data_dir

        folder = data_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    path = folder / LOG_NAME
    logger = logging.getLogger(ROOT)
    for old in [h for h in logger.handlers if isinstance(h, _PrivateRotatingHandler)]:
        logger.removeHandler(old)
        old.close()
    handler = _PrivateRotatingHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.addFilter(IdsOnly())
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    formatter.converter = lambda *_: dt.datetime.now(dt.UTC).timetuple()
    handler.setFormatter(formatter)
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    return path


def get_logger(name: str) -> logging.Logger:
    """A logger under the `dutyline` tree (pass `__name__`)."""
    return logging.getLogger(name if name.startswith(ROOT) else f"{ROOT}.{name}")
