"""Claim throughput and latency on PostgreSQL: dutyline's guarded claims against a naive claimer, same run.

  python3 dev.py bench queue [--desks 1,4,16] [--items 400] [--pg URL]

For each number of desks (separate spawned processes), a fresh queue of --items callbacks is claimed until
empty by three claimers in turn:
  service  - dutyline.services.queue.claim_next: the guarded FOR UPDATE SKIP LOCKED statement plus its
             audit row (hash-chained, so appends are serialised) in one transaction: what a desk does;
  guarded  - the same guarded statement without the audit row, to show what the audit chain costs;
  naive    - read the first free id, then UPDATE it in a second statement (the bug; it double-claims).
Reported per run: claims/s (claims / wall time), p50 and p95 latency of one claim, double claims (items
handed to more than one desk) and lost items (never claimed). Results: stdout and bench/out/queue.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `python bench/queue.py` puts bench/ first on sys.path, where this file would shadow the stdlib `queue`
# module that multiprocessing needs: drop it, and make the repository importable instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import multiprocessing as mp  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from typing import Any  # noqa: E402

PG_ADMIN = os.environ.get("DUTYLINE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
CLAIMERS = ("service", "guarded", "naive")
SPAWN = mp.get_context("spawn")


def desk(url: str, login: str, claimer: str, start: Any) -> tuple[list[int], list[float]]:
    """One desk: claim until the queue is empty; returns the ids it was given and each claim's seconds."""
    from sqlalchemy import select, update

    from dutyline.domain.model import Role
    from dutyline.domain.queue import ItemKind
    from dutyline.services import queue
    from dutyline.services.context import Actor, Context
    from dutyline.services.queue_guard import new_token
    from dutyline.store import queue_repo
    from dutyline.store.engine import Database
    from dutyline.store.tables import Callback

    db = Database(url)
    ctx = Context(db=db, actor=Actor(login=login, roles=frozenset({Role.DUTY_OFFICER}), teams=("front_door",)))
    with db.read() as s:  # connect before the start line
        s.execute(select(1))

    def service() -> int | None:
        ticket = queue.claim_next(ctx, "front_door")
        return None if ticket is None else ticket.id

    def guarded() -> int | None:
        now = ctx.now()
        with db.write() as s:
            got = queue_repo.claim_next(
                s,
                ItemKind.CALLBACK,
                teams=["front_door"],
                login=login,
                token=new_token(),
                now=now,
                until=now + dt.timedelta(minutes=15),
            )
        return None if got is None else got[0]

    def naive() -> int | None:
        with db.write() as s:
            row = s.execute(
                select(Callback.id)
                .where(Callback.team_code == "front_door", Callback.claimed_by.is_(None))
                .order_by(Callback.due_at, Callback.id)
                .limit(1)
            ).first()
            if row is None:
                return None
            s.execute(
                update(Callback)
                .where(Callback.id == row[0])
                .values(claimed_by=login, status="claimed")
                .execution_options(synchronize_session=False)
            )
        return int(row[0])

    claim = {"service": service, "guarded": guarded, "naive": naive}[claimer]
    ids: list[int] = []
    latencies: list[float] = []
    start.wait()
    while True:
        t0 = time.perf_counter()
        got = claim()
        if got is None:
            break
        latencies.append(time.perf_counter() - t0)
        ids.append(got)
    db.dispose()
    return ids, latencies


def reset_queue(url: str, items: int) -> None:
    """A queue of exactly `items` open callbacks (the audit trail is append-only and just grows)."""
    from sqlalchemy import delete, insert

    from dutyline.store.engine import Database
    from dutyline.store.tables import Callback

    db = Database(url)
    base = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
    with db.write() as s:
        s.execute(delete(Callback))
        s.execute(
            insert(Callback),
            [
                {
                    "team_code": "front_door",
                    "reason": "general_enquiry",
                    "phone": "",
                    "due_at": base + dt.timedelta(minutes=i),
                    "created_at": base,
                }
                for i in range(items)
            ],
        )
    db.dispose()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))]


def run(pool: ProcessPoolExecutor, manager: Any, url: str, desks: int, claimer: str, items: int) -> dict[str, Any]:
    reset_queue(url, items)
    start = manager.Barrier(desks + 1)
    futures = [pool.submit(desk, url, f"desk{i:02d}", claimer, start) for i in range(desks)]
    start.wait(timeout=300)
    t0 = time.perf_counter()
    results = [f.result(timeout=600) for f in futures]
    wall = time.perf_counter() - t0
    counts = Counter(i for ids, _ in results for i in ids)
    latencies = [x for _, lat in results for x in lat]
    claims = sum(counts.values())
    return {
        "desks": desks,
        "claimer": claimer,
        "items": items,
        "claims": claims,
        "seconds": round(wall, 3),
        "claims_per_s": round(claims / wall, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 95) * 1000, 2),
        "double_claimed_items": sum(1 for c in counts.values() if c > 1),
        "lost_items": items - len(counts),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--desks", default="1,4,16", help="comma-separated desk (process) counts")
    parser.add_argument("--items", type=int, default=400, help="callbacks per run (default 400)")
    parser.add_argument("--pg", default=PG_ADMIN, help="an admin URL; a scratch database is created and dropped")
    args = parser.parse_args()
    desk_counts = [int(x) for x in args.desks.split(",")]

    import psycopg

    from dutyline.store import migrate
    from dutyline.store.engine import Database

    admin = args.pg.replace("postgresql+psycopg://", "postgresql://")
    name = f"dutyline_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + "/" + name
    rows: list[dict[str, Any]] = []
    try:
        db = Database(url, create=True)
        migrate.upgrade(db)
        db.dispose()
        manager = SPAWN.Manager()
        with ProcessPoolExecutor(max_workers=max(desk_counts), mp_context=SPAWN) as pool:
            for desks in desk_counts:
                for claimer in CLAIMERS:
                    rows.append(run(pool, manager, url, desks, claimer, args.items))
                    r = rows[-1]
                    print(
                        f"  {desks:>2} desks {claimer:<8} {r['claims_per_s']:>8.1f}/s  p95 {r['p95_ms']:>7.2f} ms",
                        file=sys.stderr,
                    )
        manager.shutdown()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    header = (
        f"{'desks':>5}  {'claimer':<8} {'claims':>6} {'claims/s':>9} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'double-claimed':>14} {'lost':>5}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['desks']:>5}  {r['claimer']:<8} {r['claims']:>6} {r['claims_per_s']:>9.1f} {r['p50_ms']:>8.2f} "
            f"{r['p95_ms']:>8.2f} {r['double_claimed_items']:>14} {r['lost_items']:>5}"
        )
    out = _HERE / "out" / "queue.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "load_avg_1m": os.getloadavg()[0],
                },
                "runs": rows,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nwritten {out.relative_to(_HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
