"""Alembic environment for dutyline.

Run by `dutyline.store.migrate` (the app upgrades on start) with a live connection in
`config.attributes["connection"]`, or by the `alembic` CLI with `-x url=…`. SQLite needs batch mode
because it cannot ALTER most things.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from dutyline.store.engine import Database
from dutyline.store.tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("give the database with: alembic -x url=sqlite:///FILE …")
    db = Database(url)
    with db.engine.begin() as conn:
        _run(conn)
