"""The application log (dutyline.logs) can only hold ids, codes and counts, in a private file."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dutyline.domain.model import Stage
from dutyline.logs import MAX_BYTES, ROOT, get_logger, setup_file_log

CANARY = "Zzcanary Qxolotl"


@pytest.fixture
def log_path(tmp_path: Path) -> Iterator[Path]:
    path = setup_file_log(tmp_path / "logs")
    yield path
    for handler in list(logging.getLogger(ROOT).handlers):
        logging.getLogger(ROOT).removeHandler(handler)
        handler.close()


def flush() -> None:
    for handler in logging.getLogger(ROOT).handlers:
        handler.flush()


def test_strings_and_exception_text_never_reach_the_file(log_path: Path) -> None:
    log = get_logger("dutyline.services.demo")
    log.info("case viewed case_id=%d stage=%s by=%s", 42, Stage.TRIBUNAL, CANARY)
    log.warning("search done query=%(q)s results=%(n)d", {"q": CANARY, "n": 3})
    try:
        raise ValueError(f"bad date for {CANARY} 17/02/2013")
    except ValueError:
        log.exception("import failed row=%d", 7)
    log.info("forged\nline %s", "x\r\nFAKE ENTRY")
    log.info(CANARY)  # even a non-constant message: it is still a str, so kept...
    flush()
    text = log_path.read_text(encoding="utf-8")
    assert "case_id=42 stage=tribunal by=[text]" in text
    assert "query=[text] results=3" in text
    assert "import failed row=7 (exception ValueError)" in text and "Traceback" not in text
    assert "17/02/2013" not in text and "FAKE" not in text
    assert len(text.splitlines()) == 5, "CR/LF cannot forge extra lines"
    assert text.count(CANARY) == 1, "...which is why call sites pass values as arguments, never in the message"


def test_log_files_are_private_and_rotate_privately(log_path: Path) -> None:
    log = get_logger("rotation")
    for i in range(MAX_BYTES // 40 + 200):
        log.info("tick n=%d", i)
    flush()
    files = sorted(log_path.parent.iterdir())
    assert len(files) >= 2, "rotated at least once"
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}
    assert stat.S_IMODE(log_path.parent.stat().st_mode) == 0o700


def test_other_libraries_do_not_write_into_it(log_path: Path) -> None:
    logging.getLogger("sqlalchemy.engine").warning("SELECT * FROM case WHERE name = %s", CANARY)
    logging.getLogger().warning("root logger %s", CANARY)
    setup_file_log(log_path.parent)  # a second setup replaces, not doubles, the handler
    get_logger("x").info("once n=%d", 1)
    flush()
    text = log_path.read_text(encoding="utf-8")
    assert CANARY not in text and text.count("once n=1") == 1
