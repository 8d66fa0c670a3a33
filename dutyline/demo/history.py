"""A year of invented duty-line history: calls, callbacks, hand-offs and their outcomes, day by day.

Why shaped like this: the manager's workspace only means something when its charts have the county's
rhythm. Demand rises in the **September rush** (new school year, placements breaking down) and falls in the
**summer holidays** and at Christmas; Mondays are busiest, Friday afternoons quiet; mornings peak. Teams
keep their promises at different rates (the area review teams struggle most) and everyone does worse in the
rush. A few families ring again and again; a few calls are safeguarding concerns, referred within hours.

Pure and deterministic: the same seed, `now` and cases give the same rows. It yields one day at a time as
plain dicts (no ids; links are indexes into the day), so the store can insert a county year in chunks and
`bench/reports.py` can reuse it at 150,000 calls a year.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from dutyline.demo.namebank import name_bank
from dutyline.demo.people import family_surname
from dutyline.demo.phones import format_landline, format_mobile, mobile_digits
from dutyline.domain.calendar import LONDON, is_working_day
from dutyline.domain.model import Outcome, Reason
from dutyline.domain.policy import Policy
from dutyline.domain.routing import callback_due

#: Call handlers and duty officers of the invented county (logins; staff rows are made for them).
HANDLERS = tuple(f"handler{i:02d}" for i in range(1, 13))
OFFICERS: dict[str, tuple[str, ...]] = {
    "front_door": ("fd.amara", "fd.ben", "fd.chen"),
    "provision_outcomes_placement": ("pop.dev", "pop.ewa"),
    "resolution": ("res.faye", "res.gus"),
    "annual_review_east": ("are.hal", "are.isla", "are.jo"),
    "annual_review_west": ("arw.kit", "arw.lena", "arw.mo"),
    "safeguarding": ("sg.nia",),
}
REVIEWERS = ("qa.olu", "qa.priya", "qa.quinn")
#: Share of promises kept on time, per team, in an ordinary week (before the season's effect).
ON_TIME = {
    "front_door": 0.86,
    "provision_outcomes_placement": 0.74,
    "resolution": 0.82,
    "annual_review_east": 0.76,
    "annual_review_west": 0.66,
    "safeguarding": 0.95,
}
REASONS: tuple[tuple[Reason, float], ...] = (
    (Reason.ASSESSMENT_PROGRESS, 0.22),
    (Reason.REVIEW_ARRANGEMENTS, 0.13),
    (Reason.OFFICER_CONTACT, 0.12),
    (Reason.PROVISION_OR_PLACEMENT, 0.09),
    (Reason.CHANGE_OF_NEED, 0.07),
    (Reason.NEW_REQUEST, 0.08),
    (Reason.DRAFT_PLAN_RESPONSE, 0.06),
    (Reason.AMENDMENT_RESPONSE, 0.05),
    (Reason.PHASE_TRANSFER, 0.04),
    (Reason.DISAGREEMENT, 0.04),
    (Reason.COMPLAINT, 0.03),
    (Reason.GENERAL_ENQUIRY, 0.04),
    (Reason.CONTACT_DETAILS_CHANGE, 0.025),
    (Reason.SAFEGUARDING, 0.005),
)
OVERRIDES = (
    "Family already working with this team on the phase transfer",
    "Officer asked for calls on this case to come to them",
    "Tribunal bundle due: resolution team leading",
    "Moving county: front door to coordinate",
)
HOURS = (9, 9, 10, 10, 10, 11, 11, 11, 12, 13, 14, 14, 14, 15, 15, 16)
#: Invented callers take mobile numbers from this family index up, above every demo family's (two numbers a
#: family from 07700 900000), while they stay in the 07700 9xxxxx drama block; then 01632 numbers from
#: 01632 060000, below the families' 01632 96xxxx. Either way distinct from each other and from families.
INVENTED_FAMILY = 40_000
_LAST_MOBILE_FAMILY = 49_999
_INVENTED_LANDLINE = 60_000
#: The demo's cases and calls per working day at that size: smaller demos get a proportionally quieter
#: year (never quieter than MIN_CALLS_PER_DAY, so the season still shows).
DEFAULT_CASES = 15_000
DEFAULT_CALLS_PER_DAY = 80.0
MIN_CALLS_PER_DAY = 4.0


class Caller(NamedTuple):
    """Who rings about a case: its first contact (id, name, phone as stored)."""

    contact_id: int | None
    name: str
    phone: str


def calls_per_day_for(cases: int) -> float:
    """Calls per working day for a demo of `cases` cases: 80 at the default 15,000, in proportion below and
    above it, at least MIN_CALLS_PER_DAY."""
    return max(MIN_CALLS_PER_DAY, DEFAULT_CALLS_PER_DAY * cases / DEFAULT_CASES)


class _Callers:
    """Names and numbers for the history's callers, from their own random stream (so adding them left the
    calls, promises and seasons of a given seed as they were).

    A case's caller is its first contact when the demo has one (the same name and number the case screen
    shows); otherwise, and for callers with no case, an invented adult with a number of their own in the
    Ofcom drama ranges: never a real person's, and distinct, so a callback's number says who to ring.
    """

    def __init__(self, seed: int, known: Mapping[int, Caller], cases: int) -> None:
        self._rng = random.Random(seed * 104_729 + 17)
        self._known = known
        self._invented: dict[int, Caller] = {}
        self._made = 0
        #: People with no case who ring now and then (professionals, relatives): a pool, so some ring again.
        self._pool: list[Caller] = []
        self._pool_size = max(40, cases // 10)

    def for_case(self, case_id: int) -> Caller:
        found = self._invented.get(case_id)
        if found is None:
            known = self._known.get(case_id)
            if known is not None and known.phone:
                return known
            found = self._new()
            if known is not None:  # a contact with no number on file gave one on the call
                found = Caller(known.contact_id, known.name, found.phone)
            self._invented[case_id] = found
        return found

    def no_case(self) -> Caller:
        k = int(self._rng.random() * self._pool_size)
        while len(self._pool) <= k:
            self._pool.append(self._new())
        return self._pool[k]

    def _new(self) -> Caller:
        rng, bank = self._rng, name_bank()
        culture = bank.pick_culture(rng)
        kind = "mums" if rng.random() < 0.7 else "dads"
        name = f"{culture.pool(kind).pick(rng)} {family_surname(rng, bank, culture)}"
        family = INVENTED_FAMILY + self._made
        if family <= _LAST_MOBILE_FAMILY:
            phone = format_mobile(rng, mobile_digits(family, 0))
        else:
            phone = format_landline(rng, f"01632{_INVENTED_LANDLINE + self._made:06d}")
        self._made += 1
        return Caller(None, name, phone)


def season(day: dt.date) -> float:
    """Demand relative to an ordinary week: the September rush, summer holidays, Christmas."""
    if (day.month == 9) or (day.month == 10 and day.day <= 10):
        return 1.6
    if (day.month == 7 and day.day >= 22) or day.month == 8:
        return 0.55
    if day.month == 12 and day.day >= 20:
        return 0.45
    if day.month == 1:
        return 1.15
    return 1.0


def strain(day: dt.date) -> float:
    """How much worse promises go in the busy season (subtracted from the on-time share)."""
    return 0.16 if season(day) > 1.3 else (0.08 if season(day) < 0.6 else 0.0)


@dataclass
class Day:
    """One day's rows. Children refer to their call by index in `calls`; return calls to their callback."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    callbacks: list[tuple[int, dict[str, Any], dict[str, Any] | None]] = field(default_factory=list)
    handoffs: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _team(reason: Reason, area_team: str) -> str:
    if reason is Reason.SAFEGUARDING:
        return "safeguarding"
    if reason in (Reason.DISAGREEMENT, Reason.COMPLAINT):
        return "resolution"
    if reason in (Reason.REVIEW_ARRANGEMENTS, Reason.AMENDMENT_RESPONSE, Reason.OFFICER_CONTACT):
        return area_team
    if reason in (Reason.PROVISION_OR_PLACEMENT, Reason.CHANGE_OF_NEED, Reason.PHASE_TRANSFER):
        return "provision_outcomes_placement"
    return "front_door"


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(rng.choice(HOURS), rng.randrange(60), rng.randrange(60)), LONDON)
    return local.astimezone(dt.UTC)


