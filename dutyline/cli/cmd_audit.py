"""`dutyline audit verify|export`: check the tamper-evident trail, and hand it to the data protection officer."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from dutyline.cli.common import CliError, cli_errors, open_context, settings_of
from dutyline.services import audit_anchor, audit_trail
from dutyline.services.export import private_dir


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "audit",
        help="verify or export the audit trail (admins)",
        description=(
            "dutyline writes one audit row for every search, case view, call, hand-off, callback claim and "
            "completion, contact change, import, export, staff change and refused action: when (UTC), who, "
            "role, desk, action, case id and outcome, never names, notes or search text. Rows are "
            "hash-chained, and the database refuses to change or delete them. 'verify' recomputes the chain; "
            "'export' writes rows as CSV and prints the head hash: keep that hash somewhere the database's "
            "users cannot change (the DPO's mailbox, a print-out), because only it reveals rows cut off the "
            "end of the trail or a chain rewritten by someone with the database owner's rights."
        ),
    )
    ss = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = ss.add_parser(
        "verify",
        help="check the hash chain and report the first bad row",
        description=(
            "Recompute every row's hash in order. Exit 0 and print the head hash when intact; exit 1 "
            "and name the first bad row (changed, removed, inserted or moved) when not. With --head, "
            "also require a head hash printed by an earlier export to still be in the chain."
        ),
    )
    v.add_argument("--head", metavar="HASH", help="a head hash printed by 'dutyline audit export'")
    v.add_argument(
        "--anchors",
        nargs="?",
        const="",
        metavar="FILE",
        help=(
            "also require every anchor recorded by 'dutyline audit anchor' to be in the chain (default "
            "file: $DUTYLINE_AUDIT_ANCHOR)"
        ),
    )
    v.set_defaults(handler=run_verify)
    an = ss.add_parser(
        "anchor",
        help="record the head (time, sequence, hash) outside the database",
        description=(
            "Append the audit trail's head to the file (or syslog) named by DUTYLINE_AUDIT_ANCHOR: a place "
            "the database's users cannot change. 'verify --anchors' then requires every anchor to hold, "
            "so rows cut off the end or a rewritten chain are caught. Run it daily (cron) and after exports."
        ),
    )
    an.add_argument("--to", metavar="TARGET", help="a file path or 'syslog' (default: $DUTYLINE_AUDIT_ANCHOR)")
    an.set_defaults(handler=run_anchor)
    e = ss.add_parser(
        "export",
        help="write the audit rows since a date as CSV, and print the head hash",
        description=(
            "Write audit rows from 00:00 UTC on --since to now as CSV (every field quoted, formula "
            "characters neutralised, file readable by you only), then print the head hash to keep "
            "elsewhere. The export itself is audited."
        ),
    )
    e.add_argument("--since", required=True, metavar="YYYY-MM-DD", help="first day to include")
    e.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="where to write (default: exports/audit-SINCE-NOW.csv in your dutyline data folder)",
    )
    e.set_defaults(handler=run_export)


_HASH = re.compile(r"^[0-9a-fA-F]{64}$")


@cli_errors
def run_verify(args: argparse.Namespace) -> int:
    if args.head is not None and not _HASH.match(args.head.strip()):
        raise CliError("--head must be the 64-character hash printed by 'dutyline audit export'")
    anchors = None
    if args.anchors is not None:
        source = args.anchors or settings_of(args).audit_anchor
        if not source or source == audit_anchor.SYSLOG:
            raise CliError("give the anchors file with --anchors FILE (or set DUTYLINE_AUDIT_ANCHOR to a file)")
        anchors = audit_anchor.read_anchors(Path(source))
    report = audit_trail.verify(open_context(args), args.head, anchors)
    print(report.summary(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


@cli_errors
def run_export(args: argparse.Namespace) -> int:
    try:
        since = dt.datetime.combine(dt.date.fromisoformat(args.since), dt.time(), dt.UTC)
    except ValueError:
        raise CliError("--since must be a date written YYYY-MM-DD") from None
    ctx = open_context(args)
    out: Path = args.out or (
        private_dir(ctx.settings.data_dir / "exports") / f"audit-{since:%Y%m%d}-{ctx.now():%Y%m%dT%H%M%SZ}.csv"
    )
    if not out.parent.is_dir():
        raise CliError(f"no such folder: {out.parent}")
    head, count = audit_trail.export_counted(ctx, since, out)
    if not count:  # say where we looked: a wrong --db must not pass for "nothing happened"
        print(f"No audit rows since {since.date().isoformat()} in {ctx.uow.describe()}.", file=sys.stderr)
    print(f"Wrote {out}", file=sys.stderr)
    print("Head hash (keep it somewhere else; check later with 'dutyline audit verify --head HASH'):", file=sys.stderr)
    print(head)
    return 0


@cli_errors
def run_anchor(args: argparse.Namespace) -> int:
    target = args.to or settings_of(args).audit_anchor
    if not target:
        raise CliError("say where anchors go: set DUTYLINE_AUDIT_ANCHOR (a file path or 'syslog') or give --to")
    anchor = audit_anchor.record_anchor(open_context(args), target)
    print(f"Anchored seq {anchor.seq} hash {anchor.hash} at {anchor.time} to {target}")
    return 0
