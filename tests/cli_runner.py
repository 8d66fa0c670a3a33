"""Run `dutyline ARGS` in this process, as the tests' fast path to the CLI.

A real process per command costs about a second of interpreter and import start-up (more on a busy
machine), and the CLI tests run hundreds of commands. `run_cli` calls `dutyline.cli.main(argv)` directly
with what a process would have had: its own stdin, stdout and stderr (strings, not terminals, so the CLI
behaves as it does in a pipe), `DUTYLINE_HOME`, no `DUTYLINE_DB`, and the usual umask 022, so file modes
are checked against a permissive default just as a user's shell would give. An `argparse` exit becomes
the return code it would have been.

What only a real process shows (the `python -m dutyline` entry point, a crash's output, exit codes as the
shell sees them) stays covered by the real-process smoke tests in tests/test_cli.py.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from dutyline.cli import main


@dataclass(frozen=True)
class CliResult:
    """What a finished command left: the same fields as `subprocess.CompletedProcess`."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _environment(home: Path | None) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("DUTYLINE_HOME", "DUTYLINE_DB")}
    if home is not None:
        os.environ["DUTYLINE_HOME"] = str(home)
    os.environ.pop("DUTYLINE_DB", None)
    umask = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(umask)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def _stderr_like_a_process() -> Iterator[None]:
    """What a bare interpreter sends to stderr besides the program's own prints, which pytest would
    otherwise capture for itself: warnings (with the interpreter's default filters) and log records of
    WARNING or above that no handler takes (`logging.lastResort`; dutyline's own tree has its file handler
    and does not propagate). A leak through either must show in `stderr`, as it would for a user."""
    handler = logging.StreamHandler(sys.stderr)  # the redirected stderr: called inside redirect_stderr
    handler.setLevel(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))

    try:
        with warnings.catch_warnings():
            warnings.resetwarnings()
            warnings.simplefilter("default")
            for quiet in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                warnings.simplefilter("ignore", quiet)  # the interpreter's defaults outside __main__
            warnings.showwarning = show
            yield
    finally:
        root.removeHandler(handler)


def run_cli(*args: str, home: Path | None = None, stdin: str | None = None) -> CliResult:
    """`dutyline ARGS` in-process; `home` becomes DUTYLINE_HOME (else the test's isolated one is kept)."""
    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin or "")
    try:
        with (
            _environment(home),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            _stderr_like_a_process(),
        ):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help (0) and usage errors (2); sys.exit("message")
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)  # what the interpreter does with a message
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdin = saved_stdin
    return CliResult(args=args, returncode=code, stdout=out.getvalue(), stderr=err.getvalue())
