"""The demo county's SEND officers, their teams, cover arrangements and a few absences.

Why absences around the fixed demo day: "who covers today" is a feature people ask to see, so some named
officers are away on 2026-11-23 with a colleague from the same team covering. Team sizes follow the work:
review coordinators hold most cases, the front door takes new requests, resolution is small.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import lru_cache

from dutyline.demo.namebank import name_bank
from dutyline.demo.people import ascii_key
from dutyline.domain.model import District, Stage

#: The fixed day the demo is "set" on, so output is identical on every machine and every day.
DEMO_TODAY = dt.date(2026, 11, 23)
#: Team code -> number of officers (60 in all).
TEAM_SIZES: dict[str, int] = {
    "front_door": 14,
    "provision_outcomes_placement": 8,
    "resolution": 6,
    "annual_review_east": 16,
    "annual_review_west": 16,
}
EAST_DISTRICTS = frozenset(
    {
        District.BROXBOURNE,
        District.EAST_HERTFORDSHIRE,
        District.NORTH_HERTFORDSHIRE,
        District.STEVENAGE,
        District.WELWYN_HATFIELD,
    }
)
_FRONT_DOOR_STAGES = frozenset(
    {
        Stage.REQUEST_RECEIVED,
        Stage.ASSESSMENT,
        Stage.DRAFT_PLAN,
        Stage.NOT_ASSESSING,
        Stage.NOT_ISSUING,
    }
)
_RESOLUTION_STAGES = frozenset({Stage.MEDIATION, Stage.TRIBUNAL})
#: Staff email domain: the reserved .example TLD, so no demo address can reach a real mailbox.
STAFF_DOMAIN = "hertfordshire.example"
#: (index within team, days before DEMO_TODAY the absence began, days after it ends), per team.
_ABSENCES: dict[str, tuple[tuple[int, int, int], ...]] = {
    "front_door": ((2, 3, 4), (9, 30, -10)),  # one away now; one whose absence ended ten days ago
    "annual_review_east": ((1, 7, 11), (6, 0, 0)),  # away for two weeks; away for today only
    "annual_review_west": ((3, 14, 18),),
    "resolution": ((0, -7, 14),),  # a planned absence starting next week
}


def team_for(stage: Stage, district: District, any_team: str) -> str:
    """The team whose officer is named on a case at this stage (ceased cases keep whoever they had)."""
    if stage in _FRONT_DOOR_STAGES:
        return "front_door"
    if stage in _RESOLUTION_STAGES:
        return "resolution"
    if stage is Stage.CEASED:
        return any_team
    return "annual_review_east" if district in EAST_DISTRICTS else "annual_review_west"


@lru_cache(maxsize=8)
def _officers(seed: int) -> tuple[tuple[tuple[str, str], ...], ...]:
    bank = name_bank()
    rng = random.Random(f"dutyline-demo-officers:{seed}")
    used_names: set[str] = set()
    used_emails: set[str] = set()
    out: list[tuple[tuple[str, str], ...]] = []
    for team, size in TEAM_SIZES.items():
        for index in range(size):
            while True:
                culture = bank.pick_culture(rng)
                first = culture.pool(rng.choice(("mums", "dads"))).pick(rng)
                last = culture.pool("surnames").pick(rng)
                name = f"{first} {last}"
                if name not in used_names:
                    break
            used_names.add(name)
            local = f"{ascii_key(first)}.{ascii_key(last)}"
            email, n = f"{local}@{STAFF_DOMAIN}", 2
            while email in used_emails:
                email, n = f"{local}{n}@{STAFF_DOMAIN}", n + 1
            used_emails.add(email)
            out.append((("name", name), ("email", email), ("team_code", team), ("index", str(index))))
    return tuple(out)


def demo_officers(seed: int = 2026) -> list[dict[str, str]]:
    """About 60 officers: name, email, team_code, cover_email ('' if none), absent_from, absent_until.

    Cover is the next officer in the same team who is not away themselves; the last officer of each
    review team has no cover arranged, as happens in real rotas.
    """
    rows = [dict(r) for r in _officers(seed)]
    by_team: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_team.setdefault(row["team_code"], []).append(row)
        row["cover_email"] = row["absent_from"] = row["absent_until"] = ""
    for team, absences in _ABSENCES.items():
        for index, began, ends in absences:
            officer = by_team[team][index]
            officer["absent_from"] = (DEMO_TODAY - dt.timedelta(days=began)).isoformat()
            officer["absent_until"] = (DEMO_TODAY + dt.timedelta(days=ends)).isoformat()
    for team, members in by_team.items():
        for i, officer in enumerate(members):
            if team.startswith("annual_review") and i == len(members) - 1:
                continue
            for step in range(1, len(members)):
                candidate = members[(i + step) % len(members)]
                if not candidate["absent_from"]:
                    officer["cover_email"] = candidate["email"]
                    break
    for row in rows:
        del row["index"]
    return rows


def officers_by_team(seed: int) -> dict[str, tuple[tuple[str, str], ...]]:
    """(name, email) per team, for assigning named officers to cases."""
    out: dict[str, list[tuple[str, str]]] = {}
    for row in _officers(seed):
        r = dict(row)
        out.setdefault(r["team_code"], []).append((r["name"], r["email"]))
    return {k: tuple(v) for k, v in out.items()}
