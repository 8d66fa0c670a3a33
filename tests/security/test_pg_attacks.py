"""Issue 11, points 2 and 3 on PostgreSQL: every forbidden statement, sent through psycopg directly while
connected as each role's OWN login (never the owner), is refused by the server or recorded under the
person who made it; the audit chain is the server's, whatever a desk inserts.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from dutyline.domain.model import Role
from dutyline.services import audit_trail, queue
from dutyline.services.context import Actor, Context
from dutyline.store.tables import AuditEvent, Call, Staff
from tests.contexts import db_of, make_context, uow
from tests.security.conftest import SecureDb
from tests.test_queue_support import add_callback, add_case, add_handoff

pytestmark = pytest.mark.pg

DESKS = ("handler", "duty", "manager", "admin")
DENIED = "42501"  # insufficient_privilege


def refused(secure: SecureDb, who: str, sql: str, params: tuple[object, ...] = ()) -> bool:
    """True when the server refuses `sql` for `who` (permission denied, or 'must be owner')."""
    with secure.connect(who) as conn:
        try:
            conn.execute(sql, params)
        except psycopg.errors.InsufficientPrivilege:
            return True
        except psycopg.Error as exc:
            return "must be owner" in str(exc) or "permission denied" in str(exc)
    return False


def audit_rows(secure: SecureDb, since_seq: int = 0) -> list[tuple[object, ...]]:
    with secure.owner.read() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(AuditEvent.seq, AuditEvent.login, AuditEvent.role, AuditEvent.action, AuditEvent.detail)
                .where(AuditEvent.seq > since_seq)
                .order_by(AuditEvent.seq)
            )
        ]


def head_seq(secure: SecureDb) -> int:
    with secure.owner.read() as s:
        return int(s.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) or 0)


def admin_ctx(secure: SecureDb) -> Context:
    return make_context(
        secure.database("admin"), actor=Actor(login=secure.logins["admin"], roles=frozenset({Role.ADMIN}))
    )


@pytest.fixture
def work(secure: SecureDb) -> dict[str, int]:
    """A case, a call with a hand-off, and callbacks in front_door (the duty officer's) and resolution."""
    with secure.owner.write() as s:
        case = add_case(s)
        own = add_callback(s, team="front_door", case=case).id
        other = add_callback(s, team="resolution", case=case).id
        ho = add_handoff(s, team="resolution", case=case)
        return {"case": case.id, "own": own, "other": other, "handoff": ho.id, "call": ho.call_id}


@pytest.mark.parametrize("who", ("handler", "duty", "manager"))
def test_a_desk_cannot_promote_itself_or_touch_staff(secure: SecureDb, who: str) -> None:
    me = secure.logins[who]
    assert refused(secure, who, "UPDATE staff SET roles = 'admin' WHERE login = %s", (me,))
    assert refused(secure, who, "DELETE FROM staff")
    assert refused(
        secure,
        who,
        "INSERT INTO staff (login, display_name, roles, teams, active, pin_hash, created_at) "
        "VALUES ('x', 'x', 'admin', '', true, '', now())",
    )
    with secure.owner.read() as s:
        assert s.scalar(select(Staff.roles).where(Staff.login == me)) == secure_role(who)


def secure_role(who: str) -> str:
    from tests.security.conftest import ROLE_OF

    return ROLE_OF[who].value


@pytest.mark.parametrize("who", DESKS)
def test_nobody_reads_pin_hashes_or_deletes_staff(secure: SecureDb, who: str) -> None:
    assert refused(secure, who, "SELECT pin_hash FROM staff")
    assert refused(secure, who, "SELECT * FROM staff")
    assert refused(secure, who, "DELETE FROM staff")
    assert refused(secure, who, "SELECT * FROM pin_attempt")


@pytest.mark.parametrize("who", DESKS)
def test_saved_calls_are_append_only_and_queue_items_are_never_deleted(
    secure: SecureDb, work: dict[str, int], who: str
) -> None:
    if who != "admin":  # admins anonymise calls under the retention schedule (audited by trigger)
        assert refused(
            secure, who, "UPDATE call SET notes = 'rewritten', safeguarding = false WHERE id = %s", (work["call"],)
        )
        assert refused(secure, who, "UPDATE call SET staff_login = 'someone_else'")
        assert refused(secure, who, 'DELETE FROM "case"')
    for table in ("call", "callback", "handoff"):
        assert refused(secure, who, f"DELETE FROM {table}"), table
    assert refused(secure, who, "TRUNCATE callback")


def test_a_handler_cannot_complete_callbacks(secure: SecureDb, work: dict[str, int]) -> None:
    assert refused(secure, "handler", "UPDATE callback SET status = 'done' WHERE id = %s", (work["own"],))


def test_a_claim_outside_ones_teams_is_impossible_in_the_database(secure: SecureDb, work: dict[str, int]) -> None:
    me = secure.logins["duty"]
    claim = (
        "UPDATE callback SET status = 'claimed', claimed_by = %s, lease_token = 't', "
        "lease_expires = now() + interval '15 minutes' WHERE id = %s AND status = 'open'"
    )
    with secure.connect("duty") as conn:
        assert conn.execute(claim, (me, work["other"])).rowcount == 0  # resolution: not my team
        assert (
            conn.execute("UPDATE callback SET team_code = 'front_door' WHERE id = %s", (work["other"],)).rowcount == 0
        )
        assert conn.execute(claim, (me, work["own"])).rowcount == 1  # front_door: mine
        assert conn.execute("UPDATE handoff SET status = 'done' WHERE id = %s", (work["handoff"],)).rowcount == 0
    # The app's own path, with a client that lies about its teams: still refused by the server.
    liar = make_context(
        secure.database("duty"),
        actor=Actor(login=me, roles=frozenset({Role.DUTY_OFFICER}), teams=("front_door", "resolution")),
    )
    from dutyline.domain.queue import ItemKind

    with pytest.raises(Exception) as info:
        queue.claim(liar, ItemKind.CALLBACK, work["other"])
    assert "claim" in str(info.value).lower() or "team" in str(info.value).lower()
    with secure.owner.read() as s:
        from dutyline.store.tables import Callback

        assert s.scalar(select(Callback.status).where(Callback.id == work["other"])) == "open"
    db_of(liar).dispose()


def test_a_change_made_with_psql_is_audited_under_its_maker(secure: SecureDb, work: dict[str, int]) -> None:
    before = head_seq(secure)
    with secure.connect("admin") as conn:
        conn.execute('UPDATE "case" SET school = %s WHERE id = %s', ("Somewhere", work["case"]))
    rows = audit_rows(secure, before)
    assert (secure.logins["admin"], "admin", "db_update") in [(r[1], r[2], r[3]) for r in rows]
    assert any(f"case rows=1 ids={work['case']}" == r[4] for r in rows)


@pytest.mark.parametrize("who", DESKS)
def test_forged_and_junk_audit_rows_are_stamped_by_the_server(secure: SecureDb, who: str) -> None:
    me = secure.logins[who]
    before = head_seq(secure)
    with secure.connect(who) as conn:
        conn.execute(
            "INSERT INTO audit_event (ts, login, role, desk, action, case_id, outcome, detail, prev_hash, hash) "
            "VALUES ('2001-01-01', 'root', 'admin', 'x', 'set_roles', NULL, 'ok', 'forged', %s, %s)",
            ("0" * 64, "f" * 64),
        )
        conn.execute(
            "INSERT INTO audit_event (ts, login, role, desk, action, case_id, outcome, detail, prev_hash, hash) "
            "VALUES (now(), '', '', '', '\x01junk', -1, '', '', 'junk', 'junk')"
        )
    rows = audit_rows(secure, before)
    assert [r[0] for r in rows] == [before + 1, before + 2]  # gapless, the server's numbers
    assert all(r[1] == me and r[2] == ROLE_TEXT[who] for r in rows), rows  # who really did it
    report = audit_trail.verify(admin_ctx(secure))
    assert report.ok, report.summary()


ROLE_OF_DESK = {
    "handler": Role.CALL_HANDLER,
    "duty": Role.DUTY_OFFICER,
    "manager": Role.TEAM_MANAGER,
    "admin": Role.ADMIN,
}
ROLE_TEXT = {"handler": "call_handler", "duty": "duty_officer", "manager": "team_manager", "admin": "admin"}


@pytest.mark.parametrize("who", DESKS)
def test_the_chain_head_and_triggers_are_out_of_a_desks_reach(secure: SecureDb, who: str) -> None:
    for sql in (
        "UPDATE audit_head SET seq = 0",
        "DELETE FROM audit_head",
        "SELECT * FROM audit_head FOR UPDATE",
        "BEGIN; LOCK TABLE audit_head IN ACCESS EXCLUSIVE MODE; COMMIT",
        "UPDATE audit_event SET detail = 'x'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
        "ALTER TABLE audit_event DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_event_stamp ON audit_event",
        "ALTER TABLE callback DISABLE ROW LEVEL SECURITY",
        "INSERT INTO alembic_version VALUES ('x')",
    ):
        assert refused(secure, who, sql), sql
    if who != "admin":
        assert refused(secure, who, "SELECT * FROM audit_event")


def test_a_session_cannot_switch_off_its_idle_timeout_to_hold_the_chain(secure: SecureDb) -> None:
    with secure.connect("handler") as conn:
        conn.execute("SET idle_in_transaction_session_timeout = 0")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO audit_event (action) VALUES ('search')")


@pytest.mark.slow
def test_holding_the_chain_does_not_stop_other_desks(secure: SecureDb) -> None:
    """psql takes the chain early (the chain trigger is deferred to commit; SET CONSTRAINTS ... IMMEDIATE
    runs it at once), holds it open and disables its own timeout mid-transaction: the next desk's append
    waits a few seconds, ends the idle holder, and succeeds (the old advisory lock failed every desk)."""
    holder = secure.connect("handler")
    holder.autocommit = False
    holder.execute("SET CONSTRAINTS ALL IMMEDIATE")
    holder.execute("INSERT INTO audit_event (action) VALUES ('search')")
    holder.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
    holder_pid = holder.info.backend_pid
    start = time.monotonic()
    with secure.connect("duty") as conn:
        conn.execute("INSERT INTO audit_event (action, detail) VALUES ('search', 'after the holder')")
    waited = time.monotonic() - start
    assert waited < 10.5, waited
    with secure.owner.read() as s:
        from sqlalchemy import text

        assert s.execute(text("SELECT 1 FROM pg_stat_activity WHERE pid = :p"), {"p": holder_pid}).first() is None
    holder.close()
    assert audit_trail.verify(admin_ctx(secure)).ok


def test_an_open_transaction_does_not_hold_the_chain_until_it_commits(secure: SecureDb, tmp_path: Path) -> None:
    """The chain is linked at commit (a deferred trigger), so a desk's transaction that has written an
    audit row and not yet committed holds nobody up; its row is chained, gapless, when it commits."""
    before = head_seq(secure)
    open_tx = secure.connect("handler")
    open_tx.autocommit = False
    open_tx.execute("INSERT INTO audit_event (action, detail) VALUES ('search', 'first in, last out')")
    with secure.connect("duty") as conn:
        conn.execute("SET lock_timeout = '200ms'")  # would fail if the open transaction held audit_head
        conn.execute("INSERT INTO audit_event (action, detail) VALUES ('search', 'second in, first out')")
    open_tx.commit()
    open_tx.close()
    rows = audit_rows(secure, before)
    assert [r[0] for r in rows] == [before + 1, before + 2]
    assert [r[4] for r in rows] == ["second in, first out", "first in, last out"]  # commit order
    assert audit_trail.verify(admin_ctx(secure)).ok
    out = tmp_path / "audit.csv"  # the export follows the chain, not the ids (which are insert order)
    head = audit_trail.export(admin_ctx(secure), dt.datetime(2000, 1, 1, tzinfo=dt.UTC), out)
    with open(out, newline="", encoding="utf-8") as fh:
        exported = list(csv.DictReader(fh))
    details = [r["detail"] for r in exported]
    assert exported[-1]["hash"] == head
    assert details.index("second in, first out") < details.index("first in, last out")
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(exported, exported[1:], strict=False))


