"""`dutyline security sql|apply`: PostgreSQL per-person logins and least privilege (the schema owner)."""

from __future__ import annotations

import argparse

from dutyline.cli.common import cli_errors, open_database
from dutyline.services.security import apply_security
from dutyline.store.pg_security import grants_sql


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "security",
        help="PostgreSQL: group roles, grants and server-side audit (the schema owner)",
        description=(
            "On PostgreSQL each person connects as their own login role, a member of the group role of "
            "each dutyline role they hold (dutyline_call_handler, dutyline_duty_officer, "
            "dutyline_team_manager, dutyline_admin). What each group may do in the database is generated "
            "from dutyline's role table. 'sql' prints the script; 'apply' runs it as the schema owner "
            "(with CREATEROLE), strips the old shared dutyline_app role's rights, makes every staff "
            "member's login a member of their groups, and lists staff who still need a login. Run 'apply' "
            "after every install or upgrade."
        ),
    )
    ss = p.add_subparsers(dest="security_command", metavar="ACTION", required=True)
    s = ss.add_parser("sql", help="print the generated security script (dutyline/store/pg_grants.sql)")
    s.set_defaults(handler=run_sql)
    a = ss.add_parser(
        "apply",
        help="apply it to the database (run as the schema owner)",
        description="Create the group roles, install the audit triggers and grants, sync staff logins.",
    )
    a.add_argument(
        "--create-logins",
        action="store_true",
        help=(
            "also create a login role for every active staff member who has none (authenticate them with "
            "GSSAPI, peer or a password as the README describes)"
        ),
    )
    a.set_defaults(handler=run_apply)


def run_sql(args: argparse.Namespace) -> int:
    print(grants_sql(), end="")
    return 0


@cli_errors
def run_apply(args: argparse.Namespace) -> int:
    db = open_database(args)
    report = apply_security(db, create_logins=args.create_logins)
    print(f"Applied dutyline's PostgreSQL security to {db.describe()}.")
    if report.created:
        print(f"Created login roles: {', '.join(report.created)}")
    if report.synced:
        print(f"Login roles synced with their staff records: {', '.join(report.synced)}")
    if report.missing:
        print(
            "These active staff have no PostgreSQL login yet (create them with 'dutyline security apply "
            f"--create-logins', or CREATE ROLE ... LOGIN, then re-run apply): {', '.join(report.missing)}"
        )
    else:
        print("Every active staff member has a PostgreSQL login.")
    return 0
