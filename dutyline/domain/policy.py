"""The council policy file: teams, areas, urgent reasons, service standards, routing rules.

A council (or Hertfordshire after its 2028 reorganisation) changes these without code, so they live in a
TOML file shipped with the package (`dutyline/policy/hertfordshire.toml`) and overridable with
`--policy FILE`. The file is validated strictly on load: a typo in a key must stop the app with the file,
line and key named, because a silently ignored rule would send calls to the wrong team.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dutyline.domain.calendar import end_of_working_day, working_hours_between
from dutyline.domain.model import District, Reason, Stage, parse_district
from dutyline.domain.quality.scorecard import QualitySettings
from dutyline.domain.tomlpos import find_key_line

BUILTIN_NAME = "hertfordshire.toml"


class PolicyError(Exception):
    """The policy file cannot be used; the message names the file, line and key (never personal data)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class CouncilPolicy(_Strict):
    name: str
    duty_line: str = ""


class WorkingHours(_Strict):
    """Office hours for service standards and "time left" in queues (Mon-Fri, bank holidays excluded)."""

    opens: dt.time = dt.time(9, 0)
    closes: dt.time = dt.time(17, 0)

    @model_validator(mode="after")
    def _order(self) -> WorkingHours:
        if self.closes <= self.opens:
            raise ValueError("closes must be later than opens")
        return self

    def hours_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Office hours from `start` to `end` (negative when `end` is earlier): "time left" in queues."""
        return working_hours_between(start, end, opens=self.opens, closes=self.closes)

    def close_of(self, day: dt.date) -> dt.datetime:
        """Closing time on `day` in England, UTC-aware."""
        return end_of_working_day(day, self.closes)


class TeamPolicy(_Strict):
    """A team that owns calls. `area` is set for area teams (annual review East/West)."""

    name: str = Field(min_length=1)
    inbox: str = ""
    area: str | None = None
    phone: str = ""
    #: False for the non-SEND escalation (Children's Services), which is referred to, not queued.
    send: bool = True


class AreaPolicy(_Strict):
    """A group of districts served by one annual review team."""

    name: str
    review_team: str
    districts: tuple[District, ...]

    @field_validator("districts", mode="before")
    @classmethod
    def _districts(cls, value: object) -> object:
        if not isinstance(value, list | tuple):
            return value
        out = []
        for item in value:
            d = parse_district(item) if isinstance(item, str) else None
            if d is None:
                raise ValueError(f"unknown district {item!r}; known: {', '.join(x.value for x in District)}")
            out.append(d)
        return tuple(out)


class UrgentReasonPolicy(_Strict):
    label: str = Field(min_length=1)
    #: Working days for a callback with this urgent reason (None = the urgent standard).
    working_days: int | None = Field(default=None, ge=0, le=60)


class ServiceStandards(_Strict):
    """Callback due = close of the Nth working day after the day of the call (0 = close of today)."""

    urgent_working_days: int = Field(default=1, ge=0, le=60)
    standard_working_days: int = Field(default=3, ge=0, le=60)
    urgent_call_reasons: tuple[Reason, ...] = (Reason.SAFEGUARDING,)
    reasons: dict[Reason, int] = {}


class SafeguardingPolicy(_Strict):
    emergency: str = "If anyone is in immediate danger, call 999 now."
    children_line: str
    children_script: str
    adult_line: str
    adult_script: str


class ClockPolicy(_Strict):
    due_soon_working_days: int = Field(default=10, ge=0, le=60)
    under_five_review_months: int = Field(default=6, ge=1, le=12)


class RoutingRule(_Strict):
    """One routing rule. Empty `reasons` means any reason; empty `stages` means any stage (or none)."""

    id: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    reasons: tuple[Reason, ...] = ()
    except_reasons: tuple[Reason, ...] = ()
    stages: tuple[Stage, ...] = ()
    team: str | None = None
    team_from: Literal["area_review_team", "acting_officer"] | None = None

    @model_validator(mode="after")
    def _one_target(self) -> RoutingRule:
        if (self.team is None) == (self.team_from is None):
            raise ValueError("give exactly one of team or team_from")
        return self

    @property
    def catch_all(self) -> bool:
        return not (self.reasons or self.except_reasons or self.stages) and self.team is not None


class RoutingPolicy(_Strict):
    rules: tuple[RoutingRule, ...] = Field(min_length=1)


class Policy(_Strict):
    """The whole validated policy. Built once at start-up and passed down (never a global)."""

    council: CouncilPolicy
    working_hours: WorkingHours = WorkingHours()
    teams: dict[str, TeamPolicy]
    areas: dict[str, AreaPolicy]
    urgent_reasons: dict[str, UrgentReasonPolicy]
    service_standards: ServiceStandards = ServiceStandards()
    safeguarding: SafeguardingPolicy
    clock: ClockPolicy = ClockPolicy()
    routing: RoutingPolicy
    #: The ACT quality scorecard and sampling method (`[quality]`); None when the file has no such table.
    quality: QualitySettings | None = None
    #: Retention periods in years, keyed by record class (filled in by the retention feature).
    retention: dict[str, int] = {}
    #: Where the policy came from (set by the loader, for messages).
    source: str = ""

    @model_validator(mode="after")
    def _references(self) -> Policy:
        """Every team a rule or area names must exist; each district belongs to at most one area."""
        for code, team in self.teams.items():
            if team.area is not None and team.area not in self.areas:
                raise ValueError(f"teams.{code}.area: no area {team.area!r} in [areas]")
        seen: dict[District, str] = {}
        for code, area in self.areas.items():
            if area.review_team not in self.teams:
                raise ValueError(f"areas.{code}.review_team: no team {area.review_team!r} in [teams]")
            for d in area.districts:
                if d in seen:
                    raise ValueError(f"areas.{code}.districts: {d.value} is already in area {seen[d]!r}")
                seen[d] = code
        for i, rule in enumerate(self.routing.rules):
            if rule.team is not None and rule.team not in self.teams:
                raise ValueError(f"routing.rules.{i}.team: no team {rule.team!r} in [teams]")
        if not self.routing.rules[-1].catch_all:
            raise ValueError(
                "routing.rules: the last rule must have no conditions and a fixed team, so every call has a team"
            )
        return self

    def area_of(self, district: District) -> tuple[str, AreaPolicy] | None:
        """The (code, area) a district belongs to, or None when the policy leaves it out."""
        for code, area in self.areas.items():
            if district in area.districts:
                return code, area
        return None

    def team_name(self, code: str) -> str:
        team = self.teams.get(code)
        return team.name if team else code


def load_policy(path: Path | None = None) -> Policy:
    """Read and validate a policy file; None loads the built-in Hertfordshire policy.

    Raises PolicyError naming the file, the line and the key for bad TOML, unknown keys, wrong types and
    broken references, so the app refuses to start rather than routing by guesswork.
    """
    if path is None:
        return _builtin()
    return parse_policy(read_policy_file(path), str(path), untrusted=True)


def read_policy_file(path: Path | str) -> str:
    """A policy file's text: regular files only, size-limited, never blocking (see policy_file)."""
    from dutyline.domain.policy_file import PolicyFileError, read_policy_text

    try:
        return read_policy_text(path)
    except PolicyFileError as exc:
        raise PolicyError(str(exc)) from None


