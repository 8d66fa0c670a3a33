"""Finding a caller with no case again: by their number, or by the caller's or the child's name.

Why a query here and not the search index: no-case calls are a few a day, written by the desks, and must
be findable the moment they are saved (the caller rings back in ten minutes). An indexed equality on the
number's digits, a suffix match for the last digits, and a LIKE over a folded name line are enough at
that size and are always current.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from dutyline.domain.call_record import EarlierCaller, NoCaseCall, group_callers
from dutyline.domain.model import CallerKind, Outcome, Reason
from dutyline.domain.text import fold
from dutyline.store.calls_repo import as_utc
from dutyline.store.tables import Call

#: Most matching calls read per search, and most calls shown per caller.
MATCH_LIMIT = 60
HISTORY_LIMIT = 10


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def find_no_case_callers(
    session: Session, *, phones: list[str], tails: list[str], words: list[str], limit: int
) -> list[EarlierCaller]:
    """Callers with no case whose number is one of `phones` (or ends with one of `tails`), or whose
    caller or child name holds every one of `words` (folded); each with their calls, newest first."""
    tests: list[ColumnElement[bool]] = []
    if phones:
        tests.append(Call.caller_phone_digits.in_(phones))
    tests += [Call.caller_phone_digits.like("%" + t) for t in tails if t.isdigit()]
    if words:
        tests.append(and_(*(Call.caller_key.like(_like(w), escape="\\") for w in words)))
    if not tests:
        return []
    found = session.scalars(
        select(Call)
        .where(Call.case_id.is_(None), or_(*tests))
        .order_by(Call.started_at.desc(), Call.id.desc())
        .limit(MATCH_LIMIT)
    ).all()
    if not found:
        return []
    # The rest of each matched number's history, even calls that did not match the words themselves.
    numbers = sorted({r.caller_phone_digits for r in found if r.caller_phone_digits})
    rows = {r.id: r for r in found}
    if numbers:
        for r in session.scalars(
            select(Call)
            .where(Call.case_id.is_(None), Call.caller_phone_digits.in_(numbers))
            .order_by(Call.started_at.desc(), Call.id.desc())
            .limit(MATCH_LIMIT * 2)
        ):
            rows.setdefault(r.id, r)
    ordered = sorted(rows.values(), key=lambda r: (as_utc(r.started_at), r.id), reverse=True)
    matching = set(rows) & {r.id for r in found}
    calls: list[tuple[NoCaseCall, str, tuple[str, ...]]] = []
    per_key: dict[str, int] = {}
    for r in ordered:
        key = r.caller_phone_digits or fold(r.caller_name)
        per_key[key] = per_key.get(key, 0) + 1
        if per_key[key] > HISTORY_LIMIT:
            continue
        matched = _matched(r, phones, tails, words) if r.id in matching else ()
        calls.append((_record(r), key, matched))
    return group_callers(calls, limit)


def _matched(r: Call, phones: list[str], tails: list[str], words: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    digits = r.caller_phone_digits
    if digits and (digits in phones or any(digits.endswith(t) for t in tails)):
        out.append("phone")
    caller, child = fold(r.caller_name), fold(r.child_name)
    if words and any(w in caller for w in words):
        out.append("caller")
    if words and any(w in child for w in words):
        out.append("child")
    return tuple(out)


def _record(r: Call) -> NoCaseCall:
    return NoCaseCall(
        id=r.id,
        started_at=as_utc(r.started_at),
        staff_login=r.staff_login,
        caller_kind=CallerKind(r.caller_kind),
        caller_name=r.caller_name,
        caller_phone=r.caller_phone,
        reason=Reason(r.reason),
        outcome=Outcome(r.outcome),
        notes=r.notes,
        safeguarding=r.safeguarding,
        child_name=r.child_name,
        child_dob=r.child_dob,
        child_postcode=r.child_postcode,
        child_district=r.child_district,
    )
