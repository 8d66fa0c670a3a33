"""The server-side half of the security boundary: functions and triggers the schema owner installs.

Why in the database: a desk that holds a PostgreSQL login can run any statement its grants allow, with
psql as easily as with dutyline. So the audit chain is stamped by the server (who = `session_user`, when
= the server clock; at commit, the next gapless number and the hash), every change to a working table writes an
audit row by trigger, and a PIN is checked by a function that keeps the lockout itself. Every function is
SECURITY DEFINER (it runs with the owner's rights), pins its search_path, and is the only way a desk role
reaches `audit_head`, `pin_attempt` and `staff.pin_hash`.

All statements are idempotent (CREATE OR REPLACE, DROP ... IF EXISTS), so migration 0002 installs them
and `dutyline security apply` re-installs the current version after an upgrade.
SQLite's triggers (one person's desk: tamper evidence, not a boundary) are here too, so the app can put
back any that were dropped (`restore_sqlite_triggers`).
"""

from __future__ import annotations

from sqlalchemy import Connection

from dutyline.domain.model import Role

#: Working tables whose every INSERT/UPDATE/DELETE writes an audit row (by statement, with the row ids).
#: `draft` is left out: it is one person's autosaved, unfinished form, private to them by row security.
AUDITED_TABLES = (
    "team",
    "officer",
    "case",
    "contact",
    "case_exception",
    "staff",
    "call",
    "call_correction",
    "handoff",
    "callback",
    "policy_version",
    "snapshot_key",
)
#: Tables whose INSERT is stamped with the maker's login (`staff_login` on calls and their corrections,
#: `created_by` on queue items).
MAKER_TABLES = ("call", "call_correction", "callback", "handoff")

#: A desk session must have an idle-in-transaction timeout of at most this many ms to append to the chain,
#: and a waiting append breaks a chain holder idle for longer: one session cannot hold every desk up.
CHAIN_IDLE_MS = 5000
#: The hash of an audit row between its INSERT and its transaction's commit, when the chain links it.
PENDING = "pending:"
#: How long an append waits for the chain before looking for an idle holder to break.
CHAIN_WAIT_MS = 2000

#: The group role of each dutyline role: `dutyline_` + the role's value.
GROUP_OF: dict[Role, str] = {role: f"dutyline_{role.value}" for role in Role}
_GROUPS_SQL = "(" + ",".join(f"'{g}'" for g in GROUP_OF.values()) + ")"
_DEFINER = "SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp"

_TRUSTED = """(SELECT r.rolsuper OR pg_has_role(session_user, c.relowner, 'MEMBER')
        FROM pg_roles r, pg_class c WHERE r.rolname = session_user AND c.oid = 'public.audit_event'::regclass)"""

_HASH_FN = """
CREATE OR REPLACE FUNCTION dutyline_audit_hash(p_prev text, p_seq bigint, p_ts timestamptz, p_login text,
    p_role text, p_desk text, p_action text, p_case bigint, p_outcome text, p_detail text)
RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT encode(sha256(convert_to(concat_ws('|', 'v2', p_prev, p_seq::text,
        to_char(p_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        encode(convert_to(p_login, 'UTF8'), 'hex'), encode(convert_to(p_role, 'UTF8'), 'hex'),
        encode(convert_to(p_desk, 'UTF8'), 'hex'), encode(convert_to(p_action, 'UTF8'), 'hex'),
        coalesce(p_case::text, ''), encode(convert_to(p_outcome, 'UTF8'), 'hex'),
        encode(convert_to(p_detail, 'UTF8'), 'hex')), 'UTF8')), 'hex')
$$;
"""

