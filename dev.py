#!/usr/bin/env python3
"""One-command set-up for people and CI: `python3 dev.py demo` or `python3 dev.py test`.

Creates `.venv` beside this file on first use (and reinstalls when pyproject.toml changes), then runs the
command inside it. Needs only Python 3.11+; everything else comes from PyPI.

  python3 dev.py demo [--cases N]   set up, build the demo database, open the app
  python3 dev.py test [PYTEST ARGS] set up with test tools, lint, run the whole test suite
  python3 dev.py bench NAME [ARGS]  run bench/NAME.py (import, search, queue, startup)
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
PY = BIN / ("python.exe" if os.name == "nt" else "python")


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
        lint = subprocess.call([str(PY), "-m", "ruff", "check", "dutyline", "tests", "bench", "dev.py"], cwd=ROOT)
        if lint:
            print("ruff found problems (see above); running the tests anyway.", file=sys.stderr)
        tests = subprocess.call([str(PY), "-m", "pytest", *rest], cwd=ROOT)
        return tests or lint
    if command == "bench":
        ensure_venv("test,bench")
        if not rest:
            sys.exit("which benchmark? " + ", ".join(p.stem for p in sorted((ROOT / "bench").glob("*.py"))))
        return subprocess.call([str(PY), str(ROOT / "bench" / f"{rest[0]}.py"), *rest[1:]], cwd=ROOT)
    sys.exit(f"unknown command {command!r}; try: python3 dev.py --help")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
