"""The idle lock, as a mixin of DutylineApp (docs/PRIVACY.md, C8): input resets the idle clock, a warning
comes 30 s before the limit, the lock saves the draft first and hides everything behind a full screen, and
unlocking as a different person starts a fresh session (the previous person's draft stays theirs).
"""

from __future__ import annotations

from textual import events

from dutyline.services.context import Actor
from dutyline.ui.app_base import DeskAppBase
from dutyline.ui.idle import IdleState
from dutyline.ui.screens.lock import IdleWarning, LockScreen
from dutyline.ui.screens.search import SearchScreen


class LockMixin(DeskAppBase):
    async def on_event(self, event: events.Event) -> None:
        if isinstance(
            event, events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp | events.Paste
        ):
            self.idle.touch()
            if isinstance(self.screen, IdleWarning):
                self.screen.dismiss(None)
                if isinstance(event, events.Key):
                    return  # the key that keeps the desk open is not typed into the form underneath
        await super().on_event(event)

    def idle_tick(self) -> None:
        if self.locked:
            return
        state = self.idle.state()
        if state == IdleState.LOCK:
            self.action_lock()
        elif state == IdleState.WARN and not isinstance(self.screen, IdleWarning):
            self.push_screen(IdleWarning(int(round(self.idle.remaining()))))

    def action_lock(self) -> None:
        if self.locked:
            return
        self.autosave()
        self.locked = True
        if isinstance(self.screen, IdleWarning):
            self.pop_screen()
        self.push_screen(LockScreen(), self._unlocked)

    def _unlocked(self, actor: Actor | None) -> None:
        self.locked = False
        self.idle.touch()
        if actor is None or actor.login == self.desk.actor.login:
            return
        self.switch_person(actor)

    def switch_person(self, actor: Actor) -> None:
        """Someone else unlocked: start fresh as them. The previous person's call stays in their draft."""
        self.desk.switch_actor(actor)
        self.call = None
        self._last_payload = None
        if "duty" in self._modes and self.current_mode != "duty":
            self.remove_mode("duty")
        if self.current_mode == "duty":
            self.switch_mode("handler")
            self.call_after_refresh(self._drop_duty_mode)
        self._back_to_search()
        self.check_draft()
        if self.index_count is not None:
            for screen in self._handler_stack():
                if isinstance(screen, SearchScreen):
                    screen.index_ready(self.index_count)

    def _drop_duty_mode(self) -> None:
        if "duty" in self._modes:
            self.remove_mode("duty")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (self.locked and action != "quit")
