"""`dutyline route` and `dutyline case` end to end, on SQLite and PostgreSQL (the `db` fixture)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dutyline.cli import main
from dutyline.domain.policy import load_policy, parse_policy
from dutyline.services.teams import sync_teams
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Team
from tests.case_helpers import add_case, add_exception, add_officer
from tests.contexts import uow

D = dt.date
POLICY = Path(__file__).parents[1] / "dutyline" / "policy" / "hertfordshire.toml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seeded(db: Database) -> Database:
    cover = add_officer(db, "Sam Cover", "sam.cover@example.org", "annual_review_east")
    named = add_officer(
        db,
        "Jo Named",
        "jo.named@example.org",
        "annual_review_west",
        cover_id=cover,
        absent_from=D(2026, 2, 1),
        absent_until=D(2026, 2, 28),
    )
    add_case(
        db,
        "HCC-100",
        stage="assessment",
        stage_since=D(2025, 11, 20),
        dob=D(2015, 3, 4),
        request_date=D(2025, 10, 14),
        officer_id=named,
        district="Watford",
    )
    plan = add_case(
        db,
        "HCC-200",
        stage="plan_issued",
        stage_since=D(2024, 2, 29),
        dob=D(2010, 8, 31),
        plan_issued_date=D(2024, 2, 29),
        officer_id=named,
        district="Stevenage",
        contacts=2,
    )
    add_exception(db, plan, "annual_review", "c")
    return db


def test_case_json_has_the_clock(seeded: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", seeded.url, "case", "HCC-100", "--as-of", "2026-01-15", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["case_ref"] == "HCC-100"
    assert data["child"]["date_of_birth"] == "2015-03-04" and data["child"]["age"] == 10
    assert data["stage"] == "assessment" and data["stage_since"] == "2025-11-20"
    assert data["named_officer"]["name"] == "Jo Named" and data["named_officer"]["team"] == "annual_review_west"
    assert data["acting_officer"]["name"] == "Jo Named" and data["acting_is_cover"] is False
    clock = data["clock"]
    assert clock["week"] == 14
    assert [(d["key"], d["due"], d["status"]) for d in clock["deadlines"]] == [
        ("decision_to_assess", "2025-11-25", "met"),
        ("no_issue_decision", "2026-02-03", "upcoming"),
        ("final_plan", "2026-03-03", "upcoming"),
    ]
    assert {"key", "label", "due", "status"} <= set(clock["deadlines"][0])
    assert clock["next"]["key"] == "no_issue_decision"


def test_case_shows_cover_and_decision_rights(seeded: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", seeded.url, "case", "HCC-200", "--as-of", "2026-02-10", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["acting_officer"]["name"] == "Sam Cover" and data["acting_is_cover"] is True
    assert data["acting_officer"]["team_name"] == "Annual Review East"
    assert data["decision_rights_young_person"] is False
    assert data["plan_ends"] == "2035-08-31"
    review = next(d for d in data["clock"]["deadlines"] if d["key"] == "annual_review")
    assert review["due"] == "2025-02-28" and review["status"] == "overdue"  # 29 Feb + 12 months
    assert review["exception"]["code"] == "c"
    assert len(data["contacts"]) == 2
    code, out, _ = run(capsys, "--db", seeded.url, "case", "HCC-200", "--as-of", "2026-09-01")
    assert code == 0
    assert "Acting now:" not in out  # officer back
    assert "the young person makes their own decisions" in out
    assert "Annual review" in out and "exception:" in out
    assert "Tell the family:" in out


def test_case_view_is_audited(seeded: Database, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--db", seeded.url, "case", "HCC-100", "--as-of", "2026-01-15")
    with seeded.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "view_case")) == 1


def test_unknown_case_and_bad_date(seeded: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", seeded.url, "case", "HCC-999")
    assert code == 2 and "No case with reference 'HCC-999'" in err
    code, _, err = run(capsys, "--db", seeded.url, "case", "HCC-100", "--as-of", "15/01/2026")
    assert code == 2 and "--as-of must be a date" in err


def test_route_json(seeded: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--db",
        seeded.url,
        "route",
        "--reason",
        "amendment_response",
        "--district",
        "watford",
        "--stage",
        "amendment",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"team", "team_name", "inbox", "explanation", "priority", "callback_due"}
    assert data["team"] == "annual_review_west" and data["priority"] == "standard"
    assert data["explanation"].startswith(
        "Annual Review West: the caller is responding to a draft amended plan, and Watford is in the West area"
    )
    due = dt.datetime.fromisoformat(data["callback_due"])
    assert due.tzinfo is not None and due > dt.datetime.now(dt.UTC)


def test_route_with_case_uses_its_officer(seeded: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--db",
        seeded.url,
        "route",
        "--reason",
        "officer_contact",
        "--case",
        "HCC-100",
        "--urgent",
        "medical_change",
        "--json",
    )
    data = json.loads(out)
    assert code == 0 and data["priority"] == "urgent"
    assert data["team"] == "annual_review_west" and "Jo Named (the named officer)" in data["explanation"]
    # an officer away with no return date: their cover's team takes the call
    cover = add_officer(seeded, "Al Cover", "al.cover@example.org", "provision_outcomes_placement")
    away = add_officer(
        seeded, "Pat Away", "pat.away@example.org", "front_door", cover_id=cover, absent_from=D(2020, 1, 1)
    )
    add_case(
        seeded,
        "HCC-300",
        stage="annual_review",
        stage_since=D(2025, 6, 1),
        dob=D(2012, 1, 1),
        last_review_date=D(2025, 6, 1),
        officer_id=away,
    )
    code, out, _ = run(
        capsys, "--db", seeded.url, "route", "--reason", "officer_contact", "--case", "hcc-300", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["team"] == "provision_outcomes_placement"
    assert "Al Cover (covering while the named officer is absent)" in data["explanation"]
    code, out, _ = run(capsys, "--db", seeded.url, "route", "--reason", "general_enquiry")
    assert code == 0 and "Assessment and SEND Front Door" in out and "not about a known case" in out


def test_route_errors(seeded: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", seeded.url, "route", "--reason", "complaint", "--urgent", "bored")
    assert code == 2 and "unknown urgent reason 'bored'" in err.lower()
    code, _, err = run(capsys, "--db", seeded.url, "route", "--reason", "complaint", "--district", "Luton")
    assert code == 2 and "unknown district" in err
    code, _, err = run(capsys, "--db", seeded.url, "route", "--reason", "complaint", "--case", "NOPE")
    assert code == 2 and "No case with reference 'NOPE'" in err


def test_broken_policy_refuses_to_start(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A desk's local --policy (SQLite only) is validated strictly; `policy apply` uses the same checks."""
    db = sqlite_db
    text = POLICY.read_text().replace("urgent_working_days = 1", "urgent_working_dayz = 1")
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), start=1) if t.startswith("urgent_working_dayz"))
    code, out, err = run(capsys, "--db", db.url, "--policy", str(bad), "route", "--reason", "complaint")
    assert code == 2 and out == ""
    assert str(bad) in err and f"line {line}: service_standards.urgent_working_dayz: unknown key" in err
    bad.write_text("[council\n")
    code, _, err = run(capsys, "--db", db.url, "--policy", str(bad), "case", "HCC-1")
    assert code == 2 and "not valid TOML" in err and "line 1" in err


