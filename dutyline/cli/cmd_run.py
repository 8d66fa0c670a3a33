"""`dutyline` / `dutyline run`: open the app on the configured database.

An empty database gets instructions instead of an empty screen (a handler who sees no results cannot tell
"no such child" from "nothing imported yet"). A refused login is one clear line and exit code 2.
"""

from __future__ import annotations

import argparse

from dutyline.cli.common import cli_errors, open_context
from dutyline.services.context import Context

EMPTY = """There are no cases in this database yet ({where}).

To load the council's export:   dutyline import FILE.csv
To try dutyline with invented children instead:   dutyline demo

Then run `dutyline` again."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "run",
        help="open the app (the default when no command is given)",
        description=(
            "Open the dutyline app on the configured database: the call handler's screen (search, "
            "check the caller, the case at a glance, log the call, hand off, book a callback, "
            "safeguarding), the duty officer's queue with --mode duty, or the manager's workspace "
            "(promises, calls, ACT quality, reviews; F11 from anywhere) with --mode manager (a global "
            "option: `dutyline --mode duty run`). Keys are shown at the bottom of every screen; F1 shows help "
            "and Ctrl+P lists every action. The screen locks after DUTYLINE_IDLE_LOCK seconds without "
            "typing (default 300). If the database has no cases yet, says how to import or run the demo."
        ),
    )
    p.set_defaults(handler=run)


@cli_errors
def run(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    if case_count(ctx) == 0:
        print(EMPTY.format(where=ctx.db.describe()))
        ctx.db.dispose()
        return 0
    return launch(ctx, mode=getattr(args, "mode", None) or "handler")


def case_count(ctx: Context) -> int:
    from dutyline.store.search_source import fingerprint

    return fingerprint(ctx.db).count


def launch(ctx: Context, mode: str = "handler") -> int:
    """Run the app for `ctx` until the person quits; the demo command calls this too."""
    from dutyline.services.search import SearchService
    from dutyline.ui.app import DutylineApp

    app = DutylineApp(ctx, SearchService(ctx.db), mode=mode)
    try:
        app.run()
    finally:
        ctx.db.dispose()
    return int(app.return_code or 0)
