"""Running an action chosen in the command palette, by its id in the one action list.

Why generic: the palette used to have its own if/elif per action and its own guards. Now an action runs
on the current screen if that screen has it (and its `check_action` allows it), else on the app; if it
applies nowhere here, the handler is told where it does, in the words of the action list.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.screen import Screen

from dutyline.ui.actions import BY_ID


async def run_chosen_action(app: App[Any], screen: Screen[Any], action_id: str) -> None:
    act = BY_ID.get(action_id)
    if act is None:
        return
    name = act.run.split("(", 1)[0]
    target: Screen[Any] | App[Any]
    for target in (screen, app):
        if not hasattr(target, act.method):
            continue
        if target.check_action(name, ()) is False:
            app.notify(f"{act.title}: not possible right now.", markup=False)
            return
        if isinstance(target, App):
            await target.run_action(act.run)
        else:
            await target.run_action(act.run)
        return
    app.notify(f"{act.title} works in the {act.where_text}, not here ({act.key_text} there).", markup=False)
