"""SQL for the duty queue: reads, and every state change as ONE guarded statement (docs/RELIABILITY.md, B1 and B4).

Why guarded single statements: under READ COMMITTED a second UPDATE that finds its row locked waits, then
re-checks its WHERE against the committed row and skips it if the guard no longer holds. So a claim
(`… AND (status='open' OR lease lapsed)`) or a completion (`… AND claimed_by=:me AND lease_token=:t AND
lease live`) can never be given to two desks, where a read-then-write would (P1: 392 of 400 doubled).
On SQLite the same statements run inside BEGIN IMMEDIATE (Database.write), so writers queue on the busy
timeout instead of failing a lock upgrade. Every change bumps `version` (bulk UPDATEs are not covered by
version_id_col) and, on PostgreSQL, sends a `table:id` NOTIFY inside the same transaction, so a rolled-back
change never notifies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, text, true, update
from sqlalchemy.orm import Session

from dutyline.domain.model import ItemStatus, Priority
from dutyline.domain.queue import ItemKind, QueueItem, StatusFilter, as_utc, child_display_name, payload
from dutyline.store.tables import Call, Callback, Case, Handoff, Team

CHANNEL = "dutyline_queue"
#: Rows returned for the DONE / ALL filters (most recent first): a queue, not an archive.
HISTORY_LIMIT = 500

Model = type[Callback] | type[Handoff]
OPEN, CLAIMED, DONE, CANCELLED = (
    s.value for s in (ItemStatus.OPEN, ItemStatus.CLAIMED, ItemStatus.DONE, ItemStatus.CANCELLED)
)


def model_for(kind: ItemKind) -> Any:
    return Callback if kind is ItemKind.CALLBACK else Handoff


# --- guards -----------------------------------------------------------------------------------------


def claimable(m: Model, now: dt.datetime) -> ColumnElement[bool]:
    """Open, or claimed with a lapsed lease (the claimer's desk died or walked away)."""
    return or_(m.status == OPEN, and_(m.status == CLAIMED, m.lease_expires < now))


def held_by(m: Model, login: str, token: str | None, now: dt.datetime) -> ColumnElement[bool]:
    """The caller holds a live lease. Token None is the CLI rule: same login, lease still live."""
    cond = and_(m.status == CLAIMED, m.claimed_by == login, m.lease_expires > now)
    return cond if token is None else and_(cond, m.lease_token == token)


def _urgent_first(m: Model) -> ColumnElement[int]:
    return case((m.priority == Priority.URGENT.value, 0), else_=1)


def notify(session: Session, kind: ItemKind, item_id: int) -> None:
    """Queue a `table:id` notification, delivered only if this transaction commits (PostgreSQL only)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:ch, :p)"), {"ch": CHANNEL, "p": payload(kind, item_id)})


def _change(
    session: Session, kind: ItemKind, where: ColumnElement[bool], values: dict[str, Any], *returning: Any
) -> Any | None:
    """Run one guarded UPDATE … RETURNING; bump the version and notify when a row changed."""
    m = model_for(kind)
    stmt = (
        update(m)
        .where(where)
        .values(version=m.version + 1, **values)
        .returning(m.id, *returning)
        .execution_options(synchronize_session=False)
    )
    row = session.execute(stmt).first()
    if row is not None:
        notify(session, kind, row[0])
    return row


# --- claims -----------------------------------------------------------------------------------------


def claim(
    session: Session,
    kind: ItemKind,
    item_id: int,
    *,
    login: str,
    token: str,
    now: dt.datetime,
    until: dt.datetime,
    teams: Sequence[str] | None,
) -> Any | None:
    """Claim one item by id if nobody holds a live lease on it (and it is in `teams`, when given).

    Returns a one-item tuple (case_id,) when claimed, None when refused (so a claimed item with no case
    is still distinguishable from a refusal)."""
    m = model_for(kind)
    where = and_(m.id == item_id, claimable(m, now))
    if teams is not None:
        where = and_(where, m.team_code.in_(list(teams)))
    row = _change(session, kind, where, _claim_values(login, token, now, until), m.case_id)
    return None if row is None else (row[1],)


def _in_teams(m: Any, teams: Sequence[str] | None) -> Any:
    """Items of these teams (None: every team)."""
    return true() if teams is None else m.team_code.in_(list(teams))


def claim_next(
    session: Session,
    kind: ItemKind,
    *,
    teams: Sequence[str] | None,
    login: str,
    token: str,
    now: dt.datetime,
    until: dt.datetime,
) -> tuple[int, int | None] | None:
    """Claim the most pressing claimable item of `kind` in `teams` (None: every team): urgent first, then
    earliest due (the most overdue), across all the teams at once.

    PostgreSQL: the sub-select locks the chosen row with FOR UPDATE SKIP LOCKED, so concurrent desks each
    take a different row instead of queueing behind one; the outer UPDATE re-checks the guard on that row
    itself. SQLite ignores FOR UPDATE; its writers are already serialised by BEGIN IMMEDIATE.
    Returns (id, case_id) or None when nothing is claimable.
    """
    m = model_for(kind)
    pick = (
        select(m.id)
        .where(_in_teams(m, teams), claimable(m, now))
        .order_by(_urgent_first(m), m.due_at, m.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    row = _change(
        session, kind, and_(m.id == pick, claimable(m, now)), _claim_values(login, token, now, until), m.case_id
    )
    return None if row is None else (int(row[0]), row[1])


def head(
    session: Session, kind: ItemKind, teams: Sequence[str] | None, now: dt.datetime
) -> tuple[int, dt.datetime] | None:
    """(urgency rank, due_at) of the first claimable item in `teams`, to choose which table to claim from."""
    m = model_for(kind)
    row = session.execute(
        select(_urgent_first(m), m.due_at)
        .where(_in_teams(m, teams), claimable(m, now))
        .order_by(_urgent_first(m), m.due_at, m.id)
        .limit(1)
    ).first()
    return None if row is None else (int(row[0]), as_utc(row[1]))


def _claim_values(login: str, token: str, now: dt.datetime, until: dt.datetime) -> dict[str, Any]:
    return {"status": CLAIMED, "claimed_by": login, "claimed_at": now, "lease_expires": until, "lease_token": token}


_UNCLAIMED = {"status": OPEN, "claimed_by": None, "claimed_at": None, "lease_expires": None, "lease_token": None}


def renew(
    session: Session,
    kind: ItemKind,
    item_id: int,
    *,
    login: str,
    token: str | None,
    now: dt.datetime,
    until: dt.datetime,
) -> Any | None:
    """Extend a live lease. No version bump and no notification: nothing another desk shows changes."""
    m = model_for(kind)
    stmt = (
        update(m)
        .where(m.id == item_id, held_by(m, login, token, now))
        .values(lease_expires=until)
        .returning(m.id, m.case_id)
        .execution_options(synchronize_session=False)
    )
    return session.execute(stmt).first()


def release(
    session: Session, kind: ItemKind, item_id: int, *, login: str, token: str | None, now: dt.datetime
) -> Any | None:
    """Give a held item back to the queue; returns (id, case_id) or None if the caller does not hold it."""
    m = model_for(kind)
    return _change(session, kind, and_(m.id == item_id, held_by(m, login, token, now)), dict(_UNCLAIMED), m.case_id)


def complete(
    session: Session,
    kind: ItemKind,
    item_id: int,
    *,
    login: str,
    token: str | None,
    now: dt.datetime,
    outcome: str,
    notes: str,
) -> Any | None:
    """Mark done if the caller holds a live lease.

    Returns (id, case_id, reason, urgent_reason[, contact_name, phone for callbacks]) or None if refused.
    """
    m = model_for(kind)
    values = {
        "status": DONE,
        "completed_at": now,
        "completed_by": login,
        "outcome": outcome,
        "lease_expires": None,
        "lease_token": None,
    }
    if notes:
        values["notes"] = _append(m.notes, notes)
    extra = (m.contact_name, m.phone) if kind is ItemKind.CALLBACK else ()
    return _change(
        session,
        kind,
        and_(m.id == item_id, held_by(m, login, token, now)),
        values,
        m.case_id,
        m.reason,
        m.urgent_reason,
        *extra,
    )


def record_attempt(
    session: Session, item_id: int, *, login: str, token: str | None, now: dt.datetime, line: str
) -> Any | None:
    """A failed callback attempt: count it, note it, and put the callback back in the queue (open)."""
    m = Callback
    values = {**_UNCLAIMED, "attempts": m.attempts + 1, "last_attempt_at": now, "notes": _append(m.notes, line)}
    return _change(
        session, ItemKind.CALLBACK, and_(m.id == item_id, held_by(m, login, token, now)), values, m.attempts, m.case_id
    )


def reassign(
    session: Session,
    kind: ItemKind,
    item_id: int,
    *,
    to_team: str,
    line: str,
    now: dt.datetime,
    login: str,
    from_teams: Sequence[str] | None,
) -> Any | None:
    """Move an open item to another team, unclaimed; returns (id, case_id).

    `from_teams` None is a team manager: any team's item, even one claimed by someone else (taking work
    back from an absent officer). Otherwise the item must be in `from_teams` and free or held by `login`.
    """
    m = model_for(kind)
    guard = and_(m.id == item_id, m.status.in_((OPEN, CLAIMED)), m.team_code != to_team)
    if from_teams is not None:
        guard = and_(guard, m.team_code.in_(list(from_teams)), or_(claimable(m, now), m.claimed_by == login))
    return _change(
        session,
        kind,
        guard,
        {**_UNCLAIMED, "team_code": to_team, "escalated": False, "notes": _append(m.notes, line)},
        m.case_id,
    )


def accept_handoff(
    session: Session,
    item_id: int,
    *,
    login: str,
    token: str | None,
    now: dt.datetime,
    notes: str,
    teams: Sequence[str] | None,
) -> Any | None:
    """Take a hand-off into the team's work: done, outcome 'accepted'; returns (id, case_id).

    Allowed when it is free (open or lapsed) or when the caller holds it, and (unless `teams` is None)
    only for the caller's own teams.
    """
    m = Handoff
    guard = and_(m.id == item_id, or_(claimable(m, now), held_by(m, login, token, now)))
    if teams is not None:
        guard = and_(guard, m.team_code.in_(list(teams)))
    values = {
        "status": DONE,
        "completed_at": now,
        "completed_by": login,
        "outcome": "accepted",
        "claimed_by": login,
        "lease_expires": None,
        "lease_token": None,
    }
    if notes:
        values["notes"] = _append(m.notes, notes)
    return _change(session, ItemKind.HANDOFF, guard, values, m.case_id)


def team_list(session: Session) -> list[tuple[str, str]]:
    """(code, name) of every team, for the reassign form."""
    return [(c, n) for c, n in session.execute(select(Team.code, Team.name).order_by(Team.code)).all()]


def _append(column: Any, line: str) -> Any:
    """notes = notes + newline + line, without a leading blank line when notes were empty."""
    return case((column == "", line), else_=column + "\n" + line)


def escalate_overdue(session: Session, now: dt.datetime) -> list[tuple[ItemKind, int]]:
    """Flag every open item past due that is not flagged yet; returns what was flagged."""
    flagged: list[tuple[ItemKind, int]] = []
    for kind in ItemKind:
        m = model_for(kind)
        stmt = (
            update(m)
            .where(m.status.in_((OPEN, CLAIMED)), m.due_at <= now, m.escalated.is_(False))
            .values(escalated=True, version=m.version + 1)
            .returning(m.id)
            .execution_options(synchronize_session=False)
        )
        for (item_id,) in session.execute(stmt).all():
            notify(session, kind, item_id)
            flagged.append((kind, int(item_id)))
    return flagged


def log_return_call(
    session: Session,
    *,
    callback_id: int,
    case_id: int | None,
    login: str,
    now: dt.datetime,
    reason: str,
    urgent_reason: str | None,
    outcome: str,
    notes: str,
    contact_name: str,
    phone: str,
) -> int:
    """The officer's return call, logged on the case in the completing transaction."""
    call = Call(
        case_id=case_id,
        staff_login=login,
        started_at=now,
        ended_at=now,
        caller_kind="contact",
        caller_name=contact_name,
        caller_phone=phone,
        reason=reason or "general_enquiry",
        urgent_reason=urgent_reason,
        notes=notes,
        outcome=outcome,
        callback_id=callback_id,
    )
    session.add(call)
    session.flush()
    return call.id


