"""No lost updates (docs/RELIABILITY.md, B2): the second save of the same version fails, showing what changed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from dutyline.domain.model import Role
from dutyline.services import queue
from dutyline.services.case_edit import edit_callback, edit_case
from dutyline.services.context import Conflict, PermissionDenied, ServiceError
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Callback, Case, Officer
from tests.test_queue_support import T0, add_callback, add_case, context, seed_teams


@pytest.fixture
def case_ids(db: Database) -> tuple[int, int, int]:
    seed_teams(db)
    with db.write() as s:
        case = add_case(s, officer="Priya Shah")
        other = Officer(name="Tom Reed", email="tom.reed@example.gov.uk")
        s.add(other)
        s.flush()
        return case.id, case.named_officer_id or 0, other.id


def load(db: Database, case_id: int) -> Case:
    with db.read() as s:
        row = s.get(Case, case_id)
        assert row is not None
        return row


def test_second_save_of_same_version_conflicts_and_writes_nothing(db: Database, case_ids: tuple[int, int, int]) -> None:
    case_id, priya, tom = case_ids
    anna, ben = context(db, "anna"), context(db, "ben")
    shown = load(db, case_id)  # both screens show version 1
    assert shown.version == 1
    v2 = edit_case(anna, case_id, shown.version, {"stage": "draft_plan"})
    assert v2 == 2
    with pytest.raises(Conflict) as err:
        edit_case(
            ben,
            case_id,
            shown.version,
            {"named_officer_id": tom},
            seen={"stage": shown.stage, "named_officer_id": priya},
        )
    assert err.value.changes == {"stage": ("Needs assessment under way", "Draft plan issued")}
    assert "Changed: stage" in str(err.value) and "version 2" in str(err.value)
    after = load(db, case_id)
    assert (after.stage, after.named_officer_id, after.version) == ("draft_plan", priya, 2)
    # Without `seen`, the conflict lists the fields being changed, with the other person's values.
    with pytest.raises(Conflict) as err2:
        edit_case(ben, case_id, shown.version, {"stage": "plan_issued", "named_officer_id": tom})
    assert err2.value.changes == {
        "named officer": ("Tom Reed", "Priya Shah"),
        "stage": ("Plan in place", "Draft plan issued"),
    }
    # Reloaded, Ben's save goes through.
    assert edit_case(ben, case_id, 2, {"named_officer_id": tom}) == 3
    assert load(db, case_id).named_officer_id == tom
    with db.read() as s:
        outcomes = [o for (o,) in s.execute(select(AuditEvent.outcome).where(AuditEvent.action == "edit_case"))]
    assert outcomes == ["ok", "conflict", "conflict", "ok"]


def test_edit_validation_and_permission(db: Database, case_ids: tuple[int, int, int]) -> None:
    case_id = case_ids[0]
    with pytest.raises(ServiceError, match="cannot be edited"):
        edit_case(context(db), case_id, 1, {"first_name": "X"})
    with pytest.raises(ServiceError, match="stage is not valid"):
        edit_case(context(db), case_id, 1, {"stage": "finished"})
    with pytest.raises(PermissionDenied):
        edit_case(context(db, "hana", Role.CALL_HANDLER), case_id, 1, {"stage": "draft_plan"})
    with pytest.raises(ServiceError, match="no longer exists"):
        edit_case(context(db), 999_999, 1, {"stage": "draft_plan"})
    assert load(db, case_id).version == 1


def test_callback_edit_conflict_shows_values_not_in_message(db: Database) -> None:
    seed_teams(db)
    with db.write() as s:
        cb = add_callback(s, phone="07700 900123").id
    anna, ben = context(db, "anna"), context(db, "ben")
    edit_callback(anna, cb, 1, {"phone": "07700 900456"})
    with pytest.raises(Conflict) as err:
        edit_callback(ben, cb, 1, {"phone": "07700 900789"}, seen={"phone": "07700 900123"})
    assert err.value.changes == {"phone": ("07700 900789", "07700 900456")}  # (yours, theirs)
    assert "900" not in str(err.value)  # the message names fields only
    with db.read() as s:
        assert s.scalar(select(Callback.phone).where(Callback.id == cb)) == "07700 900456"


def test_callback_edit_merges_when_only_other_fields_changed(db: Database) -> None:
    seed_teams(db)
    with db.write() as s:
        cb = add_callback(s, due=T0 + dt.timedelta(hours=2)).id
    anna = context(db, "anna")
    queue.claim(context(db, "ben"), "callback", cb)  # bumps the version; due time untouched
    new_due = T0 + dt.timedelta(days=1)
    v = edit_callback(anna, cb, 1, {"due_at": new_due}, seen={"due_at": T0 + dt.timedelta(hours=2)})
    assert v == 3
    with db.read() as s:
        row = s.get(Callback, cb)
        assert row is not None and row.claimed_by == "ben"
        assert row.due_at.replace(tzinfo=dt.UTC) == new_due


def test_callback_edit_refused_outside_own_teams(db: Database) -> None:
    seed_teams(db)
    with db.write() as s:
        cb = add_callback(s, team="resolution").id
    with pytest.raises(ServiceError, match="not in one of your teams"):
        edit_callback(context(db, "anna"), cb, 1, {"preferred_time": "after 3pm"})
