#!/usr/bin/env python3
"""One-command set-up for people and CI: `python3 dev.py demo` or `python3 dev.py test`.

Creates `.venv` beside this file on first use (and reinstalls when pyproject.toml changes), then runs the
command inside it. Needs only Python 3.11+; everything else comes from PyPI.

  python3 dev.py demo [--cases N]   set up, build the demo database, open the app
  python3 dev.py test [PYTEST ARGS] set up with test tools; ruff check, ruff format --check, mypy --strict,
                                    the import contracts and the whole test suite; fails if any fails
  python3 dev.py bench NAME [ARGS]  run bench/NAME.py (import, search, queue, startup, reports)
  python3 dev.py run [DUTYLINE ARGS] run any dutyline command in the venv
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
EXE = ".exe" if os.name == "nt" else ""
PY = BIN / f"python{EXE}"


def ensure_venv(extras: str) -> None:
    """Create the venv and install dutyline (editable) with `extras`, only when something changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under whatever python3 the machine has
        sys.exit(f"dutyline needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PY.exists():
        print("Creating .venv …", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == want:
        return
    print("Installing dutyline and its dependencies into .venv …", file=sys.stderr)
    target = f".[{extras}]" if extras else "."
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "-e", target], check=True, cwd=ROOT)
    stamp.write_text(want)


#: The gates, in the order they run: each one's name and command (all run even if an earlier one fails).
SOURCES = ["dutyline", "tests", "bench", "dev.py"]
GATES: list[tuple[str, list[str]]] = [
    ("ruff check", [str(PY), "-m", "ruff", "check", *SOURCES]),
    ("ruff format --check", [str(PY), "-m", "ruff", "format", "--check", *SOURCES]),
    ("mypy --strict", [str(PY), "-m", "mypy"]),  # strict, files and plugins: [tool.mypy] in pyproject.toml
    ("import contracts", [str(BIN / f"lint-imports{EXE}")]),  # [tool.importlinter] in pyproject.toml
]


def run_gates(pytest_args: list[str]) -> int:
    """Run every gate and then pytest, report each, and fail (exit 1) if any of them failed."""
    results: list[tuple[str, int]] = []
    for name, cmd in [*GATES, ("pytest", [str(PY), "-m", "pytest", *pytest_args])]:
        print(f"--- {name}", file=sys.stderr, flush=True)
        results.append((name, subprocess.call(cmd, cwd=ROOT)))
    print("\n".join(f"{'ok    ' if rc == 0 else 'FAILED'}  {name}" for name, rc in results), file=sys.stderr)
    return 1 if any(rc for _name, rc in results) else 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "demo":
        ensure_venv("")
        return subprocess.call([str(PY), "-m", "dutyline", "demo", *rest])
    if command == "run":
        ensure_venv("")
        return subprocess.call([str(PY), "-m", "dutyline", *rest])
    if command == "test":
        ensure_venv("test")
        return run_gates(rest)
    if command == "bench":
        ensure_venv("test,bench")
        if not rest:
            sys.exit("which benchmark? " + ", ".join(p.stem for p in sorted((ROOT / "bench").glob("*.py"))))
        return subprocess.call([str(PY), str(ROOT / "bench" / f"{rest[0]}.py"), *rest[1:]], cwd=ROOT)
    sys.exit(f"unknown command {command!r}; try: python3 dev.py --help")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
