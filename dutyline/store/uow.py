"""The unit of work: how a use case reads and changes the database without touching SQLAlchemy.

A use case opens a unit of work, calls repositories that return domain values, and the work commits when
the block ends without an error (or rolls back whole: nothing half-written)::

    with ctx.uow.read() as work:            # a read: no lock, no commit
        case = work.cases.load_case(case_id=12)
    ctx.uow.run(lambda work: ...)           # a retried write transaction
    with ctx.uow.write() as work: ...       # one long write, not retried (an import)

Everything about transactions lives here and in `engine`, not in the use cases: `BEGIN IMMEDIATE` for
SQLite writes, lock waits, retries of the whole transaction on transient contention (PostgreSQL
40001/40P01/55P03, SQLite busy), and the audit append (`work.audit`).

Audit rows of reads (`record_read`: a search, a case view) may wait. On SQLite there is one writer at a
time, and a long import holds the write lock for its whole all-or-nothing transaction; a search must keep
answering meanwhile. So a read's audit row is tried with a short lock wait (SQLITE_QUICK_MS) and, if the
lock is busy, queued in memory in order and written by a background flusher as soon as the lock is free
(one transaction for everything queued). Later read-audit rows queue behind earlier ones, so the chain
keeps their order; each row keeps the time of the read it records. `close()` drains the queue with the
normal lock wait. What this gives up: rows still queued when the process is killed are lost (a crash mid-
import); it never gives up the read's row silently while the app runs. Changes (calls, claims, edits)
never queue: their audit row commits with them or neither happens.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from dutyline.store import audit as audit_rows
from dutyline.store import (
    audit_check,
    call_corrections_repo,
    callers_repo,
    calls_repo,
    case_writer,
    cases_repo,
    demo_seed,
    drafts_repo,
    history_seed,
    history_writer,
    quality_repo,
    quality_report_repo,
    queue_repo,
    reports_calls_repo,
    reports_repo,
    versioned,
)
from dutyline.store.audit import AuditEntry, AuditTrail
from dutyline.store.engine import Database, is_transient
from dutyline.store.retention_repo import RetentionRecords
from dutyline.store.staff_repo import (
    ServerPins,
    SqlStaffRepository,
    SqlTeamRepository,
    StaffRepository,
    TeamRepository,
)

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

#: Seconds between the flusher's tries while read-audit rows wait for the SQLite lock.
FLUSH_EVERY_S = 0.2


class _SessionBound:
    """A repository: the store's functions with this transaction's session already given."""

    def __init__(self, session: Session) -> None:
        self._session = session


class _Bind(Generic[P, R]):
    """`name = _Bind(module.fn)` makes `repo.name(...)` call `module.fn(repo's session, ...)`, typed."""

    def __init__(self, fn: Callable[Concatenate[Session, P], R]) -> None:
        self._fn = fn

    def __get__(self, repo: _SessionBound, owner: type | None = None) -> Callable[P, R]:
        fn, session = self._fn, repo._session

        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            return fn(session, *args, **kwargs)

        return call


class CaseRepository(_SessionBound):
    """Cases, officers, teams and recorded exceptions as domain values."""

    find_case_id = _Bind(cases_repo.find_case_id)
    load_case = _Bind(cases_repo.load_case)
    load_officer = _Bind(cases_repo.load_officer)
    load_exceptions = _Bind(cases_repo.load_exceptions)
    team_info = _Bind(cases_repo.team_info)


class CallRepository(_SessionBound):
    """Calls, the hand-offs and callbacks they book, drafts, and guarded contact edits."""

    insert_call = _Bind(calls_repo.insert_call)
    insert_handoff = _Bind(calls_repo.insert_handoff)
    insert_callback = _Bind(calls_repo.insert_callback)
    case_exists = _Bind(calls_repo.case_exists)
    contact_on_case = _Bind(calls_repo.contact_on_case)
    recent_calls = _Bind(calls_repo.recent_calls)
    corrections_of = _Bind(call_corrections_repo.corrections_of)
    call_exists = _Bind(call_corrections_repo.call_exists)
    insert_correction = _Bind(call_corrections_repo.insert_correction)
    count_calls_since = _Bind(calls_repo.count_calls_since)
    open_items = _Bind(calls_repo.open_items)
    upsert_draft = _Bind(drafts_repo.upsert_draft)
    touch_drafts = _Bind(drafts_repo.touch)
    end_session = _Bind(drafts_repo.end_session)
    drafts_of = _Bind(drafts_repo.drafts_of)
    take_over_draft = _Bind(drafts_repo.take_over)
    delete_draft = _Bind(drafts_repo.delete_draft)
    delete_draft_id = _Bind(drafts_repo.delete_draft_id)
    contact_case_id = _Bind(calls_repo.contact_case_id)
    contact_now = _Bind(calls_repo.contact_now)
    update_contact_guarded = _Bind(calls_repo.update_contact_guarded)
    find_no_case_callers = _Bind(callers_repo.find_no_case_callers)


class QueueRepository(_SessionBound):
    """The duty queue: reads, and every change as one guarded statement (see queue_repo)."""

    fetch = _Bind(queue_repo.fetch)
    state = _Bind(queue_repo.state)
    head = _Bind(queue_repo.head)
    claim = _Bind(queue_repo.claim)
    claim_next = _Bind(queue_repo.claim_next)
    renew = _Bind(queue_repo.renew)
    release = _Bind(queue_repo.release)
    complete = _Bind(queue_repo.complete)
    record_attempt = _Bind(queue_repo.record_attempt)
    reassign = _Bind(queue_repo.reassign)
    accept_handoff = _Bind(queue_repo.accept_handoff)
    team_list = _Bind(queue_repo.team_list)
    escalate_overdue = _Bind(queue_repo.escalate_overdue)
    log_return_call = _Bind(queue_repo.log_return_call)
    notify = _Bind(queue_repo.notify)


class AuditChecks(_SessionBound):
    """What `audit verify` reads: the chain, its head record, triggers and grants (see store.audit_check)."""

    chain_rows = _Bind(audit_check.chain_rows)
    head = _Bind(audit_check.head)
    activity = _Bind(audit_check.activity)
    trigger_findings = _Bind(audit_check.trigger_findings)
    grant_findings = _Bind(audit_check.grant_findings)


class VersionedRecords(_SessionBound):
    """Version-guarded saves of a case or a callback (see store.versioned)."""

    save = _Bind(versioned.save)
    current = _Bind(versioned.current)
    officer_name = _Bind(versioned.officer_name)
    callback_case_id = _Bind(versioned.callback_case_id)


class PromiseFigures(_SessionBound):
    """Aggregates behind the manager's promises report (see store.reports_repo)."""

    promise_groups = _Bind(reports_repo.promise_groups)
    return_pairs = _Bind(reports_repo.return_pairs)
    trend_groups = _Bind(reports_repo.trend_groups)
    open_items = _Bind(reports_repo.open_items)


