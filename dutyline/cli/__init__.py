"""The `dutyline` command: composition root. Parses arguments, builds the database and services, runs.

Each subcommand lives in its own module under `dutyline/cli/` exposing `register(subparsers)`; the module
list below is the only place that knows them all. `--db` is global, so every command takes it first:
`dutyline --db URL import FILE`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

from dutyline import __version__

#: Subcommand modules, in the order `--help` lists them.
COMMANDS = (
    "dutyline.cli.cmd_run",
    "dutyline.cli.cmd_init",
    "dutyline.cli.cmd_demo",
    "dutyline.cli.cmd_import",
    "dutyline.cli.cmd_search",
    "dutyline.cli.cmd_case",
    "dutyline.cli.cmd_call",
    "dutyline.cli.cmd_route",
    "dutyline.cli.cmd_callbacks",
    "dutyline.cli.cmd_report",
    "dutyline.cli.cmd_quality",
    "dutyline.cli.cmd_staff",
    "dutyline.cli.cmd_policy",
    "dutyline.cli.cmd_audit",
    "dutyline.cli.cmd_security",
    "dutyline.cli.cmd_retention",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dutyline",
        description=(
            "dutyline: the SEND duty line desk. Find the child's case from whatever the caller says, "
            "check who is calling, see the officer and the statutory clock, log the call, hand it to the "
            "right team or book a callback that a duty officer claims and returns on time. "
            "With no command, opens the app on the configured database."
        ),
        epilog=(
            "Database: --db URL, else the DUTYLINE_DB environment variable, else a SQLite file in your "
            "user data folder. URLs: sqlite:///PATH or postgresql://USER@HOST/DBNAME. A database that does "
            "not exist is an error, never created on the fly: create one with 'dutyline init' (or demo, or "
            "import --create)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"dutyline {__version__}")
    parser.add_argument("--db", metavar="URL", help="database URL (default: $DUTYLINE_DB or the local SQLite file)")
    parser.add_argument(
        "--policy",
        metavar="FILE",
        help=(
            "a local council policy TOML, for a single SQLite desk only (default: $DUTYLINE_POLICY, else the "
            "policy stored in the database; on PostgreSQL this is refused: see 'dutyline policy')"
        ),
    )
    parser.add_argument(
        "--mode",
        choices=("handler", "duty", "manager"),
        default=None,
        help="open the app in call-handler or duty-officer mode, or on the manager's workspace (default: handler)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(name)
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        from dutyline.cli import cmd_run

        handler = cmd_run.run
    from dutyline.cli.common import CliError, settings_of
    from dutyline.logs import Code as _code
    from dutyline.logs import get_logger, setup_file_log

    try:
        settings = settings_of(args)  # the only read of the environment: flags, DUTYLINE_*, defaults
    except CliError as exc:
        print(f"dutyline: {exc}", file=sys.stderr)
        return 2
    with contextlib.suppress(OSError):  # a read-only home must not stop a call; the log is for support only
        setup_file_log(settings.log_dir)
    log = get_logger("dutyline.cli")
    command = getattr(args, "command", None) or "run"
    log.info("command started: %s", _code(command))
    try:
        code = int(handler(args) or 0)
        log.info("command finished: %s exit=%d", _code(command), code)
        return code
    except BrokenPipeError:  # `dutyline staff list | head`: the reader left; not an error worth a traceback
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stops the interpreter's flush error at exit
        return 0
    except KeyboardInterrupt:
        print("Interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - last line of defence for personal data (docs/PRIVACY.md, C4)
        # A traceback prints exception messages, and a driver's or validator's message can quote a child's
        # details. Show the type only, unless the person debugging asks for more.
        if settings.debug:
            raise
        log.error("command failed: %s %s", _code(command), _code(type(exc).__name__))
        print(
            f"dutyline: unexpected error ({type(exc).__name__}); nothing half-written was kept. "
            "Set DUTYLINE_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        return 70
