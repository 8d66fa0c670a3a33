"""Query sets with known answers for bench/search.py, built from demo rows.

Every kind of query the issue lists, written the way a handler types what a caller says. The misspellings
and sound-alikes are produced by rules independent of the engine's own sound key (otherwise the benchmark
would only test the key against itself). A query is kept only when its answer is unique in the data:
uniqueness is checked on hashed, folded keys counted over every generated row.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable

from dutyline.domain.text import fold, phone_digits, postcode_key

KINDS = (
    "typo",
    "typo2",
    "soundalike",
    "nickname",
    "surname_first",
    "accents",
    "punctuation",
    "dob",
    "name_year",
    "phone",
    "postcode",
    "ref",
    "parent",
    "school",
)
_TITLES = {"mr", "mrs", "miss", "ms", "mx", "dr"}
#: Nicknames from everyday usage (independent of the engine's table, though overlapping by nature).
BENCH_NICKNAMES = {
    "alexander": "alex",
    "elizabeth": "lizzie",
    "william": "billy",
    "alfred": "alfie",
    "thomas": "tom",
    "samuel": "sam",
    "benjamin": "ben",
    "charles": "charlie",
    "frederick": "freddie",
    "henry": "harry",
    "joshua": "josh",
    "matthew": "matt",
    "daniel": "dan",
    "oliver": "ollie",
    "isabella": "izzy",
    "jacob": "jake",
    "joseph": "joe",
    "edward": "ed",
    "theodore": "theo",
    "rebecca": "becky",
    "katherine": "katie",
    "jessica": "jess",
    "abigail": "abi",
    "nicholas": "nick",
    "zachary": "zach",
}
#: Spoken-alike rewrites a handler might produce (regex, replacement), tried in order.
_SOUND_RULES = (
    (r"^niamh$", "neve"),
    (r"^aoife$", "eefa"),
    (r"^siobhan$", "shivaun"),
    (r"^mohammed$", "muhammad"),
    (r"^muhammad$", "mohamed"),
    (r"^jakub$", "yakub"),
    (r"^nguyen$", "nyugen"),
    (r"^stephen$", "steven"),
    (r"^katie$", "katy"),
    (r"mps", "ms"),
    (r"ph", "f"),
    (r"ie$", "y"),
    (r"y$", "ie"),
    (r"ck", "k"),
    (r"([bdfglmnprst])\1", r"\1"),
    (r"^mac", "mc"),
    (r"ies$", "is"),
    (r"c(?=[aou])", "k"),
    (r"ee", "ea"),
    (r"ai", "ay"),
    (r"z", "s"),
    (r"th", "t"),
    (r"w", "v"),
    (r"ei", "ie"),
    (r"ou", "oo"),
    (r"son$", "sen"),
)
_GENERIC_SCHOOL = {
    "primary",
    "school",
    "catholic",
    "academy",
    "junior",
    "infant",
    "infants",
    "nursery",
    "college",
    "church",
    "england",
    "special",
    "high",
    "community",
    "saint",
}
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def key(*parts: object) -> int:
    return hash(tuple(fold(str(p)) for p in parts))


def person_name(full: str) -> tuple[str, str]:
    """(first, last) of a contact's name with any title dropped."""
    ws = full.split()
    if ws and fold(ws[0]).rstrip(".") in _TITLES:
        ws = ws[1:]
    return (ws[0], " ".join(ws[1:])) if len(ws) > 1 else ("", "")


