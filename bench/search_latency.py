"""Case search latency on a big demo database (a million cases unless --cases says otherwise): a mixed
query load through the real service's index, with the naive baseline in the same run.

  python3 dev.py bench search_latency [--cases 1000000] [--per-kind 400] [--cache]

bench/search.py measures accuracy on its own population with provably unique answers; at a million
people that uniqueness check keeps almost no queries (the run does not finish), so the 1M latency figure
comes from here: a demo database of N cases (bench/search_setup.write_sqlite; --cache keeps it in
bench/out/cache for the next run), the index built by the service's cold path, then --per-kind random
cases, each asked ten ways (full name; a one-letter slip in the surname; surname first; name + date of
birth; the forename's first three letters; the reference's last four digits; the postcode; forename +
outward code; the first contact's name; the first contact's phone), shuffled, after 100 warm-up queries.
Only speed is measured here: the queries come from the cases themselves, so their accuracy would prove
nothing. Latency is wall time per query in-process (`search_results`, 20 results, as the search box
asks), with the CPU time beside it: on a shared machine the CPU figure is the steadier one.
Baseline: rapidfuzz WRatio over every case's "first last" for --baseline-queries of the name queries.
Results: stdout and bench/out/search_latency.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_BENCH = ROOT / "bench"  # last on the path: bench/queue.py would shadow the standard 'queue'
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(ROOT))
sys.path.append(str(_BENCH))

from search import naive, pct  # noqa: E402  (bench/search.py: the same baseline and percentiles)
from search_setup import write_sqlite  # noqa: E402

from dutyline.services.search import SearchService  # noqa: E402
from dutyline.store.engine import Database  # noqa: E402

TODAY = dt.date(2026, 11, 23)
KINDS = ("name", "typo", "surname_first", "name_dob", "prefix", "ref4", "postcode", "outward", "contact", "phone")
NAME_KINDS = ("name", "typo", "surname_first", "name_dob", "contact")


def ms(values: list[float], q: float) -> float:
    """The q-th percentile of `values` (milliseconds), to 0.01 ms."""
    return round(pct(values, q), 2)


def queries(db: Path, per_kind: int, seed: int) -> list[tuple[str, str]]:
    """(kind, text) for `per_kind` random cases, ten kinds each, shuffled."""
    con = sqlite3.connect(db)
    top = int(con.execute('SELECT max(id) FROM "case"').fetchone()[0])
    rng = random.Random(seed)
    ids = rng.sample(range(1, top + 1), per_kind)
    marks = ",".join("?" * len(ids))
    cases = {
        r[0]: r[1:]
        for r in con.execute(
            f'SELECT id, first_name, last_name, date_of_birth, postcode, case_ref FROM "case" WHERE id IN ({marks})',
            ids,
        )
    }
    contacts = {
        r[0]: r[1:]
        for r in con.execute(
            f"SELECT case_id, name, phone FROM contact WHERE position = 1 AND case_id IN ({marks})", ids
        )
    }
    con.close()
    out: list[tuple[str, str]] = []
    for i in ids:
        first, last, dob, postcode, ref = cases[i]
        name, phone = contacts.get(i, (f"{first} {last}", ""))
        at = rng.randrange(1, len(last)) if len(last) > 3 else 0
        slip = last[:at] + rng.choice("aeioulnrst") + last[at + 1 :] if at else last
        day = dt.date.fromisoformat(dob)
        out += [
            ("name", f"{first} {last}"),
            ("typo", f"{first} {slip}"),
            ("surname_first", f"{last} {first}"),
            ("name_dob", f"{first} {last} {day:%d/%m/%Y}"),
            ("prefix", first[:3]),
            ("ref4", ref[-4:]),
            ("postcode", postcode),
            ("outward", f"{first} {postcode.split()[0]}"),
            ("contact", name),
            ("phone", phone or postcode),
        ]
    rng.shuffle(out)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--per-kind", type=int, default=400, help="random cases, each asked ten ways")
    ap.add_argument("--baseline-queries", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cache", action="store_true", help="keep the database in bench/out/cache for the next run")
    args = ap.parse_args()
    cache = ROOT / "bench" / "out" / "cache"
    with tempfile.TemporaryDirectory() as tmp:
        db = cache / f"search_latency_{args.cases}.db" if args.cache else Path(tmp) / "cases.db"
        if not db.exists():
            db.parent.mkdir(parents=True, exist_ok=True)
            t = time.perf_counter()
            write_sqlite(db, args.cases, 2026)
            print(f"wrote {args.cases:,} demo cases in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        os.environ["DUTYLINE_HOME"] = str(Path(tmp) / "home")
        service = SearchService(Database(f"sqlite:///{db}"), snapshot_dir=Path(tmp) / "home" / "search")
        t = time.perf_counter()
        service.build()
        ready = time.perf_counter() - t
        service.warm()
        index = service._index  # in-process, as the service's worker calls it (no audit row per query)
        assert index is not None
        load = queries(db, args.per_kind, args.seed)
        for _kind, text in load[:100]:
            index.search_results(text, limit=20, today=TODAY)
        gc.collect()
        gc.freeze()  # the app's long-lived objects are not the collector's business during a search
        wall: dict[str, list[float]] = {k: [] for k in KINDS}
        cpu: dict[str, list[float]] = {k: [] for k in KINDS}
        for kind, text in load:
            c, t = time.thread_time(), time.perf_counter()
            index.search_results(text, limit=20, today=TODAY)
            wall[kind].append((time.perf_counter() - t) * 1000)
            cpu[kind].append((time.thread_time() - c) * 1000)
        rng = random.Random(args.seed)
        sample = rng.sample([text for kind, text in load if kind in NAME_KINDS], args.baseline_queries)
        con = sqlite3.connect(db)
        people = con.execute('SELECT first_name, last_name, case_ref FROM "case" ORDER BY id').fetchall()
        con.close()
        base: list[float] = []
        naive([f"{first} {last}" for first, last, _ref in people], [ref for *_n, ref in people], sample, base)
    every = [v for k in KINDS for v in wall[k]]
    names = [v for k in NAME_KINDS for v in wall[k]]
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(),
        "cases": args.cases,
        "queries": len(load),
        "index_build_s": round(ready, 2),  # in this process, cold (no snapshot); bench/search.py measures start-up
        "engine": {
            "p50_ms": ms(every, 50),
            "p95_ms": ms(every, 95),
            "max_ms": round(max(every), 1),
            "cpu_p95_ms": ms([v for k in KINDS for v in cpu[k]], 95),
            "name_kinds_p95_ms": ms(names, 95),
            "by_kind": {k: {"p50_ms": ms(wall[k], 50), "p95_ms": ms(wall[k], 95)} for k in KINDS},
        },
        "baseline": {"queries": len(base), "p50_ms": ms(base, 50), "p95_ms": ms(base, 95)},
        "speedup_p95_name_kinds": round(ms(base, 95) / max(ms(names, 95), 1e-9), 1),
        "load_average": os.getloadavg()[0],
    }
    out = ROOT / "bench" / "out" / "search_latency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    e = report["engine"]
    print(
        f"{args.cases:,} cases, {len(load)} queries (load average {report['load_average']:.1f}): "
        f"p50 {e['p50_ms']} ms, p95 {e['p95_ms']} ms (CPU p95 {e['cpu_p95_ms']} ms), max {e['max_ms']} ms; "
        f"name kinds p95 {e['name_kinds_p95_ms']} ms; naive WRatio p95 {report['baseline']['p95_ms']} ms "
        f"({report['speedup_p95_name_kinds']}x at p95 on name queries)"
    )
    for k in KINDS:
        print(f"  {k:14} p50 {e['by_kind'][k]['p50_ms']:7.2f}  p95 {e['by_kind'][k]['p95_ms']:7.2f}")


if __name__ == "__main__":
    main()