_STAMP_FN = f"""
CREATE OR REPLACE FUNCTION dutyline_audit_stamp() RETURNS trigger LANGUAGE plpgsql {_DEFINER} AS $$
DECLARE
    trusted boolean := coalesce({_TRUSTED}, false);
    idle interval;
BEGIN
    IF NOT trusted THEN
        -- A desk: the server says who and when, whatever the client sent.
        idle := current_setting('idle_in_transaction_session_timeout')::interval;
        IF idle <= interval '0' OR idle > interval '{CHAIN_IDLE_MS} milliseconds' THEN
            RAISE EXCEPTION 'dutyline: a desk session must keep idle_in_transaction_session_timeout '
                'between 1 ms and {CHAIN_IDLE_MS} ms to write the audit trail' USING ERRCODE = '42501';
        END IF;
        NEW.login := left(session_user, 100);
        NEW.role := coalesce((SELECT string_agg(substr(g.rolname, 10), ',' ORDER BY g.rolname)
            FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
            WHERE u.rolname = session_user AND g.rolname IN {_GROUPS_SQL}), '');
        NEW.ts := clock_timestamp();
    ELSE
        -- The owner (set-up, upgrades, tests) is outside the boundary anyway: it could alter the table.
        NEW.ts := coalesce(NEW.ts, clock_timestamp());
        NEW.login := left(coalesce(NEW.login, session_user), 100);
    END IF;
    NEW.role := left(coalesce(NEW.role, ''), 200);
    NEW.desk := left(coalesce(NEW.desk, ''), 200);
    NEW.action := left(coalesce(NEW.action, ''), 64);
    NEW.outcome := left(coalesce(NEW.outcome, 'ok'), 32);
    NEW.detail := left(coalesce(NEW.detail, ''), 200);
    -- Not chained yet, whatever the client sent: dutyline_audit_chain links the row at commit. The
    -- placeholder hash is unique, so two pending rows never wait on each other's unique-index entry.
    NEW.seq := NULL;
    NEW.prev_hash := '';
    NEW.hash := '{PENDING}' || gen_random_uuid()::text;
    RETURN NEW;
END $$;
"""

_CHAIN_FN = f"""
CREATE OR REPLACE FUNCTION dutyline_audit_chain() RETURNS trigger LANGUAGE plpgsql {_DEFINER} AS $$
DECLARE
    head record;
    tries int := 0;
    got boolean;
    digest text;
    caller_lock_timeout text := current_setting('lock_timeout');
BEGIN
    -- Runs at COMMIT (a deferred constraint trigger), so the chain is held only while the transaction
    -- commits, not from its first audit row to its end. Once this transaction holds it (a flag local
    -- to the transaction), relocking is instant. The first time, wait in line (no probing ahead of
    -- queued desks, which would let newcomers barge past them), at most {CHAIN_WAIT_MS} ms at a time,
    -- breaking a holder that has sat idle in its transaction past the limit (one that chained early
    -- with SET CONSTRAINTS ... IMMEDIATE): one subtransaction per transaction, not per row.
    got := coalesce(current_setting('dutyline.chain_held', true), '') = 'on';
    IF got THEN
        SELECT seq, hash INTO head FROM audit_head WHERE id = 1 FOR UPDATE;
    END IF;
    WHILE NOT got LOOP
        tries := tries + 1;
        BEGIN
            PERFORM set_config('lock_timeout', '{CHAIN_WAIT_MS}ms', true);
            SELECT seq, hash INTO head FROM audit_head WHERE id = 1 FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'dutyline: the audit head row is missing; run dutyline audit verify'
                    USING ERRCODE = '55000';
            END IF;
            got := true;
        EXCEPTION WHEN lock_not_available THEN
            PERFORM pg_terminate_backend(a.pid)
               FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
              WHERE l.relation = 'public.audit_head'::regclass AND l.mode = 'RowExclusiveLock' AND l.granted
                AND a.pid <> pg_backend_pid() AND a.state LIKE 'idle in transaction%'
                AND a.state_change < clock_timestamp() - interval '{CHAIN_IDLE_MS} milliseconds';
            IF tries >= 10 THEN
                RAISE EXCEPTION 'dutyline: the audit trail is busy; try again' USING ERRCODE = '55P03';
            END IF;
        END;
    END LOOP;
    IF tries > 0 THEN  -- give the caller's transaction its own lock timeout back
        PERFORM set_config('lock_timeout', caller_lock_timeout, true);
        PERFORM set_config('dutyline.chain_held', 'on', true);
    END IF;
    digest := dutyline_audit_hash(head.hash, head.seq + 1, NEW.ts, NEW.login, NEW.role, NEW.desk, NEW.action,
        NEW.case_id, NEW.outcome, NEW.detail);
    UPDATE audit_event SET seq = head.seq + 1, prev_hash = head.hash, hash = digest WHERE id = NEW.id;
    UPDATE audit_head SET seq = head.seq + 1, hash = digest WHERE id = 1;
    RETURN NULL;
END $$;
"""

