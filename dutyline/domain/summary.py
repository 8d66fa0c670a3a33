"""The case summary a handler sees: the child, the officers and their teams, and the clock.

Only the minimum a call handler needs (officer, stage, dates, team): no clinical content. Built by
`dutyline.services.cases.case_summary`; pure data here so the UI and CLI can both render it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dutyline.domain.calendar import year_group_label
from dutyline.domain.clock import Clock, RecordedException
from dutyline.domain.clock_text import headline, tell_family
from dutyline.domain.model import CaseInfo, Frozen, OfficerInfo

#: How far a chain of covers is followed (A covered by B, B absent and covered by C, ...).
MAX_COVER_HOPS = 5


class TeamInfo(Frozen):
    """A team as the screen shows it (from the policy, synced to the `team` table)."""

    code: str
    name: str
    inbox: str = ""
    area: str | None = None
    phone: str = ""


class CaseSummary(Frozen):
    case: CaseInfo
    as_of: dt.date
    named_officer: OfficerInfo | None = None
    named_officer_team: TeamInfo | None = None
    #: The officer acting today: the named officer, or their cover while they are absent.
    acting_officer: OfficerInfo | None = None
    acting_officer_team: TeamInfo | None = None
    exceptions: tuple[RecordedException, ...] = ()
    clock: Clock

    @property
    def age(self) -> int:
        return self.clock.age

    @property
    def year_group_label(self) -> str:
        return year_group_label(self.clock.year_group)

    @property
    def acting_is_cover(self) -> bool:
        """True when someone other than the named officer is acting (the named officer is absent)."""
        return (
            self.acting_officer is not None
            and self.named_officer is not None
            and self.acting_officer.id != self.named_officer.id
        )

    @property
    def decision_rights_young_person(self) -> bool:
        """The young person decides for themselves: check their consent before discussing with a parent."""
        return self.clock.decision_rights_young_person

    @property
    def plan_ends(self) -> dt.date | None:
        return self.clock.plan_ends

    @property
    def headline(self) -> str:
        return headline(self.clock)

    @property
    def tell_family(self) -> str:
        return tell_family(self.clock)


def acting_officer(
    named: OfficerInfo | None, lookup: Callable[[int], OfficerInfo | None], day: dt.date
) -> OfficerInfo | None:
    """The officer acting on `day`: the named officer, or their cover (followed while covers are absent).

    If every officer in the chain is absent, or the chain loops or ends, the named officer is returned:
    the case still belongs to them, and routing should not invent an owner.
    """
    if named is None:
        return None
    current = named
    seen = {named.id}
    for _ in range(MAX_COVER_HOPS):
        if not current.absent_on(day) and current.active:
            return current
        if current.cover_officer_id is None or current.cover_officer_id in seen:
            break
        cover = lookup(current.cover_officer_id)
        if cover is None:
            break
        seen.add(cover.id)
        current = cover
    if current is not named and not current.absent_on(day) and current.active:
        return current
    return named
