"""Where things live and which database/policy to use. Resolved once, at the edge (the CLI).

Order for the database: `--db URL`, then `DUTYLINE_DB`, then `dutyline.db` in the per-user data folder
(platformdirs: ~/.local/share/dutyline on Linux). Order for the policy: `--policy FILE`, then
`DUTYLINE_POLICY`, then the built-in Hertfordshire policy.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path


def data_dir() -> Path:
    """The per-user data folder, created 0700 (it holds children's data)."""
    override = os.environ.get("DUTYLINE_HOME")
    path = Path(override) if override else user_data_path("dutyline", appauthor=False)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def default_db_url() -> str:
    return "sqlite:///" + str(data_dir() / "dutyline.db")


def demo_db_url() -> str:
    return "sqlite:///" + str(data_dir() / "demo.db")


def resolve_db_url(cli_value: str | None) -> str:
    return cli_value or os.environ.get("DUTYLINE_DB") or default_db_url()


def resolve_policy_path(cli_value: str | None) -> Path | None:
    value = cli_value or os.environ.get("DUTYLINE_POLICY")
    return Path(value) if value else None


def idle_lock_seconds() -> int:
    """Idle time before the screen locks (DUTYLINE_IDLE_LOCK, seconds; default 5 minutes)."""
    try:
        return max(30, int(os.environ.get("DUTYLINE_IDLE_LOCK", "300")))
    except ValueError:
        return 300


def audit_anchor_target() -> str | None:
    """Where `dutyline audit anchor` records the head: DUTYLINE_AUDIT_ANCHOR, a file path or `syslog`.

    Choose a place the database's users cannot change (another host's share, a log service)."""
    return os.environ.get("DUTYLINE_AUDIT_ANCHOR") or None
