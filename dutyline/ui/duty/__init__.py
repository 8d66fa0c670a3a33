"""Duty officer mode: the live queue of callbacks and hand-offs. The app loads `DutyScreen`
lazily when the person switches to duty mode (F10) or starts with `--mode duty`."""

from dutyline.ui.duty.screen import DutyScreen

__all__ = ["DutyScreen"]
