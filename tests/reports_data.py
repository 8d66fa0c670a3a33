"""A hand-built week of promises and calls whose every figure is worked out by hand in tests/test_reports.py.

Now is Monday 23 Nov 2026 10:00 UTC (= 10:00 in London, GMT). The period is 16-27 Nov 2026.
Kept in a module of its own (no tests here) so the CLI tests can seed the same rows.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from dutyline.domain.reports.period import Period
from dutyline.store.engine import Database
from dutyline.store.tables import Call, Callback, Case, Handoff, Team

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
PERIOD = Period(first=dt.date(2026, 11, 16), last=dt.date(2026, 11, 27))
TEAMS = ("front_door", "resolution", "annual_review_east", "safeguarding")
OVERRIDE = "Family already known to the East team"


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def _case(s: Session, ref: str, stage: str = "assessment", since: dt.date = dt.date(2026, 9, 1)) -> Case:
    c = Case(
        case_ref=ref,
        first_name="Test",
        last_name=ref,
        date_of_birth=dt.date(2014, 7, 3),
        postcode="AL1 3AB",
        postcode_key="AL13AB",
        district="St Albans",
        stage=stage,
        stage_since=since,
    )
    s.add(c)
    s.flush()
    return c


def _call(s: Session, when: dt.datetime, reason: str, outcome: str, case: Case | None = None, **kw: object) -> Call:
    c = Call(
        case_id=case.id if case else None, staff_login="hana", started_at=when, reason=reason, outcome=outcome, **kw
    )
    s.add(c)
    s.flush()
    return c


def _cb(s: Session, *, due: dt.datetime, created: dt.datetime, team: str = "front_door", **kw: object) -> Callback:
    row = Callback(team_code=team, due_at=due, created_at=created, phone="07700 900123", reason="assessment_progress")
    for k, v in kw.items():
        setattr(row, k, v)
    s.add(row)
    s.flush()
    return row


def _ho(s: Session, call: Call, *, due: dt.datetime, team: str, **kw: object) -> Handoff:
    row = Handoff(
        call_id=call.id,
        case_id=call.case_id,
        team_code=team,
        proposed_team_code=kw.pop("proposed", team),
        due_at=due,
        created_at=call.started_at,
        reason=call.reason,
    )
    for k, v in kw.items():
        setattr(row, k, v)
    s.add(row)
    s.flush()
    return row


def seed(db: Database) -> None:
    """Write the dataset (the numbers in the comments are the item numbers the tests refer to)."""
    with db.write() as s:
        for code in TEAMS:
            s.add(Team(code=code, name=code.replace("_", " ").title()))
        a, b, c = _case(s, "EHC-A"), _case(s, "EHC-B"), _case(s, "EHC-C")
        _case(s, "EHC-D", stage="tribunal", since=dt.date(2026, 3, 1))
        _case(s, "EHC-E", stage="ceased")
        # --- promises -----------------------------------------------------------------------------
        # 1 kept on time (booked Mon 10:00, returned Tue 12:00 = 7 + 3 = 10 working hours)
        _cb(s, due=at(17, 17), created=at(16, 10), status="done", completed_at=at(17, 12), completed_by="dora")
        # 2 kept late (booked Mon 14:00, returned Thu 10:00 = 3 + 8 + 8 + 1 = 20 working hours)
        _cb(s, due=at(18, 17), created=at(16, 14), status="done", completed_at=at(19, 10), completed_by="dora")
        # 3 broken: urgent complaint callback for the resolution team, still open
        _cb(s, due=at(19, 17), created=at(18, 14), team="resolution", priority="urgent", reason="complaint")
        # 4 cancelled
        _cb(s, due=at(20, 12), created=at(19, 9), status="cancelled")
        # 5 open, due Wednesday
        _cb(s, due=at(25, 17), created=at(23, 9))
        # 6 open, due in half a working hour (due soon)
        _cb(s, due=at(23, 10, 30), created=at(20, 16))
        # --- calls (inbound unless said) --------------------------------------------------------------
        c1 = _call(s, at(16, 9, 30), "assessment_progress", "resolved", a)
        del c1
        c2 = _call(s, at(18, 14, 10), "complaint", "handed_off", a)
        _ho(s, c2, due=at(25, 17), team="resolution")
        _call(s, at(19, 11, 5), "assessment_progress", "callback_booked", a)
        _call(s, at(17, 10, 20), "general_enquiry", "signposted", b)
        c5 = _call(s, at(17, 10, 40), "new_request", "handed_off", None)
        # 7 a hand-off kept on time (due Tue 12:00, accepted 11:00)
        _ho(
            s,
            c5,
            due=at(17, 12),
            team="annual_review_east",
            proposed="front_door",
            override_reason=OVERRIDE,
            status="done",
            completed_at=at(17, 11),
            completed_by="eve",
        )
        c6 = _call(s, at(20, 15), "safeguarding", "resolved", c, safeguarding=True, safeguarding_at=at(20, 15, 5))
        _ho(s, c6, due=at(20, 15), team="safeguarding", status="done", completed_at=at(20, 17, 5), completed_by="eve")
        # a return call (not inbound), a call before the period, complaints for the rolling year
        _call(s, at(19, 12), "assessment_progress", "resolved", a, callback_id=1)
        _call(s, at(9, 10), "general_enquiry", "resolved", b)
        _call(s, at(14, 10, month=1), "complaint", "resolved", b)
        _call(s, at(14, 10, month=10, year=2025), "complaint", "resolved", b)
        # 8 broken, due before the period (in the overdue list, not in the period's counts)
        c8 = _call(s, at(5, 10), "new_request", "handed_off", None)
        _ho(s, c8, due=at(10, 12), team="front_door")
        # 9 open, due after the period
        _cb(s, due=at(30, 17), created=at(23, 9))
