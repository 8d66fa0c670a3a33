"""Staff and teams behind repository interfaces, so the staff rules can be tested in memory.

`StaffRepository` and `TeamRepository` are what the use cases call; `SqlStaffRepository` and
`SqlTeamRepository` are the database versions (the tests have in-memory ones). Staff tables are small
(one row per person at the council), so whole-table reads are fine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from dutyline.domain.staff import StaffRecord, parse_roles, roles_text
from dutyline.store.tables import Staff, Team

#: (name, inbox, area) of a team, as the policy gives them.
TeamDetails = tuple[str, str, str | None]


class StaffRepository(ABC):
    @abstractmethod
    def count(self) -> int: ...

    @abstractmethod
    def get(self, login: str) -> StaffRecord | None: ...

    @abstractmethod
    def all(self) -> list[StaffRecord]:
        """Everyone, active or not, by login."""

    @abstractmethod
    def add(self, record: StaffRecord) -> None: ...

    @abstractmethod
    def save(self, record: StaffRecord) -> None:
        """Replace the record with the same login."""


class TeamRepository(ABC):
    @abstractmethod
    def details(self) -> dict[str, TeamDetails]: ...

    @abstractmethod
    def put(self, code: str, details: TeamDetails) -> None:
        """Insert the team, or update its name, inbox and area."""


def _record(row: Staff) -> StaffRecord:
    return StaffRecord(
        login=row.login,
        display_name=row.display_name,
        roles=parse_roles(row.roles),
        teams=tuple(t for t in row.teams.split(",") if t),
        active=row.active,
        pin_hash=row.pin_hash,
    )


def _values(record: StaffRecord) -> dict[str, object]:
    return {
        "display_name": record.display_name,
        "roles": roles_text(record.roles),
        "teams": ",".join(record.teams),
        "active": record.active,
        "pin_hash": record.pin_hash,
    }


class SqlStaffRepository(StaffRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def count(self) -> int:
        return int(self._session.scalar(select(func.count()).select_from(Staff)) or 0)

    def get(self, login: str) -> StaffRecord | None:
        row = self._session.scalar(select(Staff).where(Staff.login == login))
        return None if row is None else _record(row)

    def all(self) -> list[StaffRecord]:
        return [_record(r) for r in self._session.scalars(select(Staff).order_by(Staff.login))]

    def add(self, record: StaffRecord) -> None:
        self._session.execute(insert(Staff).values(login=record.login, **_values(record)))

    def save(self, record: StaffRecord) -> None:
        self._session.execute(
            update(Staff)
            .where(Staff.login == record.login)
            .values(**_values(record))
            .execution_options(synchronize_session=False)
        )


class SqlTeamRepository(TeamRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def details(self) -> dict[str, TeamDetails]:
        rows = self._session.execute(select(Team.code, Team.name, Team.inbox, Team.area))
        return {code: (name, inbox, area) for code, name, inbox, area in rows}

    def put(self, code: str, details: TeamDetails) -> None:
        name, inbox, area = details
        if self._session.scalar(select(Team.id).where(Team.code == code)) is None:
            self._session.execute(insert(Team).values(code=code, name=name, inbox=inbox, area=area))
        else:
            self._session.execute(update(Team).where(Team.code == code).values(name=name, inbox=inbox, area=area))
