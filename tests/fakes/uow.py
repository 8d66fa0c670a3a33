"""An in-memory unit of work, for fast tests of use cases that need only staff, teams and the audit trail.

A write keeps a copy of the state and puts it back when the block raises, so "nothing half-written" is
checked here too. Repositories a fake does not hold raise AttributeError: a use case that needs them is
tested on a real database instead.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from typing import TypeVar

from dutyline.domain.model import Role
from dutyline.domain.staff import StaffRecord
from dutyline.store.audit import AuditEntry
from dutyline.store.staff_repo import StaffRepository, TeamDetails, TeamRepository
from dutyline.store.uow import UnitOfWork, Work

T = TypeVar("T")


class FakeStaff(StaffRepository):
    def __init__(self) -> None:
        self.rows: dict[str, StaffRecord] = {}

    def count(self) -> int:
        return len(self.rows)

    def get(self, login: str) -> StaffRecord | None:
        return self.rows.get(login)

    def all(self) -> list[StaffRecord]:
        return [self.rows[k] for k in sorted(self.rows)]

    def add(self, record: StaffRecord) -> None:
        assert record.login not in self.rows, "the database would refuse a duplicate login"
        self.rows[record.login] = record

    def save(self, record: StaffRecord) -> None:
        if record.login in self.rows:
            self.rows[record.login] = replace(record, pin_hash=self.rows[record.login].pin_hash)

    def pin_states(self) -> dict[str, bool]:
        return {login: bool(r.pin_hash) for login, r in self.rows.items()}

    def stored_pin_hash(self, login: str) -> str:
        row = self.rows.get(login)
        return "" if row is None else row.pin_hash

    def set_pin_hash(self, login: str, hashed: str) -> None:
        if login in self.rows:
            self.rows[login] = replace(self.rows[login], pin_hash=hashed)

    def desk_session(self) -> bool:
        return False  # like SQLite: one person's store, PINs checked here

    def per_person_logins(self) -> bool:
        return False

    def sync_login(self, login: str, roles: Iterable[Role], active: bool) -> None:
        raise AssertionError("no per-person database logins in memory")


class FakeTeams(TeamRepository):
    def __init__(self) -> None:
        self.rows: dict[str, TeamDetails] = {}
        self.writes = 0

    def details(self) -> dict[str, TeamDetails]:
        return dict(self.rows)

    def put(self, code: str, details: TeamDetails) -> None:
        self.rows[code] = details
        self.writes += 1


class FakeWork(Work):
    def __init__(self, staff: FakeStaff, teams: FakeTeams, trail: list[AuditEntry]) -> None:
        self.staff = staff
        self.teams = teams
        self.trail = trail

    def audit(self, entry: AuditEntry) -> None:
        self.trail.append(entry)


class FakeUnitOfWork(UnitOfWork):
    """Staff, teams and audit rows in memory; `commits` counts committed write transactions."""

    def __init__(self) -> None:
        self.staff = FakeStaff()
        self.teams = FakeTeams()
        self.trail: list[AuditEntry] = []
        self.commits = 0
        self.reads_recorded = 0

    def _work(self) -> FakeWork:
        return FakeWork(self.staff, self.teams, self.trail)

    @contextmanager
    def _read(self) -> Iterator[Work]:
        yield self._work()

    @contextmanager
    def _write(self) -> Iterator[Work]:
        saved = copy.deepcopy((self.staff.rows, self.teams.rows, len(self.trail)))
        try:
            yield self._work()
        except BaseException:
            self.staff.rows, self.teams.rows = saved[0], saved[1]
            del self.trail[saved[2] :]
            raise
        self.commits += 1

    def read(self) -> AbstractContextManager[Work]:
        return self._read()

    def write(self) -> AbstractContextManager[Work]:
        return self._write()

    def run(self, fn: Callable[[Work], T], *, attempts: int = 5) -> T:
        with self.write() as work:
            return fn(work)

    def record_read(self, entry: AuditEntry) -> None:
        self.reads_recorded += 1
        self.trail.append(entry)

    def describe(self) -> str:
        return "memory"

    def close(self) -> None:
        return None
