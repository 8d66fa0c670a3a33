"""The database schema (SQLAlchemy 2 typed ORM). Alembic migrations in `db/` must match it (tested).

Shaped up front for every feature (calls, hand-offs, callbacks with leases, audit chain, drafts, staff) so
later work adds behaviour, not tables. Timestamps are UTC, set by the application (so SQLite and PostgreSQL
agree) unless a column says otherwise.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TS = DateTime(timezone=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Team(Base):
    """A team that owns work. Synced from the policy file on start, so codes match routing."""

    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    inbox: Mapped[str] = mapped_column(String(254), default="")
    area: Mapped[str | None] = mapped_column(String(32))


class Officer(Base):
    """A SEND officer who can be named on a case (not necessarily an app user)."""

    __tablename__ = "officer"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    cover_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    absent_from: Mapped[dt.date | None] = mapped_column(Date)
    absent_until: Mapped[dt.date | None] = mapped_column(Date)

    team: Mapped[Team | None] = relationship()
    cover: Mapped[Officer | None] = relationship(remote_side=[id])


class Case(Base):
    """A child's SEND case, as exported by the council's case-management system."""

    __tablename__ = "case"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(40), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    known_as: Mapped[str] = mapped_column(String(100), default="")
    date_of_birth: Mapped[dt.date] = mapped_column(Date, index=True)
    postcode: Mapped[str] = mapped_column(String(10))
    postcode_key: Mapped[str] = mapped_column(String(8), index=True)
    district: Mapped[str] = mapped_column(String(40))
    school: Mapped[str] = mapped_column(String(200), default="")
    stage: Mapped[str] = mapped_column(String(32))
    stage_since: Mapped[dt.date] = mapped_column(Date)
    request_date: Mapped[dt.date | None] = mapped_column(Date)
    plan_issued_date: Mapped[dt.date | None] = mapped_column(Date)
    last_review_date: Mapped[dt.date | None] = mapped_column(Date)
    named_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    #: Digest of the imported row, so a nightly re-import can tell "unchanged" without comparing columns.
    import_digest: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utcnow)
    #: Bumped on any change to the case or its contacts; search indexes refresh from it.
    updated_at: Mapped[dt.datetime] = mapped_column(TS, default=utcnow, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    named_officer: Mapped[Officer | None] = relationship()
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="case", order_by="Contact.position", cascade="all, delete-orphan"
    )
    __mapper_args__ = {"version_id_col": version}


class Contact(Base):
    """A person to talk to about the case (parent, carer, young person, professional)."""

    __tablename__ = "contact"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column("relationship", String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_key: Mapped[str] = mapped_column(String(20), default="", index=True)
    alt_phone: Mapped[str] = mapped_column(String(40), default="")
    alt_phone_key: Mapped[str] = mapped_column(String(20), default="", index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    parental_responsibility: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    case: Mapped[Case] = relationship(back_populates="contacts")
    __mapper_args__ = {"version_id_col": version}


class CaseException(Base):
    """A reg 10(4) exception recorded against a deadline: shown beside it, never moving the clock."""

    __tablename__ = "case_exception"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    deadline_key: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(8))  # a, b, c, d
    note: Mapped[str] = mapped_column(Text, default="")
    starts: Mapped[dt.date | None] = mapped_column(Date)
    ends: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(TS, default=utcnow)


class Staff(Base):
    """A person who uses dutyline, identified by their operating-system login."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(200), default="")  # comma-separated Role values
    teams: Mapped[str] = mapped_column(String(400), default="")  # comma-separated team codes
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: scrypt hash of the PIN that unlocks an idle-locked desk ('' = no PIN set yet). Deferred: loading a
    #: staff row never reads it, because on PostgreSQL no desk role may (PINs are checked by the server).
    pin_hash: Mapped[str] = mapped_column(String(200), default="", deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utcnow)


class Call(Base):
    """One phone call, logged by a handler or an officer returning a callback. May have no case."""

    __tablename__ = "call"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="SET NULL"), index=True)
    staff_login: Mapped[str] = mapped_column(String(100), default="")
    started_at: Mapped[dt.datetime] = mapped_column(TS, default=utcnow, index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(TS)
    duration_s: Mapped[int] = mapped_column(Integer, default=0)
    caller_kind: Mapped[str] = mapped_column(String(32), default="other")
    caller_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    caller_name: Mapped[str] = mapped_column(String(200), default="")
    caller_phone: Mapped[str] = mapped_column(String(40), default="")
    caller_has_pr: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_dob: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_postcode: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(40))
    urgent_reason: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(32))
    safeguarding: Mapped[bool] = mapped_column(Boolean, default=False)
    safeguarding_at: Mapped[dt.datetime | None] = mapped_column(TS)
    safeguarding_summary: Mapped[str] = mapped_column(Text, default="")
    referral_ref: Mapped[str] = mapped_column(String(100), default="")
    #: Callback this call returned, when an officer logs the return call.
    callback_id: Mapped[int | None] = mapped_column(Integer)
    #: For calls with no case: the child the caller spoke about, as structured fields.
    child_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    child_dob: Mapped[dt.date | None] = mapped_column(Date)
    child_postcode: Mapped[str] = mapped_column(String(10), default="", server_default="")
    child_district: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: How a caller with no case is found again when they ring back: the number's national digits, and
    #: the caller's and child's names folded (caseless, accent-less) into one searchable line.
    caller_phone_digits: Mapped[str] = mapped_column(String(20), default="", server_default="", index=True)
    caller_key: Mapped[str] = mapped_column(String(420), default="", server_default="")


