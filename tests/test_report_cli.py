"""`dutyline report …` on both backends: the same figures as the service, as JSON, text and a safe CSV."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from dutyline.cli import cmd_report, common, main
from dutyline.services.context import Context
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Call, Handoff, Staff
from tests.reports_data import NOW, seed


@pytest.fixture
def cli_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    seed(db)
    with db.write() as s:
        s.add(Staff(login="mona", display_name="Mona", roles="team_manager", teams="front_door"))
        s.add(Staff(login="dora", display_name="Dora", roles="duty_officer", teams="front_door"))
    monkeypatch.setattr("dutyline.cli.common.os_login", lambda: "mona")
    real_open = common.open_context  # what cmd_report imported

    def at_now(*args: object, **kw: object) -> Context:
        ctx = real_open(*args, **kw)  # type: ignore[arg-type]  # passes on what cmd_report gave it
        ctx.clock = lambda: NOW
        return ctx

    monkeypatch.setattr(cmd_report, "open_context", at_now)
    return db


def run_json(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    capsys.readouterr()
    assert main(["--db", url, "report", *args, "--from", "2026-11-16", "--to", "2026-11-27", "--json"]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def test_promises_json_top_level(cli_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(cli_db.url, capsys, "promises", "--all")
    five = ("kept_on_time", "kept_late", "broken", "cancelled", "open_not_yet_due")
    assert [data[k] for k in ("total_due", *five)] == [9, 2, 2, 1, 1, 3]
    assert sum(data[k] for k in five) == data["total_due"]  # type: ignore[misc]
    assert data["on_time_rate"] == pytest.approx(0.4)
    by_team = data["by_team"]
    assert isinstance(by_team, dict) and by_team["resolution"]["broken"] == 1
    for key in ("by_officer", "by_reason", "by_urgency", "return_time", "trend", "due_soon", "overdue"):
        assert key in data
    assert data["return_time"] == {"n": 2, "p50_hours": 10.0, "p90_hours": 20.0}


def test_promises_json_one_team(cli_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(cli_db.url, capsys, "promises", "--team", "resolution")
    assert (data["team"], data["total_due"], data["broken"]) == ("resolution", 2, 1)


def test_calls_json(cli_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(cli_db.url, capsys, "calls")
    assert data["total_calls"] == 6
    assert data["first_contact_resolution"] == {"n": 1, "of": 6, "rate": pytest.approx(1 / 6)}
    assert data["complaint_rate"][-1]["rate"] == 50.0  # type: ignore[index]


def test_text_output_and_refusal(
    cli_db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["--db", cli_db.url, "report", "promises", "--from", "2026-11-16", "--to", "2026-11-27"]) == 0
    out = capsys.readouterr().out
    assert "Due 9: kept on time 2, kept late 2, BROKEN 1" in out and "OVERDUE 8.8 wd" in out
    monkeypatch.setattr("dutyline.cli.common.os_login", lambda: "dora")
    assert main(["--db", cli_db.url, "report", "calls"]) == 2
    assert "not allowed" in capsys.readouterr().err
    assert main(["--db", cli_db.url, "report", "calls", "--from", "2026-13-01"]) == 2


def test_csv_is_private_quoted_and_formula_safe(cli_db: Database, tmp_path: Path) -> None:
    with cli_db.write() as s:
        call = s.scalars(select(Call).where(Call.reason == "new_request").order_by(Call.started_at.desc())).first()
        assert call is not None
        row = s.scalars(select(Handoff).where(Handoff.call_id == call.id)).one()
        row.override_reason = '=HYPERLINK("http://x")'
    out = tmp_path / "calls.csv"
    assert (
        main(["--db", cli_db.url, "report", "calls", "--from", "2026-11-16", "--to", "2026-11-27", "--csv", str(out)])
        == 0
    )
    assert os.stat(out).st_mode & 0o777 == 0o600
    text = out.read_text(encoding="utf-8")
    assert all(line.startswith('"') and line.endswith('"') for line in text.splitlines())
    rows = dict(csv.reader(text.splitlines()))
    assert rows["total_calls"] == "6"
    assert rows["overrides.reasons.1.key"] == '\'=HYPERLINK("http://x")'
    with cli_db.read() as s:
        details = list(s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "team_report")))
    assert any(d.startswith("export:calls rows:") for d in details)
