"""Hertfordshire geography for the demo: postcode districts and schools per district.

Why real outward codes: search and routing are tested on what councils actually see (an "AL10" child lives
in Welwyn Hatfield, not St Albans). The inward part is random, so addresses are fictional. Schools are
invented but shaped like real ones (phase, faith, special schools, colleges for 16+) and fixed for the
county, independent of the seed, so the same school appears across many cases as in real life.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass

from dutyline.demo.rand import pick, weighted_index
from dutyline.domain.model import District

#: Outward codes per district (weights: bigger towns get more children) and its main towns.
OUTWARD: dict[District, tuple[tuple[str, int], ...]] = {
    District.BROXBOURNE: (("EN8", 5), ("EN10", 2), ("EN11", 4), ("EN7", 1)),
    District.DACORUM: (("HP1", 4), ("HP2", 5), ("HP3", 4), ("HP4", 3), ("HP23", 2)),
    District.EAST_HERTFORDSHIRE: (("SG13", 2), ("SG14", 3), ("SG12", 3), ("CM23", 5), ("CM21", 2), ("SG9", 1)),
    District.HERTSMERE: (("WD6", 5), ("WD7", 2), ("EN6", 3), ("WD23", 3)),
    District.NORTH_HERTFORDSHIRE: (("SG4", 3), ("SG5", 3), ("SG6", 4), ("SG7", 2), ("SG8", 2)),
    District.ST_ALBANS: (("AL1", 4), ("AL2", 3), ("AL3", 3), ("AL4", 3), ("AL5", 3)),
    District.STEVENAGE: (("SG1", 5), ("SG2", 5)),
    District.THREE_RIVERS: (("WD3", 4), ("WD4", 1), ("WD5", 2), ("WD19", 3)),
    District.WATFORD: (("WD17", 3), ("WD18", 3), ("WD24", 4), ("WD25", 4)),
    District.WELWYN_HATFIELD: (("AL6", 1), ("AL7", 4), ("AL8", 3), ("AL9", 2), ("AL10", 4)),
}
TOWNS: dict[District, tuple[str, ...]] = {
    District.BROXBOURNE: ("Cheshunt", "Hoddesdon", "Waltham Cross", "Broxbourne", "Goffs Oak", "Wormley"),
    District.DACORUM: ("Hemel Hempstead", "Berkhamsted", "Tring", "Kings Langley", "Bovingdon", "Markyate"),
    District.EAST_HERTFORDSHIRE: ("Hertford", "Ware", "Bishop's Stortford", "Sawbridgeworth", "Buntingford"),
    District.HERTSMERE: ("Borehamwood", "Potters Bar", "Radlett", "Bushey", "Elstree", "Shenley"),
    District.NORTH_HERTFORDSHIRE: ("Hitchin", "Letchworth", "Baldock", "Royston", "Knebworth", "Ashwell"),
    District.ST_ALBANS: ("St Albans", "Harpenden", "London Colney", "Redbourn", "Wheathampstead"),
    District.STEVENAGE: ("Stevenage", "Shephall", "Bedwell", "Chells", "Pin Green", "Broadwater"),
    District.THREE_RIVERS: ("Rickmansworth", "Croxley Green", "Abbots Langley", "South Oxhey", "Chorleywood"),
    District.WATFORD: ("Watford", "Garston", "Leavesden", "Oxhey", "Callowland", "Cassiobury"),
    District.WELWYN_HATFIELD: ("Welwyn Garden City", "Hatfield", "Welwyn", "Brookmans Park", "Cuffley"),
}
#: Children per district, roughly by population (Dacorum and St Albans biggest, Three Rivers smallest).
DISTRICT_WEIGHTS: dict[District, int] = {
    District.BROXBOURNE: 9,
    District.DACORUM: 14,
    District.EAST_HERTFORDSHIRE: 13,
    District.HERTSMERE: 9,
    District.NORTH_HERTFORDSHIRE: 12,
    District.ST_ALBANS: 13,
    District.STEVENAGE: 9,
    District.THREE_RIVERS: 8,
    District.WATFORD: 9,
    District.WELWYN_HATFIELD: 11,
}
EAST = frozenset(
    {
        District.BROXBOURNE,
        District.EAST_HERTFORDSHIRE,
        District.NORTH_HERTFORDSHIRE,
        District.STEVENAGE,
        District.WELWYN_HATFIELD,
    }
)

_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters allowed in the inward code (no C, I, K, M, O, V)
_TREES = (
    "Oak",
    "Ash",
    "Beech",
    "Holly",
    "Elm",
    "Willow",
    "Cedar",
    "Hazel",
    "Rowan",
    "Birch",
    "Maple",
    "Chestnut",
    "Lime",
    "Alder",
    "Hawthorn",
    "Yew",
    "Larch",
    "Poplar",
)
_ENDS = ("field", "wood", "lands", "brook", "mead", "croft", "dale", "hill", "green", "leys", "side", "ridge")
_SAINTS = (
    "St Mary's",
    "St Joseph's",
    "St John's",
    "St Peter's",
    "St Paul's",
    "St Michael's",
    "St Andrew's",
    "St Thomas More",
    "Holy Family",
    "St Catherine's",
    "St Nicholas",
    "St Bernadette's",
)
_PEOPLE = ("Sir John", "Dame Alice", "Sir Frederic", "Lady Margaret", "Bishop", "Sir Thomas")
_SURNAMES = ("Osborn", "Hadley", "Kingsley", "Marlowe", "Ashby", "Fenwick", "Bramley", "Hollins")


@dataclass(frozen=True, slots=True)
class Schools:
    nurseries: tuple[str, ...]
    primaries: tuple[str, ...]
    secondaries: tuple[str, ...]
    specials: tuple[str, ...]
    colleges: tuple[str, ...]


def _district_schools(rng: random.Random, towns: tuple[str, ...], used: set[str]) -> Schools:
    """Invent one district's schools, never reusing a name already used elsewhere in the county."""

    def unique(make: Callable[[], str]) -> str:
        for _ in range(1000):
            name = make()
            if name not in used:
                used.add(name)
                return name
        raise RuntimeError("school name space exhausted")

    def tree() -> str:
        return rng.choice(_TREES) + rng.choice(_ENDS)

    def town() -> str:
        return rng.choice(towns)

    nurseries = (
        unique(lambda: f"{towns[0]} Nursery School"),
        unique(lambda: f"{towns[1]} Nursery School"),
        unique(lambda: f"Little {tree()} Pre-School"),
    )
    primaries = tuple(unique(lambda: f"{tree()} Primary School") for _ in range(8))
    primaries += tuple(
        unique(lambda: f"{rng.choice(_SAINTS)} {rng.choice(('Catholic', 'CofE'))} Primary School, {town()}")
        for _ in range(3)
    )
    primaries += (
        unique(lambda: f"{towns[2]} Infant and Nursery School"),
        unique(lambda: f"{towns[2]} Junior School"),
        unique(lambda: f"{towns[3]} Infant and Nursery School"),
        unique(lambda: f"{towns[3]} Junior School"),
    )
    secondaries = (
        unique(lambda: f"{towns[0]} Academy"),
        unique(lambda: f"The {town()} School"),
        unique(lambda: f"{tree()} School"),
        unique(lambda: f"{rng.choice(_PEOPLE)} {rng.choice(_SURNAMES)} School"),
        unique(lambda: f"{rng.choice(_SAINTS)} Catholic School, {town()}"),
    )
    specials = (
        unique(lambda: f"{tree()} School (special)"),
        unique(lambda: f"{tree()} Lodge School"),
        unique(lambda: f"{town()} Learning Centre"),
    )
    colleges = (unique(lambda: f"{towns[0]} College"), unique(lambda: f"{tree()} Sixth Form College"))
    return Schools(nurseries, primaries, secondaries, specials, colleges)


