"""Drawing a month's quality sample with a method: stratified, random, reproducible, never self-reviewed.

- **Strata**: every call handler's inbound calls, and every duty officer's returned callbacks, in the
  period. From each stratum `per_person` units are drawn at random (all of them when there are fewer).
- **Reproducible**: the draw depends only on the candidates (sorted by id) and the seed, which is stored
  with the sample; the same seed on the same data gives the same sample and the same reviewers.
- **Targeted** units are added on top: every safeguarding call, every broken promise, every call after
  which the family rang again within 2 working days. They are labelled `targeted:<rule>` and kept out of
  the random-sample pass rates, so those stay unbiased. A unit drawn at random stays `random` even when a
  rule would also pick it (so the random sample is exactly what the draw gave).
- **Reviewers**: each unit goes to the eligible reviewer with the fewest units so far (ties broken by a
  seeded order), never to the person whose work it is. A share of the random units also gets a blind
  second reviewer, different from both.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from enum import StrEnum

from dutyline.domain.model import Frozen

RANDOM = "random"


class Rule(StrEnum):
    SAFEGUARDING = "safeguarding"
    BROKEN_PROMISE = "broken_promise"
    RANG_AGAIN = "rang_again"


class Candidate(Frozen):
    """A piece of work that could be reviewed: `call:ID` or `callback:ID`, whose work it is, and which
    targeting rules it meets."""

    kind: str  # "call" or "callback"
    id: int
    person: str
    team: str = ""
    rules: tuple[Rule, ...] = ()
    #: False for units that are only ever targeted (a broken promise has no return call to score).
    in_random_pool: bool = True

    @property
    def item(self) -> str:
        return f"{self.kind}:{self.id}"


class Picked(Frozen):
    item: str
    kind: str
    id: int
    person: str
    team: str
    why: str  # "random" or "targeted:<rule>"
    reviewer: str | None = None
    second_reviewer: str | None = None

    @property
    def targeted(self) -> bool:
        return self.why != RANDOM


class SampledItem(Frozen):
    """An item as stored once a sample is drawn: what the review screens and checks read (never the row)."""

    qa_item_id: int
    sample_id: int
    kind: str
    ref_id: int
    person: str
    why: str
    reviewer: str | None = None
    second_reviewer: str | None = None


def draw(
    candidates: Iterable[Candidate],
    *,
    per_person: int,
    seed: int,
    reviewers: Sequence[str],
    second_share: float = 0.0,
) -> list[Picked]:
    """The sample: random per (kind, person) stratum, then targeted units, then reviewers."""
    rng = random.Random(seed)
    pool = sorted(candidates, key=lambda c: (c.kind, c.id))
    strata: dict[tuple[str, str], list[Candidate]] = {}
    for c in pool:
        if c.in_random_pool:
            strata.setdefault((c.kind, c.person), []).append(c)
    picked: list[Picked] = []
    chosen: set[str] = set()
    for key in sorted(strata):
        members = strata[key]
        for c in rng.sample(members, min(per_person, len(members))):
            picked.append(_pick(c, RANDOM))
            chosen.add(c.item)
    for c in pool:
        if c.rules and c.item not in chosen:
            picked.append(_pick(c, f"targeted:{sorted(c.rules)[0].value}"))
            chosen.add(c.item)
    picked.sort(key=lambda p: (p.targeted, p.kind, p.id))
    return assign(picked, reviewers, rng, second_share)


def _pick(c: Candidate, why: str) -> Picked:
    return Picked(item=c.item, kind=c.kind, id=c.id, person=c.person, team=c.team, why=why)


def assign(picked: list[Picked], reviewers: Sequence[str], rng: random.Random, second_share: float) -> list[Picked]:
    """Give each unit a reviewer (least loaded, never its own person) and a share a blind second one."""
    order = sorted(set(reviewers))
    rng.shuffle(order)
    rank = {r: i for i, r in enumerate(order)}
    load = dict.fromkeys(order, 0)

    def choose(exclude: set[str]) -> str | None:
        eligible = [r for r in order if r not in exclude]
        if not eligible:
            return None
        best = min(eligible, key=lambda r: (load[r], rank[r]))
        load[best] += 1
        return best

    out = [p.model_copy(update={"reviewer": choose({p.person})}) for p in picked]
    randoms = [i for i, p in enumerate(out) if not p.targeted and p.reviewer is not None]
    k = math.ceil(second_share * len(randoms)) if second_share > 0 else 0
    for i in sorted(rng.sample(randoms, min(k, len(randoms)))):
        p = out[i]
        second = choose({p.person, p.reviewer or ""})
        out[i] = p.model_copy(update={"second_reviewer": second})
    return out
