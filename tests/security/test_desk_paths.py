"""The least-privilege grants still let each desk do its normal work through dutyline, as its own login:
a handler logs a call with a hand-off, a callback and a safeguarding alert, edits a contact and saves a
draft; a duty officer claims and completes; an admin verifies. Each audit row names the real login."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from dutyline.domain.call_form import build_call_form
from dutyline.domain.model import Outcome, Priority, Reason, Role
from dutyline.domain.queue import ItemKind
from dutyline.services import audit_trail, calls, drafts, queue
from dutyline.services.context import Actor
from dutyline.store.tables import AuditEvent, Staff
from tests.security.conftest import SecureDb
from tests.test_calls_service import form
from tests.ui.seed import NOW, handler_ctx, seed

HOUR = dt.timedelta(hours=1)

pytestmark = pytest.mark.pg


def test_each_desk_does_its_work_as_its_own_login(secure: SecureDb) -> None:
    s = seed(secure.owner)
    with secure.owner.write() as w:  # the duty officer works resolution's queue in this story
        staff = w.scalar(select(Staff).where(Staff.login == secure.logins["duty"]))
        assert staff is not None
        staff.teams = "resolution"
    handler_db = secure.database("handler")
    hctx = handler_ctx(handler_db, secure.logins["handler"])
    data = form(
        s,
        reason=Reason.SAFEGUARDING,
        outcome=Outcome.HANDED_OFF,
        handoff=dict(team="resolution", proposed_team="resolution", explanation="", priority=Priority.STANDARD),
        callback=dict(
            phone="07700 900123", contact_name="Sarah", preferred_time="", team="resolution", due_at=NOW + HOUR
        ),
    )
    logged = calls.log_call(hctx, build_call_form(data))
    assert logged.handoff_id and logged.callback_id
    drafts.save_draft(hctx, {"case_id": s.olivia, "notes": "half typed"})
    duty_db = secure.database("duty")
    dctx = handler_ctx(duty_db, secure.logins["duty"], roles=frozenset({Role.DUTY_OFFICER}))
    dctx.actor = Actor(login=secure.logins["duty"], roles=frozenset({Role.DUTY_OFFICER}), teams=("resolution",))
    ticket = queue.claim(dctx, ItemKind.CALLBACK, logged.callback_id)
    queue.complete(dctx, ItemKind.CALLBACK, ticket.id, ticket.token, outcome=Outcome.RESOLVED)
    with secure.owner.read() as r:
        logins = set(r.scalars(select(AuditEvent.login).where(AuditEvent.seq.is_not(None))))
    assert {secure.logins["handler"], secure.logins["duty"]} <= logins
    admin_db = secure.database("admin")
    actx = handler_ctx(admin_db, secure.logins["admin"], roles=frozenset({Role.ADMIN}))
    assert audit_trail.verify(actx).ok
    for db in (handler_db, duty_db, admin_db):
        db.dispose()
