"""What `audit verify` reads beyond the rows: the head record, signs of activity, triggers and grants.

Why each: the chain alone cannot see rows cut off its end (the head record can), an emptied trail (the
head record, and a database whose working tables have rows), a trigger someone dropped so they could
rewrite rows (the catalogue can), or a right granted by hand that the role table does not give (the
catalogue again, compared with the generated grants).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import String, cast, select, text
from sqlalchemy.orm import Session

from dutyline.store.pg_audit_sql import expected_pg_triggers, missing_sqlite_triggers
from dutyline.store.pg_security import GROUPS, LEGACY_SHARED_ROLE, rights_of
from dutyline.store.tables import AuditEvent, AuditHead

#: Tables whose rows mean "this database has been used": a trail cannot be empty if any has rows.
ACTIVITY_TABLES = ("staff", "case", "call", "callback", "handoff")
_TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def chain_rows(session: Session) -> Iterator[Any]:
    """Every audit row in chain order (rows from before schema 0002 first, by id; then by sequence).

    The time comes back as stored (text on SQLite), so a junk value is a finding, not a crash."""
    ts = cast(AuditEvent.ts, String) if session.get_bind().dialect.name == "sqlite" else AuditEvent.ts
    stmt = (
        select(
            AuditEvent.id,
            AuditEvent.seq,
            ts.label("ts"),
            AuditEvent.login,
            AuditEvent.role,
            AuditEvent.desk,
            AuditEvent.action,
            AuditEvent.case_id,
            AuditEvent.outcome,
            AuditEvent.detail,
            AuditEvent.prev_hash,
            AuditEvent.hash,
        )
        .order_by(AuditEvent.seq.is_not(None), AuditEvent.seq, AuditEvent.id)
        .execution_options(yield_per=5000)
    )
    result = session.execute(stmt)
    try:
        yield from result
    finally:
        result.close()


def head(session: Session) -> tuple[int, str] | None:
    row = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    return None if row is None else (int(row.seq), str(row.hash))


def activity(session: Session) -> dict[str, int]:
    """Row counts (capped at 1: 'some') of the tables that show the database has been used."""
    out = {}
    for table in ACTIVITY_TABLES:
        if session.execute(text(f'SELECT 1 FROM "{table}" LIMIT 1')).first() is not None:
            out[table] = 1
    return out


def trigger_findings(session: Session) -> list[str]:
    """A sentence for each audit trigger that is missing or disabled."""
    if session.get_bind().dialect.name == "sqlite":
        return [
            f"the audit trigger {name} is missing (dropped)" for name in missing_sqlite_triggers(session.connection())
        ]
    rows = session.execute(
        text(
            "SELECT t.tgname, c.relname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace"
        )
    ).all()
    have = {name: (table, enabled) for name, table, enabled in rows}
    out = []
    for name, table in expected_pg_triggers().items():
        if name not in have or have[name][0] != table:
            out.append(f"the audit trigger {name} on {table} is missing (dropped)")
        elif have[name][1] == "D":
            out.append(f"the audit trigger {name} on {table} is disabled")
    return out


def grant_findings(session: Session) -> list[str]:
    """PostgreSQL: a sentence for each right a desk group (or PUBLIC, or the old shared role) holds that
    the generated grants do not give. Rights missing are not findings: they deny, never allow."""
    if session.get_bind().dialect.name != "postgresql":
        return []
    roles = set(session.execute(text("SELECT rolname FROM pg_roles")).scalars())
    groups = [g for g in GROUPS.values() if g in roles]
    held = session.execute(
        text(
            "SELECT g.rolname, c.relname, p.priv FROM pg_roles g, pg_class c, unnest(CAST(:privs AS text[])) p(priv) "
            "WHERE g.rolname = ANY(CAST(:groups AS text[])) AND c.relkind = 'r' "
            "AND c.relnamespace = 'public'::regnamespace AND has_table_privilege(g.oid, c.oid, p.priv)"
        ),
        {"privs": list(_TABLE_PRIVILEGES), "groups": groups},
    ).all()
    out = []
    for role, group in GROUPS.items():
        allowed = {(r.table, r.privilege) for r in rights_of(role) if not r.columns}
        out += [
            f"{group} has {priv} on {table}, which the role table does not give"
            for g, table, priv in held
            if g == group and (table, priv) not in allowed
        ]
        if (
            group in roles
            and session.execute(
                text("SELECT has_column_privilege(:g, 'staff', 'pin_hash', 'SELECT')"), {"g": group}
            ).scalar()
        ):
            out.append(f"{group} can read staff.pin_hash")
    public = session.execute(
        text(
            "SELECT c.relname, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a "
            "WHERE a.grantee = 0 AND c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace"
        )
    ).all()
    out += [f"PUBLIC has {priv} on {table}" for table, priv in public]
    if LEGACY_SHARED_ROLE in roles:
        legacy = session.execute(
            text(
                "SELECT c.relname FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace "
                "AND has_table_privilege(:g, c.oid, 'INSERT,UPDATE,DELETE')"
            ),
            {"g": LEGACY_SHARED_ROLE},
        ).scalars()
        out += [
            f"the shared role {LEGACY_SHARED_ROLE} can still write {t} (run dutyline security apply)" for t in legacy
        ]
    return out
