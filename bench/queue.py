"""Claim throughput and latency on PostgreSQL: dutyline's guarded claims against a naive claimer, same run.

  python3 dev.py bench queue [--desks 1,4,16] [--items 400] [--pg URL]

For each number of desks (separate spawned processes), a fresh queue of --items callbacks is claimed until
empty by four claimers in turn:
  service  - dutyline.services.queue.claim_next as a desk runs it today: EACH DESK CONNECTED AS ITS OWN
             PostgreSQL LOGIN in a database set up by `security apply` (row-level security on the queue,
             the update audited by trigger, the claim's audit row stamped and chained by the server);
  before   - the baseline: the same guarded statement and service checks, with the audit row chained by the
             client under an advisory lock as dutyline did before the server-written chain, connected as the
             owner in a database without the security triggers (what issue 11's "today" measured);
  guarded  - the guarded statement alone, no audit row (what any audit costs);
  naive    - read the first free id, then UPDATE it in a second statement (the bug; it double-claims).
Reported per run: claims/s (claims / wall time), p50 and p95 latency of one claim, double claims (items
handed to more than one desk) and lost items (never claimed); then the audit chain's own throughput: every
desk appending audit rows, each in its own transaction, for --chain-seconds, as its own login (server
chain) and as the owner with the client chain. Results: stdout and bench/out/queue.json.
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
CLAIMERS = ("service", "before", "guarded", "naive")
_ADVISORY_KEY = 0x6475747931  # the lock the client-side chain used
SPAWN = mp.get_context("spawn")


def desk(url: str, login: str, claimer: str, start: Any) -> tuple[list[int], list[float]]:
    """One desk: claim until the queue is empty; returns the ids it was given and each claim's seconds."""
    from sqlalchemy import select, update

    from dutyline.domain.model import Role
    from dutyline.domain.permissions import Action
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

    def before() -> int | None:
        ctx.require(Action.CLAIM)
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
            if got is not None:
                client_chain_append(s, login, f"callback:{got[0]}", got[1])
        return None if got is None else got[0]

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

    claim = {"service": service, "before": before, "guarded": guarded, "naive": naive}[claimer]
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


def client_chain_append(session: Any, login: str, detail: str, case_id: int | None) -> None:
    """The audit append as the client did it before the server-written chain (the baseline)."""
    from sqlalchemy import insert, select, text

    from dutyline.store.audit import GENESIS, row_hash
    from dutyline.store.tables import AuditEvent

    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_KEY})
    prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS
    ts = dt.datetime.now(dt.UTC)
    digest = row_hash(prev, ts, login, "duty_officer", "bench", "claim", case_id, "ok", detail)
    session.execute(
        insert(AuditEvent).values(
            ts=ts,
            login=login,
            role="duty_officer",
            desk="bench",
            action="claim",
            case_id=case_id,
            outcome="ok",
            detail=detail,
            prev_hash=prev,
            hash=digest,
        )
    )


def chain_desk(url: str, login: str, mode: str, seconds: float, start: Any) -> int:
    """Append audit rows, one per transaction, for `seconds`; returns how many."""
    from sqlalchemy import select

    from dutyline.domain.model import Role
    from dutyline.domain.permissions import Action
    from dutyline.services.context import Actor, Context
    from dutyline.store.engine import Database

    db = Database(url)
    ctx = Context(db=db, actor=Actor(login=login, roles=frozenset({Role.DUTY_OFFICER})))
    with db.read() as s:
        s.execute(select(1))
    start.wait()
    n, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        with db.write() as s:
            if mode == "server":
                ctx.audit(s, Action.SEARCH, detail="results=1")
            else:
                client_chain_append(s, login, "results=1", None)
        n += 1
    db.dispose()
    return n


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


def setup(urls: dict[str, str], prefix: str, desks: int) -> None:
    """`before`: migrated, with the server-side audit triggers removed (the client chains, as before).
    `secure`: migrated, `security apply`, one login per desk (duty officers of front_door)."""
    from sqlalchemy import text

    from dutyline.services.security import apply_security
    from dutyline.store import migrate
    from dutyline.store.engine import Database
    from dutyline.store.pg_audit_sql import expected_pg_triggers
    from dutyline.store.tables import Staff, Team

    plain = Database(urls["plain"])
    migrate.upgrade(plain)
    with plain.write() as s:
        for name, table in expected_pg_triggers().items():
            if name not in ("audit_event_append_only", "audit_event_no_truncate"):
                s.execute(text(f'DROP TRIGGER IF EXISTS {name} ON "{table}"'))
        s.execute(text("ALTER TABLE callback DISABLE ROW LEVEL SECURITY"))
        s.add(Team(code="front_door", name="Front door"))
        for i in range(desks):
            s.add(Staff(login=f"desk{i:02d}", display_name="Desk", roles="duty_officer", teams="front_door"))
            s.add(Staff(login=f"{prefix}desk{i:02d}", display_name="Desk", roles="duty_officer", teams="front_door"))
    plain.dispose()
    secure = Database(urls["secure"])
    migrate.upgrade(secure)
    with secure.write() as s:
        s.add(Team(code="front_door", name="Front door"))
        for i in range(desks):
            s.add(Staff(login=f"{prefix}desk{i:02d}", display_name="Desk", roles="duty_officer", teams="front_door"))
    apply_security(secure, create_logins=True)
    secure.dispose()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))]


