"""Staff and teams behind repository interfaces, so the staff rules can be tested in memory.

`StaffRepository` and `TeamRepository` are what the use cases call; `SqlStaffRepository` and
`SqlTeamRepository` are the database versions (the tests have in-memory ones). Staff tables are small
(one row per person at the council), so whole-table reads are fine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from dutyline.domain.model import Role
from dutyline.domain.staff import StaffRecord, parse_roles, roles_text
from dutyline.store import pg_logins
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
        """Replace the name, roles, teams and active flag of the record with the same login (never its PIN:
        that goes through `set_pin_hash`)."""

    @abstractmethod
    def pin_states(self) -> dict[str, bool]:
        """login -> has a PIN, without reading any hash."""

    @abstractmethod
    def stored_pin_hash(self, login: str) -> str:
        """The PIN hash itself ('' when none): SQLite and the schema owner only."""

    @abstractmethod
    def set_pin_hash(self, login: str, hashed: str) -> None: ...

    @abstractmethod
    def desk_session(self) -> bool:
        """True on PostgreSQL when connected as a desk login: PINs are then checked by the server."""

    @abstractmethod
    def per_person_logins(self) -> bool:
        """True when each person has their own PostgreSQL login that must follow their staff record."""

    @abstractmethod
    def sync_login(self, login: str, roles: Iterable[Role], active: bool) -> None: ...


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
    """The columns a staff change writes (the PIN hash has its own guarded path)."""
    return {
        "display_name": record.display_name,
        "roles": roles_text(record.roles),
        "teams": ",".join(record.teams),
        "active": record.active,
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
        self._session.execute(insert(Staff).values(login=record.login, pin_hash="", **_values(record)))

    def save(self, record: StaffRecord) -> None:
        self._session.execute(
            update(Staff)
            .where(Staff.login == record.login)
            .values(**_values(record))
            .execution_options(synchronize_session=False)
        )

    def pin_states(self) -> dict[str, bool]:
        return pg_logins.pin_states(self._session)

    def stored_pin_hash(self, login: str) -> str:
        return pg_logins.stored_pin_hash(self._session, login)

    def set_pin_hash(self, login: str, hashed: str) -> None:
        pg_logins.set_pin_hash(self._session, login, hashed)

    def desk_session(self) -> bool:
        return pg_logins.desk_session(self._session)

    def per_person_logins(self) -> bool:
        return pg_logins.per_person(self._session)

    def sync_login(self, login: str, roles: Iterable[Role], active: bool) -> None:
        pg_logins.sync_login(self._session, login, roles, active)


class ServerPins:
    """A PostgreSQL desk's PIN check, done by the server (salt, a committed attempt, the verdict)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def session_user(self) -> str | None:
        return self._session.execute(select(func.session_user())).scalar()

    def pin_salt(self) -> str | None:
        return pg_logins.pin_salt(self._session)

    def pin_attempt(self, digest: str) -> int:
        return pg_logins.pin_attempt(self._session, digest)

    def pin_check(self, attempt: int, desk: str) -> str:
        return pg_logins.pin_check(self._session, attempt, desk)


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
