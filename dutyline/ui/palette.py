"""Command palette actions, as a mixin of DutylineApp: each checks that it makes sense right now (no
"log the call" without a call, no new call on top of one) and says why in words when it does not.
"""

from __future__ import annotations

from dutyline.ui.app_base import DeskAppBase
from dutyline.ui.screens.log_call import LogCallScreen


class PaletteMixin(DeskAppBase):
    def palette_action(self, action: str) -> None:
        """Run an action chosen in the command palette (each checks that it makes sense now)."""
        in_call = self.call is not None
        if action in ("log_call", "handoff", "callback", "end_call", "edit_contact") and not in_call:
            self.notify("There is no call in progress: find the case first.", markup=False)
        elif action in ("search", "no_case") and in_call:
            self.notify("Finish this call first (save it, or Esc to end it).", markup=False)
        elif action == "search":
            self._back_to_search()
        elif action == "no_case":
            self.begin_call(None)
        elif action == "log_call":
            self.open_log_form()
        elif action in ("handoff", "callback"):
            self.open_log_form()
            self.call_after_refresh(self._form_action, action)
        elif action == "end_call":
            self.end_call_asking()
        elif action == "edit_contact":
            from dutyline.ui.screens.call import CallScreen

            if isinstance(self.screen, CallScreen):
                self.screen.action_edit_contact()
            else:
                self.notify("Go back to the case view (Esc) to change a contact.", markup=False)
        else:
            getattr(self, f"action_{action}")()

    def _form_action(self, action: str) -> None:
        if isinstance(self.screen, LogCallScreen):
            getattr(self.screen, f"action_{action}")()

    def open_case_from_palette(self, case_id: int) -> None:
        if self.call is not None:
            self.notify("Finish this call first (save it, or Esc to end it).", markup=False)
            return
        if self.current_mode != "handler":
            self.action_toggle_mode()
        self.begin_call(case_id)
