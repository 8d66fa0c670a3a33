"""`dutyline staff ...`: who may use dutyline, with which roles and teams (admins only)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from dutyline.cli.common import CliError, cli_errors, open_context
from dutyline.domain.model import Role
from dutyline.domain.text import one_line
from dutyline.services import staff

_ROLES = ", ".join(r.value for r in Role)
_ROLE_HELP = (
    f"a role ({_ROLES}); repeat for several. Each role includes the one before it: a duty officer "
    "can do everything a call handler can, and so on"
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "staff",
        help="add, list, disable and change dutyline users (admins)",
        description=(
            "Manage who may use dutyline. A user is identified by their operating-system login (the name "
            "they sign in to the desk with); dutyline refuses anyone without an active staff record. "
            "Roles: call_handler (search, case summary, log calls, hand off, book callbacks, raise "
            "safeguarding, update contacts), duty_officer (+ claim, complete, release and reassign their "
            "teams' callbacks and hand-offs), team_manager (+ team reports, reassign across the team), "
            "admin (+ import, staff, policy, retention, audit export). Every change is audited. "
            "Setting up: while there are no staff at all, whoever runs dutyline acts as admin, so the "
            "first person added must be an admin. dutyline refuses any change that would leave no active admin."
        ),
    )
    ss = p.add_subparsers(dest="staff_command", metavar="ACTION", required=True)

    a = ss.add_parser("add", help="add a user", description="Add an active user with one or more roles.")
    a.add_argument("login", metavar="LOGIN", help="their operating-system login name")
    a.add_argument("--name", required=True, help="their name as colleagues know it")
    a.add_argument("--role", action="append", required=True, metavar="ROLE", help=_ROLE_HELP)
    a.add_argument(
        "--team",
        action="append",
        default=[],
        metavar="TEAM",
        help="a team code from the policy file whose queues they work; repeat for several",
    )
    a.set_defaults(handler=run_add)

    ls = ss.add_parser("list", help="list users", description="List every user, active or disabled.")
    ls.add_argument("--json", action="store_true", help="print JSON (one object per user) instead of a table")
    ls.set_defaults(handler=run_list)

    d = ss.add_parser(
        "disable",
        help="disable a user (a leaver)",
        description="Disable a login: from its next action it can do nothing. Its history stays.",
    )
    d.add_argument("login", metavar="LOGIN")
    d.set_defaults(handler=run_disable)

    e = ss.add_parser(
        "enable",
        help="re-enable a disabled user",
        description="Re-enable a disabled login with the roles it had; review them with set-role.",
    )
    e.add_argument("login", metavar="LOGIN")
    e.set_defaults(handler=run_enable)

    r = ss.add_parser(
        "set-role",
        help="replace a user's roles (a mover)",
        description="Replace a user's roles with exactly the ones given (old roles are removed).",
    )
    r.add_argument("login", metavar="LOGIN")
    r.add_argument("--role", action="append", required=True, metavar="ROLE", help=_ROLE_HELP)
    r.set_defaults(handler=run_set_role)

    t = ss.add_parser(
        "set-team",
        help="replace a user's teams",
        description="Replace the teams whose queues a user works; give --team none to clear.",
    )
    t.add_argument("login", metavar="LOGIN")
    t.add_argument("--team", action="append", required=True, metavar="TEAM", help="a team code; repeat for several")
    t.set_defaults(handler=run_set_team)

    pin = ss.add_parser(
        "set-pin",
        help="set the PIN that unlocks an idle-locked desk",
        description=(
            "Set the 4-12 digit PIN that unlocks the desk after the idle lock. Without LOGIN, sets "
            "your own (anyone may); an admin may set anyone's. The PIN is read without echo, or "
            "from the first line of standard input when that is not a terminal. Only a salted "
            "hash is stored. Five wrong PINs in 15 minutes pause unlocking for 15 minutes."
        ),
    )
    pin.add_argument("login", metavar="LOGIN", nargs="?", help="whose PIN (default: yours)")
    pin.set_defaults(handler=run_set_pin)


def _show(info: staff.StaffInfo) -> None:
    state = "active" if info.active else "disabled"
    print(f"{info.login}: {state}; roles {', '.join(info.roles)}; teams {', '.join(info.teams) or '-'}")


@cli_errors
def run_add(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    _show(staff.add_staff(ctx, args.login, args.name, args.role, args.team))
    return 0


@cli_errors
def run_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    people = staff.list_staff(ctx)
    if not people:  # say where we looked: a wrong --db must not pass for "nobody is set up"
        print(f"No staff in {ctx.uow.describe()}.", file=sys.stderr)
    print(format_staff(people, as_json=args.json))
    return 0


def format_staff(people: list[staff.StaffInfo], *, as_json: bool) -> str:
    """The list as a table or JSON. Names are re-sanitised here too: output goes to a terminal."""
    if as_json:
        return json.dumps(
            [
                {
                    "login": s.login,
                    "name": one_line(s.display_name),
                    "roles": list(s.roles),
                    "teams": list(s.teams),
                    "active": s.active,
                    "pin_set": s.has_pin,
                }
                for s in people
            ],
            indent=2,
        )
    if not people:
        return (
            "No staff yet: whoever runs dutyline acts as admin until the first admin is added "
            "(dutyline staff add LOGIN --name NAME --role admin)."
        )
    width = max(len(s.login) for s in people)
    lines = []
    for s in people:
        state = "active  " if s.active else "DISABLED"
        pin = "pin" if s.has_pin else "no pin"
        lines.append(
            f"{s.login:<{width}}  {state}  {one_line(s.display_name)[:40]:<40}  {','.join(s.roles):<30}  "
            f"{','.join(s.teams) or '-'}  ({pin})"
        )
    return "\n".join(lines)


@cli_errors
def run_disable(args: argparse.Namespace) -> int:
    _show(staff.disable_staff(open_context(args), args.login))
    return 0


@cli_errors
def run_enable(args: argparse.Namespace) -> int:
    _show(staff.enable_staff(open_context(args), args.login))
    return 0


@cli_errors
def run_set_role(args: argparse.Namespace) -> int:
    _show(staff.set_roles(open_context(args), args.login, args.role))
    return 0


@cli_errors
def run_set_team(args: argparse.Namespace) -> int:
    teams = [] if args.team == ["none"] else args.team
    _show(staff.set_teams(open_context(args), args.login, teams))
    return 0


def read_pin() -> str:
    """The PIN from the terminal (twice, no echo) or from stdin's first line in scripts."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    first = getpass.getpass("New PIN: ")
    if getpass.getpass("Again: ") != first:
        raise CliError("the two PINs differ; nothing was changed")
    return first


@cli_errors
def run_set_pin(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    login = args.login or ctx.actor.login
    staff.set_pin(ctx, login, read_pin())
    print(f"PIN set for {login}.")
    return 0