def test_a_desk_cannot_rewrite_a_pending_audit_row(secure: SecureDb) -> None:
    """The chain trigger may fill in the chain fields of its own transaction's pending rows; nobody else
    may update a row, pending or not, even in the same transaction."""
    with secure.connect("admin") as conn:  # admins read the trail, and still may not change it
        conn.autocommit = False
        conn.execute("INSERT INTO audit_event (action, detail) VALUES ('search', 'mine')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE audit_event SET detail = 'changed' WHERE seq IS NULL")
        conn.rollback()
    with secure.owner.write() as s:  # even the owner cannot (the trigger, not a grant, says no)
        from sqlalchemy import text

        s.execute(text("INSERT INTO audit_event (login, action) VALUES ('x', 'search')"))
        with pytest.raises(Exception, match="append-only"):
            s.execute(text("UPDATE audit_event SET detail = 'changed' WHERE seq IS NULL"))


def test_logname_does_not_change_who_a_postgres_desk_is(secure: SecureDb) -> None:
    env = dict(os.environ, LOGNAME=secure.logins["admin"], USER=secure.logins["admin"])
    env.pop("DUTYLINE_DB", None)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "dutyline",
            "--db",
            secure.url("handler"),
            "staff",
            "set-role",
            secure.logins["handler"],
            "--role",
            "admin",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 2 and "not allowed" in out.stderr, out.stderr
    rows = audit_rows(secure)
    assert (secure.logins["handler"], "manage_staff") in [(r[1], r[3]) for r in rows if r[3] == "manage_staff"]


