"""The manager's workspace on a county year: every tab's figures in SQL, against loading rows through the ORM.

  python3 dev.py bench reports [--calls-per-day 540] [--reviews 2000] [--runs 15] [--backends sqlite,postgresql]
                               [--cache]

Builds, on each backend, a year of invented history with the demo generator (about 150,000 inbound calls,
40,000 callbacks, 40,000 hand-offs, plus the officers' return calls) and 2,000 quality reviews, then times
each workspace tab as the screen loads it (the service call, audit row included) for all teams over the
last 4 and the last 13 weeks:

  promises - dutyline.services.reports.promises    (GROUP BY in the database)
  calls    - dutyline.services.reports.calls
  quality  - dutyline.services.quality_report.report
  naive    - the same headline figures by loading the rows through the ORM and counting in Python.

Reported: p50 / p95 wall milliseconds per tab, the client's CPU p50, the naive baseline's p50, and the ratio.
The naive run also checks the SQL figures (total due, kept on time, broken; calls; reviews): a fast wrong
answer is a failure. The load average is printed with each table: on a shared machine, compare runs.
Results: stdout and bench/out/reports.json.

--cache keeps the built data for the next run with the same sizes (building a county year takes minutes):
SQLite in bench/out/cache/, PostgreSQL as a database named after the sizes. The timings are taken on the
kept data as they would be on a fresh build; delete the file or drop the database to rebuild.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

PG_ADMIN = os.environ.get("DUTYLINE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
OUT = _HERE / "out" / "reports.json"


def build(url: str, calls_per_day: float, reviews: int, seed: int = 2026) -> dict[str, int]:
    """Schema, teams, 15,000 cases, a year of history, and `reviews` reviews with their answers."""
    from sqlalchemy import func, insert, select

    from dutyline.demo.history import HANDLERS, REVIEWERS, history
    from dutyline.domain.policy import load_policy
    from dutyline.domain.quality.scorecard import score_review
    from dutyline.services.teams import sync_teams
    from dutyline.store import migrate
    from dutyline.store.engine import Database
    from dutyline.store.history_writer import insert_rows, write_day
    from dutyline.store.tables import Call, Callback, Case, Handoff
    from dutyline.store.tables_quality import QaAnswer, QaItem, QaReview, QaSample
    from dutyline.store.uow import SqlUnitOfWork

    policy = load_policy(None)
    db = Database(url, create=True)
    migrate.upgrade(db)
    sync_teams(SqlUnitOfWork(db), policy)
    rng = random.Random(seed)
    districts = [d.value for a in policy.areas.values() for d in a.districts]
    with db.write() as s:
        insert_rows(
            s,
            Case,
            [
                {
                    "case_ref": f"EHC-{i:06d}",
                    "first_name": "Bench",
                    "last_name": f"Case{i}",
                    "date_of_birth": dt.date(2012, 1, 1) + dt.timedelta(days=i % 3000),
                    "postcode": "AL1 3AB",
                    "postcode_key": "AL13AB",
                    "district": districts[i % len(districts)],
                    "stage": ("assessment", "plan_issued", "annual_review", "tribunal", "ceased")[i % 5],
                    "stage_since": dt.date(2025, 1, 1) + dt.timedelta(days=i % 690),
                }
                for i in range(15_000)
            ],
        )
    with db.read() as s:
        rows = list(s.execute(select(Case.id, Case.district)))
    area = {d.value: a.review_team for a in policy.areas.values() for d in a.districts}
    cases = [(int(i), area.get(d, "front_door")) for i, d in rows]
    with db.write() as s:
        # Every trigger stays on: the writer inserts a few hundred rows a statement, so the server audits
        # (and chains) one row per statement, as it would for any other bulk load.
        for day in history(policy, cases, now=NOW, days=365, calls_per_day=calls_per_day, seed=seed):
            write_day(s, day.calls, day.callbacks, day.handoffs)
    card = policy.quality.scorecard  # type: ignore[union-attr]
    with db.write() as s:
        months = [f"2026-{m:02d}" for m in range(1, 12)] + ["2025-12"]
        sample_ids = []
        for m in months:
            row = QaSample(period=m, seed=1, per_person=5, scorecard_version=card.version, created_by="bench")
            s.add(row)
            s.flush()
            sample_ids.append(row.id)
        call_ids = list(s.scalars(select(Call.id).where(Call.callback_id.is_(None)).limit(reviews * 3)))
        picked = rng.sample(call_ids, reviews)
        for n, call_id in enumerate(picked):
            item = QaItem(
                sample_id=sample_ids[n % len(sample_ids)],
                kind="call",
                ref_id=call_id,
                person=rng.choice(HANDLERS),
                team=rng.choice(["front_door", "resolution", "annual_review_east"]),
                why="random" if rng.random() < 0.7 else "targeted:rang_again",
                reviewer=rng.choice(REVIEWERS),
            )
            s.add(item)
            s.flush()
            for blind in (False, True) if n % 10 == 0 else (False,):
                answers = {
                    i.code: rng.choice(i.allowed()) if rng.random() < 0.3 else i.allowed()[0] for i in card.items
                }
                sc = score_review(card, answers)
                review = QaReview(
                    item_id=item.id,
                    reviewer=item.reviewer or "",
                    blind=blind,
                    scorecard_version=card.version,
                    score=sc.score,
                    passed=sc.passed,
                    created_at=NOW - dt.timedelta(days=rng.randint(0, 360)),
                )
                s.add(review)
                s.flush()
                s.execute(
                    insert(QaAnswer),
                    [{"review_id": review.id, "code": c, "answer": a, "auto": False} for c, a in answers.items()],
                )
    with db.read() as s:
        counts = _counts(s, func, select, Call, Callback, Handoff, QaReview)
    db.dispose()
    analyze(url)
    return counts


def analyze(url: str) -> None:
    """PostgreSQL: VACUUM ANALYZE, as autovacuum would soon after a load (this server runs with it off).

    Without it the planner has no statistics (it guessed one row for every period) and the visibility map
    is empty, so no index-only scan can skip the table. SQLite is left as the app leaves it (no ANALYZE).
    """
    if not url.startswith("postgresql"):
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def context(url: str) -> Any:
    from dutyline.config import Settings
    from dutyline.domain.model import Role
    from dutyline.domain.policy import load_policy
    from dutyline.services.context import Actor, Context
    from dutyline.store.engine import Database
    from dutyline.store.uow import SqlUnitOfWork

    actor = Actor(login="bench", roles=frozenset({Role.TEAM_MANAGER}), teams=("front_door",), desk="bench")
    return Context(
        uow=SqlUnitOfWork(Database(url)), actor=actor, policy=load_policy(None), settings=Settings(), clock=lambda: NOW
    )


def naive_promises(ctx: Any, period: Any) -> dict[str, int]:
    """The baseline: every promise due in the period as an ORM object, classified one by one in Python."""
    from sqlalchemy import select

    from dutyline.domain.calendar import working_hours_between
    from dutyline.domain.queue import as_utc
    from dutyline.domain.reports.promises import PromiseState, promise_state
    from dutyline.store.tables import Callback, Handoff

    counts = dict.fromkeys([s.value for s in PromiseState], 0)
    by_team: dict[str, int] = {}
    hours = []
    with ctx.uow.database.read() as s:
        for m in (Callback, Handoff):
            for row in s.scalars(select(m).where(m.due_at >= period.start, m.due_at < period.end)):
                state = promise_state(row.status, row.due_at, row.completed_at, NOW)
                counts[state.value] += 1
                by_team[row.team_code] = by_team.get(row.team_code, 0) + 1
                if m is Callback and row.completed_at is not None and row.status == "done":
                    hours.append(working_hours_between(as_utc(row.created_at), as_utc(row.completed_at)))
        overdue = [
            r for m in (Callback, Handoff) for r in s.scalars(select(m).where(m.status.in_(["open", "claimed"])))
        ]
    counts["overdue"] = sum(1 for r in overdue if as_utc(r.due_at) <= NOW)
    return counts


def naive_calls(ctx: Any, period: Any) -> dict[str, int]:
    from sqlalchemy import select

    from dutyline.store.tables import Call

    with ctx.uow.database.read() as s:
        rows = list(
            s.scalars(
                select(Call).where(
                    Call.started_at >= period.start - dt.timedelta(days=14),
                    Call.started_at < period.end + dt.timedelta(days=30),
                )
            )
        )
    inbound = [r for r in rows if r.callback_id is None]
    in_period = [
        r
        for r in inbound
        if period.start.replace(tzinfo=None) <= r.started_at.replace(tzinfo=None) < period.end.replace(tzinfo=None)
    ]
    by_case: dict[int, list[Any]] = {}
    for r in inbound:
        if r.case_id is not None:
            by_case.setdefault(r.case_id, []).append(r)
    reasons: dict[str, int] = {}
    for r in in_period:
        reasons[r.reason] = reasons.get(r.reason, 0) + 1
    return {"total_calls": len(in_period), "cases": len(by_case)}


def naive_quality(ctx: Any, period: Any) -> dict[str, int]:
    from sqlalchemy import select

    from dutyline.store.tables_quality import QaAnswer, QaReview

    with ctx.uow.database.read() as s:
        reviews = [
            r
            for r in s.scalars(
                select(QaReview).where(QaReview.created_at >= period.start, QaReview.created_at < period.end)
            )
            if not r.blind and r.status != "superseded"
        ]
        ids = [r.id for r in reviews]
        answers = list(s.scalars(select(QaAnswer).where(QaAnswer.review_id.in_(ids)))) if ids else []
    return {"reviews": len(reviews), "answers": len(answers), "passed": sum(r.passed for r in reviews)}


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any, list[float]]:
    """Wall milliseconds per run (sorted), the last result, and this process's CPU milliseconds per run
    (sorted): on a shared machine the wall time says how long a manager waits, the CPU time what the tab
    itself costs (on PostgreSQL the server's share is not in it)."""
    out, cpu = [], []
    result = None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        out.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return sorted(out), result, sorted(cpu)


def pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, max(0, round(q / 100 * len(values) + 0.5) - 1))]


