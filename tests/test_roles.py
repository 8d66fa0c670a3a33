"""Role x action at the services layer, for EVERY role and EVERY action in the one policy table.

Each action has a probe that calls the real use case (search, case summary, log call, queue claim,
import, staff, audit, retention...) or, where no use case exists yet, `ctx.require`. A probe's result is
classified as:
  - "denied": PermissionDenied (the permission layer said no, and audited it);
  - "done": it returned. The world below is built so every permitted probe succeeds (queue completions
    use a real lease token, claimed first by the same login), so a ServiceError is reported as a mismatch.
Anything else (TypeError, a stray exception) fails the test: the probe is out of date.

Actors get every team they could need, so a refusal can only come from the role. Besides the four roles,
an account with no roles and a disabled account (every role, inactive) must be denied everything.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dutyline.domain.call_form import CallForm
from dutyline.domain.model import Role
from dutyline.domain.permissions import ROLE_ACTIONS, Action
from dutyline.domain.policy import Policy, load_policy
from dutyline.services.context import Actor, Context, PermissionDenied, ServiceError
from dutyline.services.search import SearchService
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Call, Callback, Contact, Handoff
from tests.case_helpers import add_case
from tests.contexts import db_of, make_context, uow

NOW = dt.datetime(2026, 3, 3, 11, 0, tzinfo=dt.UTC)
TEAM = "front_door"


@dataclass
class World:
    """Ids of the records the probes act on; each probe gets its own item so probes never interfere."""

    db: Database
    policy: Policy
    tmp: Path
    case_id: int = 0
    contact_id: int = 0
    items: dict[str, tuple[str, int]] = field(default_factory=dict)  # probe name -> (kind, id)
    search: SearchService | None = None


def build_world(db: Database, tmp: Path) -> World:
    from dutyline.services.teams import sync_teams

    policy = load_policy(None)
    sync_teams(uow(db), policy)
    w = World(db=db, policy=policy, tmp=tmp)
    w.case_id = add_case(
        db,
        "EHC-ROLE1",
        stage="assessment",
        stage_since=dt.date(2026, 1, 5),
        dob=dt.date(2016, 4, 1),
        request_date=dt.date(2025, 12, 1),
    )
    with db.write() as s:
        w.contact_id = s.scalar(select(Contact.id).where(Contact.case_id == w.case_id)) or 0
        call = Call(case_id=w.case_id, reason="general_enquiry", outcome="handed_off", started_at=NOW)
        s.add(call)
        s.flush()
        due = NOW + dt.timedelta(days=2)
        for name, team in (("claim", TEAM), ("complete", TEAM), ("attempt", TEAM), ("release", TEAM)):
            cb = Callback(call_id=call.id, case_id=w.case_id, team_code=team, due_at=due, phone="07700900123")
            s.add(cb)
            s.flush()
            w.items[name] = ("callback", cb.id)
        for name, team in (("accept", TEAM), ("reassign", TEAM), ("across", "resolution")):
            h = Handoff(call_id=call.id, case_id=w.case_id, team_code=team, due_at=due, proposed_team_code=team)
            s.add(h)
            s.flush()
            w.items[name] = ("handoff", h.id)
    return w


# ------------------------------------------------------------------------------------------------ probes
def _form(w: World, **extra: object) -> CallForm:
    from dutyline.domain.call_form import build_call_form

    data: dict[str, object] = {
        "case_id": w.case_id,
        "started_at": NOW,
        "caller_kind": "other",
        "caller_name": "Caller",
        "reason": "assessment_progress",
        "outcome": "resolved",
    }
    return build_call_form({**data, **extra})


def p_search(ctx: Context, w: World) -> object:
    from dutyline.services.search import SearchService

    if w.search is None:
        w.search = SearchService(w.db)
    return w.search.search(ctx, "child")


def p_view_case(ctx: Context, w: World) -> object:
    from dutyline.services.cases import case_summary

    return case_summary(ctx, case_id=w.case_id)


def p_log_call(ctx: Context, w: World) -> object:
    from dutyline.services.calls import log_call

    return log_call(ctx, _form(w))


def p_hand_off(ctx: Context, w: World) -> object:
    from dutyline.services.calls import log_call

    choice = {"team": TEAM, "proposed_team": TEAM}
    return log_call(ctx, _form(w, outcome="handed_off", handoff=choice))


def p_book_callback(ctx: Context, w: World) -> object:
    from dutyline.services.calls import log_call

    choice = {"phone": "07700 900123", "due_at": NOW + dt.timedelta(days=1), "team": TEAM}
    return log_call(ctx, _form(w, outcome="callback_booked", callback=choice))


def p_safeguarding(ctx: Context, w: World) -> object:
    from dutyline.services.calls import log_call, safeguarding_team

    team = safeguarding_team(ctx)
    return log_call(
        ctx,
        _form(
            w,
            outcome="handed_off",
            handoff={"team": team, "proposed_team": team},
            safeguarding={"raised_at": NOW, "summary": "concern"},
        ),
    )


def p_update_contact(ctx: Context, w: World) -> object:
    from dutyline.services.calls import update_contact

    with w.db.read() as s:
        version = s.scalar(select(Contact.version).where(Contact.id == w.contact_id)) or 1
    return update_contact(ctx, w.contact_id, version, {"phone": "07700 900999"})


def p_save_draft(ctx: Context, w: World) -> object:
    from dutyline.services.drafts import save_draft

    save_draft(ctx, {"case_id": w.case_id})
    return None


def p_view_queue(ctx: Context, w: World) -> object:
    from dutyline.services.queue import list_items

    return list_items(ctx, teams=[TEAM])


def p_claim(ctx: Context, w: World) -> object:
    from dutyline.services.queue import claim

    return claim(ctx, *w.items["claim"])


def _held(ctx: Context, w: World, name: str) -> str:
    """Claim item `name` as the same login with every role (it claimed the item before a role change),
    returning the lease token, so the probe then tests only the permission of the action itself."""
    from dataclasses import replace

    from dutyline.services.queue import claim

    setup = make_context(
        db_of(ctx), actor=replace(ctx.actor, roles=frozenset(Role), active=True), policy=ctx.policy, clock=ctx.clock
    )
    return claim(setup, *w.items[name]).token


def p_complete(ctx: Context, w: World) -> object:
    from dutyline.services.queue import complete

    return complete(ctx, *w.items["complete"], token=_held(ctx, w, "complete"), outcome="resolved")


def p_attempt(ctx: Context, w: World) -> object:
    from dutyline.services.queue import record_attempt

    return record_attempt(ctx, w.items["attempt"][1], _held(ctx, w, "attempt"), "no_answer")


def p_release(ctx: Context, w: World) -> object:
    from dutyline.services.queue import release

    release(ctx, *w.items["release"], token=_held(ctx, w, "release"))
    return None


def p_reassign(ctx: Context, w: World) -> object:
    from dutyline.services.queue import reassign

    reassign(ctx, *w.items["reassign"], team="annual_review_east", reason="their area")
    return None


def p_accept(ctx: Context, w: World) -> object:
    from dutyline.services.queue import accept_handoff

    accept_handoff(ctx, w.items["accept"][1])
    return None


def p_team_report(ctx: Context, w: World) -> object:
    from dutyline.services.queue import manager_view

    return manager_view(ctx, TEAM)


def p_across(ctx: Context, w: World) -> object:
    """Move another team's item: for an actor without REASSIGN_ACROSS_TEAM the scoped guard refuses."""
    from dutyline.services.queue import QueueRefused, reassign

    kind, item_id = w.items["across"]
    try:
        reassign(ctx, kind, item_id, team=TEAM, reason="belongs to the front door")
        return None
    except QueueRefused:
        with w.db.read() as s:
            if s.scalar(select(Handoff.team_code).where(Handoff.id == item_id)) == "resolution":
                raise PermissionDenied("not moved: outside the actor's teams") from None
        raise


