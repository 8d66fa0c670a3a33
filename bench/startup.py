"""Start-up to a usable search box: process start until the app is mounted, the search box is focused and the
case index is built, on a demo-sized database (15k cases) and at 1M. Targets: < 1 s at 15k, < 3 s at 1M.

  .venv/bin/python bench/startup.py [--sizes 15000,1000000] [--runs 3]

Each measurement is a fresh child process (imports included), timed by the parent from spawn to the child's
"READY" line. Two app cases per size: "cold" (no index snapshot yet: every case and contact is read) and
"warm" (the snapshot written by the previous start is loaded, then refreshed). The naive baseline, measured
in the same run, is what a first version would do before showing the box: load every case with its
contacts through the ORM into domain objects. Results: stdout and bench/out/startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Running this file puts bench/ first on sys.path, where bench/queue.py would shadow the standard library's
# `queue` (Textual's thread pool imports it). Search the project root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]


def app_child(url: str) -> None:
    """Child: run the real app headless until the search box is usable, then print READY and exit."""
    import asyncio

    from textual.widgets import Input

    from dutyline.config import Settings
    from dutyline.domain.model import Role
    from dutyline.domain.policy import load_policy
    from dutyline.services.context import Actor, Context
    from dutyline.services.search import SearchService
    from dutyline.store.engine import Database
    from dutyline.store.uow import SqlUnitOfWork
    from dutyline.ui.app import DutylineApp

    db = Database(url)
    ctx = Context(
        uow=SqlUnitOfWork(db),
        actor=Actor(login="bench", roles=frozenset({Role.CALL_HANDLER})),
        policy=load_policy(None),
        settings=Settings(),
    )
    app = DutylineApp(ctx, SearchService(db), idle_lock_s=3600)

    async def wait_ready() -> None:
        async with app.run_test(headless=True, size=(120, 40)) as pilot:
            while not (app.index_count is not None and isinstance(app.focused, Input) and app.focused.id == "search"):
                await pilot.pause(0.005)
            print(f"READY {app.index_count}", flush=True)

    asyncio.run(wait_ready())


def naive_child(url: str) -> None:
    """Child: the naive way to be 'ready' -- every case and contact through the ORM into domain objects."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from dutyline.store.cases_repo import case_info
    from dutyline.store.engine import Database
    from dutyline.store.tables import Case, Officer

    db = Database(url)
    with db.read() as session:
        rows = session.scalars(
            select(Case).options(
                selectinload(Case.contacts), selectinload(Case.named_officer).selectinload(Officer.team)
            )
        )
        cases = [case_info(r) for r in rows]
    print(f"READY {len(cases)}", flush=True)


def timed(kind: str, url: str, home: str) -> float:
    """Seconds from spawning the child to its READY line."""
    env = {**os.environ, "DUTYLINE_HOME": home, "PYTHONPATH": str(ROOT)}
    t = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, f"--{kind}-child", url],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - t
            break
    else:
        raise RuntimeError(f"{kind} child exited without READY (exit {proc.wait()})")
    proc.wait(timeout=120)
    return elapsed


def run_size(n: int, runs: int) -> dict:
    import importlib.util

    # bench/search.py's raw executemany set-up (not measured); loaded by path, since bench/ is not a package
    # and putting it on sys.path would let bench/queue.py shadow the standard library's queue module.
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    write_sqlite = module.write_sqlite

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "startup.db"
        t = time.perf_counter()
        write_sqlite(path, n, 2026)
        setup = time.perf_counter() - t
        url = f"sqlite:///{path}"
        cold = timed("app", url, tmp)  # first start: no snapshot; writes one
        warm = sorted(timed("app", url, tmp) for _ in range(runs))
        naive = sorted(timed("naive", url, tmp) for _ in range(max(1, runs if n <= 100_000 else 1)))
    return {
        "cases": n,
        "setup_s": round(setup, 1),
        "cold_s": round(cold, 3),
        "warm_median_s": round(warm[len(warm) // 2], 3),
        "warm_all_s": [round(x, 3) for x in warm],
        "naive_orm_s": round(naive[len(naive) // 2], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="15000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--app-child", metavar="URL")
    parser.add_argument("--naive-child", metavar="URL")
    args = parser.parse_args()
    if args.app_child:
        app_child(args.app_child)
        return
    if args.naive_child:
        naive_child(args.naive_child)
        return
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        r = run_size(n, args.runs)
        target = 1.0 if n <= 20_000 else 3.0
        r["target_s"] = target
        r["meets_target"] = r["warm_median_s"] < target
        results.append(r)
        print(
            f"{n:>9,} cases: cold {r['cold_s']:.2f} s, warm {r['warm_median_s']:.2f} s (target < {target:.0f} s), "
            f"naive ORM load {r['naive_orm_s']:.2f} s  [set-up {r['setup_s']} s]",
            flush=True,
        )
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "startup.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
