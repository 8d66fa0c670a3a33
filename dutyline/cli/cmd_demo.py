"""`dutyline demo`: build (or reuse) a demo database of synthetic Hertfordshire cases, then open the app."""

from __future__ import annotations

import argparse
import sys

from dutyline.cli.common import cli_errors, context_for, open_database, policy_for, settings_of
from dutyline.cli.progress import ProgressBar
from dutyline.services.context import os_login


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        help="build a demo database of synthetic cases and open the app on it",
        description=(
            "Build a demo database of realistic synthetic Hertfordshire SEND cases (about 60 officers across "
            "the teams, diverse names, siblings and twins, stages consistent with their dates, some open "
            "callbacks and hand-offs, a year of history with the September rush and the summer "
            "holidays, as busy as the caseload is big, three months of ACT quality reviews), make you a demo user "
            "with every role, then open the app. "
            "An existing demo database is reused unless --rebuild is given. The demo lives in its own file "
            "(demo.db in your data folder) unless --db is given, so it never mixes with real data. "
            "Same --seed, same data."
        ),
    )
    p.add_argument("--cases", type=int, default=15_000, metavar="N", help="number of cases (default 15000)")
    p.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    p.add_argument("--rebuild", action="store_true", help="throw away an existing demo database first")
    p.add_argument("--no-open", action="store_true", help="build the database only; do not open the app")
    p.set_defaults(handler=run)


@cli_errors
def run(args: argparse.Namespace) -> int:
    from dutyline.services import demo
    from dutyline.services.staff import ensure_demo_staff
    from dutyline.store.uow import SqlUnitOfWork

    if args.cases < 1:
        print("dutyline: --cases must be at least 1", file=sys.stderr)
        return 2
    url = args.db or settings_of(args).demo_database_url
    if args.rebuild and url.startswith("sqlite:///"):
        from pathlib import Path

        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    db = open_database(args, url=url, create=True)
    policy = policy_for(args, db, create=True)
    ensure_demo_staff(SqlUnitOfWork(db), os_login())
    ctx = context_for(args, db, policy)
    existing = demo.case_count(ctx.uow)
    if existing and not args.rebuild:
        print(
            f"Reusing the demo database ({existing:,} cases) at {ctx.uow.describe()}; --rebuild to start again.",
            file=sys.stderr,
        )
    elif existing:
        print("dutyline: --rebuild only removes SQLite demo files; this database already has cases.", file=sys.stderr)
        return 2
    else:
        print(f"Building a demo database of {args.cases:,} synthetic cases at {ctx.uow.describe()} …", file=sys.stderr)
        demo.seed_officers(ctx)
        bar = ProgressBar("cases")
        try:
            counts = demo.seed_cases(ctx, args.cases, args.seed, progress=bar)
        finally:
            bar.close()
        made = demo.seed_activity(ctx, policy, args.seed)
        from dutyline.services import demo_history

        demo_history.seed_staff(ctx)
        calls = demo_history.seed_history(ctx, policy, args.seed)
        reviews = demo_history.seed_reviews(ctx, policy, args.seed)
        print(
            f"Demo ready: {counts.added:,} cases, {made} open callbacks and hand-offs, a year of history "
            f"({calls:,} calls) and {reviews:,} quality reviews.",
            file=sys.stderr,
        )
    if args.no_open:
        return 0
    from dutyline.cli.cmd_run import launch

    return launch(ctx, mode=args.mode or "handler")
