"""The queries and bulk changes behind retention (what is due; erase and anonymise), in chunks of ids.

The rules (periods, what is kept and why) are the use case's (`services.retention`); this module only
finds and changes rows. Nothing here commits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, delete, exists, false, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from dutyline.domain.model import ItemStatus
from dutyline.store.tables import Call, Callback, CallCorrection, Case, Draft, Handoff

_OPEN = (ItemStatus.OPEN.value, ItemStatus.CLAIMED.value)


def chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _open_items(call_or_case_col: InstrumentedAttribute[int], key: str) -> ColumnElement[bool]:
    """True when a hand-off or callback linked through `key` ('case_id'/'call_id') is still open."""
    return or_(
        exists().where(getattr(Handoff, key) == call_or_case_col, Handoff.status.in_(_OPEN)),
        exists().where(getattr(Callback, key) == call_or_case_col, Callback.status.in_(_OPEN)),
    )


def _has_personal(c: type[Call]) -> ColumnElement[bool]:
    """A call still holding something personal (anonymised calls are not due again)."""
    return or_(
        c.notes != "",
        c.caller_name != "",
        c.caller_phone != "",
        c.safeguarding_summary != "",
        c.referral_ref != "",
        c.child_name != "",
        c.child_dob.is_not(None),
        c.child_postcode != "",
        c.child_district != "",
        c.caller_key.not_in(("", " | ")),
        c.caller_phone_digits != "",
        c.caller_contact_id.is_not(None),
        c.case_id.is_not(None),
        exists().where(CallCorrection.call_id == c.id, CallCorrection.notes != ""),
    )


class RetentionRecords:
    def __init__(self, session: Session) -> None:
        self._session = session

    def cases_born_on_or_before(self, cutoff: dt.date) -> list[tuple[int, str, str, bool]]:
        """(case id, case_ref, stage, has open work) for cases born on or before `cutoff`, by id."""
        rows = self._session.execute(
            select(Case.id, Case.case_ref, Case.stage, _open_items(Case.id, "case_id").label("busy"))
            .where(Case.date_of_birth <= cutoff)
            .order_by(Case.id)
        ).all()
        return [(int(i), str(ref), str(stage), bool(busy)) for i, ref, stage, busy in rows]

    def calls_of_cases(self, case_ids: list[int]) -> list[int]:
        out: list[int] = []
        for chunk in chunks(case_ids):
            out += self._session.scalars(select(Call.id).where(Call.case_id.in_(chunk)).order_by(Call.id)).all()
        return out

    def caseless_calls_before(self, cutoff: dt.datetime) -> list[tuple[int, bool]]:
        """(call id, has open work) for calls about no case, started before `cutoff`, still personal."""
        rows = self._session.execute(
            select(Call.id, _open_items(Call.id, "call_id").label("busy"))
            .where(Call.case_id.is_(None), Call.started_at < cutoff, _has_personal(Call))
            .order_by(Call.id)
        ).all()
        return [(int(i), bool(busy)) for i, busy in rows]

    def drafts_due(self, updated_before: dt.datetime, case_ids: list[int]) -> list[int]:
        return list(
            self._session.scalars(
                select(Draft.id)
                .where(or_(Draft.updated_at < updated_before, Draft.case_id.in_(case_ids) if case_ids else false()))
                .order_by(Draft.id)
            )
        )

    def blank_case_items(self, case_ids: list[int]) -> None:
        """Queue items linked to the cases (not through one of their calls): blank and unlink them."""
        for chunk in chunks(case_ids):
            self._session.execute(
                update(Handoff)
                .where(Handoff.case_id.in_(chunk))
                .values(notes="", override_reason="", case_id=None, version=Handoff.version + 1),
                execution_options={"synchronize_session": False},
            )
            self._session.execute(
                update(Callback)
                .where(Callback.case_id.in_(chunk))
                .values(
                    notes="", contact_name="", phone="", preferred_time="", case_id=None, version=Callback.version + 1
                ),
                execution_options={"synchronize_session": False},
            )

    def anonymise_calls(self, call_ids: list[int]) -> None:
        for chunk in chunks(call_ids):
            self._session.execute(
                update(Call)
                .where(Call.id.in_(chunk))
                .values(
                    notes="",
                    caller_name="",
                    caller_phone="",
                    safeguarding_summary="",
                    referral_ref="",
                    child_name="",
                    child_dob=None,
                    child_postcode="",
                    child_district="",
                    caller_phone_digits="",
                    caller_key="",
                    caller_contact_id=None,
                    case_id=None,
                ),
                execution_options={"synchronize_session": False},
            )
            self._session.execute(  # a correction is the call's notes too
                update(CallCorrection).where(CallCorrection.call_id.in_(chunk)).values(notes=""),
                execution_options={"synchronize_session": False},
            )
            self._session.execute(
                update(Handoff)
                .where(Handoff.call_id.in_(chunk))
                .values(notes="", override_reason="", case_id=None, version=Handoff.version + 1),
                execution_options={"synchronize_session": False},
            )
            self._session.execute(
                update(Callback)
                .where(Callback.call_id.in_(chunk))
                .values(
                    notes="", contact_name="", phone="", preferred_time="", case_id=None, version=Callback.version + 1
                ),
                execution_options={"synchronize_session": False},
            )

    def delete_drafts(self, draft_ids: list[int]) -> None:
        for chunk in chunks(draft_ids):
            self._session.execute(
                delete(Draft).where(Draft.id.in_(chunk)), execution_options={"synchronize_session": False}
            )

    def delete_cases(self, case_ids: list[int]) -> None:
        """Contacts and deadline exceptions go with the case (ON DELETE CASCADE)."""
        for chunk in chunks(case_ids):
            self._session.execute(
                delete(Case).where(Case.id.in_(chunk)), execution_options={"synchronize_session": False}
            )
