"""Every setting in one frozen object, built once at the edge (the CLI) and passed down in the `Context`.

Why one object: a setting read from the environment deep inside a screen or a service cannot be seen,
tested or documented in one place, and two modules can read it differently. `Settings` is built by
`dutyline.cli.common.load_settings` from, in order, the command-line flags, the `DUTYLINE_*` environment
variables and the defaults below; nothing reads the environment after that. The README's configuration table
lists every field (a test compares the two).

Resolved paths: the database defaults to `dutyline.db` in the data folder, which defaults to platformdirs'
per-user data folder (~/.local/share/dutyline on Linux). No policy file means the built-in Hertfordshire
policy, chosen here at start-up and nowhere else.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Default claim lease: long enough to ring a family back and write notes; the desk renews it while open.
DEFAULT_LEASE_SECONDS = 15 * 60


class Settings(BaseSettings):
    """dutyline's configuration. Field `x` is read from `DUTYLINE_X` when no flag gives it."""

    model_config = SettingsConfigDict(env_prefix="DUTYLINE_", frozen=True, extra="ignore", populate_by_name=True)

    db: str | None = Field(default=None, description="database URL (`--db`); default: SQLite in the data folder")
    home: Path | None = Field(default=None, description="data folder; default: the per-user data folder")
    policy: Path | None = Field(default=None, description="council policy TOML (`--policy`); default: built-in")
    idle_lock: int = Field(default=300, ge=30, description="seconds without a key before the screen locks")
    lease_seconds: float = Field(default=DEFAULT_LEASE_SECONDS, ge=1, description="claim lease on a queue item")
    lock_wait: float = Field(default=10.0, gt=0, le=600, description="seconds a SQLite write waits for the lock")
    debug: bool = Field(default=False, description="show tracebacks (a developer, on test data only)")
    audit_anchor: str | None = Field(
        default=None, description="where `audit anchor` records the head: a file path or `syslog`"
    )

    @property
    def data_dir(self) -> Path:
        """The data folder, created 0700 (it holds children's data)."""
        path = self.home if self.home is not None else user_data_path("dutyline", appauthor=False)
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path, 0o700)
        return path

    @property
    def database_url(self) -> str:
        return self.db or "sqlite:///" + str(self.data_dir / "dutyline.db")

    @property
    def demo_database_url(self) -> str:
        return "sqlite:///" + str(self.data_dir / "demo.db")

    @property
    def search_dir(self) -> Path:
        """Where search index snapshots live (children's data: 0700 folder, 0600 files)."""
        return self.data_dir / "search"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"