def measure(url: str, runs: int) -> list[dict[str, Any]]:
    from dutyline.domain.reports.period import Preset, make_period
    from dutyline.services import quality_report, reports

    ctx = context(url)
    rows = []
    for preset in (Preset.LAST_4_WEEKS, Preset.LAST_13_WEEKS):
        period = make_period(preset, NOW.date())
        tabs: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
            ("promises", lambda p=period: reports.promises(ctx, p), lambda p=period: naive_promises(ctx, p)),
            ("calls", lambda p=period: reports.calls(ctx, p), lambda p=period: naive_calls(ctx, p)),
            ("quality", lambda p=period: quality_report.report(ctx, p), lambda p=period: naive_quality(ctx, p)),
        ]
        for name, fast, slow in tabs:
            fast()  # warm caches (the screen's second load is the common case; the first is reported too)
            times, result, cpu = timed(fast, runs)
            naive_times, naive, _ = timed(slow, max(3, runs // 5))
            check = _check(name, result, naive)
            rows.append(
                {
                    "tab": name,
                    "period": preset.value,
                    "p50_ms": round(pct(times, 50), 1),
                    "p95_ms": round(pct(times, 95), 1),
                    "cpu_p50_ms": round(pct(cpu, 50), 1),
                    "naive_p50_ms": round(pct(naive_times, 50), 1),
                    "ratio": round(pct(naive_times, 50) / max(pct(times, 50), 0.001), 1),
                    "same_figures": check,
                }
            )
    ctx.uow.close()
    return rows


def _check(name: str, fast: Any, naive: dict[str, int]) -> bool:
    if name == "promises":
        return (fast.total_due, fast.kept_on_time, fast.broken, fast.overdue_total) == (
            sum(naive[k] for k in ("kept_on_time", "kept_late", "broken", "cancelled", "open_not_yet_due")),
            naive["kept_on_time"],
            naive["broken"],
            naive["overdue"],
        )
    if name == "calls":
        return bool(fast.total_calls == naive["total_calls"])
    return bool(fast.rates.random.n + fast.rates.targeted.n == naive["reviews"])


def _database(backend: str, tmp: Path, args: argparse.Namespace) -> tuple[str, str | None, bool]:
    """(url, database to drop afterwards or None, whether it already holds the data)."""
    size = f"{int(args.calls_per_day)}_{args.reviews}"
    if backend == "sqlite":
        if not args.cache:
            return f"sqlite:///{tmp / 'reports.db'}", None, False
        path = OUT.parent / "cache" / f"reports_{size}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}", None, path.exists()
    import psycopg

    name = f"dutyline_bench_reports_{size}" if args.cache else f"dutyline_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", None if args.cache else name, exists


def counted(url: str) -> dict[str, int]:
    """The row counts of kept data (and the schema brought up to date, as the app would on start)."""
    from sqlalchemy import func, select

    from dutyline.store import migrate
    from dutyline.store.engine import Database
    from dutyline.store.tables import Call, Callback, Handoff
    from dutyline.store.tables_quality import QaReview

    db = Database(url)
    migrate.upgrade(db)
    with db.read() as s:
        counts = _counts(s, func, select, Call, Callback, Handoff, QaReview)
    db.dispose()
    analyze(url)
    return counts


def _counts(s: Any, func: Any, select: Any, Call: Any, Callback: Any, Handoff: Any, QaReview: Any) -> dict[str, int]:
    return {
        "calls": int(s.scalar(select(func.count()).select_from(Call).where(Call.callback_id.is_(None))) or 0),
        "return_calls": int(s.scalar(select(func.count()).select_from(Call).where(Call.callback_id.is_not(None))) or 0),
        "callbacks": int(s.scalar(select(func.count()).select_from(Callback)) or 0),
        "handoffs": int(s.scalar(select(func.count()).select_from(Handoff)) or 0),
        "reviews": int(s.scalar(select(func.count()).select_from(QaReview)) or 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls-per-day", type=float, default=540.0)
    parser.add_argument("--reviews", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--cache", action="store_true", help="keep the built data and reuse it next time")
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": platform.platform(), "python": platform.python_version(), "backends": {}}
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            url, cleanup, cached = _database(backend, Path(tmp), args)
            t = time.perf_counter()
            counts = counted(url) if cached else build(url, args.calls_per_day, args.reviews)
            setup = time.perf_counter() - t
            print(f"{backend}: {'reused' if cached else 'built'} {counts} in {setup:.0f} s", flush=True)
            rows = measure(url, args.runs)
            results["backends"][backend] = {"data": counts, "setup_s": round(setup, 1), "tabs": rows}
            print(f"{'tab':<10}{'period':<15}{'p50 ms':>8}{'p95 ms':>8}{'cpu ms':>8}{'naive ms':>10}{'ratio':>7}  same")
            for r in rows:
                print(
                    f"{r['tab']:<10}{r['period']:<15}{r['p50_ms']:>8}{r['p95_ms']:>8}{r['cpu_p50_ms']:>8}"
                    f"{r['naive_p50_ms']:>10}{r['ratio']:>7}  {r['same_figures']}"
                )
            print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
            if cleanup:
                import psycopg

                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{cleanup}" WITH (FORCE)')
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