class Truth:
    """Counts of every identifying combination over all rows, to keep only unambiguous queries."""

    def __init__(self) -> None:
        self.c: Counter[int] = Counter()
        self.tokens: set[str] = set()

    def add(self, r: dict[str, str]) -> None:
        first, last, known = r["first_name"], r["last_name"], r["known_as"]
        year = r["date_of_birth"][:4]
        c = self.c
        c.update(
            (
                key("fl", first, last),
                key("l+dob", last, r["date_of_birth"]),
                key("fly", first, last, year),
                key("f+pc", first, postcode_key(r["postcode"])),
                key("frag", _digits(r["case_ref"])[-4:]),
                key("frag", _digits(r["case_ref"])[-5:]),
            )
        )
        for w in set(r["school"].split()):  # the school word with any of the child's names
            for name in {first, known, *re.split(r"[\s\-]+", last)} - {""}:
                c[key("school", w, name)] += 1
        if known:
            c[key("fl", known, last)] += 1
        for part in {last, *re.split(r"[\s\-]+", last)}:  # anyone called <given> <(part of a) surname>
            for given in {first, known} - {""}:
                c[key("part", given, part)] += 1
        for n in ("1", "2"):
            name = r[f"contact{n}_name"]
            if name:
                pf, pl = person_name(name)
                c[key("person", pf, pl)] += 1
                for part in {pl, *re.split(r"[\s\-]+", pl)}:
                    c[key("part", pf, part)] += 1
                c[key("phone", phone_digits(r[f"contact{n}_phone"]))] += 1
        for w in re.split(r"[\s\-']+", fold(f"{first} {last} {known}")):
            self.tokens.add(w)

    def unique(self, *parts: object) -> bool:
        return self.c[key(*parts)] == 1


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _typo(rng: random.Random, word: str, edits: int) -> str:
    w = list(word)
    for _ in range(edits):
        i = rng.randrange(1, len(w) - 1)
        op = rng.choice(("swap", "drop", "sub", "dup"))
        if op == "swap":
            w[i], w[i + 1] = w[i + 1], w[i]
        elif op == "drop":
            del w[i]
        elif op == "sub":
            w[i] = rng.choice("aeioulnrst")
        else:
            w.insert(i, w[i])
    return "".join(w)


def _sound(word: str) -> str | None:
    low = fold(word)
    for pattern, repl in _SOUND_RULES:
        new = re.sub(pattern, repl, low, count=1)
        if new != low:
            return new
    return None


def _dob_form(rng: random.Random, iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    suffix = "th" if 10 <= d.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d.day % 10, "th")
    forms = (
        f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"{d.day}/{d.month}/{d.year % 100:02d}",
        f"{d.day}.{d.month}.{d.year % 100:02d}",
        f"{d.day} {_MONTHS[d.month - 1]} {d.year}",
        f"{d.day}{suffix} {_MONTHS[d.month - 1]} {d.year}",
        d.isoformat(),
    )
    return rng.choice(forms)


def _phone_form(rng: random.Random, digits: str) -> str:
    a, b = digits[1:5], digits[5:]
    return rng.choice((f"0{a} {b}", f"+44 {a} {b}", digits, f"(0{a}) {b[:3]} {b[3:]}", f"0{a}-{b}"))


