"""Idle lock timing for a shared desk (docs/PRIVACY.md, C8; WCAG 2.2.1).

Pure timing, no Textual: the app feeds it input events (`touch`) and asks for the state once a second.
The clock is injected (a monotonic-seconds callable) so tests drive it with a fake clock instead of
waiting minutes. The warning comes `warn_s` seconds before the lock (WCAG asks for at least 20 s) and
any key extends.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

#: Seconds of warning before the lock.
WARN_SECONDS = 30.0


class IdleState(StrEnum):
    ACTIVE = "active"
    WARN = "warn"
    LOCK = "lock"


class IdleWatch:
    def __init__(
        self, limit_s: float, *, warn_s: float = WARN_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit_s = float(limit_s)
        self.warn_s = min(float(warn_s), self.limit_s / 2)
        self._clock = clock
        self._last = clock()

    def touch(self) -> None:
        """The person did something: restart the idle count."""
        self._last = self._clock()

    def idle_for(self) -> float:
        return max(0.0, self._clock() - self._last)

    def remaining(self) -> float:
        """Seconds until the lock."""
        return max(0.0, self.limit_s - self.idle_for())

    def state(self) -> IdleState:
        idle = self.idle_for()
        if idle >= self.limit_s:
            return IdleState.LOCK
        if idle >= self.limit_s - self.warn_s:
            return IdleState.WARN
        return IdleState.ACTIVE