def test_pins_are_checked_by_the_server_with_the_lockout_inside(secure: SecureDb) -> None:
    from dutyline.domain.pin import hash_pin
    from dutyline.services.staff import NotAuthorised, verify_pin

    me = secure.logins["handler"]
    with secure.connect("handler") as conn:
        assert conn.execute("SELECT dutyline_pin_set(%s, %s)", (me, hash_pin("2468"))).fetchone() == (True,)
        # another person's PIN: only an admin may set it
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT dutyline_pin_set(%s, %s)", (secure.logins["duty"], hash_pin("1111")))
    db = secure.database("handler")
    assert verify_pin(uow(db), me, "2468").login == me
    # A rolled-back check still counts: the attempt was committed before its result was known.
    with secure.connect("handler") as conn:
        conn.autocommit = False
        attempt = conn.execute("SELECT dutyline_pin_attempt('00')").fetchone()
        conn.commit()
        assert attempt is not None
        assert conn.execute("SELECT dutyline_pin_check(%s, 'x')", (attempt[0],)).fetchone() == ("wrong pin",)
        conn.rollback()
    for _ in range(4):
        with pytest.raises(NotAuthorised):
            verify_pin(uow(db), me, "0000")
    with pytest.raises(NotAuthorised, match="Too many"):
        verify_pin(uow(db), me, "2468")  # right PIN, but locked out
    with pytest.raises(NotAuthorised):
        verify_pin(uow(db), secure.logins["duty"], "1111")  # only the person signed in can unlock
    db.dispose()