def _build_schools() -> dict[District, Schools]:
    """The county's schools (string seed: the same invented schools on every machine, for every seed)."""
    rng = random.Random("dutyline-demo-schools-v1")
    used: set[str] = set()
    return {district: _district_schools(rng, TOWNS[district], used) for district in District}


SCHOOLS: dict[District, Schools] = _build_schools()
_OUTWARD_CUM: dict[District, tuple[tuple[str, ...], tuple[int, ...]]] = {
    d: (tuple(c for c, _ in codes), tuple(itertools.accumulate(w for _, w in codes))) for d, codes in OUTWARD.items()
}


def random_postcode(rng: random.Random, district: District) -> str:
    """A valid-format postcode in one of the district's real outward codes ('AL10 9XQ')."""
    codes, cum = _OUTWARD_CUM[district]
    outward = codes[weighted_index(rng, cum)]
    n = int(rng.random() * 4000)  # one draw for digit and two letters: 10 * 20 * 20 combinations
    letters = _INWARD_LETTERS
    return f"{outward} {n // 400}{letters[n // 20 % 20]}{letters[n % 20]}"


def school_for(rng: random.Random, district: District, age: int) -> str:
    """A school fitting the child's age: none for most babies, primaries, secondaries, colleges for 16+.

    About one in six children with a plan attends a special school, as in Hertfordshire's figures.
    """
    s = SCHOOLS[district]
    r = rng.random()
    if age < 3:
        return "" if r < 0.8 else pick(rng, s.nurseries)
    if age < 4:
        return pick(rng, s.nurseries) if r < 0.7 else pick(rng, s.primaries)
    if age < 11:
        return pick(rng, s.specials) if r < 0.15 else pick(rng, s.primaries)
    if age < 16:
        return pick(rng, s.specials) if r < 0.2 else pick(rng, s.secondaries)
    if age < 19:
        if r < 0.35:
            return pick(rng, s.secondaries)
        if r < 0.8:
            return pick(rng, s.colleges)
        return pick(rng, s.specials) if r < 0.95 else ""
    if r < 0.5:
        return pick(rng, s.colleges)
    return pick(rng, s.specials) if r < 0.6 else ""
