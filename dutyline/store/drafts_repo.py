"""Rows for call drafts: one per login and desk session (SQLAlchemy lives here only).

A desk session is one running app. Keying drafts by it (not by login and desk alone) means two windows
with the same login each keep their own call; neither autosave overwrites the other. A draft outlives
its session on purpose (a crash must lose nothing): `ended` marks a session closed normally, and the
service decides when a session that vanished without closing is over.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from dutyline.store.calls_repo import as_utc
from dutyline.store.tables import Draft


@dataclass(frozen=True, slots=True)
class StoredDraft:
    """A draft as stored: whose session, when last touched, whether that session closed, and the call."""

    id: int
    desk: str
    session: str
    updated_at: dt.datetime
    ended: bool
    payload: dict[str, Any]


def _payload(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def upsert_draft(
    session: Session, *, login: str, desk: str, desk_session: str, payload: Mapping[str, Any], now: dt.datetime
) -> None:
    """This session's draft for `login`: updated in place, or inserted the first time."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
    case_id = payload.get("case_id")
    case_id = case_id if isinstance(case_id, int) else None
    mine = (Draft.login == login, Draft.desk == desk, Draft.session == desk_session)
    done = session.execute(
        update(Draft).where(*mine).values(payload=text, case_id=case_id, updated_at=now, ended=False)
    ).rowcount  # type: ignore[attr-defined]  # a DML result is a CursorResult; Session types it as Result
    if not done:
        session.add(Draft(login=login, desk=desk, session=desk_session, payload=text, case_id=case_id, updated_at=now))
        session.flush()


def touch(session: Session, *, desk_session: str, now: dt.datetime) -> None:
    """The session is still running: its drafts' time moves on (another window then leaves them alone)."""
    session.execute(update(Draft).where(Draft.session == desk_session, Draft.ended.is_(False)).values(updated_at=now))


def end_session(session: Session, *, desk_session: str) -> None:
    """The app is closing: its drafts (of every login that used it) may be offered to the next session."""
    session.execute(update(Draft).where(Draft.session == desk_session).values(ended=True))


def drafts_of(session: Session, *, login: str) -> list[StoredDraft]:
    """Every draft of `login`, newest first."""
    rows = session.scalars(select(Draft).where(Draft.login == login).order_by(Draft.updated_at.desc(), Draft.id.desc()))
    out = []
    for r in rows:
        payload = _payload(r.payload)
        if payload is not None:
            out.append(StoredDraft(r.id, r.desk, r.session, as_utc(r.updated_at), r.ended, payload))
    return out


def take_over(
    session: Session, *, draft_id: int, from_session: str, login: str, desk: str, desk_session: str, now: dt.datetime
) -> bool:
    """Move a draft to this session, only if it still belongs to `from_session` (two new windows cannot
    both take the same call). This session's own draft for the login, if any, is replaced."""
    session.execute(
        delete(Draft).where(
            Draft.login == login, Draft.desk == desk, Draft.session == desk_session, Draft.id != draft_id
        )
    )
    done = session.execute(
        update(Draft)
        .where(Draft.id == draft_id, Draft.session == from_session, Draft.login == login)
        .values(session=desk_session, desk=desk, ended=False, updated_at=now)
    ).rowcount  # type: ignore[attr-defined]
    return bool(done)


def delete_draft(session: Session, *, login: str, desk: str, desk_session: str) -> None:
    session.execute(delete(Draft).where(Draft.login == login, Draft.desk == desk, Draft.session == desk_session))


def delete_draft_id(session: Session, *, draft_id: int, login: str) -> None:
    session.execute(delete(Draft).where(Draft.id == draft_id, Draft.login == login))
