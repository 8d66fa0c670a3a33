"""A real process killed mid-call (SIGKILL) loses nothing that was autosaved (docs/RELIABILITY.md, A1).

The child (tests/ui/kill_harness.py) runs the app and types notes; the parent kills it at a random
moment after an autosave, then starts the app again and checks the draft offered back is exactly the
notes of the last committed autosave (or of the one in flight, if its commit beat the kill), and that
SQLite's integrity check passes.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.widgets import TextArea

from dutyline.store.engine import Database
from dutyline.ui.screens.log_call import LogCallScreen
from tests.ui.conftest import AppFactory, screen_text, settle
from tests.ui.seed import Seeded

ROOT = Path(__file__).resolve().parents[2]


def run_and_kill(url: str, acks_before_kill: int) -> tuple[str, set[str]]:
    """(notes of the last ACKed save, notes that may also have been committed) once the child is dead."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.kill_harness", url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    lines: list[str] = []
    acks = 0
    try:
        for line in child.stdout:
            lines.append(line)
            if line.startswith("ACK ") and json.loads(line[4:]):
                acks += 1
                if acks >= acks_before_kill:
                    os.kill(child.pid, signal.SIGKILL)
                    break
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        lines += child.stdout.readlines()  # whatever was already in the pipe
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    last_ack, possible = "", set[str]()
    for line in lines:
        kind, _, payload = line.partition(" ")
        if kind == "ACK":
            last_ack, possible = json.loads(payload), set()
        elif kind == "SAVING":
            possible.add(json.loads(payload))
    assert last_ack, "the child never completed an autosave"
    return last_ack, possible


@pytest.mark.slow
async def test_sigkill_mid_call_offers_exact_notes_back(
    make_app: AppFactory, seeded: Seeded, sqlite_db: Database
) -> None:
    rng = random.Random(5)
    for _round in range(2):
        last_ack, in_flight = run_and_kill(sqlite_db.url, rng.randint(2, 8))
        with sqlite_db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "Unfinished call found" in screen_text(app)
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, LogCallScreen)
            restored = app.screen.query_one("#notes", TextArea).text
            assert restored == last_ack or restored in in_flight, (len(restored), len(last_ack))
            assert len(restored) >= len(last_ack)
            await pilot.press("escape", "y")  # end the call: the next round starts clean
            await settle(pilot)
