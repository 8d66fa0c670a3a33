"""`dutyline policy apply/show/diff`: the council policy held in the database.

Desks read the version in force and never write it; only an administrator (MANAGE_POLICY) applies a new
one, audited with the file's SHA-256 and size. See services/policy_store.py for why.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dutyline.cli.common import cli_errors, open_context, open_database
from dutyline.domain.text import sanitize


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "policy",
        help="the council policy in the database: apply a new version (admin), show it, diff a file against it",
        description=(
            "The council policy (teams, inboxes, areas, urgent reasons, service standards, routing rules, "
            "retention) lives in the database, so every desk routes by the same rules and only an "
            "administrator changes them. A new database starts with the built-in Hertfordshire policy as "
            "version 1."
        ),
    )
    verbs = p.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    ap = verbs.add_parser(
        "apply",
        help="validate FILE and store it as the new policy version (administrators only; audited)",
        description=(
            "Validate the policy TOML in FILE in full (unknown keys, wrong types, rules naming missing teams "
            "are refused with file, line and key) and store it as a new version, updating the teams in the "
            "same transaction. Administrators only; the audit row records the version, the file's SHA-256 "
            "and its size. Only regular files up to 1 MB, nesting at most 16 deep, are read; a pipe or "
            "device is refused without waiting. A file identical to the version in force stores nothing."
        ),
    )
    ap.add_argument("file", type=Path, metavar="FILE", help="the policy TOML to apply")
    ap.set_defaults(handler=run_apply)
    sh = verbs.add_parser(
        "show",
        help="print the policy in force (TOML on stdout; version, author, time and hash on stderr)",
        description="Print the policy version in force: its TOML on stdout, and on stderr its version "
        "number, who applied it and when, the file it came from, its size and SHA-256.",
    )
    sh.set_defaults(handler=run_show)
    df = verbs.add_parser(
        "diff",
        help="show how FILE differs from the policy in force (exit 0 same, 1 different)",
        description="Validate FILE as `apply` would, then print a unified diff from the version in force to "
        "FILE. Exit 0 when they are the same, 1 when they differ, 2 when FILE is not a valid policy.",
    )
    df.add_argument("file", type=Path, metavar="FILE", help="the policy TOML to compare")
    df.set_defaults(handler=run_diff)


@cli_errors
def run_apply(args: argparse.Namespace) -> int:
    from dutyline.services.policy_store import apply_policy

    ctx = open_context(args)
    try:
        result = apply_policy(ctx, args.file)
    finally:
        ctx.uow.close()
    if not result.changed:
        print(f"No change: the file is the {result.info.describe()}.", file=sys.stderr)
        return 0
    print(f"Applied {result.info.describe()}; {result.teams_changed} team(s) added or changed.")
    return 0


@cli_errors
def run_show(args: argparse.Namespace) -> int:
    from dutyline.services.policy_store import stored_policy

    db = open_database(args, quiet=True)
    try:
        _policy, info, text = stored_policy(db)
    finally:
        db.dispose()
    print(f"In force: {info.describe()}", file=sys.stderr)
    sys.stdout.write(sanitize(text, multiline=True))
    return 0


@cli_errors
def run_diff(args: argparse.Namespace) -> int:
    from dutyline.services.policy_store import diff_policy

    db = open_database(args, quiet=True)
    try:
        info, lines = diff_policy(db, args.file)
    finally:
        db.dispose()
    if not lines:
        print(f"No differences from {info.describe()}.", file=sys.stderr)
        return 0
    sys.stdout.write(sanitize("".join(lines), multiline=True))
    return 1
