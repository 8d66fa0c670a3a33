"""Import throughput and memory: dutyline's streaming importer against a naive baseline, same run.

  python3 dev.py bench import [--sizes 20000,1000000] [--pg URL] [--baseline-max 200000]

For each size: generate a demo CSV (deterministic), import it into a fresh SQLite file (and PostgreSQL when
reachable), then re-import it (all unchanged), each in a child process so peak RSS is the import's own.
The naive baseline reads the whole file into memory and adds one ORM object per row (no validation pass,
no batching): what a first attempt usually looks like. Results go to stdout and bench/out/import.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Running this file puts bench/ first on sys.path, where bench/queue.py would shadow the standard library's
# `queue` (which psycopg and multiprocessing import): drop it, and make the repository importable instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

TODAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def child(kind: str, url: str, path: str) -> None:
    """Run one import in this (child) process and print a JSON line with seconds and peak RSS."""
    from dutyline.domain.model import Role
    from dutyline.domain.policy import load_policy
    from dutyline.services.context import Actor, Context
    from dutyline.services.importer import import_cases
    from dutyline.services.teams import sync_teams
    from dutyline.store import migrate
    from dutyline.store.engine import Database

    db = Database(url, create=True)
    migrate.upgrade(db)
    sync_teams(db, load_policy(None))
    start = time.perf_counter()
    if kind == "dutyline":
        ctx = Context(db=db, actor=Actor(login="bench", roles=frozenset({Role.ADMIN})), clock=lambda: TODAY)
        report = import_cases(ctx, Path(path))
        result = {"added": report.added, "updated": report.updated, "unchanged": report.unchanged}
    else:
        result = naive_import(db, Path(path))
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, **result}))
    db.dispose()


def naive_import(db, path: Path) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Baseline: whole file in memory, one ORM object per row, one commit."""
    from dutyline.store.tables import Case, Contact, Officer

    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    added = 0
    with db.write() as s:
        officers: dict[str, Officer] = {}
        for r in rows:
            off = officers.get(r["named_officer_email"])
            if off is None:
                off = Officer(name=r["named_officer"], email=r["named_officer_email"])
                officers[r["named_officer_email"]] = off
                s.add(off)
            case = Case(
                case_ref=r["case_ref"],
                first_name=r["first_name"],
                last_name=r["last_name"],
                known_as=r["known_as"],
                date_of_birth=dt.date.fromisoformat(r["date_of_birth"]),
                postcode=r["postcode"],
                postcode_key=r["postcode"].replace(" ", ""),
                district=r["district"],
                school=r["school"],
                stage=r["stage"],
                stage_since=dt.date.fromisoformat(r["stage_since"]),
                named_officer=off,
            )
            case.contacts.append(Contact(name=r["contact1_name"], phone=r["contact1_phone"]))
            s.add(case)
            added += 1
    return {"added": added, "updated": 0, "unchanged": 0}


def run_child(kind: str, url: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, url, str(path)], capture_output=True, text=True, cwd=ROOT
    )
    if out.returncode:
        raise SystemExit(f"{kind} import failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_pg(admin: str) -> tuple[str, str] | None:
    try:
        import psycopg

        name = f"dutyline_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return admin.rsplit("/", 1)[0] + "/" + name, name
    except Exception as exc:  # noqa: BLE001
        print(f"(PostgreSQL skipped: {exc})", file=sys.stderr)
        return None


def drop_pg(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20000,1000000")
    ap.add_argument("--pg", default=PG_ADMIN, help="admin URL used to create throwaway databases")
    ap.add_argument("--no-pg", action="store_true")
    ap.add_argument(
        "--baseline-max",
        type=int,
        default=200_000,
        help="largest size the naive baseline is run at (it holds the whole file in memory)",
    )
    args = ap.parse_args()
    from dutyline.demo.generator import write_csv

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            csv_path = Path(tmp) / f"cases_{n}.csv"
            t0 = time.perf_counter()
            write_csv(csv_path, n)
            print(
                f"\n== {n:,} rows (CSV {csv_path.stat().st_size / 1e6:.0f} MB, generated in "
                f"{time.perf_counter() - t0:.1f} s)"
            )
            backends: list[tuple[str, str, str | None]] = [("sqlite", f"sqlite:///{tmp}/d_{n}.db", None)]
            if not args.no_pg and (pg := fresh_pg(args.pg)):
                backends.append(("postgresql", pg[0], pg[1]))
            for backend, url, pg_name in backends:
                first = run_child("dutyline", url, csv_path)
                again = run_child("dutyline", url, csv_path)
                row = {
                    "rows": n,
                    "backend": backend,
                    "import_rows_per_s": n / first["seconds"],
                    "import_s": first["seconds"],
                    "import_peak_mb": first["peak_mb"],
                    "reimport_rows_per_s": n / again["seconds"],
                    "reimport_unchanged": again["unchanged"],
                    "reimport_peak_mb": again["peak_mb"],
                }
                if n <= args.baseline_max:
                    base_url = url if backend == "sqlite" else None
                    if backend == "sqlite":
                        base_url = f"sqlite:///{tmp}/naive_{n}.db"
                    else:
                        pg2 = fresh_pg(args.pg)
                        base_url = pg2[0] if pg2 else None
                    if base_url:
                        naive = run_child("naive", base_url, csv_path)
                        row |= {
                            "naive_rows_per_s": n / naive["seconds"],
                            "naive_peak_mb": naive["peak_mb"],
                            "speed_ratio": naive["seconds"] / first["seconds"],
                        }
                        if backend == "postgresql" and pg2:
                            drop_pg(args.pg, pg2[1])
                results.append(row)
                print(
                    f"  {backend:10} import {row['import_rows_per_s']:>9,.0f} rows/s "
                    f"({row['import_s']:.1f} s, peak {row['import_peak_mb']:.0f} MB); "
                    f"re-import {row['reimport_rows_per_s']:>9,.0f} rows/s, unchanged "
                    f"{row['reimport_unchanged']:,}"
                    + (
                        f"; naive {row['naive_rows_per_s']:,.0f} rows/s, peak {row['naive_peak_mb']:.0f} MB, "
                        f"dutyline/naive speed {row['speed_ratio']:.2f}x"
                        if "naive_rows_per_s" in row
                        else "; naive not run at this size"
                    )
                )
                if pg_name:
                    drop_pg(args.pg, pg_name)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "import.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        os.environ.setdefault("DUTYLINE_HOME", tempfile.mkdtemp())
        main()
