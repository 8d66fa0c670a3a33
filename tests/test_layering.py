"""The layer rule, checked at run time in a fresh interpreter (style.md lesson 1).

domain imports neither SQLAlchemy nor Textual; store and services never import Textual; the UI never
imports SQLAlchemy or the store directly (it talks to services).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "dutyline"


def loaded_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {m.split(".")[0] for m in out.split()} | set(out.split())


def domain_modules() -> list[str]:
    return sorted(
        "dutyline." + ".".join(p.relative_to(PKG).with_suffix("").parts).removesuffix(".__init__")
        for p in (PKG / "domain").rglob("*.py")
    )


@pytest.mark.parametrize("module", domain_modules())
def test_domain_is_pure(module: str) -> None:
    loaded = loaded_after_import(module)
    assert "sqlalchemy" not in loaded, f"{module} pulls in SQLAlchemy"
    assert "textual" not in loaded, f"{module} pulls in Textual"


@pytest.mark.parametrize("package", ["store", "services", "domain", "demo"])
def test_lower_layers_never_import_textual(package: str) -> None:
    for path in (PKG / package).rglob("*.py"):
        for name in imported_names(path):
            assert not name.startswith("textual"), f"{path.relative_to(PKG)} imports {name}"


def test_ui_never_touches_the_database() -> None:
    for path in (PKG / "ui").rglob("*.py"):
        for name in imported_names(path):
            assert not name.startswith("sqlalchemy"), f"{path.relative_to(PKG)} imports {name}"
            assert not name.startswith("dutyline.store"), f"{path.relative_to(PKG)} imports {name}"


def imported_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names