def p_import(ctx: Context, w: World) -> object:
    from dutyline.domain.import_row import COLUMNS
    from dutyline.services.importer import import_cases
    from tests.store.test_import import base_row

    path = w.tmp / "cases.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerow(base_row(7))
    return import_cases(ctx, path)


def p_staff(ctx: Context, w: World) -> object:
    from dutyline.services.staff import list_staff

    return list_staff(ctx)


def p_retention(ctx: Context, w: World) -> object:
    from dutyline.services.retention import plan

    return plan(ctx)


def p_audit_export(ctx: Context, w: World) -> object:
    from dutyline.services.audit_trail import export

    return export(ctx, NOW - dt.timedelta(days=1), w.tmp / "audit.csv")


def p_audit_verify(ctx: Context, w: World) -> object:
    from dutyline.services.audit_trail import verify

    return verify(ctx)


def p_edit_case(ctx: Context, w: World) -> object:
    from dutyline.services.case_edit import edit_case
    from dutyline.store.tables import Case

    with w.db.read() as s:
        version = s.scalar(select(Case.version).where(Case.id == w.case_id)) or 1
    return edit_case(ctx, w.case_id, version, {"stage_since": "2026-01-06"})


def p_qa_sample(ctx: Context, w: World) -> object:
    from dutyline.services import quality

    return quality.sample(ctx, "2026-02", seed=1)