_DML_FN = f"""
CREATE OR REPLACE FUNCTION dutyline_audit_dml() RETURNS trigger LANGUAGE plpgsql {_DEFINER} AS $$
DECLARE
    n bigint;
    ids text;
BEGIN
    SELECT count(*) INTO n FROM changed;
    IF n = 0 THEN
        RETURN NULL;
    END IF;
    SELECT string_agg(id::text, ',') INTO ids FROM (SELECT id FROM changed ORDER BY id LIMIT 12) x;
    INSERT INTO audit_event (login, role, desk, action, case_id, outcome, detail)
    VALUES (session_user, '', coalesce(host(inet_client_addr()), 'local'), 'db_' || lower(TG_OP), NULL, 'ok',
            left(TG_TABLE_NAME || ' rows=' || n || ' ids=' || ids || CASE WHEN n > 12 THEN ',...' ELSE '' END, 200));
    RETURN NULL;
END $$;
"""

_MAKER_FN = f"""
CREATE OR REPLACE FUNCTION dutyline_stamp_maker() RETURNS trigger LANGUAGE plpgsql {_DEFINER} AS $$
BEGIN
    -- A desk records work under its own login only: who logged a call, who created a queue item.
    IF NOT coalesce({_TRUSTED}, false) THEN
        IF TG_TABLE_NAME IN ('call', 'call_correction') THEN
            NEW.staff_login := left(session_user, 100);
        ELSE
            NEW.created_by := left(session_user, 100);
        END IF;
    END IF;
    RETURN NEW;
END $$;
"""

_APPEND_ONLY_FN = f"""
CREATE OR REPLACE FUNCTION dutyline_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The one update allowed: dutyline_audit_chain (a trigger, hence depth > 1) linking a row of its
    -- own transaction that is still pending, and changing nothing but the chain fields.
    IF TG_OP = 'UPDATE' AND TG_LEVEL = 'ROW' AND pg_trigger_depth() > 1 THEN
        IF OLD.seq IS NULL AND OLD.hash LIKE '{PENDING}%' AND NEW.seq IS NOT NULL
           AND (NEW.id, NEW.ts, NEW.login, NEW.role, NEW.desk, NEW.action, NEW.case_id, NEW.outcome, NEW.detail)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.ts, OLD.login, OLD.role, OLD.desk, OLD.action, OLD.case_id, OLD.outcome, OLD.detail) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only';
END $$;
"""

_PIN_FNS = f"""
CREATE OR REPLACE FUNCTION dutyline_pin_salt() RETURNS text LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT nullif(regexp_replace(pin_hash, '\\$[^$]*$', ''), '') FROM staff WHERE login = session_user
$$;

CREATE OR REPLACE FUNCTION dutyline_pin_attempt(p_digest text) RETURNS bigint LANGUAGE sql {_DEFINER} AS $$
    INSERT INTO pin_attempt (login, digest, at) VALUES (left(session_user, 100), left(p_digest, 128), clock_timestamp())
    RETURNING id
$$;

CREATE OR REPLACE FUNCTION dutyline_pin_check(p_attempt bigint, p_desk text) RETURNS text
LANGUAGE plpgsql {_DEFINER} AS $$
DECLARE
    a pin_attempt%ROWTYPE;
    s record;
    known boolean;
    since_ok bigint;
    tries bigint;
    reason text := '';
BEGIN
    SELECT * INTO a FROM pin_attempt WHERE id = p_attempt AND login = session_user FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'unknown attempt';
    END IF;
    IF a.outcome IS NOT NULL THEN
        RETURN CASE WHEN a.outcome = 'ok' THEN '' ELSE a.outcome END;
    END IF;
    SELECT active, pin_hash INTO s FROM staff WHERE login = session_user;
    known := FOUND;
    -- Every committed attempt since the last good one counts, checked or not: rolling back a check
    -- cannot hide a wrong guess, because the attempt was committed before its result was known.
    since_ok := coalesce((SELECT max(id) FROM pin_attempt WHERE login = session_user AND outcome = 'ok'), 0);
    SELECT count(*) INTO tries FROM pin_attempt
     WHERE login = session_user AND id > since_ok AND id < a.id AND at >= a.at - interval '15 minutes';
    IF NOT known OR NOT s.active THEN
        reason := CASE WHEN NOT known THEN 'unknown login' ELSE 'disabled' END;
    ELSIF s.pin_hash = '' THEN
        reason := 'no pin set';
    ELSIF tries >= 5 THEN
        reason := 'locked out';
    ELSIF split_part(s.pin_hash, '$', 6) <> a.digest THEN
        reason := 'wrong pin';
    END IF;
    UPDATE pin_attempt SET outcome = CASE WHEN reason = '' THEN 'ok' ELSE reason END WHERE id = a.id;
    INSERT INTO audit_event (login, role, desk, action, case_id, outcome, detail)
    VALUES (session_user, '', left(coalesce(p_desk, ''), 200), 'login', NULL,
            CASE WHEN reason = '' THEN 'ok' ELSE 'refused' END,
            CASE WHEN reason = '' THEN 'unlock' ELSE 'unlock: ' || reason END);
    RETURN reason;
END $$;

CREATE OR REPLACE FUNCTION dutyline_pin_set(p_login text, p_hash text) RETURNS boolean
LANGUAGE plpgsql {_DEFINER} AS $$
BEGIN
    IF p_login <> session_user AND NOT EXISTS (
        SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
         WHERE u.rolname = session_user AND g.rolname = 'dutyline_admin') THEN
        RAISE EXCEPTION 'dutyline: only an admin may set another person''s PIN' USING ERRCODE = '42501';
    END IF;
    IF p_hash !~ '^scrypt\\$[0-9]+\\$[0-9]+\\$[0-9]+\\$[0-9a-f]{{32}}\\$[0-9a-f]{{64}}$' THEN
        RAISE EXCEPTION 'dutyline: not a PIN hash' USING ERRCODE = '22023';
    END IF;
    UPDATE staff SET pin_hash = p_hash WHERE login = p_login AND active;
    RETURN FOUND;
END $$;

CREATE OR REPLACE FUNCTION dutyline_pin_states() RETURNS TABLE (login text, has_pin boolean)
LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT login, pin_hash <> '' FROM staff
$$;
"""

