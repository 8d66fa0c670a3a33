"""The ACT review flow through the services, on SQLite and PostgreSQL, asserting on stored rows:
sample -> review -> blind second review -> agreement -> dispute -> resolve (the old version kept)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from dutyline.cli import main
from dutyline.domain.model import Role
from dutyline.domain.policy import Policy, load_policy
from dutyline.domain.quality.sampling import draw
from dutyline.services import quality, quality_feedback, quality_report
from dutyline.services.context import Actor, Context, PermissionDenied, ServiceError
from dutyline.services.quality import parse_month
from dutyline.services.teams import sync_teams
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Call, Callback, Staff
from dutyline.store.tables_quality import QaAnswer, QaItem, QaReview, QaSample
from tests.contexts import make_context, uow
from tests.reports_data import PERIOD

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
ANSWERS = {
    "verified": "yes",
    "right_team": "yes",
    "told_matches_clock": "yes",
    "promise_timed": "yes",
    "situation_acknowledged": "3",
    "next_steps_plain": "4",
    "no_jargon": "yes",
}
STAFF = {
    "hana": Role.CALL_HANDLER,
    "harry": Role.CALL_HANDLER,
    "dora": Role.DUTY_OFFICER,
    "rita": Role.QUALITY_REVIEWER,
    "ravi": Role.QUALITY_REVIEWER,
    "rosa": Role.QUALITY_REVIEWER,
    "mona": Role.TEAM_MANAGER,
}


def policy(second_share: float = 1.0) -> Policy:
    base = load_policy(None)
    assert base.quality is not None
    return base.model_copy(update={"quality": base.quality.model_copy(update={"second_review_share": second_share})})


def ctx(db: Database, login: str, pol: Policy | None = None) -> Context:
    actor = Actor(login=login, roles=frozenset({STAFF[login]}), teams=("front_door",), desk="desk-test")
    return make_context(db, actor=actor, policy=pol or policy(), clock=lambda: NOW)


@pytest.fixture
def world(db: Database) -> Database:
    return build_world(db)


def build_world(db: Database) -> Database:
    """Staff, November 2026 calls by two handlers (one a safeguarding call), callbacks returned by dora."""
    sync_teams(uow(db), load_policy(None))
    with db.write() as s:
        for login, role in STAFF.items():
            s.add(Staff(login=login, display_name=login.title(), roles=role.value, teams="front_door"))
        for i in range(6):
            s.add(
                Call(
                    staff_login="hana" if i < 4 else "harry",
                    started_at=dt.datetime(2026, 11, 2 + i, 10, tzinfo=dt.UTC),
                    reason="assessment_progress",
                    outcome="resolved",
                    notes="Mum asked about the 20-week date.",
                )
            )
        s.add(
            Call(
                staff_login="harry",
                started_at=dt.datetime(2026, 11, 10, 11, tzinfo=dt.UTC),
                reason="safeguarding",
                outcome="resolved",
                safeguarding=True,
            )
        )
        s.add(
            Call(
                staff_login="rita",
                started_at=dt.datetime(2026, 11, 11, 9, tzinfo=dt.UTC),
                reason="general_enquiry",
                outcome="signposted",
            )
        )
        for i in range(3):
            s.add(
                Callback(
                    team_code="front_door",
                    due_at=dt.datetime(2026, 11, 12 + i, 17, tzinfo=dt.UTC),
                    created_at=dt.datetime(2026, 11, 11, 10, tzinfo=dt.UTC),
                    phone="07700 900123",
                    status="done",
                    completed_at=dt.datetime(2026, 11, 12 + i, 12, tzinfo=dt.UTC),
                    completed_by="dora",
                )
            )
    return db


def items(db: Database) -> list[QaItem]:
    with db.read() as s:
        return list(s.scalars(select(QaItem).order_by(QaItem.id)))


def test_sample_is_stratified_targeted_reproducible_and_never_self_assigned(world: Database) -> None:
    result = quality.sample(ctx(world, "mona"), "2026-11", per_person=2, seed=7)
    stored = items(world)
    assert [(i.kind, i.ref_id, i.person, i.why, i.reviewer) for i in stored] == [
        (p.kind, p.id, p.person, p.why, p.reviewer) for p in result.items
    ]
    random = [(i.kind, i.person) for i in stored if i.why == "random"]
    assert sorted(random) == sorted(
        [("call", "hana")] * 2 + [("call", "harry")] * 2 + [("call", "rita")] + [("callback", "dora")] * 2
    )
    assert [i.why for i in stored if i.why != "random"] in ([], ["targeted:safeguarding"])
    with world.read() as s:
        sg_id = s.scalar(select(Call.id).where(Call.safeguarding.is_(True)))
    assert any(i.ref_id == sg_id and i.kind == "call" for i in stored)  # random or targeted, it is in
    assert all(i.reviewer not in (None, i.person) for i in stored)
    assert all(i.second_reviewer not in (i.person, i.reviewer) for i in stored)
    with world.read() as s:
        sample = s.scalars(select(QaSample)).one()
    assert (sample.period, sample.seed, sample.per_person) == ("2026-11", 7, 2)
    # The recorded seed re-draws the same sample from the same data.
    q = policy().quality
    assert q is not None
    first, after = parse_month("2026-11")
    again = draw(
        quality.candidates(ctx(world, "mona"), first, after, q),
        per_person=2,
        seed=sample.seed,
        reviewers=["mona", "ravi", "rita", "rosa"],
        second_share=q.second_review_share,
    )
    assert again == result.items
    with pytest.raises(ServiceError, match="already drawn by mona with seed 7"):
        quality.sample(ctx(world, "mona"), "2026-11")
    with pytest.raises(PermissionDenied):
        quality.sample(ctx(world, "rita"), "2026-10")


def test_review_flow_with_blind_second_review_dispute_and_resolution(world: Database) -> None:
    quality.sample(ctx(world, "mona"), "2026-11", per_person=2, seed=7)
    item = next(i for i in items(world) if i.kind == "call" and i.person == "hana" and i.second_reviewer)
    first, second = item.reviewer, item.second_reviewer
    assert first and second
    # Someone not assigned cannot open it; the person reviewed cannot either.
    outsider = next(r for r in ("ravi", "rita", "rosa", "mona") if r not in (first, second))
    with pytest.raises(ServiceError, match="not assigned"):
        quality.open_item(ctx(world, outsider), item.id)
    form = quality.open_item(ctx(world, first), item.id)
    assert form.record.notes == "Mum asked about the 20-week date." and form.record.handler == "hana"
    assert form.auto == {"callback_in_standard": "na", "returned_by_due": "na", "handoff_in_standard": "na"}
    assert not form.entry.blind
    r1 = quality.save_review(ctx(world, first), item.id, ANSWERS, "Clear and kind.")
    with pytest.raises(ServiceError, match="already reviewed"):
        quality.save_review(ctx(world, first), item.id, ANSWERS)
    assert quality.open_item(ctx(world, second), item.id).entry.blind
    r2 = quality.save_review(ctx(world, second), item.id, {**ANSWERS, "right_team": "no", "verified": "no"})
    assert item.id not in [e.qa_item_id for e in quality.review_queue(ctx(world, second))]
    with world.read() as s:
        rows = {r.id: r for r in s.scalars(select(QaReview))}
        answers = {(a.review_id, a.code): (a.answer, a.auto) for a in s.scalars(select(QaAnswer))}
    assert (rows[r1].blind, rows[r1].passed, rows[r2].blind, rows[r2].passed) == (False, True, True, False)
    assert answers[(r2, "verified")] == ("no", False) and answers[(r1, "returned_by_due")] == ("na", True)
    # Agreement: the disagreeing items are listed for the calibration meeting.
    rep = quality_report.report(
        ctx(world, "mona"), PERIOD.model_copy(update={"first": dt.date(2026, 11, 1), "last": NOW.date()})
    )
    assert rep.agreement.pairs >= 1
    assert {(d.qa_item_id, d.code) for d in rep.agreement.disagreements} >= {
        (item.id, "right_team"),
        (item.id, "verified"),
    }
    # The person sees the first review only (not the blind one), and disputes it.
    hana = ctx(world, "hana")
    mine = quality_feedback.my_reviews(hana)
    assert [r.id for r in mine] == [r1]
    with pytest.raises(ServiceError, match="Say why"):
        quality_feedback.dispute(hana, r1, "  ")
    quality_feedback.dispute(hana, r1, "The family had already been verified on an earlier call.")
    with pytest.raises(ServiceError, match="different reviewer"):
        quality_feedback.resolve(ctx(world, first), r1, "Upheld.")
    resolver = next(r for r in ("ravi", "rita", "rosa") if r != first)
    assert r1 in [d.id for d in quality_feedback.disputes(ctx(world, resolver))]
    new = quality_feedback.resolve(
        ctx(world, resolver), r1, "Re-scored after listening to the dispute.", {**ANSWERS, "no_jargon": "no"}
    )
    with world.read() as s:
        old, fresh = s.get(QaReview, r1), s.get(QaReview, new)
        assert old is not None and fresh is not None
        assert (old.status, old.superseded_by_id, old.resolved_by) == ("superseded", new, resolver)
        assert (fresh.status, fresh.supersedes_id, fresh.reviewer, fresh.blind) == ("current", r1, resolver, False)
        actions = [a for (a,) in s.execute(select(AuditEvent.action).where(AuditEvent.action.like("qa_%")))]
    assert [(r.id, r.status) for r in quality_feedback.my_reviews(hana)] == [(new, "current"), (r1, "superseded")]
    for action in ("qa_sample", "qa_review", "qa_my_reviews", "qa_resolve", "qa_report"):
        assert action in actions
    quality_feedback.acknowledge(hana, new)
    with world.read() as s:
        assert s.get(QaReview, new).acknowledged_at is not None  # type: ignore[union-attr]


def test_dispute_window_and_other_peoples_reviews(world: Database) -> None:
    quality.sample(ctx(world, "mona"), "2026-11", per_person=1, seed=3)
    item = next(i for i in items(world) if i.person == "hana")
    assert item.reviewer
    rid = quality.save_review(ctx(world, item.reviewer), item.id, ANSWERS)
    with pytest.raises(ServiceError, match="not a review of your work"):
        quality_feedback.dispute(ctx(world, "harry"), rid, "Not mine")
    late = ctx(world, "hana")
    late.clock = lambda: NOW + dt.timedelta(days=20)
    with pytest.raises(ServiceError, match="within 10 working days"):
        quality_feedback.dispute(late, rid, "Too late")


def test_open_dispute_shows_the_record_to_another_reviewer_only(world: Database) -> None:
    quality.sample(ctx(world, "mona"), "2026-11", per_person=1, seed=3)
    item = next(i for i in items(world) if i.person == "hana" and i.kind == "call")
    assert item.reviewer
    rid = quality.save_review(ctx(world, item.reviewer), item.id, ANSWERS)
    resolver = next(r for r in ("ravi", "rita", "rosa") if r != item.reviewer)
    with pytest.raises(ServiceError, match="not in dispute"):
        quality_feedback.open_dispute(ctx(world, resolver), rid)
    quality_feedback.dispute(ctx(world, "hana"), rid, "Verified earlier")
    with pytest.raises(ServiceError, match="different reviewer"):
        quality_feedback.open_dispute(ctx(world, item.reviewer), rid)
    form = quality_feedback.open_dispute(ctx(world, resolver), rid)
    assert form.review.dispute_reason == "Verified earlier" and form.review.answers["verified"] == "yes"
    assert form.record.notes == "Mum asked about the 20-week date."
    with world.read() as s:
        details = list(s.scalars(select(AuditEvent.detail).where(AuditEvent.login == resolver)))
    assert any(d.startswith(f"open dispute review:{rid}") for d in details)


def test_cli_sample_json(world: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dutyline.cli.common.os_login", lambda: "mona")
    assert main(["--db", world.url, "quality", "sample", "--period", "2026-11", "--seed", "11", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {"item", "person", "reviewer", "why"} <= set(rows[0])
    assert all(r["item"].split(":")[0] in ("call", "callback") and r["reviewer"] != r["person"] for r in rows)
    assert all(r["why"] == "random" or r["why"].startswith("targeted:") for r in rows)


def test_cli_resolve_upholds_or_rescores(
    world: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    quality.sample(ctx(world, "mona"), "2026-11", per_person=1, seed=3)
    item = next(i for i in items(world) if i.person == "hana")
    assert item.reviewer
    rid = quality.save_review(ctx(world, item.reviewer), item.id, ANSWERS)
    quality_feedback.dispute(ctx(world, "hana"), rid, "Disagree")
    resolver = next(r for r in ("ravi", "rita", "rosa") if r != item.reviewer)
    monkeypatch.setattr("dutyline.cli.common.os_login", lambda: resolver)
    args = ["--db", world.url, "quality", "resolve", str(rid), "--note", "Re-scored"]
    assert main([*args, "--answer", "verified"]) == 2
    assert "CODE=VALUE" in capsys.readouterr().err
    assert main([*args, *(f"--answer={k}={v}" for k, v in ANSWERS.items())]) == 0
    assert "re-scored as review" in capsys.readouterr().out
    with world.read() as s:
        assert s.get(QaReview, rid).status == "superseded"  # type: ignore[union-attr]
