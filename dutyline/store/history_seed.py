"""Rows the demo's year of history needs read or added around the history writer: staff for the invented
people, case districts, and the sampled quality items to review. Only `dutyline demo` uses these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutyline.store.tables import Case, Contact, Staff
from dutyline.store.tables_quality import QaItem, QaSample


class SampledItem(NamedTuple):
    """A quality item as the demo reviews it."""

    id: int
    kind: str
    ref_id: int
    person: str
    reviewer: str | None
    second_reviewer: str | None
    period: str


def add_missing_staff(session: Session, people: Sequence[tuple[str, str, str]]) -> int:
    """(login, role, team) for each person; adds those not yet in the staff table; returns how many."""
    have = set(session.scalars(select(Staff.login)))
    made = 0
    for login, role, team in people:
        if login not in have:
            session.add(Staff(login=login, display_name=login.replace(".", " ").title(), roles=role, teams=team))
            made += 1
    return made


def case_districts(session: Session) -> list[tuple[int, str]]:
    return [(int(i), str(d)) for i, d in session.execute(select(Case.id, Case.district).order_by(Case.id))]


def case_callers(session: Session) -> dict[int, tuple[int, str, str]]:
    """Each case's first contact as (contact id, name, phone): who rings about the case in the history."""
    out: dict[int, tuple[int, str, str]] = {}
    stmt = select(Contact.case_id, Contact.id, Contact.name, Contact.phone, Contact.alt_phone).order_by(
        Contact.case_id, Contact.position, Contact.id
    )
    for case_id, contact_id, name, phone, alt in session.execute(stmt):
        out.setdefault(int(case_id), (int(contact_id), str(name), str(phone or alt or "")))
    return out


def sampled_periods(session: Session) -> set[str]:
    return set(session.scalars(select(QaSample.period)))


def sampled_items(session: Session) -> list[SampledItem]:
    rows = session.execute(
        select(QaItem, QaSample.period).join(QaSample, QaSample.id == QaItem.sample_id).order_by(QaItem.id)
    )
    return [
        SampledItem(i.id, i.kind, i.ref_id, i.person, i.reviewer, i.second_reviewer, str(period))
        for i, period in list(rows)
    ]
