"""Interim simple index (replaced by the columnar engine): keeps the public API stable for callers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process, utils

from dutyline.domain.search.model import MatchedField, SearchHit, age_on
from dutyline.domain.text import fold, one_line


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


class IndexBuilder:
    """Accumulates case and contact rows (CASE_COLUMNS / CONTACT_COLUMNS tuples), then builds."""

    def __init__(self) -> None:
        self._cases: list[Sequence[object]] = []
        self._contacts: list[Sequence[object]] = []

    def add_cases(self, rows: Iterable[Sequence[object]]) -> None:
        self._cases.extend(rows)

    def add_contacts(self, rows: Iterable[Sequence[object]]) -> None:
        self._contacts.extend(rows)

    def build(self) -> SearchIndex:
        index = SearchIndex()
        index.apply(self._cases, self._contacts)
        return index


class SearchIndex:
    """All searchable cases in memory."""

    def __init__(self) -> None:
        self._rows: dict[int, Sequence[object]] = {}

    @classmethod
    def from_rows(cls, cases: Iterable[Sequence[object]], contacts: Iterable[Sequence[object]]) -> SearchIndex:
        builder = IndexBuilder()
        builder.add_cases(cases)
        builder.add_contacts(contacts)
        return builder.build()

    def __len__(self) -> int:
        return len(self._rows)

    def apply(self, cases: Iterable[Sequence[object]], contacts: Iterable[Sequence[object]],
              deleted_ids: Iterable[int] = ()) -> None:
        """Insert or replace cases (and their contacts); drop `deleted_ids`."""
        for row in cases:
            self._rows[int(row[0])] = row  # type: ignore[call-overload]
        for case_id in deleted_ids:
            self._rows.pop(case_id, None)

    def search(self, query: str, *, limit: int = 20, today: dt.date | None = None) -> list[SearchHit]:
        text = fold(one_line(query))[:200]
        if not text.strip():
            return []
        ids = list(self._rows)
        choices = [fold(f"{self._rows[i][2]} {self._rows[i][3]}") for i in ids]
        found = process.extract(text, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit)
        today = today or dt.date.today()
        hits = []
        for _choice, score, pos in found:
            r = self._rows[ids[pos]]
            dob = _date(r[5])
            hits.append(SearchHit(
                case_id=int(r[0]), case_ref=str(r[1]), score=float(score), first_name=str(r[2]),  # type: ignore[call-overload]
                last_name=str(r[3]), known_as=str(r[4] or ""), date_of_birth=dob,
                age=age_on(dob, today) if dob else None, postcode=str(r[6] or ""), school=str(r[7] or ""),
                stage=str(r[8] or ""), named_officer=str(r[9] or ""),
                matched=(MatchedField(field="first_name", query_terms=(text,), kind="typo"),),
            ))
        return hits
