"""Case search: one free-text query in, ranked cases out. Pure Python + numpy + rapidfuzz.

Public API: `SearchIndex` (build from rows, apply changes, search), `IndexBuilder` (streamed building),
`SearchHit` / `MatchedField` (results), `CASE_COLUMNS` / `CONTACT_COLUMNS` (the row layout fed in).
"""

from dutyline.domain.search import lexicon, snapshot
from dutyline.domain.search.live import IndexBuilder, SearchIndex
from dutyline.domain.search.model import MatchedField, SearchHit, SearchResults, age_on
from dutyline.domain.search.rows import CASE_COLUMNS, CONTACT_COLUMNS

__all__ = [
    "CASE_COLUMNS",
    "CONTACT_COLUMNS",
    "IndexBuilder",
    "MatchedField",
    "SearchHit",
    "SearchIndex",
    "SearchResults",
    "age_on",
    "lexicon",
    "snapshot",
]
