"""DutylineApp: modes, global keys, the call in progress, autosave and the idle lock. Screens do the rest.

Kept thin on purpose (docs/ARCHITECTURE.md, Layers): the app owns only what outlives a screen (the `Desk`
façade, the call draft, the autosave and the lock). Screens are given what they need (the desk, the
draft) and post messages up (`dutyline.ui.messages`); the app reacts to them here. Nothing under
`ui/screens`, `ui/widgets` or `ui/duty` imports this module (an import-linter contract holds it).

Autosave: the call draft is copied to the `draft` table every `autosave_s` seconds when it changed, on
every screen change, and just before locking. Saves run in a thread worker; a sequence number stops an
older save that finishes late from overwriting a newer one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import App
from textual.worker import Worker, WorkerState

from dutyline.domain.call_draft import CallDraft
from dutyline.domain.call_form import SafeguardingRecord
from dutyline.domain.model import Outcome, Reason
from dutyline.domain.permissions import Action
from dutyline.services.context import Context
from dutyline.services.drafts import HEARTBEAT, Recoverable
from dutyline.services.search import SearchService
from dutyline.ui.actions import Where, bindings
from dutyline.ui.commands import DeskCommands
from dutyline.ui.crash import SafeCrashMixin
from dutyline.ui.desk import Authenticator, Desk
from dutyline.ui.errors import describe
from dutyline.ui.idle import IdleWatch
from dutyline.ui.locking import LockMixin
from dutyline.ui.messages import (
    ActionChosen,
    CallEnded,
    CallSaved,
    CaseChosen,
    IndexReady,
    LeaveWorkspace,
    OpenCallForm,
    SafeguardingRequested,
)
from dutyline.ui.palette import run_chosen_action
from dutyline.ui.screens.call import CallScreen
from dutyline.ui.screens.dialogs import ConfirmEnd, DraftOffer, HelpScreen
from dutyline.ui.screens.log_call import LogCallScreen
from dutyline.ui.screens.safeguarding import SafeguardingScreen
from dutyline.ui.screens.search import SearchScreen
from dutyline.ui.toasts import promise_toast


class DutylineApp(SafeCrashMixin, LockMixin):
    CSS_PATH = "app.tcss"
    TITLE = "dutyline"
    DEFAULT_MODE = "handler"
    COMMANDS = App.COMMANDS | {DeskCommands}
    BINDINGS = bindings(Where.ANYWHERE)

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
        self.call: CallDraft | None = None
        self.idle = IdleWatch(idle_lock_s if idle_lock_s is not None else ctx.settings.idle_lock, clock=monotonic)
        self.show_tracebacks = ctx.settings.debug
        self.locked = False
        self.index_count: int | None = None
        self.search_screen = SearchScreen(self.desk)
        self.add_mode("handler", lambda: self.search_screen)
        self.duty_mode = False
        self.workspace_mode = False
        self._before_workspace = "handler"
        self._help: HelpScreen | None = None
        self._safeguarding: SafeguardingScreen | None = None
        self._case_view: CallScreen | None = None
        self._form: LogCallScreen | None = None
        self._autosave_s = autosave_s
        self._idle_check_s = idle_check_s
        self._save_lock = threading.Lock()
        self._save_seq = 0
        self._saved_seq = 0
        self._last_payload: dict[str, Any] | None = None
        self._touched = self.desk.now()

    @property
    def ctx(self) -> Context:
        """The current person's Context."""
        return self.desk.ctx

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
        elif self.start_mode == "manager":
            self.action_workspace()

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def build_index(self) -> None:
        self.post_message(IndexReady(self.desk.build_index()))
        self.desk.warm_index()  # after "ready": what the first search would otherwise build on a keystroke

    def on_index_ready(self, message: IndexReady) -> None:
        first = self.index_count is None
        self.index_count = message.count
        self.search_screen.index_ready(message.count)
        if first:
            self.set_interval(2.0, self.refresh_index)

    @work(thread=True, exclusive=True, group="index-refresh", exit_on_error=False)
    def refresh_index(self) -> None:
        self.desk.refresh_index()

    @work(thread=True, exclusive=True, group="draft-load", exit_on_error=False)
    def check_draft(self) -> None:
        """Offer back, newest first, a draft of this person that no running window is working on (this
        session's own, or one left by a window that closed or crashed: see services.drafts)."""
        if self.call is not None:
            return
        found = self.desk.recoverable_drafts()
        if found:
            first = found[0]
            draft = CallDraft.from_payload(first.payload, now=self.desk.now())
            self.call_from_thread(self._offer_draft, first, draft)

    def _offer_draft(self, stored: Recoverable, draft: CallDraft) -> None:
        def answered(restore: bool | None) -> None:
            if restore is False:
                self._discard_offered(stored)
            else:
                self._take_over(stored, draft)

        self.push_screen(DraftOffer(draft), answered)

    @work(thread=True, group="draft-load", exit_on_error=False)
    def _take_over(self, stored: Recoverable, draft: CallDraft) -> None:
        if self.desk.take_over_draft(stored):
            self.call_from_thread(self.restore_call, draft)
        else:
            self.call_from_thread(self.notify, "Another window has taken that call back already.", markup=False)
            self.call_from_thread(self.check_draft)

    @work(thread=True, group="draft-load", exit_on_error=False)
    def _discard_offered(self, stored: Recoverable) -> None:
        self.desk.discard_recovered(stored)
        self.call_from_thread(self.check_draft)  # any older one next

    # --- the call ------------------------------------------------------------------------------------------
    @on(CaseChosen)
    def _case_chosen(self, message: CaseChosen) -> None:
        if self.call is not None:
            self.notify("Finish this call first (save it, or Esc to end it).", markup=False)
            return
        if self.current_mode != "handler":
            self.action_toggle_mode()
        if message.earlier is not None:
            self.call = CallDraft.ringing_back(self.desk.now(), message.earlier)
            self._open_call_screens(self.call)
            return
        self.begin_call(message.case_id)

    def begin_call(self, case_id: int | None, *, reason: Reason | None = None) -> CallDraft:
        self.call = CallDraft(started_at=self.desk.now(), case_id=case_id, reason=reason)
        self._open_call_screens(self.call)
        return self.call

    def restore_call(self, draft: CallDraft) -> None:
        self.call = draft
        self._last_payload = draft.to_payload()
        self._open_call_screens(draft)

    def _open_call_screens(self, draft: CallDraft) -> None:
        if draft.case_id is None:
            draft.screen = "log"
            self._push_form(LogCallScreen(self.desk, draft))
        else:
            self._case_view = CallScreen(self.desk, draft)
            self.push_screen(self._case_view)

    def _push_form(self, form: LogCallScreen) -> None:
        self._form = form
        self.push_screen(form, lambda _result: self._form_closed(form))

    def _form_closed(self, form: LogCallScreen) -> None:
        if self._form is form:
            self._form = None

    @on(OpenCallForm)
    def _open_form(self, message: OpenCallForm) -> None:
        if self.call is None:
            return
        if self._form is not None:
            if message.then:
                self.call_later(self._form.run_action, message.then)
            return
        self._push_form(LogCallScreen(self.desk, self.call, message.summary, message.activity, then=message.then))

    @on(CallEnded)
    def _call_ended(self, message: CallEnded) -> None:
        call = self.call
        if call is None or not message.ask or not call.has_content:
            self.end_call()
            return
        self.push_screen(
            ConfirmEnd(call.safeguarding is not None, call.unrecorded_safeguarding),
            lambda yes: self.end_call() if yes else None,
        )

    def end_call(self) -> None:
        """Drop the call and its draft, and go back to an empty search."""
        self.call = None
        self._last_payload = None
        self.discard_draft()
        self._back_to_search()

    def _back_to_search(self) -> None:
        self._case_view = self._form = None
        if self.current_mode != "handler":
            return
        while len(self.screen_stack) > 1 and self.screen is not self.lock_screen:
            self.pop_screen()
        self.search_screen.reset()

    @on(CallSaved)
    def _call_saved(self, message: CallSaved) -> None:
        self.notify(promise_toast(message.logged, message.form, self.desk), title="Saved", markup=False, timeout=15)
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
            if self.desk.now() - self._touched >= HEARTBEAT:
                self._touched = self.desk.now()
                self._heartbeat()  # still here: no other window takes this call
            return
        self._touched = self.desk.now()
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

    @work(thread=True, group="draft-save", exit_on_error=False)
    def _heartbeat(self) -> None:
        self.desk.touch_session()

    def on_unmount(self) -> None:
        """Closing: the latest of the call in progress is saved, and this session's drafts are handed on
        (the next window of the same person offers them at once). Errors are not raised: the app is going."""
        try:
            with self._save_lock:
                if self.call is not None:
                    self.desk.save_draft(self.call.to_payload())
                self.desk.end_session()
        except Exception:  # noqa: BLE001 - a closing app reports nothing; a crash left a draft anyway
            pass

    # --- safeguarding ----------------------------------------------------------------------------------------
    def action_safeguarding(self) -> None:
        """F9, from anywhere: the script comes first, even before a case is found (a no-case call starts)."""
        if self.locked or self.current_mode != "handler":
            if self.current_mode != "handler":
                self.action_toggle_mode()
            else:
                return
        if self._safeguarding is not None:
            return
        call = self.call if self.call is not None else self.begin_call(None)
        self._safeguarding = SafeguardingScreen(self.desk.policy, call, self.desk.now())
        self.push_screen(self._safeguarding, self._safeguarding_done)

    @on(SafeguardingRequested)
    def _safeguarding_requested(self) -> None:
        self.action_safeguarding()

    def _safeguarding_done(self, record: SafeguardingRecord | None) -> None:
        self._safeguarding = None
        call = self.call
        if record is None or call is None:
            return
        call.safeguarding = record
        if call.reason is None:
            call.reason = Reason.SAFEGUARDING
        if call.outcome == Outcome.SIGNPOSTED:
            call.outcome = None
            self.notify(
                "A safeguarding call cannot be closed as signposted: choose another outcome.",
                severity="warning",
                markup=False,
            )
        self.autosave()
        view = self._case_view
        summary = view.summary if view is not None else None
        activity = view.activity if view is not None else None
        if self._form is not None:
            self.pop_screen()  # rebuild the form so it shows the new reason and outcome
        self._push_form(LogCallScreen(self.desk, call, summary, activity))

    # --- modes, help and the palette ---------------------------------------------------------------------------
    def action_toggle_mode(self) -> None:
        if self.current_mode == "duty":
            self.switch_mode("handler")
            self.title = "dutyline — call handler"
            return
        if not self.desk.actor.may(Action.VIEW_QUEUE):
            self.notify("Your account is not set up for duty officer work.", markup=False)
            return
        if not self.duty_mode:
            from dutyline.ui.duty import DutyScreen  # loaded on first use: handlers never pay for it

            desk = self.desk
            self.add_mode("duty", lambda: DutyScreen(desk))
            self.duty_mode = True
        self.switch_mode("duty")
        self.title = "dutyline — duty officer"

    def action_workspace(self) -> None:
        """F11 (or `--mode manager`): the manager's workspace, as a mode of its own. Tabs follow the role;
        anyone may open it for "My reviews"."""
        if self.current_mode == "manager":
            return
        self._before_workspace = self.current_mode
        if not self.workspace_mode:
            from dutyline.ui.workspace.screen import WorkspaceScreen  # loaded on first use

            desk = self.desk
            self.add_mode("manager", lambda: WorkspaceScreen(desk))
            self.workspace_mode = True
        self.switch_mode("manager")
        self.title = "dutyline — manager's workspace"

    @on(LeaveWorkspace)
    def _leave_workspace(self, _message: LeaveWorkspace) -> None:
        back = self._before_workspace
        if back == "duty" and self.duty_mode:
            self.switch_mode("duty")
            self.title = "dutyline — duty officer"
        else:
            self.switch_mode("handler")
            self.title = "dutyline — call handler"

    def drop_duty_mode(self) -> None:
        if self.duty_mode and self.current_mode != "duty":
            self.remove_mode("duty")
            self.duty_mode = False

    def action_help(self) -> None:
        if self._help is not None:
            self._help.dismiss(None)
            return
        self._help = HelpScreen(extra=str(getattr(self.screen, "HELP_EXTRA", "")))
        self.push_screen(self._help, lambda _r: setattr(self, "_help", None))

    @on(ActionChosen)
    async def _action_chosen(self, message: ActionChosen) -> None:
        await run_chosen_action(self, self.screen, message.action_id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(describe(event.worker.error), title="Not done", severity="error", markup=False, timeout=10)