def test_a_desk_cannot_log_work_under_someone_elses_name(secure: SecureDb, work: dict[str, int]) -> None:
    me = secure.logins["handler"]
    with secure.connect("handler") as conn:
        call = conn.execute(
            "INSERT INTO call (staff_login, started_at, duration_s, caller_kind, caller_name, caller_phone, "
            "caller_has_pr, verified_dob, verified_postcode, reason, notes, outcome, safeguarding, "
            "safeguarding_summary, referral_ref) VALUES ('someone_else', now(), 0, 'other', '', '', false, false, "
            "false, 'general_enquiry', '', 'resolved', false, '', '') RETURNING staff_login"
        ).fetchone()
        cb = conn.execute(
            "INSERT INTO callback (team_code, priority, reason, due_at, status, created_at, created_by, notes, "
            "escalated, contact_name, phone, preferred_time, attempts, version) VALUES ('front_door', 'standard', "
            "'general_enquiry', now(), 'open', now(), 'someone_else', '', false, '', '', '', 0, 1) "
            "RETURNING created_by"
        ).fetchone()
    assert call == (me,) and cb == (me,)


@pytest.mark.parametrize("who", DESKS)
def test_a_correction_is_a_new_row_the_call_is_never_rewritten(
    secure: SecureDb, work: dict[str, int], who: str
) -> None:
    """Saved calls are append-only for desks: UPDATE of a call is denied, a correction row is accepted,
    stamped with the desk's own login whatever it claims, and itself cannot be changed or deleted."""
    from dutyline.services.call_corrections import correct_call
    from dutyline.store.tables import CallCorrection

    me = secure.logins[who]
    if who != "admin":  # admins anonymise calls and their corrections under the retention schedule
        assert refused(secure, who, "UPDATE call SET notes = 'rewritten' WHERE id = %s", (work["call"],))
        assert refused(secure, who, "UPDATE call_correction SET notes = 'rewritten'")
    assert refused(secure, who, "DELETE FROM call_correction")
    with secure.connect(who) as conn:
        stamped = conn.execute(
            "INSERT INTO call_correction (call_id, staff_login, created_at, notes) "
            "VALUES (%s, 'someone_else', now(), 'psql correction') RETURNING staff_login",
            (work["call"],),
        ).fetchone()
    assert stamped == (me,)
    db = secure.database(who)
    ctx = make_context(db, actor=Actor(login=me, roles=frozenset({ROLE_OF_DESK[who]})))
    fix_id = correct_call(ctx, work["call"], "corrected through dutyline")
    db.dispose()
    with secure.owner.read() as s:
        fixes = s.execute(select(CallCorrection.id, CallCorrection.staff_login).order_by(CallCorrection.id)).all()
        call_notes = s.scalar(select(Call.notes).where(Call.id == work["call"]))
    assert [tuple(f) for f in fixes][-1] == (fix_id, me) and len(fixes) == 2
    assert call_notes != "rewritten"
    rows = audit_rows(secure)
    assert (me, "db_insert") in [(r[1], r[3]) for r in rows]
    assert (me, "correct_call", f"call={work['call']} correction={fix_id}") in [(r[1], r[3], r[4]) for r in rows]


def test_policy_versions_and_the_snapshot_key_are_audited_tables(secure: SecureDb) -> None:
    """An admin who writes a policy version with psql (not `policy apply`) is on the trail all the same,
    and the snapshot key's table is watched too (only the owner can write it)."""
    me = secure.logins["admin"]
    with secure.connect("admin") as conn:
        conn.execute(
            "INSERT INTO policy_version (applied_at, applied_by, source, sha256, size, text) "
            "VALUES (now(), 'someone', 'psql', %s, 0, '')",
            ("0" * 64,),
        )
    assert refused(secure, "admin", "UPDATE snapshot_key SET key = key")
    with secure.owner.write() as s:
        from sqlalchemy import text

        s.execute(text("UPDATE snapshot_key SET created_at = created_at"))
    rows = audit_rows(secure)
    assert any(r[1] == me and r[3] == "db_insert" and str(r[4]).startswith("policy_version rows=1") for r in rows)
    assert any(r[3] == "db_update" and str(r[4]).startswith("snapshot_key rows=1") for r in rows)