def make_queries(
    rows: Iterable[dict[str, str]], truth: Truth, rng: random.Random, per_kind: int
) -> list[tuple[str, str, str]]:
    """(kind, query, expected case_ref) triples, at most `per_kind` of each kind."""
    out: dict[str, list[tuple[str, str, str]]] = {k: [] for k in KINDS}

    def put(kind: str, query: str | None, ok: bool, ref: str) -> None:
        if query and ok and len(out[kind]) < per_kind:
            out[kind].append((kind, query, ref))

    for r in rows:
        first, last, ref = r["first_name"], r["last_name"], r["case_ref"]
        fl_unique = truth.unique("fl", first, last)
        long_word = max((first, last), key=len)
        if fl_unique and len(long_word) >= 5 and " " not in long_word:
            bad = _typo(rng, long_word, 1)
            other = last if long_word == first else first
            put(
                "typo", f"{bad} {other}" if long_word == first else f"{other} {bad}", fold(bad) not in truth.tokens, ref
            )
        if fl_unique and len(long_word) >= 7:
            bad = _typo(rng, long_word, 2)
            other = last if long_word == first else first
            put(
                "typo2",
                f"{bad} {other}" if long_word == first else f"{other} {bad}",
                fold(bad) not in truth.tokens,
                ref,
            )
        sf, sl = _sound(first), _sound(last)
        if fl_unique and (sf or sl):
            put(
                "soundalike",
                f"{sf or first} {sl or last}",
                (sf is None or sf not in truth.tokens) and (sl is None or sl not in truth.tokens),
                ref,
            )
        nick = BENCH_NICKNAMES.get(fold(first))
        if nick and fl_unique:
            put("nickname", f"{nick} {last}", truth.c[key("part", nick, last)] == 0, ref)
        elif r["known_as"] and fl_unique:
            put("nickname", f"{r['known_as']} {last}", truth.unique("part", r["known_as"], last), ref)
        put("surname_first", f"{last} {first}", fl_unique, ref)
        if fold(first + last) != f"{first}{last}".lower():
            put("accents", f"{fold(first)} {fold(last)}", fl_unique, ref)
        if re.search(r"['\-]", last):
            variant = rng.choice(
                (
                    last.replace("'", "").replace("-", " "),
                    last.replace("'", " ").replace("-", ""),
                    last.replace("'", "").replace("-", ""),
                )
            )
            put("punctuation", f"{first} {variant}", fl_unique, ref)
        put("dob", f"{last} {_dob_form(rng, r['date_of_birth'])}", truth.unique("l+dob", last, r["date_of_birth"]), ref)
        if not fl_unique:
            put(
                "name_year",
                f"{first} {last} {r['date_of_birth'][:4]}",
                truth.unique("fly", first, last, r["date_of_birth"][:4]),
                ref,
            )
        digits = phone_digits(r["contact1_phone"])
        if digits.startswith("07"):
            put("phone", _phone_form(rng, digits), truth.unique("phone", digits), ref)
        pc = postcode_key(r["postcode"])
        put("postcode", f"{first} {rng.choice((pc, pc.lower(), r['postcode']))}", truth.unique("f+pc", first, pc), ref)
        digits_ref = _digits(ref)
        for k in (4, 5, 6):
            frag = digits_ref[-k:]
            if frag[0] != "0" and (k >= len(digits_ref) or truth.unique("frag", frag)):
                put("ref", rng.choice((frag, f"ehc {frag}", ref)), True, ref)
                break
        pf, pl = person_name(r["contact1_name"])
        if pf and pl:
            put(
                "parent",
                f"{pf} {pl}",
                truth.unique("person", pf, pl) and truth.unique("part", pf, pl) and truth.c[key("fl", pf, pl)] == 0,
                ref,
            )
        school_word = next(
            (w for w in r["school"].split() if len(w) > 3 and w.isalpha() and w.lower() not in _GENERIC_SCHOOL), None
        )
        if school_word and r["school"]:
            put("school", f"{school_word} {first}", truth.unique("school", school_word, first), ref)
        if all(len(v) >= per_kind for v in out.values()):
            break
    return [q for v in out.values() for q in v]


def rows_to_tuples(
    rows: Iterable[dict[str, str]], start_id: int = 1, on_row: Callable[[dict[str, str]], None] | None = None
) -> tuple[list[tuple], list[tuple]]:
    """CASE_COLUMNS and CONTACT_COLUMNS tuples for the index (ids from start_id)."""
    cases: list[tuple] = []
    contacts: list[tuple] = []
    for i, r in enumerate(rows, start_id):
        if on_row:
            on_row(r)
        cases.append(
            (
                i,
                r["case_ref"],
                r["first_name"],
                r["last_name"],
                r["known_as"],
                r["date_of_birth"],
                r["postcode"],
                r["school"],
                r["stage"],
                r["named_officer"],
            )
        )
        for n in (1, 2):
            if r[f"contact{n}_name"]:
                contacts.append((i, n, r[f"contact{n}_name"], r[f"contact{n}_phone"], ""))
    return cases, contacts
