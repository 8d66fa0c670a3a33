"""Query understanding: split one free-text query into exact keys (dates, phones, postcodes, references)
and name words.

Why regexes over the whole string first: people type "3rd July 2014", "07700 900123" and "AL1 3AB" with
spaces inside one value; splitting on spaces first would break them. Each recognised span is cut out so
its pieces are not also treated as names or reference fragments. Dates are UK day-first.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from dutyline.domain.search.names import TITLES, query_words
from dutyline.domain.text import fold, phone_digits, postcode_key, sanitize, valid_uk_phone

#: Longest query considered (characters) and most name words used: a query is what a person types.
MAX_CHARS = 256
MAX_WORDS = 8

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_RE = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)?"
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DMY_TEXT = re.compile(rf"(?<!\d)(\d{{1,2}}){_ORD}\s*(?:of\s+)?{_MONTH_RE}\.?,?\s*(\d{{4}}|\d{{2}})(?!\d)")
_MDY_TEXT = re.compile(rf"\b{_MONTH_RE}\.?\s+(\d{{1,2}}){_ORD},?\s+(\d{{4}}|\d{{2}})(?!\d)")
_DMY = re.compile(r"(?<![\d/.\-])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?![\d/.\-])")
_PHONE = re.compile(r"(?<![\w+])(\+?\(?\d[\d ()\-.]{7,18}\d)(?!\w)")
_POSTCODE = re.compile(r"\b([a-z]{1,2}\d[a-z\d]?)\s*(\d[a-z]{2})\b")
_REF_PREFIXED = re.compile(r"\b([a-z]{2,6})[\s\-/]*(\d{2,12})\b")
_DIGITS = re.compile(r"(?<![\w])(\d+)(?![\w])")
_OUTWARD = re.compile(r"\b([a-z]{1,2}\d[a-z\d]?)\b")


@dataclass
class ParsedQuery:
    """What a query asks for. Every list may be empty; `words` are folded name words in typed order."""

    words: list[str] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)  # whole references, letters+digits, upper-case
    fragments: list[str] = field(default_factory=list)  # digit runs that may be part of a reference
    phone_tails: list[str] = field(default_factory=list)  # 6-10 digit runs: the end of a phone number
    outwards: list[str] = field(default_factory=list)  # outward postcodes ('al8'), folded

    @property
    def empty(self) -> bool:
        return not (
            self.words
            or self.dates
            or self.phones
            or self.postcodes
            or self.refs
            or self.fragments
            or self.years
            or self.phone_tails
            or self.outwards
        )

    @property
    def area(self) -> str:
        """The outward postcode ('AL8') when the query is that and nothing else, else ''."""
        only = len(self.outwards) == 1 and replace(self, outwards=[]).empty
        return self.outwards[0].upper() if only else ""


def _year(text: str, today: dt.date) -> int:
    y = int(text)
    if len(text) == 2:  # '14' -> 2014; '98' -> 1998 (no child on the books is born in the future)
        y += 2000 if 2000 + y <= today.year else 1900
    return y


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_query(
    query: str,
    *,
    today: dt.date,
    ref_prefixes: frozenset[str] = frozenset(),
    is_outward: Callable[[str], bool] = lambda _: False,
) -> ParsedQuery:
    """Parse `query`. Never raises: anything unrecognised is simply ignored.

    `ref_prefixes` are the folded letter prefixes of case references in the index ('ehc'), so that
    'ehc 4217' reads as a reference while 'smith 2015' reads as a surname and a birth year.
    `is_outward` says whether a word like 'al8' is an outward postcode some case lives in.
    """
    out = ParsedQuery()
    s = fold(sanitize(query or ""))[:MAX_CHARS]

    def cut(m: re.Match[str]) -> str:
        return " " * (m.end() - m.start())

    def iso(m: re.Match[str]) -> str:
        d = _date(int(m[1]), int(m[2]), int(m[3]))
        if d:
            out.dates.append(d)
        return cut(m)

    def dmy_text(m: re.Match[str]) -> str:
        d = _date(_year(m[3], today), _MONTHS[m[2][:4] if m[2][:4] == "sept" else m[2][:3]], int(m[1]))
        if d:
            out.dates.append(d)
        return cut(m)

    def mdy_text(m: re.Match[str]) -> str:
        d = _date(_year(m[3], today), _MONTHS[m[1][:4] if m[1][:4] == "sept" else m[1][:3]], int(m[2]))
        if d:
            out.dates.append(d)
        return cut(m)

    def dmy(m: re.Match[str]) -> str:
        y = _year(m[3], today)
        d = _date(y, int(m[2]), int(m[1])) or _date(y, int(m[1]), int(m[2]))  # day-first, else US order
        if d:
            out.dates.append(d)
        return cut(m)

    def phone(m: re.Match[str]) -> str:
        text = m[0]  # '2015 07700 900123': a year may run into the number, so try each group's start
        for start in [0, *(i + 1 for i, ch in enumerate(text) if ch == " ")]:
            digits = phone_digits(text[start:])
            if valid_uk_phone(digits) or (len(digits) >= 10 and digits.startswith("00")):
                out.phones.append(digits)
                return text[:start] + " " * (len(text) - start)
        return text

    def postcode(m: re.Match[str]) -> str:
        out.postcodes.append(postcode_key(m[1] + m[2]))
        return cut(m)

    def prefixed_ref(m: re.Match[str]) -> str:
        if m[1] not in ref_prefixes:
            return m[0]
        out.refs.append((m[1] + m[2]).upper())
        out.fragments.append(m[2])
        return cut(m)

    s = _ISO.sub(iso, s)
    s = _DMY_TEXT.sub(dmy_text, s)
    s = _MDY_TEXT.sub(mdy_text, s)
    s = _DMY.sub(dmy, s)
    s = _PHONE.sub(phone, s)
    s = _POSTCODE.sub(postcode, s)
    if ref_prefixes:
        s = _REF_PREFIXED.sub(prefixed_ref, s)

    def outward(m: re.Match[str]) -> str:
        if not is_outward(m[1]):
            return m[0]
        out.outwards.append(m[1])
        return cut(m)

    s = _OUTWARD.sub(outward, s)
    for m in _DIGITS.finditer(s):
        digits = m[1]
        if len(digits) == 4 and 1990 <= int(digits) <= today.year:
            out.years.append(int(digits))
        if 3 <= len(digits) <= 12:
            out.fragments.append(digits)
        if 6 <= len(digits) <= 10:
            out.phone_tails.append(digits)
    found = [w for w in query_words(s) if w not in ref_prefixes and w not in TITLES]
    out.words = found[:MAX_WORDS]  # a word typed twice stays twice: Li Li, Wei Wei Chen
    return out
