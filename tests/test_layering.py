"""The layer rule at run time: loading every domain module in a fresh interpreter pulls in no database
driver, no ORM and no UI toolkit.

The import contracts in pyproject.toml (run by `lint-imports`) check the layers statically, import by
import; this catches what a static reading cannot: a dependency that arrives through a third-party
package, a plugin entry point or an `importlib` call. See docs/ARCHITECTURE.md for the layers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "dutyline"
HEAVY = ("sqlalchemy", "alembic", "psycopg", "textual")


def domain_modules() -> list[str]:
    return sorted(
        "dutyline." + ".".join(p.relative_to(PKG).with_suffix("").parts).removesuffix(".__init__")
        for p in (PKG / "domain").rglob("*.py")
    )


def test_the_domain_loads_without_database_or_ui() -> None:
    modules = domain_modules()
    assert "dutyline.domain.search" in modules and len(modules) > 10
    code = (
        f"import sys, {', '.join(modules)}\n"
        f"loaded = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
