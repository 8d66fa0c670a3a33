"""Child process for the kill test: the real app, headless, typing call notes until it is killed.

Run as `python -m tests.ui.kill_harness DB_URL`. It starts a "No case" call and types notes one key at a
time while the app autosaves every 0.15 s. Around each draft write it prints `SAVING <json notes>` and,
once the transaction has committed, `ACK <json notes>`, so the parent knows exactly which notes were
durable when it sent SIGKILL.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from dutyline.services.search import SearchService
from dutyline.store.engine import Database
from dutyline.ui.app import DutylineApp
from tests.ui.seed import handler_ctx

WORDS = [
    "Mum",
    "rang",
    "about",
    "the",
    "transfer",
    "review",
    "and",
    "said",
    "the",
    "school",
    "has",
    "not",
    "replied",
    "to",
    "her",
    "emails",
    "since",
    "March",
]


def main(url: str) -> None:
    db = Database(url)
    app = DutylineApp(handler_ctx(db), SearchService(db), autosave_s=0.15, idle_lock_s=3600)
    save = app.desk.save_draft

    def traced(payload: dict[str, Any]) -> None:
        print("SAVING", json.dumps(payload["notes"]), flush=True)
        save(payload)
        print("ACK", json.dumps(payload["notes"]), flush=True)

    app.desk.save_draft = traced  # type: ignore[method-assign]  # the harness traces the real save

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.3)
            await pilot.press("ctrl+n")
            await pilot.pause(0.3)
            app.screen.query_one("#notes").focus()
            print("TYPING", flush=True)
            for n in range(10_000):
                word = WORDS[n % len(WORDS)]
                await pilot.press(*word, "space" if n % 7 else "enter")
                await asyncio.sleep(0.02)

    asyncio.run(drive())


if __name__ == "__main__":
    main(sys.argv[1])
