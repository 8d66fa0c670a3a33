"""Retention with a frozen clock: what is due, what is kept, one transaction, audit rows without content,
and (SQLite) no trace of the erased text left in the database file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from dutyline.domain.model import Role
from dutyline.services import retention
from dutyline.services.context import Actor, Context, PermissionDenied, ServiceError
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Call, Callback, Case, CaseException, Contact, Draft, Handoff

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
OLD_DOB = dt.date(1995, 3, 2)  # + 31 years = 2026-03-02, today: due
YOUNG_DOB = dt.date(2015, 6, 1)
CANARY = "Zzcanary Qxolotl"
CANARY_PHONE = "07700 900417"


class _Policy:
    def __init__(self, retention_table: dict[str, int]) -> None:
        self.retention = retention_table


def admin(db: Database, policy: object | None = None) -> Context:
    return Context(db=db, actor=Actor(login="ada", roles=frozenset({Role.ADMIN})), policy=policy, clock=lambda: NOW)


def add_case(db: Database, ref: str, dob: dt.date, stage: str = "plan_issued") -> int:
    with db.write() as s:
        case = Case(
            case_ref=ref,
            first_name="Zzcanary",
            last_name="Qxolotl",
            date_of_birth=dob,
            postcode="AL1 3AB",
            postcode_key="AL13AB",
            district="St Albans",
            stage=stage,
            stage_since=dt.date(2024, 1, 1),
        )
        case.contacts.append(Contact(name=f"{CANARY} Senior", phone=CANARY_PHONE, phone_key="07700900417"))
        s.add(case)
        s.flush()
        s.add(CaseException(case_id=case.id, deadline_key="final_plan", code="a", note=f"{CANARY} away"))
        return case.id


def add_call(db: Database, case_id: int | None, started: dt.datetime, *, open_callback: bool = False) -> int:
    with db.write() as s:
        call = Call(
            case_id=case_id,
            started_at=started,
            caller_name=CANARY,
            caller_phone=CANARY_PHONE,
            reason="general_enquiry",
            outcome="handed_off",
            notes=f"{CANARY} notes",
            safeguarding_summary=f"{CANARY} concern",
            referral_ref="REF-1",
        )
        s.add(call)
        s.flush()
        s.add(
            Handoff(
                call_id=call.id,
                case_id=case_id,
                team_code="front_door",
                due_at=started,
                status="done",
                proposed_team_code="front_door",
                notes=f"{CANARY} handoff",
                override_reason="x",
            )
        )
        s.add(
            Callback(
                call_id=call.id,
                case_id=case_id,
                team_code="front_door",
                due_at=started,
                status="open" if open_callback else "done",
                contact_name=CANARY,
                phone=CANARY_PHONE,
                notes=f"{CANARY} cb",
            )
        )
        return call.id


def add_draft(db: Database, login: str, updated: dt.datetime, case_id: int | None = None) -> int:
    with db.write() as s:
        d = Draft(login=login, desk="d", case_id=case_id, payload=f'{{"notes": "{CANARY}"}}', updated_at=updated)
        s.add(d)
        s.flush()
        return d.id


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    w = {
        "due": add_case(db, "EHC-DUE", OLD_DOB),
        "tribunal": add_case(db, "EHC-TRIB", OLD_DOB, "tribunal"),
        "mediation": add_case(db, "EHC-MED", OLD_DOB, "mediation"),
        "busy": add_case(db, "EHC-BUSY", OLD_DOB),
        "young": add_case(db, "EHC-YOUNG", YOUNG_DOB),
        "almost": add_case(db, "EHC-ALMOST", dt.date(1995, 3, 3)),  # due tomorrow
    }
    w["due_call"] = add_call(db, w["due"], NOW - dt.timedelta(days=10))
    w["busy_call"] = add_call(db, w["busy"], NOW - dt.timedelta(days=10), open_callback=True)
    w["old_call"] = add_call(db, None, NOW - dt.timedelta(days=3 * 365))
    w["recent_call"] = add_call(db, None, NOW - dt.timedelta(days=365))
    w["old_busy_call"] = add_call(db, None, NOW - dt.timedelta(days=3 * 365), open_callback=True)
    w["old_draft"] = add_draft(db, "a", NOW - dt.timedelta(days=31))
    w["new_draft"] = add_draft(db, "b", NOW - dt.timedelta(days=1))
    w["due_draft"] = add_draft(db, "c", NOW - dt.timedelta(days=1), case_id=w["due"])
    return w


def snapshot(db: Database) -> dict[str, int]:
    with db.read() as s:
        return {
            m.__name__: int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Case, Contact, CaseException, Call, Draft, Handoff, Callback)
        }


def test_dry_run_lists_what_is_due_and_changes_nothing(db: Database, world: dict[str, int]) -> None:
    before = snapshot(db)
    plan = retention.plan(admin(db))
    assert plan.cases == [(world["due"], "EHC-DUE")]
    assert plan.case_calls == [world["due_call"]]
    assert plan.calls == [world["old_call"]]
    assert plan.drafts == [world["old_draft"], world["due_draft"]]
    assert plan.kept_disagreement == [(world["tribunal"], "EHC-TRIB"), (world["mediation"], "EHC-MED")]
    assert plan.kept_open_work == [(world["busy"], "EHC-BUSY")] and plan.kept_calls_open_work == 1
    assert snapshot(db) == before
    with db.read() as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last is not None and (last.action, last.outcome) == ("retention", "dry_run")
    assert last.detail == "cases=1 case_calls=1 calls=1 drafts=2 kept=4"


def test_apply_erases_anonymises_and_audits_each_record(db: Database, world: dict[str, int]) -> None:
    before = snapshot(db)
    retention.apply(admin(db))
    after = snapshot(db)
    assert after["Case"] == before["Case"] - 1 and after["Contact"] == before["Contact"] - 1
    assert after["CaseException"] == before["CaseException"] - 1
    assert after["Call"] == before["Call"] and after["Draft"] == before["Draft"] - 2
    with db.read() as s:
        for call_id in (world["due_call"], world["old_call"]):
            call = s.get(Call, call_id)
            assert call is not None and call.case_id is None and call.reason == "general_enquiry"
            assert (call.notes, call.caller_name, call.caller_phone, call.safeguarding_summary, call.referral_ref) == (
                "",
                "",
                "",
                "",
                "",
            )
            handoff = s.scalar(select(Handoff).where(Handoff.call_id == call_id))
            callback = s.scalar(select(Callback).where(Callback.call_id == call_id))
            assert handoff is not None and handoff.notes == "" and handoff.version >= 2
            assert callback is not None and (callback.phone, callback.contact_name, callback.notes) == ("", "", "")
        kept = s.get(Call, world["recent_call"])
        assert kept is not None and kept.notes == f"{CANARY} notes"
        assert s.get(Case, world["tribunal"]) is not None and s.get(Case, world["busy"]) is not None
        rows = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "retention").order_by(AuditEvent.id)))
    assert [(r.case_id, r.outcome, r.detail) for r in rows] == [
        (world["due"], "erased", "case deleted"),
        (None, "anonymised", f"call={world['due_call']} case erased"),
        (None, "anonymised", f"call={world['old_call']} no case"),
        (None, "erased", f"draft={world['old_draft']}"),
        (None, "erased", f"draft={world['due_draft']}"),
        (None, "applied", "cases=1 case_calls=1 calls=1 drafts=2 kept=4"),
    ]
    assert not any(CANARY.split()[0] in r.detail for r in rows)
    again = retention.apply(admin(db))
    assert again.total == 0 and snapshot(db) == after


def test_apply_is_one_transaction(db: Database, world: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(db)
    calls = {"n": 0}
    real = Context.audit

    def failing_audit(self: Context, *args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        real(self, *args, **kwargs)  # type: ignore[arg-type]  # passes on exactly what it was given

    monkeypatch.setattr(Context, "audit", failing_audit)
    with pytest.raises(RuntimeError):
        retention.apply(admin(db))
    assert snapshot(db) == before
    with db.read() as s:
        assert s.get(Call, world["due_call"]).notes == f"{CANARY} notes"  # type: ignore[union-attr]  # None fails too


def test_periods_come_from_the_policy(db: Database, world: dict[str, int]) -> None:
    plan = retention.plan(admin(db, _Policy({"case_years_after_birth": 45, "draft_days": 60})))
    assert plan.cases == [] and plan.drafts == [] and plan.calls == [world["old_call"]]
    plan = retention.plan(admin(db, _Policy({"call_without_case_years": 4})))
    assert plan.calls == []
    for bad in ({"case_years": 31}, {"draft_days": 0}, {"case_years_after_birth": "31"}):
        with pytest.raises(ServiceError, match=r"policy \[retention\]"):
            retention.plan(admin(db, _Policy(bad)))  # type: ignore[arg-type]  # bad types are the test


def test_only_admins_run_retention(db: Database, world: dict[str, int]) -> None:
    ctx = Context(db=db, actor=Actor(login="mo", roles=frozenset({Role.TEAM_MANAGER})), clock=lambda: NOW)
    before = snapshot(db)
    for fn in (retention.plan, retention.apply):
        with pytest.raises(PermissionDenied):
            fn(ctx)
    assert snapshot(db) == before


@given(
    dob=st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31)),
    today=st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)),
    years=st.integers(18, 60),
)
def test_due_date_and_query_cutoff_agree(dob: dt.date, today: dt.date, years: int) -> None:
    """The SQL filter (dob <= cutoff) selects exactly the cases whose due date has come, leap days included."""
    assert (dob <= retention.years_before(today, years)) == (retention.case_due_date(dob, years) <= today)


def test_leap_day_birthday_is_due_on_first_of_march() -> None:
    assert retention.case_due_date(dt.date(2008, 2, 29), 31) == dt.date(2039, 3, 1)
    assert retention.case_due_date(dt.date(2008, 2, 29), 32) == dt.date(2040, 2, 29)


def test_erased_text_is_not_left_in_the_sqlite_file(sqlite_db: Database) -> None:
    db = sqlite_db  # SQLite only: a byte-level check of the database file
    case_id = add_case(db, "EHC-GONE", OLD_DOB)
    add_call(db, case_id, NOW - dt.timedelta(days=3))
    path = Path(str(db.path))

    def file_bytes() -> bytes:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))

    assert CANARY.encode() in file_bytes() and b"07700900417" in file_bytes()  # the check can see it
    retention.apply(admin(db))
    data = file_bytes()
    for needle in (CANARY.encode(), b"Qxolotl", CANARY_PHONE.encode(), b"07700900417"):
        assert needle not in data, needle
