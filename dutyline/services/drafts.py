"""The handler's unfinished call (autosave), kept per desk session and recovered after a crash.

A desk session is one running app, named "<pid>.<random>" when it starts. Each session autosaves into its
own draft, so two windows with the same login never overwrite each other's call (they used to share one
slot per login and desk, and one window lost its draft).

A draft outlives its session on purpose: a crash must lose nothing. At start (and when a person unlocks
a desk) the app is offered, newest first, this login's drafts that nobody is working on: its own
session's (left when someone else unlocked the desk), and those of sessions that are over. A session
is over when its app closed (`end_session`), when it ran on this desk and its process is gone (a crash
or a kill: known at once), or when it has not touched its drafts for ENDED_AFTER (another machine). A
live session touches its drafts every HEARTBEAT, so a draft another window is still writing is never
offered. Taking a draft over is guarded: two new windows cannot both restore the same call.

Drafts are not audited: an autosave every few seconds is not an act on a child's record, and the call it
becomes is.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dutyline.domain.permissions import Action
from dutyline.services.context import Context

#: A live session touches its drafts this often; one silent for ENDED_AFTER is taken to be over.
HEARTBEAT = dt.timedelta(seconds=20)
ENDED_AFTER = dt.timedelta(minutes=2)


def new_session() -> str:
    """A name for this running app: its process id (so a crash on this desk is seen at once) and a random
    part (so two apps in one process, or a reused process id, are still two sessions)."""
    return f"{os.getpid()}.{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True, slots=True)
class Recoverable:
    """A draft the person at this desk may take back: where it is, and the call."""

    draft_id: int
    session: str
    payload: dict[str, Any]


def save_draft(ctx: Context, payload: Mapping[str, Any], session: str = "") -> None:
    """Keep the unfinished call of this login in this desk session (replaces the session's previous one)."""
    ctx.require(Action.SAVE_DRAFT)
    ctx.uow.run(
        lambda work: work.calls.upsert_draft(
            login=ctx.actor.login, desk=ctx.actor.desk, desk_session=session, payload=payload, now=ctx.now()
        )
    )


def load_draft(ctx: Context, session: str | None = None) -> dict[str, Any] | None:
    """This login's draft in `session` (None: its newest in any session), or None. Another login never
    sees it."""
    ctx.require(Action.SAVE_DRAFT)
    with ctx.uow.read() as work:
        drafts = work.calls.drafts_of(login=ctx.actor.login)
    return next((d.payload for d in drafts if session is None or d.session == session), None)


def discard_draft(ctx: Context, session: str = "") -> None:
    ctx.require(Action.SAVE_DRAFT)
    ctx.uow.run(lambda work: work.calls.delete_draft(login=ctx.actor.login, desk=ctx.actor.desk, desk_session=session))


def recoverable(ctx: Context, session: str) -> list[Recoverable]:
    """This login's drafts nobody is working on: this session's own first, then other sessions' that are
    over, newest first."""
    ctx.require(Action.SAVE_DRAFT)
    with ctx.uow.read() as work:
        drafts = work.calls.drafts_of(login=ctx.actor.login)
    now = ctx.now()
    own = [d for d in drafts if d.session == session]
    over = [
        d
        for d in drafts
        if d.session != session
        and (d.ended or now - d.updated_at > ENDED_AFTER or _gone(d.session, d.desk, ctx.actor.desk))
    ]
    return [Recoverable(d.id, d.session, d.payload) for d in own + over]


def _gone(owner: str, desk: str, this_desk: str) -> bool:
    """The session ran on this desk and its process no longer exists ('' = a version before sessions)."""
    pid_text = owner.partition(".")[0]
    if not pid_text.isdigit():
        return True
    if desk != this_desk:
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # another app in this very process (tests, or a second window in one terminal)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists, under another user
    return False


def take_over(ctx: Context, draft: Recoverable, session: str) -> bool:
    """Make `draft` this session's. False when another window took it first."""
    ctx.require(Action.SAVE_DRAFT)
    if draft.session == session:
        return True
    return ctx.uow.run(
        lambda work: work.calls.take_over_draft(
            draft_id=draft.draft_id,
            from_session=draft.session,
            login=ctx.actor.login,
            desk=ctx.actor.desk,
            desk_session=session,
            now=ctx.now(),
        )
    )


def discard_recovered(ctx: Context, draft: Recoverable) -> None:
    """The person chose to throw an offered draft away."""
    ctx.require(Action.SAVE_DRAFT)
    ctx.uow.run(lambda work: work.calls.delete_draft_id(draft_id=draft.draft_id, login=ctx.actor.login))


def touch(ctx: Context, session: str) -> None:
    """Heartbeat: this session is still running (its drafts are not offered elsewhere)."""
    ctx.uow.run(lambda work: work.calls.touch_drafts(desk_session=session, now=ctx.now()))


def end_session(ctx: Context, session: str) -> None:
    """The app is closing: its drafts may be offered to the next session of each login at once."""
    ctx.uow.run(lambda work: work.calls.end_session(desk_session=session))
