"""Saved calls are append-only: a correction is a new row that supersedes the call's notes, both are
shown, the call itself never changes; retention blanks corrections with their call. Both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from dutyline.domain.call_form import build_call_form
from dutyline.domain.model import Role
from dutyline.services import calls, retention
from dutyline.services.call_corrections import calls_of_case, correct_call
from dutyline.services.context import PermissionDenied, ServiceError
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Call, CallCorrection
from tests.contexts import make_context
from tests.test_calls_service import form
from tests.ui.seed import Seeded, handler_ctx, seed


def logged(db: Database, s: Seeded, notes: str = "Mum said the school is Oak Hill.") -> int:
    return calls.log_call(handler_ctx(db), build_call_form(form(s, notes=notes))).call_id


def test_a_correction_supersedes_the_notes_and_keeps_the_call_as_it_was(db: Database) -> None:
    s = seed(db)
    call_id = logged(db, s)
    first = correct_call(handler_ctx(db, "omar"), call_id, "Mum said the school is Oak Hall, not Oak Hill.")
    second = correct_call(handler_ctx(db), call_id, "Oak Hall Primary.\n\x1b[31mSecond line\x07")
    assert second > first
    with db.read() as session:
        row = session.get(Call, call_id)
        assert row is not None and row.notes == "Mum said the school is Oak Hill."  # never updated
        fixes = list(session.scalars(select(CallCorrection).order_by(CallCorrection.id)))
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "correct_call")).all()
    assert [(f.call_id, f.staff_login) for f in fixes] == [(call_id, "omar"), (call_id, "hana")]
    assert fixes[1].notes == "Oak Hall Primary.\nSecond line"  # escapes and control characters gone
    assert [a.detail for a in audit] == [f"call={call_id} correction={first}", f"call={call_id} correction={second}"]
    assert all(a.case_id == s.olivia and "Oak" not in a.detail for a in audit)  # ids only
    record = calls.recent_calls(handler_ctx(db), s.olivia)[0]
    assert record.notes == "Mum said the school is Oak Hill."
    assert [c.staff_login for c in record.corrections] == ["omar", "hana"]
    assert record.current_notes == "Oak Hall Primary.\nSecond line"
    listed = calls_of_case(handler_ctx(db), "HCC-0001", 5)
    assert listed[0].corrections == record.corrections


def test_corrections_refuse_empty_notes_unknown_calls_and_people_without_the_right(db: Database) -> None:
    s = seed(db)
    call_id = logged(db, s)
    with pytest.raises(ServiceError, match="corrected notes"):
        correct_call(handler_ctx(db), call_id, " \n\x1b[0m ")
    with pytest.raises(ServiceError, match=f"no call {call_id + 99}"):
        correct_call(handler_ctx(db), call_id + 99, "x")
    with pytest.raises(ServiceError, match="Shorten"):
        correct_call(handler_ctx(db), call_id, "x" * 20_001)
    with pytest.raises(PermissionDenied):
        correct_call(handler_ctx(db, "nobody", roles=frozenset()), call_id, "x")
    with db.read() as session:
        assert session.scalars(select(CallCorrection)).all() == []


def test_retention_blanks_corrections_with_their_call(db: Database) -> None:
    s = seed(db)
    old = logged(db, s)
    with db.write() as session:  # a call about no case, long ago
        row = session.get(Call, old)
        assert row is not None
        row.case_id, row.caller_contact_id = None, None
        row.started_at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    correct_call(handler_ctx(db), old, "Zzcanary corrected")
    admin = make_context(db, actor=handler_ctx(db, "ada", roles=frozenset({Role.ADMIN})).actor)
    assert retention.apply(admin).total >= 1
    with db.read() as session:
        assert [c.notes for c in session.scalars(select(CallCorrection))] == [""]
    # A correction written after the call was anonymised makes it due again: no personal text outlives it.
    correct_call(handler_ctx(db), old, "Zzcanary again")
    assert retention.apply(admin).total >= 1
    with db.read() as session:
        assert [c.notes for c in session.scalars(select(CallCorrection))] == ["", ""]


def test_cli_lists_calls_and_corrects_one(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    from dutyline.cli import main

    s = seed(db)
    call_id = logged(db, s, notes="Said Tuesday")
    with db.write() as session:  # the tests' OS login as a handler (an empty staff table is first-user admin)
        from dutyline.services.context import os_login
        from dutyline.store.tables import Staff

        if session.scalar(select(Staff).where(Staff.login == os_login())) is None:
            session.add(Staff(login=os_login(), display_name="Me", roles="call_handler", teams=""))
    url = db.url
    assert main(["--db", url, "call", "correct", str(call_id), "--notes", "Said Thursday"]) == 0
    out = capsys.readouterr().out
    assert f"Call {call_id} corrected" in out and "superseded" in out
    assert main(["--db", url, "call", "list", "HCC-0001"]) == 0
    out = capsys.readouterr().out
    assert out.index("Said Thursday") < out.index("SUPERSEDED") < out.index("Said Tuesday")
    assert main(["--db", url, "call", "correct", "999999", "--notes", "x"]) == 2
    assert "no call 999999" in capsys.readouterr().err
    assert main(["--db", url, "call", "list", "HCC-0002"]) == 0
    assert "No calls logged on this case in " in capsys.readouterr().err


def test_a_quality_reviewer_reads_the_corrected_note_and_the_superseded_one(db: Database) -> None:
    """The reviewer scored the note as first saved, not knowing it had been corrected; the record now
    carries the corrections and the review screen shows the current note first, the original marked."""
    from dutyline.store.quality_repo import call_record
    from dutyline.ui.workspace.review import record_text

    s = seed(db)
    call_id = logged(db, s, notes="Told mum the plan is due [b]Friday[/b].")
    correct_call(handler_ctx(db, "omar"), call_id, "Told mum the final plan is due 3 March.")
    with db.read() as session:
        record = call_record(session, "call", call_id, dt.timedelta(days=14))
    assert record is not None and [c.notes for c in record.corrections] == ["Told mum the final plan is due 3 March."]
    text = record_text(record).plain
    assert text.index("Told mum the final plan is due 3 March.") < text.index("As first saved (SUPERSEDED)")
    assert "Told mum the plan is due [b]Friday[/b]." in text  # user text as data, never markup
    assert "by omar" in text and "A listed contact" in text and "Asking how the assessment is going" in text