def _outcome(
    rng: random.Random, team: str, due: dt.datetime, created: dt.datetime, now: dt.datetime, day: dt.date
) -> dict[str, Any]:
    """When (and whether) the promise was kept: on time, late, still open (broken) or cancelled."""
    officer = rng.choice(OFFICERS.get(team, OFFICERS["front_door"]))
    roll = rng.random()
    if roll < 0.025:
        return {"status": "cancelled", "completed_at": None, "completed_by": None, "escalated": False}
    kept = ON_TIME.get(team, 0.8) - strain(day)
    if due > now:  # not yet due: most still open, some already done
        if rng.random() < 0.35:
            done = created + (now - created) * rng.random()
            return {"status": "done", "completed_at": done, "completed_by": officer, "escalated": False}
        return {"status": "open", "completed_at": None, "completed_by": None, "escalated": False}
    if rng.random() < kept:
        done = created + (due - created) * (0.15 + 0.8 * rng.random())
    else:
        broken = 0.35 if (now - due) < dt.timedelta(days=21) else 0.01
        if rng.random() < broken:
            return {"status": "open", "completed_at": None, "completed_by": None, "escalated": True}
        done = due + dt.timedelta(hours=rng.uniform(1, 90))
    if done > now:
        return {"status": "open", "completed_at": None, "completed_by": None, "escalated": True}
    return {"status": "done", "completed_at": done, "completed_by": officer, "escalated": False}