# --- reads ------------------------------------------------------------------------------------------


def fetch(
    session: Session,
    *,
    now: dt.datetime,
    login: str,
    teams: Sequence[str] | None,
    status: StatusFilter,
    case_id: int | None = None,
    kinds: Sequence[ItemKind] = tuple(ItemKind),
    item_id: int | None = None,
    created_since: dt.datetime | None = None,
) -> list[QueueItem]:
    """Queue rows for `teams` (None = every team) matching `status`, with the case ref and child's name.

    `created_since` (the manager's report window) lifts the history limit for DONE/ALL.
    """
    items: list[QueueItem] = []
    for kind in kinds:
        m = model_for(kind)
        cols = [
            m,
            Case.case_ref,
            Case.first_name,
            Case.last_name,
            Case.known_as,
            Call.safeguarding,
            Call.safeguarding_summary,
            Call.referral_ref,
            Call.caller_phone,
            Call.caller_name,
        ]
        stmt = (
            select(*cols)
            .outerjoin(Case, Case.id == m.case_id)
            .outerjoin(Call, Call.id == m.call_id)
            .where(_status_where(m, status, now, login))
        )
        if teams is not None:
            stmt = stmt.where(m.team_code.in_(list(teams)))
        if case_id is not None:
            stmt = stmt.where(m.case_id == case_id)
        if item_id is not None:
            stmt = stmt.where(m.id == item_id)
        if created_since is not None:
            stmt = stmt.where(m.created_at >= created_since)
        elif status in (StatusFilter.DONE, StatusFilter.ALL):
            stmt = stmt.order_by(m.id.desc()).limit(HISTORY_LIMIT)
        for row, ref, first, last, known, sg, summary, referral, phone, caller in session.execute(stmt).all():
            item = _to_item(kind, row, ref, first, last, known)
            if sg:  # the duty officer must read the concern itself, not only "Why: safeguarding"
                item = item.model_copy(
                    update={
                        "safeguarding": True,
                        "safeguarding_summary": summary or "",
                        "referral_ref": referral or "",
                        "caller_phone": phone or "",
                        "caller_name": caller or "",
                    }
                )
            items.append(item)
    return items


