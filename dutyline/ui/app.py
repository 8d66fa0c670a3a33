"""DutylineApp: modes, global keys, the call in progress, autosave and the idle lock. Screens do the rest.

Kept thin on purpose (docs/ARCHITECTURE.md, Layers): the app owns only what outlives a screen (the `Desk` façade, the
call state, the draft autosave and the lock); each screen owns its own widgets and workers.

Autosave: the call state is copied to the `draft` table every `autosave_s` seconds when it changed, on
every screen change, and just before locking. Saves run in a thread worker; a sequence number stops an
older save that finishes late from overwriting a newer one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from dutyline.config import idle_lock_seconds
from dutyline.domain.call_form import CallForm
from dutyline.domain.call_record import LoggedCall
from dutyline.domain.model import ContactInfo, Outcome, Reason
from dutyline.domain.permissions import Action
from dutyline.services.context import Context
from dutyline.services.search import SearchService
from dutyline.ui.call_state import CallState
from dutyline.ui.commands import DeskCommands
from dutyline.ui.crash import SafeCrashMixin
from dutyline.ui.desk import Authenticator, Desk
from dutyline.ui.errors import describe
from dutyline.ui.idle import IdleWatch
from dutyline.ui.locking import LockMixin
from dutyline.ui.palette import PaletteMixin
from dutyline.ui.screens.call import CallScreen
from dutyline.ui.screens.dialogs import ConfirmEnd, DraftOffer, HelpScreen
from dutyline.ui.screens.lock import LockScreen
from dutyline.ui.screens.log_call import LogCallScreen
from dutyline.ui.screens.safeguarding import SafeguardingScreen
from dutyline.ui.screens.search import SearchScreen

DUTY_MISSING = "Duty officer mode is not available in this build."


class DutylineApp(SafeCrashMixin, LockMixin, PaletteMixin, App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "dutyline"
    MODES = {"handler": SearchScreen}
    DEFAULT_MODE = "handler"
    COMMANDS = App.COMMANDS | {DeskCommands}
    BINDINGS = [
        Binding("f1", "help", "Help", tooltip="Keys and how the screens work"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f9", "safeguarding", "Safeguarding", priority=True, tooltip="Raise a safeguarding concern"),
        Binding("ctrl+l", "lock", "Lock", tooltip="Lock the screen now"),
        Binding("f10", "toggle_mode", "Duty/handler", tooltip="Switch between call handler and duty officer"),
    ]

    def __init__(
        self,
        ctx: Context,
        search_service: SearchService,
        *,
        mode: str = "handler",
        authenticate: Authenticator | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        idle_lock_s: float | None = None,
        autosave_s: float = 3.0,
        idle_check_s: float = 1.0,
    ) -> None:
        super().__init__()
        self.desk = Desk(ctx, search_service, authenticate=authenticate)
        self.start_mode = mode
        self.call: CallState | None = None
        self.idle = IdleWatch(idle_lock_s if idle_lock_s is not None else idle_lock_seconds(), clock=monotonic)
        self.locked = False
        self.index_count: int | None = None
        self._autosave_s = autosave_s
        self._idle_check_s = idle_check_s
        self._save_lock = threading.Lock()
        self._save_seq = 0
        self._saved_seq = 0
        self._last_payload: dict[str, Any] | None = None

    @property
    def ctx(self) -> Context:
        """The current person's Context (the duty screen uses it too)."""
        return self.desk.ctx

    @property
    def search_service(self) -> SearchService:
        return self.desk.search_service

    # --- start-up -----------------------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.title = "dutyline — call handler"
        self.set_interval(self._idle_check_s, self.idle_tick)
        self.set_interval(self._autosave_s, self.autosave)
        self.screen_change_signal.subscribe(self, lambda _screen: self.autosave())
        self.build_index()
        self.check_draft()
        if self.start_mode == "duty":
            self.action_toggle_mode()

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def build_index(self) -> None:
        count = self.desk.build_index()
        self.call_from_thread(self._index_ready, count)

    def _index_ready(self, count: int) -> None:
        self.index_count = count
        for screen in self._handler_stack():
            if isinstance(screen, SearchScreen):
                screen.index_ready(count)
        self.set_interval(2.0, self.refresh_index)

    @work(thread=True, exclusive=True, group="index-refresh", exit_on_error=False)
    def refresh_index(self) -> None:
        self.desk.refresh_index()

    @work(thread=True, exclusive=True, group="draft-load", exit_on_error=False)
    def check_draft(self) -> None:
        payload = self.desk.load_draft()
        if payload is not None:
            self.call_from_thread(self._offer_draft, payload)

    def _offer_draft(self, payload: dict[str, Any]) -> None:
        state = CallState.from_payload(payload)

        def answered(restore: bool | None) -> None:
            if restore is False:
                self.discard_draft()
            else:
                self.restore_call(state)

        self.push_screen(DraftOffer(state), answered)

    def _handler_stack(self) -> list[Screen[Any]]:
        return list(self._screen_stacks.get("handler", []))

    # --- the call ------------------------------------------------------------------------------------------
    def begin_call(self, case_id: int | None) -> None:
        self.call = CallState(started_at=self.desk.now(), case_id=case_id)
        if case_id is None:
            self.call.screen = "log"
            self.push_screen(LogCallScreen())
        else:
            self.push_screen(CallScreen(case_id))
        self.call_changed()

    def restore_call(self, state: CallState) -> None:
        self.call = state
        self._last_payload = state.to_payload()
        if state.case_id is not None:
            self.push_screen(CallScreen(state.case_id))
            if state.screen == "log":
                self.push_screen(LogCallScreen())
        else:
            self.push_screen(LogCallScreen())

    def open_log_form(self) -> None:
        if self.call is not None and not isinstance(self.screen, LogCallScreen):
            self.push_screen(LogCallScreen())

    def call_changed(self) -> None:
        """Screens call this after writing to the call state; the next autosave tick picks it up."""

    def current_contacts(self) -> tuple[ContactInfo, ...]:
        for screen in self._handler_stack():
            if isinstance(screen, CallScreen) and screen.summary is not None:
                return screen.summary.case.contacts
        return ()

    def end_call_asking(self) -> None:
        if self.call is None or not self.call.has_content:
            self.end_call()
            return
        self.push_screen(ConfirmEnd(self.call.safeguarding is not None), lambda yes: self.end_call() if yes else None)

    def end_call(self) -> None:
        """Drop the call and its draft, and go back to an empty search."""
        self.call = None
        self._last_payload = None
        self.discard_draft()
        self._back_to_search()

    def _back_to_search(self) -> None:
        if self.current_mode != "handler":
            return
        while len(self.screen_stack) > 1 and not isinstance(self.screen, LockScreen):
            self.pop_screen()
        if isinstance(self.screen, SearchScreen):
            self.screen.reset()

    def call_logged(self, logged: LoggedCall, form: CallForm) -> None:
        parts = [f"Call saved (reference {logged.call_id})"]
        if form.handoff is not None:
            parts.append(f"handed to {self.desk.policy.team_name(form.handoff.team)}")
        if form.callback is not None:
            parts.append("callback booked")
        if logged.safeguarding_alert_id is not None:
            parts.append("the duty officer has been alerted to the safeguarding concern")
        self.notify(", ".join(parts) + ".", title="Saved", markup=False)
        self.end_call()

    @work(thread=True, exclusive=True, group="draft-discard", exit_on_error=False)
    def discard_draft(self) -> None:
        with self._save_lock:
            self._saved_seq = self._save_seq = self._save_seq + 1  # any save still queued is now stale
            self.desk.discard_draft()

    # --- autosave ------------------------------------------------------------------------------------------
    def autosave(self) -> None:
        if self.call is None:
            return
        payload = self.call.to_payload()
        if payload == self._last_payload:
            return
        self._last_payload = payload
        self._save_seq += 1
        self._save_draft(payload, self._save_seq)

    @work(thread=True, group="draft-save", exit_on_error=False)
    def _save_draft(self, payload: dict[str, Any], seq: int) -> None:
        with self._save_lock:
            if seq <= self._saved_seq:
                return  # a newer save already happened
            self.desk.save_draft(payload)
            self._saved_seq = seq

    # --- safeguarding ----------------------------------------------------------------------------------------
    def action_safeguarding(self) -> None:
        if self.call is None:
            self.notify(
                "Start a call first: find the case (or choose No case), then press F9.",
                title="Safeguarding",
                markup=False,
            )
            return
        if isinstance(self.screen, SafeguardingScreen):
            return
        self.push_screen(SafeguardingScreen(self.desk.policy, self.call, self.desk.now()), self._safeguarding_done)

    def _safeguarding_done(self, record: dict[str, Any] | None) -> None:
        state = self.call
        if record is None or state is None:
            return
        state.safeguarding = record
        if not state.reason:
            state.reason = Reason.SAFEGUARDING.value
        if state.outcome == Outcome.SIGNPOSTED.value:
            state.outcome = None
            self.notify(
                "A safeguarding call cannot be closed as signposted: choose another outcome.",
                severity="warning",
                markup=False,
            )
        self.autosave()
        if isinstance(self.screen, LogCallScreen):
            self.pop_screen()  # rebuild the form so it shows the new reason and outcome
        self.push_screen(LogCallScreen())

    # --- modes and help ----------------------------------------------------------------------------------------
    def action_toggle_mode(self) -> None:
        if self.current_mode == "duty":
            self.switch_mode("handler")
            self.title = "dutyline — call handler"
            return
        if not self.desk.actor.may(Action.VIEW_QUEUE):
            self.notify("Your account is not set up for duty officer work.", markup=False)
            return
        if "duty" not in self._modes:
            try:
                from dutyline.ui.duty import DutyScreen
            except ImportError:
                self.notify(DUTY_MISSING, severity="warning", markup=False)
                return
            self.add_mode("duty", DutyScreen)
        self.switch_mode("duty")
        self.title = "dutyline — duty officer"

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(describe(event.worker.error), title="Not done", severity="error", markup=False, timeout=10)