def test_custom_policy_file_via_cli(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    custom = tmp_path / "council.toml"
    custom.write_text(
        POLICY.read_text().replace('name = "Resolution and Reconciliation"', 'name = "SEND Disagreements"')
    )
    sync_teams(uow(db), load_policy(None))  # as `dutyline init` leaves a new database
    monkeypatch.setenv("DUTYLINE_POLICY", str(custom))
    code, out, err = run(capsys, "--db", db.url, "route", "--reason", "complaint", "--json")
    if db.is_postgres:  # shared: every desk uses the stored policy; a local file is refused
        assert code == 2 and "SQLite desk only" in err
    else:  # one person's desk: their file is used for the run
        assert code == 0 and json.loads(out)["team_name"] == "SEND Disagreements"
    with db.read() as s:  # and never written to the shared team table
        assert s.scalar(select(Team.name).where(Team.code == "resolution")) == "Resolution and Reconciliation"


def test_sync_teams_is_idempotent_and_updates(db: Database) -> None:
    policy = load_policy(None)
    sync_teams(uow(db), policy)
    sync_teams(uow(db), policy)
    with db.read() as s:
        rows = {t.code: (t.name, t.inbox, t.area) for t in s.scalars(select(Team))}
    assert rows["annual_review_east"] == ("Annual Review East", "send.annualreview.east@hertfordshire.gov.uk", "east")
    assert len(rows) == len(policy.teams)
    changed = parse_policy(POLICY.read_text().replace('name = "Annual Review East"', 'name = "AR East"'), "x")
    sync_teams(uow(db), changed)
    with db.read() as s:
        assert s.scalar(select(Team.name).where(Team.code == "annual_review_east")) == "AR East"
        assert s.scalar(select(func.count()).select_from(Team)) == len(policy.teams)
