"""Queries with provably unique answers over the independent population of bench/search_people.py.

Each query is (kind, culture, text, expected ref, pair): `pair` is the (written name, spoken variant) a
nickname or heard-spelling query was made from, so the held-out runs can remove exactly that link from the
engine's tables. Uniqueness is strict: a name query is kept only when no other child has the same surname
and a given name starting with the same letter as either the true or the queried given name.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from collections import Counter, defaultdict

from search_people import CULTURES, Person

KINDS = (
    "exact",
    "typo",
    "typo2",
    "soundalike",
    "nickname",
    "leading_part",
    "split",
    "joined",
    "surname_first",
    "accents",
    "parent",
    "dob",
    "phone",
    "phone_tail",
    "postcode",
    "outward",
    "ref",
    "ref_infix",
)
HELD_OUT_KINDS = ("nickname", "soundalike")
_MONTHS = ["January", "February", "March", "April", "May", "June"]
_MONTHS += ["July", "August", "September", "October", "November", "December"]
Query = tuple[str, str, str, str, tuple[str, str] | None]


def fold(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def _letters(text: str) -> str:
    return re.sub(r"[^a-z ]", "", fold(text).replace("-", " ").replace("'", ""))


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


class Population:
    """Look-ups over every child, for uniqueness checks."""

    def __init__(self, people: list[Person]) -> None:
        self.people = people
        self.by_last: dict[str, list[Person]] = defaultdict(list)
        for p in people:
            self.by_last[_letters(p.last)].append(p)
        self.parents = Counter(_letters(p.parent) for p in people)
        self.children = Counter(_letters(f"{p.first} {p.last}") for p in people)
        # Every name a child answers to, one forename (or the known-as) and the surname: a parent's name
        # query has no unique answer while a child is called it ("Charlie Hill": Charlotte, known as
        # Charlie, Hill; "Eimear Gallagher": Eimear Cormac Gallagher). Such a child explains the whole
        # query and rightly comes first (issue 13, rule 5).
        self.called = Counter(
            n for p in people for n in {_letters(f"{w} {p.last}") for w in [*p.first.split(), *p.known_as.split()[:1]]}
        )
        self.by_dob: dict[dt.date, list[Person]] = defaultdict(list)
        for p in people:
            self.by_dob[p.dob].append(p)
        self.first_pc = Counter((_letters(p.first), p.postcode) for p in people)
        self.name_out = Counter((_letters(f"{p.first.split()[0]} {p.last}"), p.postcode.split()[0]) for p in people)
        self.phones = Counter(p.phone for p in people)
        self.tails = Counter(p.phone[-6:] for p in people)
        self.windows: Counter[str] = Counter()  # every 4-digit run of every reference, once per reference
        for p in people:
            digits = p.ref[4:]
            self.windows.update({digits[i : i + 4] for i in range(len(digits) - 3)} | {digits})

    def name_unique(self, p: Person, given: str) -> bool:
        """No other child shares the surname and a given-name initial with the true or queried name."""
        initials = {w[:1] for w in _letters(f"{p.first} {given}").split()}
        others = [
            o
            for o in self.by_last[_letters(p.last)]
            if o is not p and ({w[:1] for w in _letters(f"{o.first} {o.known_as}").split()} & initials)
        ]
        return not others

    def dob_unique(self, p: Person) -> bool:
        """No other child born the same day has the surname's words among any of its names: "Thomas
        27/12/02" has two answers when Thomas Noah Yardley shares Thomas Thomas's birthday."""
        said = set(_letters(p.last).split())
        return not any(
            o is not p and said <= set(_letters(f"{o.first} {o.known_as} {o.last}").split()) for o in self.by_dob[p.dob]
        )

    def surname_free(self, p: Person, spellings: list[str]) -> bool:
        """No other child has one of `spellings` as a surname and a given-name initial in common with `p`:
        "Zoë lee" typed for Zoë Leigh has no unique answer while a Zoë Lee exists (she is the better one)."""
        initials = {w[:1] for w in _letters(p.first).split()}
        return not any(
            o is not p and ({w[:1] for w in _letters(f"{o.first} {o.known_as}").split()} & initials)
            for s in spellings
            for o in self.by_last.get(_letters(s), ())
        )

    def ref_count(self, frag: str) -> int:
        """How many references hold the 4 digits `frag`."""
        return self.windows[frag]


def _dob_form(rng: random.Random, d) -> str:  # type: ignore[no-untyped-def]
    return rng.choice(
        (
            f"{d.day:02d}/{d.month:02d}/{d.year}",
            f"{d.day}/{d.month}/{d.year % 100:02d}",
            f"{d.day} {_MONTHS[d.month - 1]} {d.year}",
            d.isoformat(),
        )
    )