class CallFigures(_SessionBound):
    """Aggregates behind the manager's calls report (see store.reports_calls_repo)."""

    volume = _Bind(reports_calls_repo.volume)
    handoff_groups = _Bind(reports_calls_repo.handoff_groups)
    fcr_groups = _Bind(reports_calls_repo.fcr_groups)
    case_figures = _Bind(reports_calls_repo.case_figures)
    period_calls = _Bind(reports_calls_repo.period_calls)
    repeat_cases = _Bind(reports_calls_repo.repeat_cases)
    safeguarding_rows = _Bind(reports_calls_repo.safeguarding_rows)
    complaints_by_month = _Bind(reports_calls_repo.complaints_by_month)
    open_cases = _Bind(reports_calls_repo.open_cases)
    tribunal_entries = _Bind(reports_calls_repo.tribunal_entries)


class QualityRecords(_SessionBound):
    """Quality samples, items and reviews (see store.quality_repo)."""

    call_candidates = _Bind(quality_repo.call_candidates)
    returned_callbacks = _Bind(quality_repo.returned_callbacks)
    broken_callbacks = _Bind(quality_repo.broken_callbacks)
    reviewers = _Bind(quality_repo.reviewers)
    sample_for = _Bind(quality_repo.sample_for)
    insert_sample = _Bind(quality_repo.insert_sample)
    queue_for = _Bind(quality_repo.queue_for)
    item_row = _Bind(quality_repo.item_row)
    sample_period = _Bind(quality_repo.sample_period)
    sample_items = _Bind(quality_repo.sample_items)
    set_reviewer = _Bind(quality_repo.set_reviewer)
    call_record = _Bind(quality_repo.call_record)
    insert_review = _Bind(quality_repo.insert_review)
    reviewed_by = _Bind(quality_repo.reviewed_by)
    reviews_of_person = _Bind(quality_repo.reviews_of_person)
    review_by_id = _Bind(quality_repo.review_by_id)
    open_disputes = _Bind(quality_repo.open_disputes)
    set_review = _Bind(quality_repo.set_review)