_MAY_WORK_FN = f"""
CREATE OR REPLACE FUNCTION dutyline_works_every_team() RETURNS boolean
LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                     JOIN pg_roles u ON u.oid = m.member
                    WHERE u.rolname = session_user AND g.rolname IN ('dutyline_team_manager', 'dutyline_admin'))
$$;

CREATE OR REPLACE FUNCTION dutyline_my_teams() RETURNS text[]
LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT coalesce((SELECT string_to_array(s.teams, ',') FROM staff s WHERE s.login = session_user AND s.active),
                    '{{}}'::text[])
$$;
"""


def _triggers() -> str:
    out = [
        "CREATE OR REPLACE TRIGGER audit_event_stamp BEFORE INSERT ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION dutyline_audit_stamp();",
        # A constraint trigger cannot be CREATE OR REPLACEd: dropped and created again (in one transaction).
        "DROP TRIGGER IF EXISTS audit_event_chain ON audit_event;",
        "CREATE CONSTRAINT TRIGGER audit_event_chain AFTER INSERT ON audit_event "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dutyline_audit_chain();",
        "CREATE OR REPLACE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION dutyline_audit_append_only();",
        "CREATE OR REPLACE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION dutyline_audit_append_only();",
        "CREATE OR REPLACE TRIGGER audit_head_fixed BEFORE DELETE OR TRUNCATE ON audit_head "
        "FOR EACH STATEMENT EXECUTE FUNCTION dutyline_audit_append_only();",
    ]
    per_table: dict[str, list[str]] = {}
    for table in MAKER_TABLES:
        per_table.setdefault(table, []).append(
            f"CREATE OR REPLACE TRIGGER {table}_maker BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION dutyline_stamp_maker()"
        )
    for table in AUDITED_TABLES:
        for op, ref in (("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")):
            per_table.setdefault(table, []).append(
                f'CREATE OR REPLACE TRIGGER {table}_audit_{op} AFTER {op.upper()} ON "{table}" '
                f"REFERENCING {ref} TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION dutyline_audit_dml()"
            )
    # Each migration re-installs these objects as they are now, including one that runs before a later
    # migration has created some table: a table's triggers are installed once the table exists.
    for table, statements in per_table.items():
        out.append(f"DO $$ BEGIN IF to_regclass('public.{table}') IS NOT NULL THEN")
        out += [f"    EXECUTE '{sql}';" for sql in statements]
        out.append("END IF; END $$;")
    return "\n".join(out) + "\n"


