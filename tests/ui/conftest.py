"""Fixtures for the app tests: a seeded SQLite file, a frozen clock, no cursor blink, one app factory.

UI flow tests run on SQLite only (the services they call are tested on both backends in
tests/test_calls_service.py). Cursor blink is off so screenshots do not depend on timing.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from textual.worker import WorkerCancelled, WorkerFailed

from dutyline.services.context import Actor
from dutyline.services.search import SearchService
from dutyline.services.staff import NotAuthorised
from dutyline.store.engine import Database
from dutyline.ui.app import DutylineApp
from tests.ui.seed import Seeded, handler_ctx, seed


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setattr(TextArea, "cursor_blink", False)


@pytest.fixture
def seeded(sqlite_db: Database) -> Seeded:
    return seed(sqlite_db)


class FakeClock:
    """Monotonic seconds the test moves by hand (idle lock)."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


PINS = {"hana": "1111", "omar": "2222"}


def fake_authenticate(login: str, pin: str) -> Actor:
    from dutyline.domain.model import Role

    if PINS.get(login) != pin:
        raise NotAuthorised("That PIN is not right for this login.")
    return Actor(login=login, display_name=login.title(), roles=frozenset({Role.CALL_HANDLER}), desk="desk-1")


AppFactory = Callable[..., DutylineApp]


@pytest.fixture
def make_app(sqlite_db: Database) -> AppFactory:
    def factory(login: str = "hana", **kw: Any) -> DutylineApp:
        kw.setdefault("idle_lock_s", 3600)
        kw.setdefault("idle_check_s", 3600)  # tests call app.idle_tick() themselves
        kw.setdefault("autosave_s", 3600)  # tests call app.autosave() or rely on screen changes
        kw.setdefault("authenticate", fake_authenticate)
        return DutylineApp(handler_ctx(sqlite_db, login), SearchService(sqlite_db), **kw)

    return factory


async def settle(pilot: Pilot[Any], rounds: int = 3, timeout: float = 30.0) -> None:
    """Wait until the app is quiet, instead of for a fixed time: every pending message handled, no worker
    running, and no screen switch still masked by Textual's short update delay, `rounds` checks in a row
    (a worker's result can start another worker, or push a screen).

    A worker in the "call-dialog" group (the call form's save) may be waiting for a dialog the test has yet
    to answer; it is waited for only while its own screen is on top (saving, not asking). Waiting for it
    while a dialog is up would never end, and it is polled, never awaited: cancelling an await of it
    would cancel the worker itself.
    """
    app = pilot.app
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < rounds:
        assert time.monotonic() < deadline, "the app did not settle"
        await pilot.pause(0)
        busy = [w for w in app.workers if w.is_running and w.group != "call-dialog"]
        saving = [w for w in app.workers if w.is_running and w.group == "call-dialog" and w.node is app.screen]
        if busy:
            for worker in busy:  # how it ends is the test's to check: a refusal, a newer search's cancel
                with contextlib.suppress(WorkerCancelled, WorkerFailed):
                    await worker.wait()
            quiet = 0
        elif saving or app._batch_count:  # (a batch: a screen switch still masked, App.delay_update)
            await asyncio.sleep(0.01)
            quiet = 0
        else:
            quiet += 1


async def enter_text(pilot: Pilot[Any], text: str) -> None:
    """Put `text` into the focused Input or TextArea as typing it would (replacing any selection), in one
    edit instead of one key event per character (~0.1 s each under Pilot).

    For tests where typing is not what is under test; the tests of typing itself (key bursts, a selection
    replaced by the first key, the lock screen's PIN) still press real keys.
    """
    await pilot.pause(0)  # a focus() just called lands first, as it would before the first key
    widget = pilot.app.focused
    if isinstance(widget, Input):
        if widget.selection.is_empty:
            widget.insert_text_at_cursor(text)
        else:
            widget.replace(text, *widget.selection)
    elif isinstance(widget, TextArea):
        start, end = widget.selection
        widget.replace(text, start, end, maintain_selection_offset=False)
    else:
        raise AssertionError(f"nothing to type into: {widget!r} has the focus")
    await pilot.pause(0)


def screen_text(app: App[Any]) -> str:
    """Everything the compositor would send to the terminal, as plain text (one line per row)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


def screen_actions(app: App[Any]) -> list[str]:
    """Any click actions attached to rendered text (hostile markup must never create one)."""
    found = []
    for strip in app.screen._compositor.render_strips():
        for seg in strip:
            meta = seg.style.meta if seg.style is not None else {}
            if meta and "@click" in meta:
                found.append(str(meta["@click"]))
    return found


def send_burst(app: DutylineApp, text: str, *, then: str = "ctrl+s") -> None:
    """Deliver `text` and then the key `then` as one read from the terminal would: all queued at once,
    nothing awaited in between (a fast typist or a paste). Catches bindings that run ahead of typing."""
    from textual import events

    driver = app._driver
    assert driver is not None
    for key, char in [*((c if c != " " else "space", c) for c in text), (then, None)]:
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)
