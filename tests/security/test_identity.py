"""Identity comes from the kernel (SQLite) or the server (PostgreSQL), never from the environment; hostile
logins are refused, audited and echoed safely (docs/PRIVACY.md, C11)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from dutyline.domain.text import LOGIN_MAX
from dutyline.services.context import os_login
from dutyline.services.staff import NotAuthorised, resolve_actor
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Staff


def _run(db: Database, home: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, DUTYLINE_HOME=str(home), **env)
    full.pop("DUTYLINE_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "dutyline", "--db", db.url, *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=120,
    )


def test_logname_and_user_do_not_make_a_handler_an_admin(sqlite_db: Database, tmp_path: Path) -> None:
    me = os_login()  # the kernel's login for this process: a call handler here
    with sqlite_db.write() as s:
        s.add(Staff(login="boss", display_name="Boss", roles="admin"))
        s.add(Staff(login=me, display_name="Me", roles="call_handler"))
    out = _run(
        sqlite_db,
        tmp_path / "home",
        "staff",
        "set-role",
        me,
        "--role",
        "admin",
        env={"LOGNAME": "boss", "USER": "boss", "LNAME": "boss", "USERNAME": "boss"},
    )
    assert out.returncode == 2 and "not allowed" in out.stderr, out.stderr
    with sqlite_db.read() as s:
        assert s.scalar(select(Staff.roles).where(Staff.login == me)) == "call_handler"
        refused = s.execute(select(AuditEvent.login, AuditEvent.outcome).order_by(AuditEvent.id.desc())).first()
    assert refused is not None and tuple(refused) == (me, "refused")


def test_os_login_ignores_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real = os_login()
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(var, "someone_else")
    assert os_login() == real != "someone_else"


def test_a_hostile_login_is_refused_audited_and_echoed_safely(db: Database) -> None:
    with db.write() as s:
        s.add(Staff(login="boss", display_name="Boss", roles="admin"))
    hostile = "\x1b[31m\x1b]0;pwned\x07" + "x" * 5000
    try:
        resolve_actor(db, hostile)
    except NotAuthorised as exc:
        message = str(exc)
    else:
        raise AssertionError("a hostile login was let in")
    assert "\x1b" not in message and "\x07" not in message and len(message) < 400
    with db.read() as s:
        row = s.execute(select(AuditEvent.login, AuditEvent.outcome).order_by(AuditEvent.id.desc())).first()
    assert row is not None and row.outcome == "refused"
    assert len(row.login) <= LOGIN_MAX and "\x1b" not in row.login and row.login.startswith("xxx")