class CallCorrection(Base):
    """A correction of a saved call's notes. Calls are append-only for desks: a correction is a new row
    that supersedes the call's notes (or the previous correction), and both stay visible, the earlier text
    marked superseded. Who wrote it is stamped by the server on PostgreSQL, like a call's handler."""

    __tablename__ = "call_correction"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id"), index=True)
    staff_login: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utcnow)
    notes: Mapped[str] = mapped_column(Text, default="")


class QueueItemMixin:
    """Columns shared by callbacks and hand-offs: a team's queue with claim leases.

    A claim is a lease: `claimed_by` + `lease_token` + `lease_expires`. Every completion is guarded by the
    token, so a desk whose lease lapsed (app killed, item re-claimed elsewhere) cannot complete it late.
    """

    team_code: Mapped[str] = mapped_column(String(64), index=True)
    priority: Mapped[str] = mapped_column(String(16), default="standard")
    urgent_reason: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(40), default="")
    due_at: Mapped[dt.datetime] = mapped_column(TS, index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(TS)
    lease_expires: Mapped[dt.datetime | None] = mapped_column(TS)
    lease_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    completed_at: Mapped[dt.datetime | None] = mapped_column(TS)
    completed_by: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str] = mapped_column(Text, default="")
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)


class Handoff(QueueItemMixin, Base):
    """A call handed to a team, with the routing decision and any override reason."""

    __tablename__ = "handoff"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="SET NULL"), index=True)
    proposed_team_code: Mapped[str] = mapped_column(String(64))
    override_reason: Mapped[str] = mapped_column(Text, default="")
    explanation: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


class Callback(QueueItemMixin, Base):
    """A promise to ring someone back by a due time."""

    __tablename__ = "callback"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("call.id", ondelete="SET NULL"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="SET NULL"), index=True)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40))
    preferred_time: Mapped[str] = mapped_column(String(100), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(TS)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


Index("ix_callback_queue", Callback.team_code, Callback.status, Callback.due_at)
Index("ix_handoff_queue", Handoff.team_code, Handoff.status, Handoff.due_at)

# Covering indexes for the manager's workspace (docs in dutyline/store/reports_repo.py): a period's figures
# are read from the index alone, without visiting a year of table rows.
# ix_call_period is in (time, id) order, so the Calls tab's one read of a period needs no sort, and holds
# every column that read uses (an index-only scan on PostgreSQL; SQLite's indexes end with the rowid anyway).
Index(
    "ix_call_period",
    Call.started_at,
    Call.id,
    Call.callback_id,
    Call.case_id,
    Call.reason,
    Call.outcome,
    Call.safeguarding,
)
Index("ix_call_reason_started", Call.reason, Call.started_at, Call.callback_id)
# Safeguarding calls are about 1 in 200: their figure reads this small index instead of the period's calls.
Index(
    "ix_call_safeguarding",
    Call.started_at,
    sqlite_where=Call.safeguarding.is_(True),
    postgresql_where=Call.safeguarding.is_(True),
)
for _m in (Callback, Handoff):
    Index(
        f"ix_{_m.__tablename__}_report",
        _m.due_at,
        _m.status,
        _m.completed_at,
        _m.team_code,
        _m.priority,
        _m.reason,
        _m.completed_by,
        _m.claimed_by,
    )


class AuditEvent(Base):
    """Append-only, hash-chained record of who did what to which case. Never content.

    SQLite triggers refuse UPDATE/DELETE; on PostgreSQL the app role has INSERT/SELECT only.
    """

    __tablename__ = "audit_event"
    #: No `RETURNING id` on insert: a desk may append rows but not read the trail back.
    __table_args__ = {"implicit_returning": False}
    id: Mapped[int] = mapped_column(primary_key=True)
    ts: Mapped[dt.datetime] = mapped_column(TS, default=utcnow)
    login: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(200), default="")
    desk: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    outcome: Mapped[str] = mapped_column(String(32), default="ok")
    detail: Mapped[str] = mapped_column(String(200), default="")  # ids and counts only, never content
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Gapless position in the chain (1, 2, 3 ...), stamped with the hash; NULL for rows written before the
    #: server-side chain (schema 0002), which keep their original client-computed hashes.
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)


class AuditHead(Base):
    """The chain's head (one row): the last sequence number and hash. Appends lock and move it, so they
    are serialised and gapless; it also remembers that a trail existed if every audit row is deleted."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class PinAttempt(Base):
    """A desk-unlock PIN attempt on PostgreSQL, committed BEFORE its result is known, so the lockout
    counts it even if the desk rolls back the check (see store.pg_audit_sql)."""

    __tablename__ = "pin_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), index=True)
    digest: Mapped[str] = mapped_column(String(128))
    at: Mapped[dt.datetime] = mapped_column(TS, default=utcnow)
    outcome: Mapped[str | None] = mapped_column(String(32))


class Draft(Base):
    """Autosaved state of an unfinished call, one per login and desk session (one running app), so a
    crash loses nothing and two windows with the same login never overwrite each other's call."""

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("login", "desk", "session"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100))
    desk: Mapped[str] = mapped_column(String(200), default="")
    #: The desk session (one running app: "<pid>.<random>") that owns the draft; '' from older versions.
    session: Mapped[str] = mapped_column(String(64), default="", server_default="")
    #: The app that owned it closed: the draft is offered to the next session of the same login.
    ended: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    case_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)  # JSON
    updated_at: Mapped[dt.datetime] = mapped_column(TS, default=utcnow)


# Quality-assurance tables live in their own module; importing it here puts them in the same metadata.
from dutyline.store import tables_policy as _tables_policy  # noqa: E402,F401
from dutyline.store import tables_quality as _tables_quality  # noqa: E402,F401
