"""Assigning a review by hand (service and CLI), on SQLite and PostgreSQL: never to the person whose work it
is, never to the item's other reviewer, never moving a saved review; every assignment audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from dutyline.cli import main
from dutyline.services import quality, quality_assign
from dutyline.services.context import PermissionDenied, ServiceError
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent
from dutyline.store.tables_quality import QaItem
from tests.test_quality import ANSWERS, build_world, ctx, items

REVIEWERS = ("ravi", "rita", "rosa")


@pytest.fixture
def drawn(db: Database) -> Database:
    build_world(db)
    quality.sample(ctx(db, "mona"), "2026-11", per_person=1, seed=3)
    return db


def test_assign_moves_a_review_within_the_rules_and_audits_it(drawn: Database) -> None:
    item = next(i for i in items(drawn) if i.person == "hana" and i.kind == "call")
    mona = ctx(drawn, "mona")
    listed = quality_assign.sample_items(mona, "2026-11")
    assert [i.qa_item_id for i in listed] == [i.id for i in items(drawn)]
    with pytest.raises(ServiceError, match="own work"):
        quality_assign.assign(mona, item.id, "hana")
    with pytest.raises(ServiceError, match="cannot take this review"):
        quality_assign.assign(mona, item.id, "harry")  # a call handler, not a reviewer
    new = next(r for r in REVIEWERS if r not in (item.reviewer, item.second_reviewer))
    assert quality_assign.assign(mona, item.id, new).reviewer == new
    # The blind second reviewer must be someone else than the first.
    with pytest.raises(ServiceError, match="different people"):
        quality_assign.assign(mona, item.id, new, second=True)
    second = next(r for r in REVIEWERS if r != new)
    quality_assign.assign(mona, item.id, second, second=True)
    with drawn.read() as s:
        row = s.get(QaItem, item.id)
        assert row is not None and (row.reviewer, row.second_reviewer) == (new, second)
        details = list(s.scalars(select(AuditEvent.detail).where(AuditEvent.login == "mona")))
    assert f"assign qa_item:{item.id} slot:first" in details
    assert f"assign qa_item:{item.id} slot:second" in details
    # The new reviewer has it in their queue; once saved, the review is not moved.
    assert item.id in [e.qa_item_id for e in quality.review_queue(ctx(drawn, new))]
    quality.save_review(ctx(drawn, new), item.id, ANSWERS)
    with pytest.raises(ServiceError, match="already saved"):
        quality_assign.assign(mona, item.id, next(r for r in REVIEWERS if r not in (new, second)))


def test_only_managers_assign(drawn: Database) -> None:
    item = items(drawn)[0]
    with pytest.raises(PermissionDenied):
        quality_assign.assign(ctx(drawn, "rita"), item.id, "ravi")


def test_cli_items_and_assign(
    drawn: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dutyline.cli.common.os_login", lambda: "mona")
    assert main(["--db", drawn.url, "quality", "items", "--period", "2026-11", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    target = next(r for r in rows if r["person"] == "hana")
    new = next(r for r in REVIEWERS if r not in (target["reviewer"], target["second_reviewer"]))
    assert main(["--db", drawn.url, "quality", "assign", str(target["qa_item_id"]), "--to", "hana"]) != 0
    assert "own work" in capsys.readouterr().err
    assert main(["--db", drawn.url, "quality", "assign", str(target["qa_item_id"]), "--to", new]) == 0
    assert f"first review assigned to {new}" in capsys.readouterr().out
    with drawn.read() as s:
        assert s.get(QaItem, target["qa_item_id"]).reviewer == new  # type: ignore[union-attr]