def history(
    policy: Policy,
    cases: Sequence[tuple[int, str]],
    *,
    now: dt.datetime,
    days: int = 365,
    calls_per_day: float = DEFAULT_CALLS_PER_DAY,
    seed: int = 2026,
    callers: Mapping[int, Caller] | None = None,
) -> Iterator[Day]:
    """Days from `days` ago up to yesterday. `cases` are (case id, the case's area review team); `callers`
    the first contact of each case that has one (others get an invented caller, see _Callers)."""
    rng = random.Random(seed * 7919 + 11)
    people = _Callers(seed, callers or {}, len(cases))
    reasons = [r for r, _ in REASONS]
    weights = [w for _, w in REASONS]
    frequent = [cases[i] for i in sorted(rng.sample(range(len(cases)), min(300, len(cases))))] if cases else []
    today = now.astimezone(LONDON).date()
    for back in range(days, 0, -1):
        day = today - dt.timedelta(days=back)
        if not is_working_day(day):
            continue
        weekday = (1.2, 1.05, 1.0, 1.0, 0.85)[day.weekday()]
        n = max(0, round(rng.gauss(calls_per_day * season(day) * weekday, calls_per_day * 0.08)))
        out = Day()
        for _ in range(n):
            _one_call(rng, policy, out, day, now, cases, frequent, reasons, weights, people)
        yield out


