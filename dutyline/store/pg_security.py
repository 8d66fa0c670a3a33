"""Least privilege on PostgreSQL, generated from `domain.permissions.ROLE_ACTIONS` (docs/security.md).

Each dutyline role is a NOLOGIN group role (`dutyline_` + the role: `dutyline_call_handler` ...); each
person is their own login role, a member of the groups for the roles they hold. What a group may do in
the database is derived here from the one role x action table plus `ACTION_RIGHTS`, the declared table
rights each action needs, so grants and the app's permission checks cannot drift. A new table is one
line: add its rights under the action that uses it, or name it in `NO_DESK_ACCESS` with the reason (a
test refuses a table in neither).

`grants_sql()` is the whole script (`dutyline security sql`, and `dutyline/store/pg_grants.sql`, which a
test keeps equal to it); `dutyline security apply` runs it as the schema owner.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dutyline.domain.model import Role
from dutyline.domain.permissions import ROLE_ACTIONS, Action
from dutyline.store.pg_audit_sql import CHAIN_IDLE_MS, GROUP_OF, pg_objects_sql

#: The group role of each dutyline role (`dutyline_call_handler` ...).
GROUPS: dict[Role, str] = GROUP_OF
#: The shared desk role of earlier versions: `security apply` strips its rights in this database.
LEGACY_SHARED_ROLE = "dutyline_app"

#: Staff columns a desk may read: everything but the PIN hash (PINs are checked by the server).
STAFF_PUBLIC = ("id", "login", "display_name", "roles", "teams", "active", "created_at")
#: What a desk writes into an audit row; the server's trigger overwrites who, when and the chain fields.
AUDIT_INSERT = ("id", "ts", "login", "role", "desk", "action", "case_id", "outcome", "detail", "prev_hash", "hash")


@dataclass(frozen=True)
class Right:
    """One privilege on one table (optionally on some columns only)."""

    table: str
    privilege: str  # SELECT, INSERT, UPDATE or DELETE
    columns: tuple[str, ...] = ()


def _all(privilege: str, *tables: str) -> tuple[Right, ...]:
    return tuple(Right(t, privilege) for t in tables)


_CASE_READ = _all("SELECT", "case", "contact", "officer", "team", "case_exception")
_QUEUE_WORK = _all("UPDATE", "callback", "handoff")
_QA_READ = _all("SELECT", "qa_sample", "qa_item", "qa_review", "qa_answer")

#: The declared mapping: the table rights each action needs. Row security narrows some of them further
#: (queue items: own teams only; drafts: own only).
ACTION_RIGHTS: dict[Action, tuple[Right, ...]] = {
    Action.LOGIN: (
        Right("staff", "SELECT", STAFF_PUBLIC),
        Right("team", "SELECT"),
        Right("alembic_version", "SELECT"),
        Right("audit_event", "INSERT", AUDIT_INSERT),
        Right("policy_version", "SELECT"),  # every desk routes by the policy in force
        Right("snapshot_key", "SELECT"),  # seals this desk's search snapshot (services/snapshot_seal.py)
    ),
    Action.SEARCH: _CASE_READ,
    Action.VIEW_CASE: _CASE_READ + _all("SELECT", "call", "call_correction", "handoff", "callback"),
    # Calls are append-only for desks: a correction is a new row (services.calls.correct_call), never an
    # UPDATE of the call.
    Action.LOG_CALL: (
        Right("call", "INSERT"),
        Right("call", "SELECT"),
        Right("call_correction", "INSERT"),
        Right("call_correction", "SELECT"),
    ),
    Action.HAND_OFF: (Right("handoff", "INSERT"),),
    Action.BOOK_CALLBACK: (Right("callback", "INSERT"),),
    Action.RAISE_SAFEGUARDING: (Right("call", "INSERT"), Right("handoff", "INSERT")),
    Action.UPDATE_CONTACT: (Right("contact", "UPDATE"), Right("case", "UPDATE", ("updated_at",))),
    Action.SAVE_DRAFT: _all("SELECT", "draft")
    + _all("INSERT", "draft")
    + _all("UPDATE", "draft")
    + _all("DELETE", "draft"),
    Action.VIEW_QUEUE: _all("SELECT", "callback", "handoff", "call", "case"),
    Action.CLAIM: _QUEUE_WORK,
    Action.COMPLETE: _QUEUE_WORK,
    Action.RECORD_ATTEMPT: _QUEUE_WORK,
    Action.RELEASE: _QUEUE_WORK,
    Action.REASSIGN: _QUEUE_WORK,
    Action.ACCEPT_HANDOFF: _QUEUE_WORK,
    Action.EDIT_CASE: (
        Right("case", "UPDATE"),
        Right("case_exception", "INSERT"),
        Right("case_exception", "UPDATE"),
    ),
    Action.TEAM_REPORT: (),
    Action.REASSIGN_ACROSS_TEAM: _QUEUE_WORK,
    Action.IMPORT: _all("INSERT", "case", "contact", "officer")
    + _all("UPDATE", "case", "contact", "officer")
    + (Right("contact", "DELETE"),),
    Action.MANAGE_STAFF: (
        Right("staff", "INSERT", (*(c for c in STAFF_PUBLIC if c != "id"), "pin_hash")),  # '' on insert
        Right("staff", "UPDATE", ("display_name", "roles", "teams", "active")),
    ),
    Action.MANAGE_POLICY: _all("INSERT", "team", "policy_version") + _all("UPDATE", "team"),
    # Erasure under the retention schedule: the one place a case is deleted (every delete is audited by
    # trigger, under the admin's own login). Calls and queue items are anonymised, never deleted.
    Action.RETENTION: _all("UPDATE", "call", "call_correction", "handoff", "callback")
    + _all("DELETE", "case", "draft"),
    Action.QA_SAMPLE: _QA_READ + _all("SELECT", "call", "callback", "handoff") + _all("INSERT", "qa_sample", "qa_item"),
    Action.QA_REVIEW: _QA_READ
    + _all("SELECT", "call", "callback", "handoff")
    + _all("INSERT", "qa_review", "qa_answer"),
    Action.QA_RESOLVE: _QA_READ + (Right("qa_review", "UPDATE"),),
    Action.QA_REPORT: _QA_READ,
    # One's own reviews: read them, acknowledge or dispute (a status change on the review).
    Action.QA_MY_REVIEWS: _QA_READ + (Right("qa_review", "UPDATE"),),
    Action.AUDIT_EXPORT: (Right("audit_event", "SELECT"),),
    Action.AUDIT_VERIFY: (Right("audit_event", "SELECT"), Right("audit_head", "SELECT")),
}

#: Tables no desk role may touch directly, and why.
NO_DESK_ACCESS: dict[str, str] = {
    "pin_attempt": "PIN attempts: written and read only by the SECURITY DEFINER PIN functions",
}

#: Functions a desk calls (everything else is EXECUTE-revoked from PUBLIC).
DESK_FUNCTIONS = (
    "dutyline_pin_salt()",
    "dutyline_pin_attempt(text)",
    "dutyline_pin_check(bigint, text)",
    "dutyline_pin_set(text, text)",
    "dutyline_pin_states()",
    "dutyline_works_every_team()",  # row security's expression runs as the desk
    "dutyline_my_teams()",
)


def rights_of(role: Role) -> set[Right]:
    """Every table right the group of `role` holds: the union over the actions the role allows."""
    out: set[Right] = set()
    for action in ROLE_ACTIONS[role]:
        out.update(ACTION_RIGHTS[action])
    return out


def granted_tables() -> set[str]:
    return {r.table for rights in ACTION_RIGHTS.values() for r in rights}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _grant_lines(group: str, rights: Iterable[Right]) -> list[str]:
    out: list[str] = []
    inserts: set[str] = set()
    for r in sorted(rights, key=lambda x: (x.table, x.privilege, x.columns)):
        cols = f" ({', '.join(_q(c) for c in r.columns)})" if r.columns else ""
        out.append(f"GRANT {r.privilege}{cols} ON TABLE {_q(r.table)} TO {group};")
        if r.privilege == "INSERT" and r.table != "alembic_version":
            inserts.add(r.table)
    for table in sorted(inserts):  # serial ids: INSERT needs the sequence
        out.append(f"GRANT USAGE ON SEQUENCE {_q(table + '_id_seq')} TO {group};")
    return out


def create_group_sql() -> str:
    """Create the group roles (one per dutyline role) if missing, tolerating a concurrent creator."""
    lines = []
    for group in GROUPS.values():
        lines.append(
            f"DO $$ BEGIN CREATE ROLE {group} NOLOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;"
        )
    return "\n".join(lines)


def grants_sql() -> str:
    """The whole least-privilege script for the current database (idempotent; run as the schema owner)."""
    groups = ", ".join(GROUPS.values())
    parts = [
        "-- dutyline: PostgreSQL security, GENERATED by `dutyline security sql` from",
        "-- dutyline/domain/permissions.py and dutyline/store/pg_security.py. Do not edit: a test keeps this",
        "-- file equal to the generator. Run as the schema owner (with CREATEROLE) after every upgrade:",
        "--     dutyline --db postgresql://OWNER@HOST/dutyline security apply",
        "-- or  psql postgresql://OWNER@HOST/dutyline -v ON_ERROR_STOP=1 -f dutyline/store/pg_grants.sql",
        "",
        "-- 1. Group roles (cluster-wide, NOLOGIN): a person's own login is made a member of theirs.",
        create_group_sql(),
        "",
        pg_objects_sql(),
        "",
        "-- 2. Start clean, so a right removed from the table of actions is removed here too.",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {groups};",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {groups};",
        f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC, {groups};",
        f"DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{LEGACY_SHARED_ROLE}') THEN",
        f"    REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {LEGACY_SHARED_ROLE};",
        f"    REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {LEGACY_SHARED_ROLE};",
        f"    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM {LEGACY_SHARED_ROLE}', current_database());",
        "END IF; END $$;",
        f"GRANT USAGE ON SCHEMA public TO {groups};",
        f"DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO {groups}', current_database()); END $$;",
        f"GRANT EXECUTE ON FUNCTION {', '.join(DESK_FUNCTIONS)} TO {groups};",
        "",
        "-- 3. Each group's rights, derived from the role x action table.",
    ]
    for role, group in GROUPS.items():
        parts.append(f"-- {group}: {', '.join(sorted(a.value for a in ROLE_ACTIONS[role]))}")
        parts.extend(_grant_lines(group, rights_of(role)))
    parts += [
        "",
        "-- 4. One session cannot hold the audit chain: idle transactions end, lock waits are bounded.",
        "DO $$ BEGIN",
        "    EXECUTE format('ALTER DATABASE %I SET idle_in_transaction_session_timeout = "
        f"''{CHAIN_IDLE_MS}ms''', current_database());",
        "    EXECUTE format('ALTER DATABASE %I SET lock_timeout = ''10s''', current_database());",
        "END $$;",
    ]
    return "\n".join(parts) + "\n"