@lru_cache(maxsize=1)
def _builtin() -> Policy:
    text = (resources.files("dutyline") / "policy" / BUILTIN_NAME).read_text(encoding="utf-8")
    return parse_policy(text, f"built-in {BUILTIN_NAME}")


def parse_policy(text: str, source: str, *, untrusted: bool = False) -> Policy:
    """Validate policy TOML text; `source` names it in error messages. `untrusted` (a file someone gave
    us, rather than a version already validated into the database) adds the size and depth limits."""
    from dutyline.domain.policy_file import PolicyFileError, parse_toml_limited

    try:
        data = parse_toml_limited(text, source) if untrusted else tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"policy file {source}: not valid TOML: {exc}") from None
    except PolicyFileError as exc:
        raise PolicyError(str(exc)) from None
    data.pop("source", None)
    try:
        policy = Policy.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise PolicyError(_describe(exc, text, source)) from None
    return policy


def _describe(exc: ValidationError, text: str, source: str) -> str:
    """One line per problem: `file, line N: key.path: what is wrong` (values are never echoed)."""
    lines = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = tuple(err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (not allowed here; check the spelling)"
        if err["type"] == "missing":
            msg = "required key is missing"
        if not loc and ": " in msg and msg.split(": ", 1)[0].replace(".", "").replace("_", "").isalnum():
            # A cross-reference check names its own key path first ("areas.east.review_team: ...").
            key, msg = msg.split(": ", 1)
            loc = tuple(int(p) if p.isdigit() else p for p in key.split("."))
        line = find_key_line(text, loc)
        where = f"line {line}" if line else "top level"
        key_text = ".".join(str(p) for p in loc) or "(file)"
        lines.append(f"{where}: {key_text}: {msg}")
    return f"policy file {source} is not valid:\n  " + "\n  ".join(lines)
