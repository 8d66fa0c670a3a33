"""The one façade the screens talk to: the services for the person at this desk (docs/ARCHITECTURE.md, Layers).

Why a façade: screens never see a database session, a `Database` or SQLAlchemy (a test enforces it); they
call plain methods here from worker threads and get domain values back. Swapping the person at the desk
(idle-lock unlock by someone else) replaces the `Context` in one place. Every method may block, so call
them from thread workers only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from dutyline.domain.call_form import CallForm
from dutyline.domain.call_record import CaseActivity, EarlierCaller, LoggedCall
from dutyline.domain.model import ContactInfo, Reason
from dutyline.domain.policy import Policy
from dutyline.domain.routing import RoutingDecision
from dutyline.domain.search import RESULTS_ON_SCREEN, SearchHit, SearchResults
from dutyline.domain.summary import CaseSummary
from dutyline.services import call_corrections, calls, cases, drafts, routing
from dutyline.services.context import Actor, Context
from dutyline.services.search import SearchService

#: (login, pin) -> Actor, raising PermissionDenied (NotAuthorised) when refused.
Authenticator = Callable[[str, str], Actor]


class Desk:
    """Services bound to the current person at this desk."""

    def __init__(self, ctx: Context, search: SearchService, *, authenticate: Authenticator | None = None) -> None:
        self.ctx = ctx
        self.search_service = search
        self._authenticate = authenticate
        #: This running app (a desk session): its drafts are its own, never another window's.
        self.session = drafts.new_session()

    # --- who and when ---------------------------------------------------------------------------------
    @property
    def actor(self) -> Actor:
        return self.ctx.actor

    @property
    def policy(self) -> Policy:
        return self.ctx.policy

    def now(self) -> dt.datetime:
        return self.ctx.now()

    def switch_actor(self, actor: Actor) -> None:
        """A different person unlocked the desk: everything from now on is done (and audited) as them."""
        self.ctx = self.ctx.as_actor(actor)

    def authenticate(self, login: str, pin: str) -> Actor:
        if self._authenticate is not None:
            return self._authenticate(login, pin)
        from dutyline.services.staff import verify_pin

        return verify_pin(self.ctx.uow, login, pin, now=self.ctx.now())

    # --- search ---------------------------------------------------------------------------------------
    def build_index(self) -> int:
        if not self.search_service.ready:
            self.search_service.build()
        return len(self.search_service)

    def warm_index(self) -> None:
        self.search_service.warm()

    def refresh_index(self) -> int:
        return self.search_service.refresh()

    def search(self, query: str, limit: int = RESULTS_ON_SCREEN) -> list[SearchHit]:
        return self.search_service.search(self.ctx, query, limit)

    def search_results(self, query: str, limit: int = RESULTS_ON_SCREEN) -> SearchResults:
        """`search` with the band (Match / Possible / Several alike), its question and the total."""
        return self.search_service.search_results(self.ctx, query, limit)

    def find_callers(self, query: str) -> list[EarlierCaller]:
        """Callers with no case who rang before, matching the same query (number, caller or child name)."""
        return calls.find_callers(self.ctx, query)

    # --- the case -------------------------------------------------------------------------------------
    def case_summary(self, case_id: int) -> CaseSummary:
        return cases.case_summary(self.ctx, case_id=case_id)

    def case_activity(self, case_id: int) -> CaseActivity:
        return calls.case_activity(self.ctx, case_id)

    def correct_call(self, call_id: int, notes: str) -> int:
        """A correction of a saved call's note: a new row; the call itself is never changed."""
        return call_corrections.correct_call(self.ctx, call_id, notes)

    def update_contact(self, contact_id: int, expected_version: int, changes: dict[str, str]) -> ContactInfo:
        """Raises `Conflict` when someone else saved the contact after `expected_version` was read."""
        return calls.update_contact(self.ctx, contact_id, expected_version, changes)

    def decide(self, reason: Reason, case_id: int | None, urgent_reason: str | None) -> RoutingDecision:
        return routing.decide(self.ctx, reason, case_id=case_id, urgent_reason=urgent_reason)

    # --- the call -------------------------------------------------------------------------------------
    def log_call(self, form: CallForm) -> LoggedCall:
        return calls.log_call(self.ctx, form)

    def save_draft(self, payload: dict[str, Any]) -> None:
        drafts.save_draft(self.ctx, payload, self.session)

    def load_draft(self) -> dict[str, Any] | None:
        """This session's own draft (the autosave of the call in progress)."""
        return drafts.load_draft(self.ctx, self.session)

    def discard_draft(self) -> None:
        drafts.discard_draft(self.ctx, self.session)

    def recoverable_drafts(self) -> list[drafts.Recoverable]:
        """Drafts of the person at the desk that nobody is working on (see services.drafts)."""
        return drafts.recoverable(self.ctx, self.session)

    def take_over_draft(self, draft: drafts.Recoverable) -> bool:
        return drafts.take_over(self.ctx, draft, self.session)

    def discard_recovered(self, draft: drafts.Recoverable) -> None:
        drafts.discard_recovered(self.ctx, draft)

    def touch_session(self) -> None:
        drafts.touch(self.ctx, self.session)

    def end_session(self) -> None:
        drafts.end_session(self.ctx, self.session)
