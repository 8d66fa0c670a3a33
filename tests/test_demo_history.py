"""The demo's year of history: deterministic, seasonal, promises that differ by team; and its reviews."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select

from dutyline.demo.history import Caller, calls_per_day_for, history
from dutyline.domain.model import Role
from dutyline.domain.policy import load_policy
from dutyline.domain.reports.period import Period
from dutyline.services import audit_trail, demo_history, quality, quality_report, reports
from dutyline.services.context import Actor
from dutyline.services.teams import sync_teams
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Call, Case, Staff
from dutyline.store.tables_quality import QaReview
from tests.case_helpers import add_case
from tests.contexts import make_context, uow

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
POLICY = load_policy(None)
CASES = [(i, "annual_review_west" if i % 2 else "annual_review_east") for i in range(1, 400)]


def days(seed: int = 5) -> list[object]:
    return list(history(POLICY, CASES, now=NOW, seed=seed, calls_per_day=40))


def test_same_seed_same_history_other_seed_differs() -> None:
    a, b = days(5), days(5)
    assert [d.calls for d in a] == [d.calls for d in b]  # type: ignore[attr-defined]
    assert [d.calls for d in a] != [d.calls for d in days(6)]  # type: ignore[attr-defined]


def test_september_rush_and_summer_holidays() -> None:
    per_month: Counter[int] = Counter()
    for d in days():
        for call in d.calls:  # type: ignore[attr-defined]
            per_month[call["started_at"].month] += 1
    assert per_month[9] > 1.4 * per_month[6]  # September vs June (similar working days)
    assert per_month[8] < 0.7 * per_month[6]


def test_promises_kept_vary_by_team() -> None:
    kept: Counter[str] = Counter()
    due: Counter[str] = Counter()
    for d in days():
        rows = [r for _, r, _ in d.callbacks] + [r for _, r in d.handoffs]  # type: ignore[attr-defined]
        for r in rows:
            if r["due_at"] < NOW and r["status"] != "cancelled":
                due[r["team_code"]] += 1
                kept[r["team_code"]] += r["status"] == "done" and r["completed_at"] <= r["due_at"]
    rate = {t: kept[t] / due[t] for t in due}
    assert rate["front_door"] > rate["annual_review_west"] + 0.1


def test_callers_have_names_and_numbers_of_their_own() -> None:
    """No '(no name) on 01632 960000': a case's calls name its first contact with their number; an
    invented caller (no contact, or no case) has a name and a drama-range number nobody else has."""
    known = {1: Caller(501, "Amina Hussain", "07700 900002"), 2: Caller(502, "Tom Price", "01632 960001")}
    rows = list(history(POLICY, CASES, now=NOW, seed=5, calls_per_day=40, callers=known))
    callbacks = [(d.calls[i], r) for d in rows for i, r, _ in d.callbacks]
    assert callbacks
    owner: dict[str, str] = {}
    for call, cb in callbacks:
        assert cb["contact_name"] and cb["phone"] and cb["phone"] != "01632 960000"
        digits = "".join(ch for ch in cb["phone"] if ch.isdigit()).removeprefix("44")
        assert digits.lstrip("0").startswith(("77009", "1632")), cb["phone"]
        assert owner.setdefault(cb["phone"], cb["contact_name"]) == cb["contact_name"]  # one person a number
        if call["case_id"] in known:
            who = known[call["case_id"]]
            assert (cb["contact_name"], cb["phone"], call["caller_contact_id"]) == (who.name, who.phone, who.contact_id)
    assert len(owner) > 100
    again = list(history(POLICY, CASES, now=NOW, seed=5, calls_per_day=40, callers=known))
    assert [d.callbacks for d in again] == [d.callbacks for d in rows]


def test_history_scales_with_the_number_of_cases() -> None:
    assert calls_per_day_for(15_000) == 80
    assert calls_per_day_for(30_000) == 160
    assert calls_per_day_for(300) == 4  # never so quiet that the season cannot be seen


def test_demo_history_and_reviews_fill_the_workspace(db: Database) -> None:
    sync_teams(uow(db), POLICY)
    for i in range(40):
        add_case(db, f"EHC-D{i:04d}", stage="assessment", stage_since=dt.date(2026, 1, 5), dob=dt.date(2015, 3, 1))
    with db.write() as s:
        s.add(Staff(login="demo", display_name="Demo", roles=",".join(sorted(Role)), teams="front_door"))
    actor = Actor(login="demo", roles=frozenset(Role), teams=("front_door",), desk="desk-test")
    ctx = make_context(db, actor=actor, policy=POLICY, clock=lambda: NOW)
    demo_history.seed_staff(ctx)
    calls = demo_history.seed_history(ctx, POLICY, 3, days=120, calls_per_day=15)
    assert calls > 1000
    with db.write() as s:  # the bulk writer numbered its rows itself: the id sequences must be past them
        s.add(Call(reason="general_enquiry", outcome="resolved"))
    if db.engine.dialect.name == "postgresql":
        # Triggers stay on: the server audited every insert statement, a few hundred rows a statement (one
        # statement per row made ~40,000 audit rows for a demo), and the chain verifies.
        with db.read() as s:
            audited = s.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.detail.like("call rows=%"))
            )
        assert audited and audited < calls / 5
        assert audit_trail.verify(ctx).ok
    reviews = demo_history.seed_reviews(ctx, POLICY, 3)
    assert reviews > 50
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 40
        blind = s.scalar(select(func.count()).select_from(QaReview).where(QaReview.blind.is_(True)))
    assert blind and blind > 0
    period = Period(first=dt.date(2026, 8, 1), last=dt.date(2026, 11, 22))
    promises = reports.promises(ctx, period)
    assert promises.kept_on_time > 0 and promises.kept_late > 0 and promises.broken > 0
    q = quality_report.report(ctx, period)
    assert q.rates.random.n > 0 and q.agreement.pairs > 0
    assert q.agreement.disagreements  # some disagreement for the calibration meeting
    with pytest.raises(Exception):  # noqa: B017 - a month is drawn once
        quality.sample(ctx, "2026-10")  # what demo_history drew it with
