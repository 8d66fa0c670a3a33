"""Case search: one free-text query in, ranked cases out. Pure Python + numpy + rapidfuzz.

Public API: `UpdatableIndex` (build from rows, apply changes, search), `IndexBuilder` (streamed building),
`SearchHit` / `MatchedField` (results) and the `RESULTS_*` limits, `CASE_COLUMNS` / `CONTACT_COLUMNS`
(the row layout fed in).
"""

from dutyline.domain.search import lexicon, snapshot
from dutyline.domain.search.hits import (
    RESULTS_CLI_DEFAULT,
    RESULTS_DEFAULT,
    RESULTS_MAX,
    RESULTS_ON_SCREEN,
    MatchedField,
    SearchHit,
    SearchResults,
    age_on,
)
from dutyline.domain.search.layout import CASE_COLUMNS, CONTACT_COLUMNS
from dutyline.domain.search.updatable import IndexBuilder, UpdatableIndex

__all__ = [
    "CASE_COLUMNS",
    "CONTACT_COLUMNS",
    "IndexBuilder",
    "MatchedField",
    "RESULTS_CLI_DEFAULT",
    "RESULTS_DEFAULT",
    "RESULTS_MAX",
    "RESULTS_ON_SCREEN",
    "SearchHit",
    "SearchResults",
    "UpdatableIndex",
    "age_on",
    "lexicon",
    "snapshot",
]
