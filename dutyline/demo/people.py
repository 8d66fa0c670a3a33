"""Names for children and the adults who ring about them, plausible for each family's background.

Why so many rules: the duty line's hardest searches are real-world ones: a mother whose surname differs
from her child's, a Polish sister "Kowalska" of a brother "Kowalski", a foster carer ringing with a
different surname, a grandmother who is the special guardian, "Mo" for Muhammad. The demo has to contain
them or search is only ever tested on the easy cases.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from dutyline.demo.namebank import Culture, NameBank
from dutyline.demo.rand import between, pick
from dutyline.domain.text import fold

#: Chance a mother kept her own surname, by culture (Somali and Vietnamese naming rarely share one).
_MOTHER_OWN_SURNAME = {
    "somali": 0.9,
    "vietnamese": 0.7,
    "chinese": 0.6,
    "bangladeshi": 0.5,
    "arabic": 0.4,
    "pakistani": 0.3,
}
_EMAIL_DOMAINS = ("example.com", "example.com", "example.org", "example.net")  # reserved: never delivered


@dataclass(frozen=True, slots=True)
class Adult:
    name: str
    relationship: str
    email: str


def gendered_surname(surname: str, culture: Culture, female: bool, married: bool = False) -> str:
    """Polish and Lithuanian surnames change with sex (Kowalski/Kowalska, Kazlauskas/Kazlauskaitė)."""
    if not female:
        return surname
    if culture.code == "polish" and surname.endswith("ki"):
        return surname[:-1] + "a"
    if culture.code == "lithuanian":
        for ending, maiden in (("ius", "iūtė"), ("as", "aitė"), ("is", "ytė"), ("ys", "ytė"), ("us", "utė")):
            if surname.endswith(ending):
                return surname[: -len(ending)] + ("ienė" if married else maiden)
    return surname


def family_surname(rng: random.Random, bank: NameBank, culture: Culture) -> str:
    """The surname the children share; some families are double-barrelled ('Smith-Jones')."""
    surname = culture.pool("surnames").pick(rng)
    if rng.random() < 0.05 and "-" not in surname and " " not in surname:
        first = (bank.cultures[0] if rng.random() < 0.7 else culture).pool("surnames").pick(rng)
        if first != surname and "-" not in first and " " not in first:
            surname = f"{first}-{surname}"
    return surname


def child_given(rng: random.Random, bank: NameBank, culture: Culture, girl: bool) -> str:
    """A child's first name: mostly from the family's culture, sometimes a name popular in England."""
    if culture.code != "english" and rng.random() < 0.12:
        culture = bank.cultures[0]
    return culture.pool("girls" if girl else "boys").pick(rng)


def known_as(rng: random.Random, bank: NameBank, given: str) -> str:
    """A nickname the child goes by ('Alex' for Alexander), for about a third of those who have one."""
    options = bank.nicknames.get(given)
    if options and rng.random() < 0.35:
        return pick(rng, options)
    return ""


@lru_cache(maxsize=4096)
def ascii_key(name: str) -> str:
    """'Seán O'Brien-Łukasz' -> 'seanobrienlukasz': email-safe letters (cached: names repeat a lot)."""
    return "".join(ch for ch in fold(name) if ch.isascii() and ch.isalnum())


def _email(rng: random.Random, first: str, last: str) -> str:
    f, surname = ascii_key(first), ascii_key(last)
    r = rng.random()
    if r < 0.4:
        local = f"{f}.{surname}"
    elif r < 0.6:
        local = f"{f}{surname}{between(rng, 1, 99)}"
    elif r < 0.8:
        local = f"{f[:1]}{surname}{between(rng, 70, 99)}"
    else:
        local = f"{f}_{surname}{between(rng, 1970, 2005)}"
    return f"{local}@{pick(rng, _EMAIL_DOMAINS)}"


def _with_title(rng: random.Random, name: str, female: bool) -> str:
    """A few case systems export the title with the name ('Mrs Sarah Smith')."""
    if rng.random() >= 0.04:
        return name
    return f"{pick(rng, ('Mrs', 'Ms', 'Miss')) if female else 'Mr'} {name}"


def _adult(
    rng: random.Random, culture: Culture, kind: str, surname: str, relationship: str, email_chance: float
) -> Adult:
    first = culture.pool(kind).pick(rng)
    female = kind in ("mums", "grans")
    name = _with_title(rng, f"{first} {surname}", female)
    email = _email(rng, first, surname) if rng.random() < email_chance else ""
    return Adult(name, relationship, email)


def family_adults(rng: random.Random, bank: NameBank, culture: Culture, surname: str) -> list[Adult]:
    """The one or two contacts for a family, first contact first.

    Most children live with birth parents (mother usually listed first); some with grandparents, foster
    carers, adopters, special guardians or a parent and step-parent, whose names follow their own rules.
    """
    mother_culture = culture if rng.random() < 0.9 else bank.pick_culture(rng)
    own = rng.random() < _MOTHER_OWN_SURNAME.get(culture.code, 0.2)
    if own and culture.code in ("pakistani", "bangladeshi") and rng.random() < 0.5:
        mother_surname = pick(rng, ("Begum", "Bibi"))
    elif own or mother_culture is not culture:
        mother_surname = gendered_surname(mother_culture.pool("surnames").pick(rng), mother_culture, True, True)
    else:
        mother_surname = gendered_surname(surname, culture, True, married=True)
    r = rng.random()
    if r < 0.80:
        mother = _adult(rng, mother_culture, "mums", mother_surname, "Mother", 0.75)
        father = _adult(rng, culture, "dads", surname, "Father", 0.55)
        first, other = (mother, father) if rng.random() < 0.75 else (father, mother)
        r2 = rng.random()
        if r2 < 0.65:
            return [first, other]
        if r2 < 0.75:
            return [first, _adult(rng, culture, "grans", surname, "Grandmother", 0.3)]
        return [first]
    if r < 0.85:
        rel = "Special guardian" if rng.random() < 0.4 else "Grandmother"
        gran = _adult(rng, culture, "grans", surname, rel, 0.4)
        if rng.random() < 0.5:
            return [gran, _adult(rng, culture, "grandads", surname, "Grandfather", 0.3)]
        return [gran, _adult(rng, mother_culture, "mums", mother_surname, "Mother", 0.5)]
    if r < 0.90:
        carer_culture = bank.pick_culture(rng)
        carer_surname = carer_culture.pool("surnames").pick(rng)
        carer = _adult(
            rng, carer_culture, "mums", gendered_surname(carer_surname, carer_culture, True, True), "Foster carer", 0.8
        )
        if rng.random() < 0.5:
            return [carer, _adult(rng, carer_culture, "dads", carer_surname, "Foster carer", 0.5)]
        return [carer]
    if r < 0.93:
        return [
            _adult(rng, culture, "mums", mother_surname, "Adoptive parent", 0.8),
            _adult(rng, culture, "dads", surname, "Adoptive parent", 0.6),
        ]
    if r < 0.96:
        aunt_surname = gendered_surname(mother_culture.pool("surnames").pick(rng), mother_culture, True, True)
        return [_adult(rng, mother_culture, "mums", aunt_surname, "Special guardian", 0.6)]
    mother = _adult(rng, mother_culture, "mums", mother_surname, "Mother", 0.75)
    step_culture = bank.pick_culture(rng) if rng.random() < 0.3 else culture
    step = _adult(rng, step_culture, "dads", step_culture.pool("surnames").pick(rng), "Step-parent", 0.4)
    return [mother, step]
