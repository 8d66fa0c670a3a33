"""`dutyline init`: create a new, empty dutyline database, the one way (besides `demo` and
`import --create`) a database comes into being.

Why explicit: every other command refuses a database that does not exist, so a mistyped `--db` is an error
on the handler's screen rather than an empty database where nobody else's calls ever arrive.
"""

from __future__ import annotations

import argparse
import sys

from dutyline.cli.common import cli_errors, open_database, settings_of


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "init",
        help="create a new, empty dutyline database (the only command that does, besides demo and import --create)",
        description=(
            "Create a new dutyline database at --db (or DUTYLINE_DB, or the SQLite file in your data folder) "
            "with the current schema. SQLite files are created readable by you alone (0600, in a 0700 folder); "
            "a PostgreSQL database must already exist (createdb) and is given dutyline's tables. Every other "
            "command refuses a database that does not exist, so a mistyped address is an error, never a new "
            "empty database. An existing dutyline database is left as it is (upgraded if its schema is older). "
            "Next, add the first administrator: dutyline staff add YOUR_LOGIN --name 'Your Name' --role admin."
        ),
    )
    p.set_defaults(handler=run)


@cli_errors
def run(args: argparse.Namespace) -> int:
    from dutyline.store import migrate
    from dutyline.store.engine import Database, DatabaseMissing

    url = settings_of(args).database_url
    try:
        probe = Database(url)
    except DatabaseMissing:
        existed = False
    else:
        existed = migrate.current_revision(probe) is not None
        probe.dispose()
    db = open_database(args, url=url, quiet=True, create=True)
    try:
        where = db.describe()
        if existed:
            print(f"There is already a dutyline database at {where}; nothing was created.", file=sys.stderr)
            return 0
        print(
            f"Created a new dutyline database at {where}, with the built-in Hertfordshire policy as policy "
            "version 1 (change it with: dutyline policy apply FILE).",
            file=sys.stderr,
        )
        print(
            "Next, make yourself its first administrator: "
            "dutyline staff add YOUR_LOGIN --name 'Your Name' --role admin",
            file=sys.stderr,
        )
        return 0
    finally:
        db.dispose()
