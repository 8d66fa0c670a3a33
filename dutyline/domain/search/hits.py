"""What a search returns: ranked hits the UI and CLI can show without another database round trip.

Why a separate model: the index is columnar (numpy arrays), but callers want one small, immutable object per
result carrying the disambiguators a handler reads out to the caller (date of birth and age, postcode,
school, stage, named officer) and which parts of the query matched which fields (for highlighting).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from dutyline.domain.model import Frozen

#: Result limits, defined once. The search screen shows RESULTS_ON_SCREEN rows; the API and the batch search
#: default to RESULTS_DEFAULT; `dutyline search` to RESULTS_CLI_DEFAULT, and no caller may ask for more than
#: RESULTS_MAX (a search is for finding one child, not listing the caseload).
RESULTS_DEFAULT = 20
RESULTS_ON_SCREEN = 30
RESULTS_CLI_DEFAULT = 10
RESULTS_MAX = 200

#: Fields a query can match. Contacts are numbered by position (1-based) in `MatchedField.contact`.
FieldName = Literal[
    "first_name",
    "last_name",
    "known_as",
    "contact_name",
    "date_of_birth",
    "birth_year",
    "phone",
    "postcode",
    "postcode_area",  # the outward code alone ('AL8'): the area, not the address
    "case_ref",
    "school",
]

#: How a name token matched: spelling exactly, a nickname, a sound-alike, a typo, or the start of a word.
MatchKind = Literal["exact", "nickname", "phonetic", "typo", "prefix"]


class MatchedField(Frozen):
    """One field that matched, and the query words (as typed, already sanitised) that matched it."""

    field: FieldName
    query_terms: tuple[str, ...]
    kind: MatchKind = "exact"
    #: For `contact_name` / `phone`: the contact's position on the case (1 = first listed), else None.
    contact: int | None = None


class SearchHit(Frozen):
    """One ranked case. `score` is higher-is-better and only comparable within one search."""

    case_id: int
    case_ref: str
    score: float
    first_name: str
    last_name: str
    known_as: str = ""
    date_of_birth: dt.date | None = None
    age: int | None = None
    postcode: str = ""
    school: str = ""
    stage: str = ""
    named_officer: str = ""
    matched: tuple[MatchedField, ...] = ()

    @property
    def display_name(self) -> str:
        known = f" ({self.known_as})" if self.known_as and self.known_as != self.first_name else ""
        return f"{self.first_name}{known} {self.last_name}"

    @property
    def matched_fields(self) -> tuple[str, ...]:
        """Distinct field names that matched, in match order (for highlighting and the CLI)."""
        seen: dict[str, None] = {}
        for m in self.matched:
            seen.setdefault(m.field, None)
        return tuple(seen)


def age_on(born: dt.date, today: dt.date) -> int:
    """Whole years between `born` and `today` (birthday on 29 Feb counts from 1 Mar in other years)."""
    years = today.year - born.year
    if (today.month, today.day) < (born.month, born.day):
        years -= 1
    return years


#: How sure a result set is: one child clearly ahead, a plausible but weak best, or several alike.
Band = Literal["match", "possible", "several_alike"]
#: The question that would split tied children (a field that differs among them).
Ask = Literal["date_of_birth", "postcode"]
_BAND_WORDS = {"match": "Match", "possible": "Possible", "several_alike": "Several alike"}
_ASK_WORDS = {"date_of_birth": "the date of birth", "postcode": "the postcode"}
#: What to add when more match than are shown, by which keys the query has not given yet.
_NARROW_WORDS: dict[tuple[Ask, ...], str] = {
    ("date_of_birth", "postcode"): "a date of birth or postcode",
    ("date_of_birth",): "the date of birth",
    ("postcode",): "the postcode",
    (): "a parent's name or the school",
}


class SearchResults(Frozen):
    """One search's ranked hits, how many matched in all, and how sure the best is.

    Why a band in words: the handler must act on it while the caller talks. `Several alike` comes with
    the question that splits the tied children, chosen from the fields that differ among them; `total`
    counts every plausible match, so the screen never caps silently ("30 of 212 shown").
    """

    hits: tuple[SearchHit, ...] = ()
    total: int = 0
    band: Band | None = None
    ask: Ask | None = None
    #: How many children are within the tie margin of the best (several alike when 2 or more).
    alike: int = 0
    #: Keys the query did not give, which would narrow it (for "30 of 212 shown — add ...").
    narrow: tuple[Ask, ...] = ("date_of_birth", "postcode")
    #: The outward postcode ('AL8') when the query was that alone: the rows are the children there, a
    #: list to narrow, not children alike in how well they answer a question.
    area: str = ""

    @property
    def shown(self) -> int:
        return len(self.hits)

    def header(self) -> str:
        """One line for the results header: the band, the splitting question, what is not shown."""
        if not self.hits or self.band is None:
            return ""
        if self.area:  # "AL8" alone: how many live there (all alike, so all plausible), what picks one out
            head = f"{self.total} child{'ren' if self.total != 1 else ''} in {self.area}"
            more = f" · {self.shown} of {self.total} shown — add a name or date of birth"
            return head + more if self.total > self.shown else head
        parts: list[str] = []
        if self.band == "several_alike":
            tied = self.hits[: self.alike]
            names = {(h.first_name.casefold(), h.last_name.casefold()) for h in tied}
            who = f"named {tied[0].first_name} {tied[0].last_name}" if len(names) == 1 else "alike"
            question = f"ask for {_ASK_WORDS[self.ask]}" if self.ask else "ask for a parent's name or the school"
            parts.append(f"{self.alike} children {who}: {question}")
        else:
            parts.append(_BAND_WORDS[self.band])
        if self.total > self.shown:
            parts.append(f"{self.shown} of {self.total} shown — add {_NARROW_WORDS[self.narrow]}")
        return " · ".join(parts)