def p_qa_review(ctx: Context, w: World) -> object:
    from dutyline.services import quality

    return quality.review_queue(ctx)


def p_qa_resolve(ctx: Context, w: World) -> object:
    from dutyline.services import quality_feedback

    return quality_feedback.disputes(ctx)


def p_qa_report(ctx: Context, w: World) -> object:
    from dutyline.domain.reports.period import Period
    from dutyline.services import quality_report

    return quality_report.report(ctx, Period(first=dt.date(2026, 2, 1), last=dt.date(2026, 2, 28)))


def p_qa_mine(ctx: Context, w: World) -> object:
    from dutyline.services import quality_feedback

    return quality_feedback.my_reviews(ctx)


def require(action: Action) -> Callable[[Context, World], object]:
    """For actions with no use case of their own yet: the gate every use case passes through."""
    return lambda ctx, _w: ctx.require(action)


PROBES: dict[Action, Callable[[Context, World], object]] = {
    Action.LOGIN: require(Action.LOGIN),
    Action.SEARCH: p_search,
    Action.VIEW_CASE: p_view_case,
    Action.LOG_CALL: p_log_call,
    Action.HAND_OFF: p_hand_off,
    Action.BOOK_CALLBACK: p_book_callback,
    Action.RAISE_SAFEGUARDING: p_safeguarding,
    Action.UPDATE_CONTACT: p_update_contact,
    Action.SAVE_DRAFT: p_save_draft,
    Action.VIEW_QUEUE: p_view_queue,
    Action.CLAIM: p_claim,
    Action.COMPLETE: p_complete,
    Action.RECORD_ATTEMPT: p_attempt,
    Action.RELEASE: p_release,
    Action.REASSIGN: p_reassign,
    Action.ACCEPT_HANDOFF: p_accept,
    Action.EDIT_CASE: p_edit_case,
    Action.TEAM_REPORT: p_team_report,
    Action.REASSIGN_ACROSS_TEAM: p_across,
    Action.IMPORT: p_import,
    Action.MANAGE_STAFF: p_staff,
    Action.MANAGE_POLICY: require(Action.MANAGE_POLICY),
    Action.RETENTION: p_retention,
    Action.AUDIT_EXPORT: p_audit_export,
    Action.AUDIT_VERIFY: p_audit_verify,
    Action.QA_SAMPLE: p_qa_sample,
    Action.QA_REVIEW: p_qa_review,
    Action.QA_RESOLVE: p_qa_resolve,
    Action.QA_REPORT: p_qa_report,
    Action.QA_MY_REVIEWS: p_qa_mine,
}


def refused_rows(db: Database, login: str) -> int:
    with db.read() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.login == login, AuditEvent.outcome == "refused")
            )
            or 0
        )


def attempt(ctx: Context, w: World, action: Action) -> str:
    """Run the probe: 'denied' (and a refusal was audited) or 'done'."""
    before = refused_rows(w.db, ctx.actor.login)
    try:
        PROBES[action](ctx, w)
    except PermissionDenied:
        assert refused_rows(w.db, ctx.actor.login) > before, f"{action}: refusal not audited"
        return "denied"
    except ServiceError as exc:
        return f"refused by the use case ({type(exc).__name__})"
    return "done"


def make_ctx(w: World, login: str, roles: frozenset[Role], *, active: bool = True) -> Context:
    actor = Actor(login=login, display_name=login, roles=roles, teams=(TEAM, "annual_review_east"), active=active)
    return make_context(w.db, actor=actor, policy=w.policy, clock=lambda: NOW)


def test_every_action_has_a_probe() -> None:
    assert set(PROBES) == set(Action)


ACCOUNTS = [(r.value, frozenset({r}), True) for r in Role] + [
    ("no_role", frozenset(), True),
    ("disabled", frozenset(Role), False),
]


@pytest.mark.parametrize("login,roles,active", ACCOUNTS, ids=[a[0] for a in ACCOUNTS])
def test_role_by_action(db: Database, tmp_path: Path, login: str, roles: frozenset[Role], active: bool) -> None:
    world = build_world(db, tmp_path)
    ctx = make_ctx(world, login, roles, active=active)
    wrong = []
    for action in Action:
        expected = "done" if active and any(action in ROLE_ACTIONS[r] for r in roles) else "denied"
        got = attempt(ctx, world, action)
        if got != expected:
            wrong.append(f"{action.value}: expected {expected}, got {got}")
    assert not wrong, f"{login}: " + "; ".join(wrong)
