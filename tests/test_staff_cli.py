"""`dutyline staff`, `dutyline audit` and `dutyline retention` as an admin runs them (real processes)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select, text

from dutyline.services.context import os_login
from dutyline.services.staff import verify_pin
from dutyline.store.engine import Database
from dutyline.store.pg_audit_sql import restore_sqlite_triggers
from dutyline.store.tables import Call, Case
from tests.test_privacy import Runner


def test_staff_commands(db: Database, tmp_path: Path) -> None:
    run = Runner(tmp_path / "home", db.url)
    me = os_login()
    refused = run("staff", "add", "hana", "--name", "Hana", "--role", "call_handler", ok=False)
    assert "no active admin" in refused.stderr  # bootstrap: the first person must be an admin
    assert run("staff", "add", me, "--name", "Me", "--role", "admin").stdout.startswith(f"{me}: active")
    out = run(
        "staff", "add", "hana", "--name", "Hana \x1b[31mHandler", "--role", "call_handler", "--team", "front_door"
    )
    assert out.stdout == "hana: active; roles call_handler; teams front_door\n"
    bad = run("staff", "add", "dom", "--name", "Dom", "--role", "duty_officer", "--team", "nowhere", ok=False)
    assert "unknown team 'nowhere'" in bad.stderr and bad.returncode == 2
    run("staff", "set-role", "hana", "--role", "duty_officer", "--role", "call_handler")
    run("staff", "set-team", "hana", "--team", "annual_review_east", "--team", "front_door")
    run("staff", "set-pin", "hana", stdin="2468\n")
    listed = json.loads(run("staff", "list", "--json").stdout)
    assert listed[0] == {
        "login": "hana",
        "name": "Hana Handler",
        "roles": ["call_handler", "duty_officer"],
        "teams": ["annual_review_east", "front_door"],
        "active": True,
        "pin_set": True,
    }
    table = run("staff", "list").stdout
    assert "\x1b" not in table and "Hana Handler" in table
    assert verify_pin(db, "hana", "2468").login == "hana"
    run("staff", "disable", "hana")
    assert "DISABLED" in run("staff", "list").stdout
    run("staff", "enable", "hana")
    run("staff", "set-pin", stdin="1357\n")  # my own PIN
    assert verify_pin(db, me, "1357").login == me
    assert "4 to 12 digits" in run("staff", "set-pin", stdin="12\n", ok=False).stderr
    run("staff", "set-role", "hana", "--role", "admin")
    run("staff", "disable", me)  # hana is an admin now, so this is allowed
    locked_out = run("staff", "list", ok=False)
    assert f"'{me}' is not an active dutyline user" in locked_out.stderr


def test_audit_commands_catch_tampering(db: Database, tmp_path: Path) -> None:
    run = Runner(tmp_path / "home", db.url)
    run("retention", "--dry-run")
    run("retention", "--dry-run")
    head = run("audit", "export", "--since", "2000-01-01", "--out", str(tmp_path / "a.csv")).stdout.strip()
    assert "intact:" in run("audit", "verify", "--head", head).stdout
    unguard(db)
    with db.engine.begin() as conn:
        first = conn.execute(text("SELECT min(id) FROM audit_event")).scalar_one()
        head_id = conn.execute(text("SELECT id FROM audit_event WHERE hash = :h"), {"h": head}).scalar_one()
        conn.execute(text("DELETE FROM audit_event WHERE id >= :id"), {"id": head_id})
    reguard(db)
    cut = run("audit", "verify", "--head", head, ok=False)  # the kept head hash sees the cut tail...
    assert cut.returncode == 1 and "head hash is not in the chain" in cut.stderr
    assert "rows were removed" in cut.stderr  # ...and so does the head record
    assert "BROKEN" in run("audit", "verify", ok=False).stderr  # later rows no longer link up
    unguard(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET outcome = 'ok' WHERE id = :id"), {"id": first})
    reguard(db)
    broken = run("audit", "verify", ok=False)
    assert broken.returncode == 1 and f"BROKEN at row {first}" in broken.stderr


def unguard(db: Database) -> None:
    """Switch the audit table's protection off, as someone with the owner's rights could."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_delete")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_update")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER ALL")


def reguard(db: Database) -> None:
    """Protection back on (as the tamperer would leave it, so nothing but the rows tells)."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            restore_sqlite_triggers(conn)
        else:
            conn.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER ALL")


def test_retention_commands(db: Database, tmp_path: Path) -> None:
    home = tmp_path / "home"
    run = Runner(home, db.url)
    with db.write() as s:
        old = Case(
            case_ref="EHC-OLD",
            first_name="A",
            last_name="B",
            date_of_birth=dt.date(1980, 1, 1),
            postcode="AL1 3AB",
            postcode_key="AL13AB",
            district="St Albans",
            stage="ceased",
            stage_since=dt.date(2000, 1, 1),
        )
        s.add(old)
        s.flush()
        s.add(Call(case_id=old.id, reason="general_enquiry", outcome="resolved", notes="old notes"))
    (home / "search").mkdir(parents=True)
    (home / "search" / "index-abc.npz").write_bytes(b"names")
    dry = run("retention", "--dry-run")
    assert "Due: 1 case(s) (with 1 call(s) anonymised)" in dry.stdout and "cases: EHC-OLD" in dry.stdout
    assert "confirm with the council's schedule" in dry.stderr
    applied = run("retention", "--apply")
    assert "Erased/anonymised: 1 case(s)" in applied.stdout and "Removed 1 search index snapshot" in applied.stderr
    assert not (home / "search" / "index-abc.npz").exists()
    with db.read() as s:
        assert s.scalar(select(Case.id)) is None and s.scalar(select(Call.notes)) == ""
    assert "Due: 0 case(s)" in run("retention", "--dry-run").stdout