class QualityFigures(_SessionBound):
    """Aggregates behind the quality report (see store.quality_report_repo)."""

    review_groups = _Bind(quality_report_repo.review_groups)
    answer_counts = _Bind(quality_report_repo.answer_counts)
    weekly_passes = _Bind(quality_report_repo.weekly_passes)
    paired_answers = _Bind(quality_report_repo.paired_answers)


class HistoryRecords(_SessionBound):
    """The demo's year of history (see store.history_writer and store.history_seed)."""

    write_day = _Bind(history_writer.write_day)
    add_missing_staff = _Bind(history_seed.add_missing_staff)
    case_districts = _Bind(history_seed.case_districts)
    case_callers = _Bind(history_seed.case_callers)
    sampled_periods = _Bind(history_seed.sampled_periods)
    sampled_items = _Bind(history_seed.sampled_items)


class DemoRecords(_SessionBound):
    """The demo database's officers and activity (see store.demo_seed)."""

    case_count = _Bind(demo_seed.case_count)
    seed_officers = _Bind(demo_seed.seed_officers)
    seed_activity = _Bind(demo_seed.seed_activity)


class ImportWriter(_SessionBound):
    """Validated case rows into the database, officers resolved (and created) once per transaction."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._officers: case_writer.OfficerResolver | None = None

    def upsert(self, rows: list[Any], counts: case_writer.Counts) -> None:
        if self._officers is None:
            self._officers = case_writer.OfficerResolver(self._session)
        case_writer.upsert_batch(self._session, rows, self._officers, counts)


class Work(ABC):
    """One open transaction and its repositories. Repositories not set by a fake raise AttributeError."""

    staff: StaffRepository
    teams: TeamRepository
    server_pins: ServerPins
    cases: CaseRepository
    calls: CallRepository
    queue: QueueRepository
    records: VersionedRecords
    retention: RetentionRecords
    imports: ImportWriter
    demo: DemoRecords
    history: HistoryRecords
    quality: QualityRecords
    quality_figures: QualityFigures
    promise_figures: PromiseFigures
    call_figures: CallFigures
    audit_trail: AuditTrail
    audit_checks: AuditChecks

    @abstractmethod
    def audit(self, entry: AuditEntry) -> None:
        """Append one chained audit row inside this transaction."""


@dataclass(frozen=True)
class Refused:
    """A guarded change matched nothing; `message` says why (the refusal's audit row is committed)."""

    message: str


class UnitOfWork(ABC):
    """Opens units of work on one store (the database, or memory in the tests)."""

    def run_guarded(self, change: Callable[[Work], T | None], refuse: Callable[[Work], str]) -> T | Refused:
        """Run `change(work)` (one guarded statement and its audit row) in a retried write transaction.

        When the guard matched nothing (`change` returned None), `refuse(work)` audits the refusal and
        explains it in the same transaction, which is committed: an audit row of a refusal must not be
        rolled back with it. The caller turns `Refused` into its own error.
        """

        def tx(work: Work) -> tuple[T | None, str]:
            result = change(work)
            if result is not None:
                return result, ""
            return None, refuse(work)

        value, message = self.run(tx)
        return Refused(message) if value is None else value

    @abstractmethod
    def read(self) -> AbstractContextManager[Work]:
        """Reads only; nothing is committed."""

    @abstractmethod
    def write(self) -> AbstractContextManager[Work]:
        """One write transaction: committed when the block ends, rolled back on any error. Not retried."""

    @abstractmethod
    def run(self, fn: Callable[[Work], T], *, attempts: int = 5) -> T:
        """`fn(work)` in a write transaction, the whole transaction retried on transient contention.

        Side effects outside the database must happen only after this returns."""

    @abstractmethod
    def record_read(self, entry: AuditEntry) -> None:
        """The audit row of a read (search, view): written now, or queued until the write lock is free."""

    @abstractmethod
    def describe(self) -> str:
        """Where the data is, for messages (never a password)."""

    @abstractmethod
    def close(self) -> None:
        """Write anything queued and let go of connections."""


class SqlWork(Work):
    def __init__(self, session: Session) -> None:
        self._session = session
        self.staff = SqlStaffRepository(session)
        self.teams = SqlTeamRepository(session)
        self.server_pins = ServerPins(session)
        self.cases = CaseRepository(session)
        self.calls = CallRepository(session)
        self.queue = QueueRepository(session)
        self.records = VersionedRecords(session)
        self.retention = RetentionRecords(session)
        self.imports = ImportWriter(session)
        self.demo = DemoRecords(session)
        self.history = HistoryRecords(session)
        self.quality = QualityRecords(session)
        self.quality_figures = QualityFigures(session)
        self.promise_figures = PromiseFigures(session)
        self.call_figures = CallFigures(session)
        self.audit_trail = AuditTrail(session)
        self.audit_checks = AuditChecks(session)

    def audit(self, entry: AuditEntry) -> None:
        audit_rows.append_entry(self._session, entry)


class SqlUnitOfWork(UnitOfWork):
    """Units of work on a `Database` (SQLite or PostgreSQL)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._pending: deque[AuditEntry] = deque()
        self._pending_lock = threading.Lock()
        self._flusher: threading.Thread | None = None

    @contextmanager
    def _read(self) -> Iterator[Work]:
        with self.database.read() as session:
            yield SqlWork(session)

    @contextmanager
    def _write(self) -> Iterator[Work]:
        with self.database.write() as session:
            yield SqlWork(session)

    def read(self) -> AbstractContextManager[Work]:
        return self._read()

    def write(self) -> AbstractContextManager[Work]:
        return self._write()

    def run(self, fn: Callable[[Work], T], *, attempts: int = 5) -> T:
        return self.database.run_write(lambda session: fn(SqlWork(session)), attempts=attempts)

    def describe(self) -> str:
        return self.database.describe()

    # ------------------------------------------------------------------------------ read-audit queue
    @property
    def queued_audit_rows(self) -> int:
        """Read-audit rows waiting for the SQLite write lock."""
        return len(self._pending)

    def record_read(self, entry: AuditEntry) -> None:
        if not self.database.is_sqlite:
            self.run(lambda work: work.audit(entry))
            return
        with self._pending_lock:
            if not self._pending and self._try_write([entry]):
                return
            self._pending.append(entry)
            if self._flusher is None or not self._flusher.is_alive():
                self._flusher = threading.Thread(target=self._flush_loop, name="dutyline-audit-flush", daemon=True)
                self._flusher.start()

    def _try_write(self, entries: list[AuditEntry], *, quick: bool = True) -> bool:
        """Append `entries` in one transaction; False (nothing written) when the lock stayed busy."""
        try:
            with self.database.write(quick=quick) as session:
                for entry in entries:
                    audit_rows.append_entry(session, entry)
            return True
        except OperationalError as exc:
            if is_transient(exc):
                return False
            raise

    def _flush_once(self, *, quick: bool = True) -> bool:
        """Write everything queued so far; True when the queue is empty afterwards."""
        with self._pending_lock:
            batch = list(self._pending)
            if not batch:
                return True
            if self._try_write(batch, quick=quick):
                for _ in batch:
                    self._pending.popleft()
            return not self._pending

    def _flush_loop(self) -> None:
        stop = threading.Event()
        while True:
            try:
                if self._flush_once():
                    return
            except Exception as exc:  # noqa: BLE001 - keep the rows and try again; log the type only
                log.warning("queued audit rows not written yet: %s", type(exc).__name__)
            stop.wait(FLUSH_EVERY_S)

    def flush(self, *, quick: bool = False) -> bool:
        """Write queued read-audit rows now (waiting the normal lock time); True when none remain."""
        return self._flush_once(quick=quick)

    def close(self) -> None:
        if self._pending and not self.flush():
            log.error("audit rows of reads could not be written before closing: %d", len(self._pending))
        self.database.dispose()


def sql_database(uow: UnitOfWork) -> Database:
    """The database behind a SQL unit of work, for code that takes a `Database` (policy versions)."""
    if not isinstance(uow, SqlUnitOfWork):
        raise TypeError("this needs a database, not an in-memory unit of work")
    return uow.database
