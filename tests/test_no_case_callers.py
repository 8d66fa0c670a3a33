"""Calls with no case (issue 12): the child as structured fields, checked in words, and the caller found
again by number (whole or last digits) or by the caller's or child's name, with their calls."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from dutyline.cli import main
from dutyline.domain.call_draft import CallDraft, ChildDetails
from dutyline.domain.call_form import FormProblems
from dutyline.domain.model import CallerKind, Outcome, Reason
from dutyline.services import calls
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Call
from tests.ui.seed import NOW, handler_ctx, seed


def no_case(**over: object) -> CallDraft:
    draft = CallDraft(
        started_at=NOW - dt.timedelta(minutes=3),
        caller_kind=CallerKind.OTHER,
        caller_name="Joanne Whitfield",
        caller_phone="07700 900 456",
        reason=Reason.NEW_REQUEST,
        outcome=Outcome.RESOLVED,
        notes="Asked how to request an assessment.",
        child=ChildDetails(name="Kai Whitfield", date_of_birth="3/7/2016", postcode="al13ab", district="St Albans"),
    )
    for k, v in over.items():
        setattr(draft, k, v)
    return draft


def test_no_case_call_stores_the_child_as_fields(db: Database) -> None:
    seed(db)
    logged = calls.log_call(handler_ctx(db), no_case().to_form())
    with db.read() as session:
        row = session.get(Call, logged.call_id)
        assert row is not None
        assert (row.child_name, row.child_dob, row.child_postcode, row.child_district) == (
            "Kai Whitfield",
            dt.date(2016, 7, 3),
            "AL1 3AB",
            "St Albans",
        )
        assert row.caller_phone_digits == "07700900456"


@pytest.mark.parametrize(
    ("field", "typed", "words"),
    [
        ("date_of_birth", "31/02/2016", "day/month/year"),
        ("date_of_birth", "3/7/2031", "in the future"),
        ("postcode", "ZZ9", "not a UK postcode"),
    ],
)
def test_child_details_are_checked_in_words(field: str, typed: str, words: str) -> None:
    draft = no_case()
    assert draft.child is not None
    setattr(draft.child, field, typed)
    with pytest.raises(FormProblems) as exc:
        draft.to_form()
    assert any(words in p for p in exc.value.problems) and not any(typed in p for p in exc.value.problems)


def test_a_caller_number_that_cannot_be_dialled_is_refused() -> None:
    with pytest.raises(FormProblems, match="cannot be dialled"):
        no_case(caller_phone="0770").to_form()


def test_a_caller_with_no_case_is_found_again_with_their_calls(db: Database) -> None:
    seed(db)
    ctx = handler_ctx(db)
    first = calls.log_call(ctx, no_case().to_form())
    second = calls.log_call(ctx, no_case(caller_phone="+44 7700 900456", child=None, notes="Rang back").to_form())
    calls.log_call(ctx, no_case(caller_name="Someone Else", caller_phone="01442 123456", child=None).to_form())
    by_number = calls.find_callers(ctx, "07700900456")
    assert len(by_number) == 1 and [c.id for c in by_number[0].calls] == [second.call_id, first.call_id]
    assert by_number[0].matched == ("phone",)
    assert [c.id for c in calls.find_callers(ctx, "900456")[0].calls] == [second.call_id, first.call_id]
    by_child = calls.find_callers(ctx, "kai whitfield")
    assert len(by_child) == 1 and "child" in by_child[0].matched
    assert {c.id for c in by_child[0].calls} == {first.call_id, second.call_id}, "the number's whole history"
    assert calls.find_callers(ctx, "joanne")[0].first("child_name") == "Kai Whitfield"
    assert calls.find_callers(ctx, "nobody here") == []
    with db.read() as session:
        details = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "search")).all()
    assert "no_case_callers=1" in details and not any("whitfield" in d.casefold() for d in details)


def test_cli_search_lists_callers_who_rang_before_without_changing_the_case_array(
    db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(db)
    logged = calls.log_call(handler_ctx(db), no_case().to_form())
    monkeypatch.setattr("dutyline.cli.common.os_login", lambda: "hana")
    assert main(["--db", db.url, "search", "07700 900456", "--json", "--callers"]) == 0
    first, second = capsys.readouterr().out.strip().splitlines()
    assert isinstance(json.loads(first), list), "the case array comes first, as before"
    (caller,) = json.loads(second)["no_case_callers"]
    assert caller["child_name"] == "Kai Whitfield" and caller["child_date_of_birth"] == "2016-07-03"
    assert [c["call_id"] for c in caller["calls"]] == [logged.call_id] and caller["matched"] == ["phone"]
    assert main(["--db", db.url, "search", "07700 900456", "--json"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1, "no extra line without --callers"
    assert main(["--db", db.url, "search", "whitfield", "--callers"]) == 0
    assert "Joanne Whitfield 07700 900 456 about Kai Whitfield: 1 call" in capsys.readouterr().out
