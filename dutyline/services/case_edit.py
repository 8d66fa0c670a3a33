"""No lost updates where two people can edit one record: the case (stage, named officer, dates) and a
callback (due time, contact details, priority).

Every save is one `UPDATE … WHERE id = :id AND version = :version_you_loaded`, bumping the version. If
someone saved in between, nothing matches, nothing is written, and the save raises `Conflict` naming the
fields that now differ and the other person's values (docs/RELIABILITY.md, B2). The version must be the
one the screen *displayed*: reloading before saving would silently defeat the check.

Exception messages name fields only; the values (a contact's phone, a child's dates) travel in
`Conflict.changes`, which the screen shows to the person who was editing, never in logs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dutyline.domain.calendar import LONDON, format_day
from dutyline.domain.model import Priority, Stage
from dutyline.domain.permissions import Action
from dutyline.domain.queue import as_utc
from dutyline.domain.text import one_line, sanitize
from dutyline.services.context import Conflict, Context, ServiceError
from dutyline.services.queue_guard import across_teams, in_scope
from dutyline.store.tables import Callback, Case, Officer


def _date(v: Any) -> dt.date | None:
    if v is None or v == "":
        return None
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))


def _moment(v: Any) -> dt.datetime:
    return as_utc(v if isinstance(v, dt.datetime) else dt.datetime.fromisoformat(str(v)))


def _opt_int(v: Any) -> int | None:
    return None if v in (None, "") else int(v)


#: Field -> (label, parser). Only these can be edited; anything else is refused by name.
CASE_FIELDS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "stage": ("stage", lambda v: Stage(v).value),
    "stage_since": ("stage since", _date),
    "named_officer_id": ("named officer", _opt_int),
    "request_date": ("request date", _date),
    "plan_issued_date": ("plan issued date", _date),
    "last_review_date": ("last review date", _date),
}
CALLBACK_FIELDS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "due_at": ("due time", _moment),
    "priority": ("priority", lambda v: Priority(v).value),
    "urgent_reason": ("urgent reason", lambda v: one_line(str(v))[:40] or None if v else None),
    "preferred_time": ("preferred time", lambda v: one_line(str(v))[:100]),
    "contact_name": ("contact name", lambda v: one_line(str(v))[:200]),
    "phone": ("phone", lambda v: one_line(str(v))[:40]),
    "notes": ("notes", lambda v: sanitize(str(v), multiline=True)[:4000]),
}


def _parse(fields: Mapping[str, tuple[str, Callable[[Any], Any]]], values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ServiceError("These fields cannot be edited here: " + ", ".join(one_line(u)[:40] for u in unknown))
    parsed: dict[str, Any] = {}
    for name, value in values.items():
        try:
            parsed[name] = fields[name][1](value)
        except (ValueError, TypeError):
            raise ServiceError(f"The {fields[name][0]} is not valid.") from None
    return parsed


def _show(session: Session, name: str, value: Any) -> str:
    """A value as the screen shows it (stage label, officer's name, 'Tue 3 Mar 2026', local time)."""
    if value is None or value == "":
        return "(none)"
    if name == "stage":
        try:
            return Stage(value).label
        except ValueError:
            return str(value)
    if name == "named_officer_id":
        officer = session.get(Officer, int(value))
        return officer.name if officer is not None else f"officer {value}"
    if isinstance(value, dt.datetime):
        return as_utc(value).astimezone(LONDON).strftime("%a %d %b %Y %H:%M")
    if isinstance(value, dt.date):
        return format_day(value)
    return str(value)


def _save(
    ctx: Context,
    model: Any,
    item_id: int,
    expected_version: int,
    changes: dict[str, Any],
    seen: dict[str, Any],
    fields: Mapping[str, tuple[str, Callable[[Any], Any]]],
    what: str,
    extra_where: Any,
    extra_values: dict[str, Any],
    audit: Callable[[Session, int | None], None],
) -> int:
    """Version-guarded UPDATE; on a miss, build the Conflict from the row as it is now.

    Conflict.changes maps a field's label to (your value, their saved value), as the screen shows them;
    "your value" is what you were saving, or for a field you only looked at, what you saw.
    """

    def write(session: Session, version: int) -> int | None:
        stmt = (
            update(model)
            .where(model.id == item_id, model.version == version, *extra_where)
            .values(**changes, **extra_values, version=model.version + 1)
            .returning(model.version)
            .execution_options(synchronize_session=False)
        )
        new_version = session.execute(stmt).scalar()
        if new_version is not None:
            audit(session, new_version)
        return new_version

    def tx(session: Session) -> tuple[bool, Any]:
        new_version = write(session, expected_version)
        if new_version is not None:
            return True, new_version
        current = session.execute(select(model).where(model.id == item_id)).scalar()
        if current is None:
            return False, ServiceError(f"That {what} no longer exists.")
        if not extra_where_holds(current):
            return False, ServiceError(f"That {what} is not in one of your teams' queues.")
        differs: dict[str, tuple[str, str]] = {}
        for name in sorted(set(changes) | set(seen)):
            mine = changes.get(name, seen.get(name))
            theirs = getattr(current, name)
            if name in seen and _same(seen[name], theirs):
                continue
            if name not in seen and _same(mine, theirs):
                continue
            differs[fields[name][0]] = (_show(session, name, mine), _show(session, name, theirs))
        if not differs and seen and set(changes) <= set(seen):
            # Someone changed only other fields (a claim, another field): writing ours loses nothing.
            merged = write(session, current.version)
            if merged is not None:
                return True, merged
        labels = ", ".join(differs) or "other details"
        ctx.audit(
            session,
            Action.EDIT_CASE,
            case_id=getattr(current, "case_id", item_id),
            outcome="conflict",
            detail=f"{what}:{item_id} v:{expected_version}<{current.version}",
        )
        return False, Conflict(
            f"Someone else saved this {what} first (it is now version {current.version}; you opened version "
            f"{expected_version}). Changed: {labels}. Nothing of yours was saved: check their values and "
            "save again if yours are still right.",
            differs,
        )

    def extra_where_holds(row: Any) -> bool:
        return not isinstance(row, Callback) or in_scope(ctx, row.team_code)

    ok, value = ctx.db.run_write(tx)
    if not ok:
        raise value
    return int(value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return as_utc(a) == as_utc(b)
    return bool(a == b)


def edit_case(
    ctx: Context,
    case_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
    *,
    seen: Mapping[str, Any] | None = None,
) -> int:
    """Save `changes` to a case if nobody saved since `expected_version`; returns the new version.

    `seen` (optional) is what the screen displayed for the fields, so a conflict can list exactly what
    the other person changed; without it the conflict lists the fields you were changing.
    """
    ctx.require(Action.EDIT_CASE, case_id=case_id)
    parsed = _parse(CASE_FIELDS, changes)
    if not parsed:
        raise ServiceError("Nothing to save.")
    seen_parsed = _parse(CASE_FIELDS, seen or {})

    def audit(session: Session, version: int | None) -> None:
        ctx.audit(session, Action.EDIT_CASE, case_id=case_id, detail=f"fields:{','.join(sorted(parsed))} v:{version}")

    return _save(
        ctx,
        Case,
        case_id,
        expected_version,
        parsed,
        seen_parsed,
        CASE_FIELDS,
        "case",
        (),
        {"updated_at": ctx.now()},
        audit,
    )


def edit_callback(
    ctx: Context,
    callback_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
    *,
    seen: Mapping[str, Any] | None = None,
) -> int:
    """Save changes to a callback (reschedule, correct the number) with the same no-lost-update rule."""
    ctx.require(Action.EDIT_CASE)
    parsed = _parse(CALLBACK_FIELDS, changes)
    if not parsed:
        raise ServiceError("Nothing to save.")
    seen_parsed = _parse(CALLBACK_FIELDS, seen or {})
    where = () if across_teams(ctx) else (Callback.team_code.in_(list(ctx.actor.teams)),)

    def audit(session: Session, version: int | None) -> None:
        case_id = session.scalar(select(Callback.case_id).where(Callback.id == callback_id))
        ctx.audit(
            session,
            Action.EDIT_CASE,
            case_id=case_id,
            detail=f"callback:{callback_id} fields:{','.join(sorted(parsed))} v:{version}"[:200],
        )

    return _save(
        ctx, Callback, callback_id, expected_version, parsed, seen_parsed, CALLBACK_FIELDS, "callback", where, {}, audit
    )
