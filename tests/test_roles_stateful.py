"""Joiners, movers and leavers mixed with actions (Hypothesis state machine, docs/PRIVACY.md, C5).

A real admin adds people, replaces their roles, disables and re-enables them through the staff service;
people log in (resolve_actor) and keep their app open (a long-lived Context whose Actor may be stale by
the time they act). Invariants checked on every action:
  - nothing outside the policy table ever succeeds: success implies the person is active NOW and their
    CURRENT roles allow the action (a mover loses a removed role at once, mid-session);
  - a disabled account can do nothing, and cannot log in;
  - every permitted action succeeds, and every refusal leaves an audit row.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test
from sqlalchemy import func, select

from dutyline.domain.model import Role
from dutyline.domain.permissions import ROLE_ACTIONS, Action
from dutyline.services import audit_trail, retention, staff
from dutyline.services.context import Context, PermissionDenied
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent

PEOPLE = ("amy", "ben", "cat")
ROLE_SETS = st.frozensets(st.sampled_from(list(Role)), min_size=1)
#: Actions whose real use case is cheap to call with no data; the rest go through the same gate.
REAL = {
    Action.MANAGE_STAFF: staff.list_staff,
    Action.AUDIT_VERIFY: audit_trail.verify,
    Action.RETENTION: retention.plan,
}


def policy_allows(roles: frozenset[Role], action: Action) -> bool:
    return any(action in ROLE_ACTIONS[r] for r in roles)


class StaffMachine(RuleBasedStateMachine):
    def __init__(self, db: Database, root: Context) -> None:
        super().__init__()
        self.db, self.root = db, root
        self.tag = uuid.uuid4().hex[:6]  # the database outlives one example: fresh logins each time
        self.model: dict[str, tuple[frozenset[Role], bool]] = {}  # login -> (current roles, active)
        self.sessions: dict[str, Context] = {}  # login -> the context of their open app

    def login(self, person: str) -> str:
        return f"{person}_{self.tag}"

    @rule(person=st.sampled_from(PEOPLE), roles=ROLE_SETS)
    def join(self, person: str, roles: frozenset[Role]) -> None:
        login = self.login(person)
        if login in self.model:
            return
        staff.add_staff(self.root, login, person.title(), roles)
        self.model[login] = (roles, True)

    @rule(person=st.sampled_from(PEOPLE), roles=ROLE_SETS)
    def move(self, person: str, roles: frozenset[Role]) -> None:
        login = self.login(person)
        if login in self.model:
            staff.set_roles(self.root, login, roles)
            self.model[login] = (roles, self.model[login][1])

    @rule(person=st.sampled_from(PEOPLE), active=st.booleans())
    def leave_or_return(self, person: str, active: bool) -> None:
        login = self.login(person)
        if login in self.model:
            (staff.enable_staff if active else staff.disable_staff)(self.root, login)
            self.model[login] = (self.model[login][0], active)

    @rule(person=st.sampled_from(PEOPLE))
    def open_app(self, person: str) -> None:
        login = self.login(person)
        known = self.model.get(login)
        try:
            actor = staff.resolve_actor(self.db, login)
        except staff.NotAuthorised:
            assert known is None or not known[1], f"{login} is active but could not log in"
            return
        assert known is not None and known[1], f"{login} logged in while unknown or disabled"
        assert actor.roles == known[0]
        self.sessions[login] = Context(db=self.db, actor=actor, clock=self.root.clock)

    @precondition(lambda self: bool(self.sessions))
    @rule(data=st.data(), action=st.sampled_from(list(Action)))
    def act(self, data: st.DataObject, action: Action) -> None:
        login = data.draw(st.sampled_from(sorted(self.sessions)))
        ctx = self.sessions[login]
        roles_now, active_now = self.model[login]
        refused_before = self._refusals(login)
        try:
            if action in REAL:
                REAL[action](ctx)  # type: ignore[operator]  # each takes the Context first; the dict joins their types
            else:
                ctx.require(action)
            succeeded = True
        except PermissionDenied:
            succeeded = False
        if succeeded:  # THE invariant: nothing outside the policy, nothing for a disabled account
            assert active_now, f"{login} is disabled but did {action}"
            assert policy_allows(roles_now, action), f"{login} did {action} with roles {set(roles_now)}"
        else:
            assert self._refusals(login) == refused_before + 1, "a refusal must be audited"
        # Rights granted at login and still granted now must work (a mover keeps what they still have).
        expected = active_now and policy_allows(roles_now, action) and policy_allows(ctx.actor.roles, action)
        assert succeeded == expected, f"{login} {action}: expected {'success' if expected else 'refusal'}"

    def _refusals(self, login: str) -> int:
        with self.db.read() as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(AuditEvent.login == login, AuditEvent.outcome == "refused")
                )
                or 0
            )


def test_no_action_outside_the_policy_ever_succeeds(db: Database, tmp_path: Path) -> None:
    staff.add_staff(Context(db=db, actor=staff.resolve_actor(db, "installer")), "root", "Root", [Role.ADMIN])
    root = Context(db=db, actor=staff.resolve_actor(db, "root"))
    run_state_machine_as_test(
        # The docstring says "anything which returns an instance ... a class or a function"; the annotation
        # names only the class, and the machine needs this test's database.
        lambda: StaffMachine(db, root),  # type: ignore[arg-type]
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    assert audit_trail.verify(root).ok  # thousands of interleaved rows, and the chain still holds