def _status_where(m: Model, status: StatusFilter, now: dt.datetime, login: str) -> ColumnElement[bool]:
    live = and_(m.status == CLAIMED, m.lease_expires > now)
    match status:
        case StatusFilter.AVAILABLE:
            return or_(claimable(m, now), and_(live, m.claimed_by == login))
        case StatusFilter.OPEN:
            return claimable(m, now)
        case StatusFilter.CLAIMED:
            return live
        case StatusFilter.MINE:
            return and_(live, m.claimed_by == login)
        case StatusFilter.DONE:
            return m.status.in_((DONE, CANCELLED))
        case _:
            return m.id.is_not(None)


def _to_item(
    kind: ItemKind, r: Any, ref: str | None, first: str | None, last: str | None, known: str | None
) -> QueueItem:
    is_cb = kind is ItemKind.CALLBACK
    return QueueItem(
        kind=kind,
        id=r.id,
        team_code=r.team_code,
        priority=_priority(r.priority),
        urgent_reason=r.urgent_reason,
        reason=r.reason,
        due_at=as_utc(r.due_at),
        status=ItemStatus(r.status),
        claimed_by=r.claimed_by,
        claimed_at=_utc(r.claimed_at),
        lease_expires=_utc(r.lease_expires),
        created_at=as_utc(r.created_at),
        completed_at=_utc(r.completed_at),
        completed_by=r.completed_by,
        outcome=r.outcome,
        escalated=bool(r.escalated),
        version=r.version,
        case_id=r.case_id,
        case_ref=ref or "",
        child_name=child_display_name(first or "", last or "", known or "") if first or last else "",
        contact_name=r.contact_name if is_cb else "",
        phone=r.phone if is_cb else "",
        preferred_time=r.preferred_time if is_cb else "",
        attempts=r.attempts if is_cb else 0,
        last_attempt_at=_utc(r.last_attempt_at) if is_cb else None,
        notes=r.notes or "",
    )


def _priority(value: str) -> Priority:
    try:
        return Priority(value)
    except ValueError:
        return Priority.STANDARD


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else as_utc(moment)


def state(session: Session, kind: ItemKind, item_id: int) -> Any | None:
    """The columns needed to explain a refused change (status, claimer, lease, team)."""
    m = model_for(kind)
    return session.execute(
        select(m.status, m.claimed_by, m.lease_expires, m.lease_token, m.team_code, m.case_id).where(m.id == item_id)
    ).first()


def change_marker(session: Session) -> tuple[Any, ...]:
    """A cheap value that changes whenever any queue row is added, changed or removed (SQLite polling).

    Every write to a queue row bumps its version, so (count, max id, sum of versions) moves on each one.
    """
    out: list[Any] = []
    for m in (Callback, Handoff):
        out.extend(session.execute(select(func.count(), func.max(m.id), func.sum(m.version))).one())
    return tuple(out)
