"""A report as (figure, value) rows: the one shape every CSV export of a report takes.

Why flat: a manager opens the export in a spreadsheet and filters on the figure column; nested JSON would
need a script. Keys are dotted paths of the JSON (`by_team.front_door.kept_on_time`), list entries are
numbered from 1 (`trend.13.rate`), and definitions are left out (they are in `--help` and the app).
"""

from __future__ import annotations

from typing import Any

SKIP = frozenset({"definitions"})


def flatten(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Dotted-path rows for a JSON-like value (dicts, lists, scalars); None becomes an empty cell."""
    if isinstance(data, dict):
        rows: list[tuple[str, str]] = []
        for key, value in data.items():
            if key in SKIP and not prefix:
                continue
            rows.extend(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return rows
    if isinstance(data, list):
        rows = []
        for i, value in enumerate(data, start=1):
            rows.extend(flatten(value, f"{prefix}.{i}" if prefix else str(i)))
        return rows
    if data is None:
        return [(prefix, "")]
    if isinstance(data, float):
        return [(prefix, f"{data:.6g}")]
    return [(prefix, str(data))]