def make_queries(pop: Population, rng: random.Random, per_kind: int) -> list[Query]:
    out: dict[str, list[Query]] = {k: [] for k in KINDS}
    cultures = {c.name: c for c in CULTURES}
    order = list(range(len(pop.people)))
    rng.shuffle(order)
    per_culture: Counter[tuple[str, str]] = Counter()
    cap = max(3, per_kind // 4)  # no one culture fills a whole kind

    def put(kind: str, p: Person, text: str | None, ok: bool, pair: tuple[str, str] | None = None) -> None:
        if (
            text
            and ok
            and len(out[kind]) < per_kind
            and per_culture[(kind, p.culture)] < cap + (per_kind if p.culture == "english" else 0)
        ):
            out[kind].append((kind, p.culture, text, p.ref, pair))
            per_culture[(kind, p.culture)] += 1

    for i in order:
        p = pop.people[i]
        c = cultures[p.culture]
        first = p.first.split()[0]
        f_first = _letters(first)
        uniq = pop.name_unique(p, first)
        put("exact", p, f"{p.first} {p.last}", uniq)
        long_word = max((first, p.last), key=len)
        if " " not in long_word and "-" not in long_word and "'" not in long_word:
            for kind, edits, minlen in (("typo", 1, 5), ("typo2", 2, 7)):
                if len(long_word) >= minlen:
                    bad = _typo(rng, fold(long_word), edits)
                    q = f"{bad} {p.last}" if long_word == first else f"{first} {bad}"
                    put(kind, p, q, uniq and bad != fold(long_word))
        for written, heard_list in c.heard.items():
            if written == f_first or written == _letters(p.last):
                heard = rng.choice(heard_list)
                if written == f_first:
                    q, ok = f"{heard} {p.last}", pop.name_unique(p, heard)
                else:  # nor a surname spelt as heard, or written another way heard alike ('win': Nguyen, Huynh)
                    alike = [w for w, hs in c.heard.items() if heard in hs and w != written]
                    q, ok = f"{first} {heard}", uniq and pop.surname_free(p, [heard, *alike])
                put("soundalike", p, q, ok and " " not in written, (written, heard))
                break
        nicks = c.nicknames.get(f_first)
        if nicks and not p.known_as:
            nick = rng.choice(nicks)
            put("nickname", p, f"{nick} {p.last}", pop.name_unique(p, nick), (f_first, fold(nick)))
        if len(f_first) >= 6 and not p.known_as:
            part = f_first[: rng.choice((3, 4))]
            put("leading_part", p, f"{part} {p.last}", uniq)
        w = _letters(p.last)
        if len(w) >= 7 and " " not in w:
            cut = rng.randrange(3, len(w) - 2)
            put("split", p, f"{first} {w[:cut]} {w[cut:]}", uniq)
        if " " in p.first or "-" in p.last:
            joined = re.sub(r"[\s\-]", "", f"{p.first}" if " " in p.first else p.last)
            put("joined", p, f"{joined} {p.last}" if " " in p.first else f"{first} {joined}", uniq)
        put("surname_first", p, f"{p.last} {first}", uniq)
        if fold(f"{p.first} {p.last}") != f"{p.first} {p.last}".lower():
            put("accents", p, f"{fold(p.first)} {fold(p.last)}", uniq)
        pl = _letters(p.parent)
        put("parent", p, p.parent, pop.parents[pl] == 1 and pop.children[pl] == 0 and pop.called[pl] == 0)
        put("dob", p, f"{p.last} {_dob_form(rng, p.dob)}", pop.dob_unique(p))
        spaced = rng.choice((f"{p.phone[:5]} {p.phone[5:]}", p.phone, f"+44 {p.phone[1:5]} {p.phone[5:]}"))
        put("phone", p, spaced, pop.phones[p.phone] == 1)
        put("phone_tail", p, p.phone[-6:], pop.tails[p.phone[-6:]] == 1 and pop.ref_count(p.phone[-6:]) == 0)
        put("postcode", p, f"{first} {p.postcode.lower()}", pop.first_pc[(_letters(p.first), p.postcode)] == 1)
        outward = p.postcode.split()[0]
        full = _letters(f"{p.first} {p.last}")
        put(
            "outward",
            p,
            f"{p.first} {p.last} {rng.choice((outward, outward.lower()))}",
            pop.children[full] > 1 and pop.name_out[(_letters(f"{first} {p.last}"), outward)] == 1,
        )
        digits = p.ref[4:]
        put("ref", p, rng.choice((p.ref, digits, f"ehc {digits}")), True)
        frag = digits[1:5]
        put("ref_infix", p, frag, frag[0] != "0" and pop.ref_count(frag) == 1)
        if all(len(v) >= per_kind for v in out.values()):
            break
    return [q for v in out.values() for q in v]