def _one_call(
    rng: random.Random,
    policy: Policy,
    out: Day,
    day: dt.date,
    now: dt.datetime,
    cases: Sequence[tuple[int, str]],
    frequent: Sequence[tuple[int, str]],
    reasons: list[Reason],
    weights: list[float],
    people: _Callers,
) -> None:
    reason = rng.choices(reasons, weights)[0]
    pick = rng.random()
    case = None if (not cases or pick < 0.07) else (rng.choice(frequent) if pick < 0.2 else rng.choice(cases))
    area_team = case[1] if case else "front_door"
    started = _at(day, rng)
    if started >= now:
        return
    handler = rng.choice(HANDLERS)
    caller = people.for_case(case[0]) if case else people.no_case()
    safeguarding = reason is Reason.SAFEGUARDING
    roll = rng.random()
    outcome = (
        Outcome.RESOLVED
        if safeguarding or roll < 0.33
        else Outcome.SIGNPOSTED
        if roll < 0.43
        else Outcome.CALLBACK_BOOKED
        if roll < 0.73
        else Outcome.HANDED_OFF
    )
    urgent_reason = rng.choice(sorted(policy.urgent_reasons)) if rng.random() < 0.12 else None
    call = {
        "case_id": case[0] if case else None,
        "staff_login": handler,
        "started_at": started,
        "ended_at": started + dt.timedelta(seconds=rng.randint(90, 900)),
        "duration_s": rng.randint(90, 900),
        "caller_kind": "contact" if case else "other",
        "caller_contact_id": caller.contact_id,
        "caller_name": caller.name,
        "caller_phone": "" if case else caller.phone,
        "caller_has_pr": bool(case),
        "verified_dob": bool(case) and rng.random() < 0.96,
        "verified_postcode": bool(case) and rng.random() < 0.93,
        "reason": reason.value,
        "urgent_reason": urgent_reason,
        "notes": "Demo call: family asked about progress; next steps explained.",
        "outcome": outcome.value,
        "safeguarding": safeguarding,
        "safeguarding_at": started + dt.timedelta(minutes=rng.randint(1, 8)) if safeguarding else None,
        "referral_ref": f"CS-{rng.randint(100000, 999999)}" if safeguarding and rng.random() < 0.7 else "",
    }
    index = len(out.calls)
    out.calls.append(call)
    team = _team(reason, area_team)
    priority = "urgent" if urgent_reason or safeguarding else "standard"
    due = callback_due(policy, reason, started, urgent_reason=urgent_reason)
    base = {
        "team_code": team,
        "priority": priority,
        "urgent_reason": urgent_reason,
        "reason": reason.value,
        "due_at": due,
        "created_at": started,
        "created_by": handler,
        "case_id": call["case_id"],
    }
    if safeguarding:
        done = started + dt.timedelta(hours=rng.uniform(0.2, 6))
        kept = done <= now
        alert = {
            **base,
            "due_at": started,
            "proposed_team_code": team,
            "explanation": "Safeguarding concern raised on a call.",
            "override_reason": "",
            "escalated": False,
            "status": "done" if kept else "open",
            "completed_at": done if kept else None,
            "completed_by": OFFICERS["safeguarding"][0] if kept else None,
        }
        out.handoffs.append((index, alert))
        return
    if outcome is Outcome.HANDED_OFF:
        proposed = team
        override = ""
        if rng.random() < 0.05:
            team = rng.choice([t for t in ON_TIME if t not in (team, "safeguarding")])
            override = rng.choice(OVERRIDES)
        row = {
            **base,
            "team_code": team,
            "proposed_team_code": proposed,
            "override_reason": override,
            "explanation": "Routed by the policy's rules.",
        }
        row.update(_outcome(rng, team, due, started, now, day))
        out.handoffs.append((index, row))
    elif outcome is Outcome.CALLBACK_BOOKED:
        row = {**base, "contact_name": caller.name, "phone": caller.phone, "preferred_time": "Any time"}
        row.update(_outcome(rng, team, due, started, now, day))
        back = None
        if row["status"] == "done":
            back = {
                "case_id": call["case_id"],
                "staff_login": row["completed_by"],
                "started_at": row["completed_at"],
                "duration_s": rng.randint(120, 900),
                "caller_kind": "contact",
                "reason": reason.value,
                "urgent_reason": urgent_reason,
                "notes": "Returned the call; explained the position and the next date.",
                "outcome": Outcome.RESOLVED.value,
            }
        out.callbacks.append((index, row, back))