def expected_pg_triggers() -> dict[str, str]:
    """trigger name -> table, for `audit verify` to check that each is present and enabled."""
    out = {
        "audit_event_stamp": "audit_event",
        "audit_event_chain": "audit_event",
        "audit_event_append_only": "audit_event",
        "audit_event_no_truncate": "audit_event",
        "audit_head_fixed": "audit_head",
    }
    for table in MAKER_TABLES:
        out[f"{table}_maker"] = table
    for table in AUDITED_TABLES:
        for op in ("insert", "update", "delete"):
            out[f"{table}_audit_{op}"] = table
    return out


def _row_security() -> str:
    out = []
    for table in ("callback", "handoff"):
        out += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;",
            f"DROP POLICY IF EXISTS dutyline_read ON {table};",
            f"CREATE POLICY dutyline_read ON {table} FOR SELECT USING (true);",
            f"DROP POLICY IF EXISTS dutyline_add ON {table};",
            f"CREATE POLICY dutyline_add ON {table} FOR INSERT WITH CHECK (true);",
            f"DROP POLICY IF EXISTS dutyline_work ON {table};",
            # USING judges the row as it is: only items of one's own teams (or alerts) can be changed;
            # a team manager moving an item elsewhere is allowed by WITH CHECK (true). The functions sit
            # in sub-selects so they run once per statement (an InitPlan), not once per queue row.
            f"CREATE POLICY dutyline_work ON {table} FOR UPDATE "
            "USING (reason = 'safeguarding' OR (SELECT dutyline_works_every_team()) "
            "OR team_code = ANY ((SELECT dutyline_my_teams())::text[])) WITH CHECK (true);",
        ]
    out += [
        "ALTER TABLE draft ENABLE ROW LEVEL SECURITY;",
        "DROP POLICY IF EXISTS dutyline_own ON draft;",
        "CREATE POLICY dutyline_own ON draft USING (login = session_user) WITH CHECK (login = session_user);",
    ]
    return "\n".join(out) + "\n"


def pg_objects_sql() -> str:
    """Every function, trigger and row-security policy, as the schema owner installs them (idempotent)."""
    return "\n".join(
        [
            "-- Functions and triggers (owned by the schema owner; SECURITY DEFINER where a desk calls them).",
            _HASH_FN.strip(),
            _STAMP_FN.strip(),
            _CHAIN_FN.strip(),
            _DML_FN.strip(),
            _MAKER_FN.strip(),
            _APPEND_ONLY_FN.strip(),
            _PIN_FNS.strip(),
            _MAY_WORK_FN.strip(),
            _triggers().strip(),
            "-- Row security: queue items change only for their teams' duty officers; drafts are private.",
            _row_security().strip(),
        ]
    )


#: SQLite: the chain must follow its head, rows cannot be changed or deleted, the head cannot go away.
SQLITE_TRIGGERS: dict[str, str] = {
    "audit_event_no_update": (
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
    ),
    "audit_event_no_delete": (
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
    ),
    "audit_event_follows_head": (
        "CREATE TRIGGER audit_event_follows_head BEFORE INSERT ON audit_event "
        "WHEN NEW.seq IS NULL OR NEW.seq <> (SELECT seq + 1 FROM audit_head WHERE id = 1) "
        "OR NEW.prev_hash <> (SELECT hash FROM audit_head WHERE id = 1) "
        "BEGIN SELECT RAISE(ABORT, 'audit_event row does not follow the chain head'); END"
    ),
    "audit_event_moves_head": (
        "CREATE TRIGGER audit_event_moves_head AFTER INSERT ON audit_event "
        "BEGIN UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1; END"
    ),
    "audit_head_no_delete": (
        "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
        "BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END"
    ),
}


def missing_sqlite_triggers(conn: Connection) -> list[str]:
    """Names of SQLITE_TRIGGERS not in the file's schema (dropped by hand, or by a table rebuild)."""
    have = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
    return [name for name in SQLITE_TRIGGERS if name not in have]


def restore_sqlite_triggers(conn: Connection) -> list[str]:
    """Put back every missing SQLite audit trigger; returns the names restored (for the audit row)."""
    missing = missing_sqlite_triggers(conn)
    for name in missing:
        conn.exec_driver_sql(SQLITE_TRIGGERS[name])
    return missing
