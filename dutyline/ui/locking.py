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

#: What still works while the desk is locked: moving between the login and PIN boxes, and quitting.
_ALLOWED_WHEN_LOCKED = frozenset({"quit", "focus_next", "focus_previous"})


class LockMixin(DeskAppBase):
    lock_screen: LockScreen | None = None
    idle_warning: IdleWarning | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(
            event, events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp | events.Paste
        ):
            self.idle.touch()
            if self.idle_warning is not None:
                self.idle_warning.dismiss(None)
                self.idle_warning = None
                if isinstance(event, events.Key):
                    return  # the key that keeps the desk open is not typed into the form underneath
        await super().on_event(event)

    def idle_tick(self) -> None:
        if self.locked:
            return
        state = self.idle.state()
        if state == IdleState.LOCK:
            self.action_lock()
        elif state == IdleState.WARN and self.idle_warning is None:
            self.idle_warning = IdleWarning(int(round(self.idle.remaining())))
            self.push_screen(self.idle_warning)

    def action_lock(self) -> None:
        if self.locked:
            return
        self.autosave()
        self.locked = True
        if self.idle_warning is not None:
            self.idle_warning.dismiss(None)
            self.idle_warning = None
        self.lock_screen = LockScreen(self.desk, self.desk.actor.login)
        self.push_screen(self.lock_screen, self._unlocked)

    def _unlocked(self, actor: Actor | None) -> None:
        self.locked = False
        self.lock_screen = None
        self.idle.touch()
        if actor is None or actor.login == self.desk.actor.login:
            return
        self.switch_person(actor)

    def switch_person(self, actor: Actor) -> None:
        """Someone else unlocked: start fresh as them. The previous person's call stays in their draft."""
        self.desk.switch_actor(actor)
        self.call = None
        self._last_payload = None
        if self.current_mode == "duty":
            self.switch_mode("handler")
            self.call_after_refresh(self.drop_duty_mode)
        else:
            self.drop_duty_mode()
        self._back_to_search()
        self.check_draft()
        if self.index_count is not None:
            self.search_screen.index_ready(self.index_count)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not self.locked or action in _ALLOWED_WHEN_LOCKED
