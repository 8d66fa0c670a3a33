"""`dutyline callbacks …` as the current user, on SQLite and PostgreSQL: list, claim, complete, release,
and the CLI lease rule (same login while the lease is live; refused once someone else holds it)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from dutyline.cli import main
from dutyline.services import queue
from dutyline.store.engine import Database
from dutyline.store.tables import Call, Callback, Staff
from tests.test_queue_support import add_callback, add_case, add_handoff, context, seed_teams


@pytest.fixture
def cli_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    seed_teams(db)
    with db.write() as s:
        s.add(Staff(login="dora", display_name="Dora", roles="duty_officer", teams="front_door"))
        s.add(Staff(login="ed", display_name="Ed", roles="duty_officer", teams="front_door"))
        s.add(Staff(login="hana", display_name="Hana", roles="call_handler", teams=""))
    monkeypatch.setattr("dutyline.cli.common.os_login", lambda: "dora")
    return db


def as_user(monkeypatch: pytest.MonkeyPatch, login: str) -> None:
    monkeypatch.setattr("dutyline.cli.common.os_login", lambda: login)


def test_list_claim_complete(
    cli_db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    now = dt.datetime.now(dt.UTC)
    with cli_db.write() as s:
        case = add_case(s, first="Olivia", last="Smith")
        late = add_callback(s, case=case, due=now - dt.timedelta(days=3)).id
        later = add_callback(s, due=now + dt.timedelta(days=10)).id
        ho = add_handoff(s, due=now + dt.timedelta(days=5)).id
    url = cli_db.url
    assert main(["--db", url, "callbacks", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["key"] for r in rows] == [f"callback:{late}", f"handoff:{ho}", f"callback:{later}"]
    assert rows[0]["overdue"] and rows[0]["child"] == "Olivia Smith" and rows[0]["case_ref"].startswith("EHC-")
    assert main(["--db", url, "callbacks", "claim", str(late)]) == 0
    assert f"Claimed callback:{late}" in capsys.readouterr().out

    as_user(monkeypatch, "ed")
    assert main(["--db", url, "callbacks", "claim", f"callback:{late}"]) == 2
    assert "claimed by dora" in capsys.readouterr().err
    assert main(["--db", url, "callbacks", "complete", str(late), "--outcome", "resolved"]) == 2
    assert "claimed by dora" in capsys.readouterr().err

    as_user(monkeypatch, "dora")
    assert main(["--db", url, "callbacks", "list"]) == 0
    text = capsys.readouterr().out
    assert "OVERDUE" in text and "[yours]" in text
    assert main(["--db", url, "callbacks", "complete", str(late), "--outcome", "resolved", "--notes", "done"]) == 0
    assert "logged as call" in capsys.readouterr().out
    with cli_db.read() as s:
        row = s.get(Callback, late)
        assert row is not None and (row.status, row.completed_by) == ("done", "dora")
        assert s.scalar(select(Call.staff_login).where(Call.callback_id == late)) == "dora"


def test_release_and_token_rule(
    cli_db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with cli_db.write() as s:
        cb = add_callback(s, due=dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).id
    url = cli_db.url
    assert main(["--db", url, "callbacks", "claim", str(cb), "--json"]) == 0
    token = json.loads(capsys.readouterr().out)["token"]
    assert main(["--db", url, "callbacks", "release", str(cb), "--token", "wrong"]) == 2
    capsys.readouterr()
    assert main(["--db", url, "callbacks", "release", str(cb), "--token", token]) == 0
    assert main(["--db", url, "callbacks", "release", str(cb)]) == 2
    assert "nobody holds" in capsys.readouterr().err
    # A lapsed lease: the CLI rule refuses the late completion too.
    dora = context(cli_db, "dora")
    dora.clock = lambda: dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    queue.claim(dora, "callback", cb)  # stamped an hour ago: its 15-minute lease has lapsed
    assert main(["--db", url, "callbacks", "complete", str(cb), "--outcome", "resolved"]) == 2
    assert "lapsed" in capsys.readouterr().err


def test_bad_id_and_handler_refused(
    cli_db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["--db", cli_db.url, "callbacks", "claim", "Olivia"]) == 2
    assert "ID must be" in capsys.readouterr().err
    as_user(monkeypatch, "hana")
    assert main(["--db", cli_db.url, "callbacks", "list"]) == 2
    assert "not allowed" in capsys.readouterr().err
