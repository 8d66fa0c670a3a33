"""The duty screen's actions: one method per key, each running its queue use case in a thread worker.

Kept apart from the screen's layout and loading (screen.py) so each file does one job. Refusals raised by
the services (claimed elsewhere, lease lapsed, not your team) come back as worker errors, which the
screen shows in plain words.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.screen import Screen

from dutyline.domain.permissions import Action
from dutyline.domain.queue import ClaimTicket, ItemKind, QueueItem
from dutyline.services import queue
from dutyline.ui.duty.forms import AttemptForm, CompleteForm, ReassignForm
from dutyline.ui.duty.manager import ManagerScreen
from dutyline.ui.duty.rows import team_name

if TYPE_CHECKING:
    from dutyline.services.context import Context

ALL_TEAMS = "__all__"


class DutyActions(Screen[None]):
    """DutyScreen's actions: it provides the context, the queue state and `load()` declared here."""

    tickets: dict[str, ClaimTicket]
    selected_key: str | None
    team_filter: str

    @property
    @abstractmethod
    def ctx(self) -> Context:
        """The person at the desk's Context."""

    @property
    @abstractmethod
    def selected(self) -> QueueItem | None:
        """The highlighted queue item, if any."""

    @abstractmethod
    def load(self, record_view: bool = False) -> object:
        """Reload the queue (a worker, hence `object`)."""

    # --- actions --------------------------------------------------------------------------------------------
    def _need_item(self) -> QueueItem | None:
        item = self.selected
        if item is None:
            self.notify("Choose an item in the queue first.", markup=False)
        return item

    def _held(self, item: QueueItem, verb: str) -> bool:
        if item.claimed_by == self.ctx.actor.login and item.as_of and item.lease_live(item.as_of):
            return True
        self.notify(f"Claim it first (C), then {verb}.", markup=False)
        return False

    def token_for(self, item: QueueItem) -> str | None:
        """This desk's lease token, or None (same login, live lease: e.g. claimed from the CLI)."""
        ticket = self.tickets.get(item.key)
        return ticket.token if ticket else None

    def action_claim(self) -> None:
        if (item := self._need_item()) is not None:
            self.queue_action("claim", item)

    def action_claim_next(self) -> None:
        """The most pressing free item in the teams shown: one team, or all of them across the board."""
        self.queue_action("claim_next", None, team="" if self.team_filter == ALL_TEAMS else self.team_filter)

    def action_release(self) -> None:
        if (item := self._need_item()) is not None and self._held(item, "release it"):
            self.queue_action("release", item)

    def action_complete(self) -> None:
        if (item := self._need_item()) is not None and self._held(item, "complete it"):
            self.app.push_screen(CompleteForm(item), self._after_form("complete", item))

    def action_attempt(self) -> None:
        item = self._need_item()
        if item is None:
            return
        if item.kind is not ItemKind.CALLBACK:
            self.notify("Failed attempts are for callbacks; a hand-off is accepted (A) or completed (D).", markup=False)
            return
        if self._held(item, "record the attempt"):
            self.app.push_screen(AttemptForm(item), self._after_form("attempt", item))

    def action_accept(self) -> None:
        item = self._need_item()
        if item is None:
            return
        if item.kind is not ItemKind.HANDOFF:
            self.notify("Only hand-offs are accepted; return a callback and complete it (D).", markup=False)
            return
        self.queue_action("accept", item)

    def action_reassign(self) -> None:
        if (item := self._need_item()) is not None:
            self.open_reassign(item)

    @work(thread=True, group="duty-act", exit_on_error=False)
    def open_reassign(self, item: QueueItem) -> None:
        teams = queue.team_choices(self.ctx)
        self.app.call_from_thread(
            self.app.push_screen,
            ReassignForm(item, teams),
            self._after_form("reassign", item),
        )

    def action_manager(self) -> None:
        ctx = self.ctx
        if not ctx.actor.may(Action.TEAM_REPORT):
            self.notify("The team report is for team managers.", markup=False)
            return
        # "All my teams" reports on all of them (it used to pick the first team and call it the report).
        self.app.push_screen(ManagerScreen(ctx, None if self.team_filter == ALL_TEAMS else self.team_filter))

    def _after_form(self, what: str, item: QueueItem) -> Callable[[tuple[str, str] | None], None]:
        """What to do when a form closes: run the action with its answers, or nothing if cancelled."""

        def done(res: tuple[str, str] | None) -> None:
            if res:
                self.queue_action(what, item, res=res)

        return done

    @work(thread=True, group="duty-act", exit_on_error=False)
    def queue_action(
        self, what: str, item: QueueItem | None, *, res: tuple[str, str] | None = None, team: str = ""
    ) -> None:
        """Run one queue use case; refusals come back as worker errors and are shown in plain words."""
        ctx = self.ctx
        message = ""
        if what == "claim" and item is not None:
            ticket = queue.claim(ctx, item.kind, item.id)
            self.tickets[item.key] = ticket
            message = f"Claimed {item.kind.label.lower()} {item.id}. It is yours while this screen is open."
        elif what == "claim_next":
            got = queue.claim_next(ctx, team or None)
            if got is None:
                message = "Nothing free to claim in " + ("that team's queue." if team else "any of your teams' queues.")
            else:
                self.tickets[got.key] = got
                self.selected_key = got.key
                claimed = queue.get_item(ctx, got.kind, got.id)
                where = f" ({team_name(ctx.policy, claimed.team_code)})" if claimed is not None else ""
                message = f"Claimed {got.kind.label.lower()} {got.id}{where}: the most pressing free item."
        elif item is not None:
            token = self.token_for(item)
            if what == "release":
                queue.release(ctx, item.kind, item.id, token)
                message = "Released: it is back in the queue."
            elif what == "complete" and res is not None:
                queue.complete(ctx, item.kind, item.id, token, res[0], res[1])
                message = "Completed" + (
                    " and logged as a call on the case." if item.kind is ItemKind.CALLBACK else "."
                )
            elif what == "attempt" and res is not None:
                n = queue.record_attempt(ctx, item.id, token, res[0], res[1])
                message = f"Attempt {n} recorded; the callback is back in the queue."
            elif what == "reassign" and res is not None:
                queue.reassign(ctx, item.kind, item.id, res[0], res[1])
                message = f"Passed to {res[0]}."
            elif what == "accept":
                queue.accept_handoff(ctx, item.id, token)
                message = "Hand-off accepted into your team's work."
            if what in ("release", "complete", "attempt", "reassign", "accept"):
                self.tickets.pop(item.key, None)
        self.app.call_from_thread(self._acted, message)

    def _acted(self, message: str) -> None:
        if message:
            self.notify(message, markup=False)
        self.load()