def run(
    pool: ProcessPoolExecutor, manager: Any, dbs: dict[str, Any], desks: int, claimer: str, items: int
) -> dict[str, Any]:
    secure = claimer == "service"
    owner_url = dbs["secure_owner"] if secure else dbs["plain"]
    reset_queue(owner_url, items)
    start = manager.Barrier(desks + 1)
    futures = [
        pool.submit(desk, dbs["desk_url"](i) if secure else owner_url, dbs["login"](i), claimer, start)
        for i in range(desks)
    ]
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
        "connected_as": "own login" if secure else "owner",
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
    parser.add_argument("--chain-seconds", type=float, default=5.0, help="seconds of audit appends (default 5)")
    parser.add_argument("--pg", default=PG_ADMIN, help="an admin URL; a scratch database is created and dropped")
    args = parser.parse_args()
    desk_counts = [int(x) for x in args.desks.split(",")]

    import psycopg

    admin = args.pg.replace("postgresql+psycopg://", "postgresql://")
    tag = uuid.uuid4().hex[:8]
    names = {"plain": f"dutyline_bench_{tag}_before", "secure": f"dutyline_bench_{tag}_secure"}
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    urls = {key: f"{base}/{name}" for key, name in names.items()}
    prefix = f"bench_{tag}_"
    rows: list[dict[str, Any]] = []
    chain: list[dict[str, Any]] = []
    try:
        setup(urls, prefix, max(desk_counts))
        dbs: dict[str, Any] = {
            "plain": urls["plain"],
            "secure_owner": urls["secure"],
            "login": lambda i: f"{prefix}desk{i:02d}",
            "desk_url": lambda i: urls["secure"].replace("postgres@", f"{prefix}desk{i:02d}@"),
        }
        manager = SPAWN.Manager()
        with ProcessPoolExecutor(max_workers=max(desk_counts), mp_context=SPAWN) as pool:
            for desks in desk_counts:
                for claimer in CLAIMERS:
                    rows.append(run(pool, manager, dbs, desks, claimer, args.items))
                    r = rows[-1]
                    print(
                        f"  {desks:>2} desks {claimer:<8} {r['claims_per_s']:>8.1f}/s  p95 {r['p95_ms']:>7.2f} ms",
                        file=sys.stderr,
                    )
            desks = max(desk_counts)
            for mode in ("server", "client"):
                start = manager.Barrier(desks + 1)
                futures = [
                    pool.submit(
                        chain_desk,
                        dbs["desk_url"](i) if mode == "server" else urls["plain"],
                        dbs["login"](i),
                        mode,
                        args.chain_seconds,
                        start,
                    )
                    for i in range(desks)
                ]
                start.wait(timeout=300)
                total = sum(f.result(timeout=600) for f in futures)
                chain.append(
                    {"desks": desks, "chain": mode, "rows": total, "rows_per_s": round(total / args.chain_seconds, 1)}
                )
                print(f"  chain {mode}: {chain[-1]['rows_per_s']} rows/s", file=sys.stderr)
        manager.shutdown()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for (role,) in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (prefix + "%",)
            ).fetchall():
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')

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
                "audit_chain": chain,
            },
            indent=2,
        )
        + "\n"
    )
    for c in chain:
        print(f"audit chain, {c['desks']} desks appending, {c['chain']}-side chain: {c['rows_per_s']:.1f} rows/s")
    by = {(r["desks"], r["claimer"]): r for r in rows}
    for desks in desk_counts:
        ratio = by[(desks, "service")]["p95_ms"] / max(by[(desks, "before")]["p95_ms"], 1e-6)
        print(f"{desks} desks: p95 claim, own logins + server chain / before = {ratio:.2f}x")
    print(f"\nwritten {out.relative_to(_HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
