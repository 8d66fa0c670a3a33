"""Screens of the call-handler app (the duty officer's screen lives in dutyline.ui.duty)."""
