"""The updatable index (`UpdatableIndex`): a large immutable base segment plus a small delta segment of
changed cases, searched together (an `IndexSegment` never changes; this is what takes changes).

Why base + delta: the base's arrays are sorted once (about a second at 1M cases); re-sorting them for every
new contact would make `refresh()` slow. Changed or new cases go into a delta rebuilt in milliseconds, and
their old base rows are masked out. When the delta outgrows a few percent of the base the two are merged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np

from dutyline.domain.search.bands import band_for
from dutyline.domain.search.batch import CaseBatch, ContactBatch
from dutyline.domain.search.columns import EPOCH, NO_DATE, ColumnBuilder, Columns
from dutyline.domain.search.hits import (
    RESULTS_DEFAULT,
    RESULTS_MAX,
    Ask,
    MatchedField,
    SearchHit,
    SearchResults,
    age_on,
)
from dutyline.domain.search.index import IndexSegment
from dutyline.domain.search.lexicon import Lexicon
from dutyline.domain.search.merge import concat, prune
from dutyline.domain.search.query import parse_query
from dutyline.domain.search.scoring import Match, rank
from dutyline.domain.search.totals import PLAUSIBLE

Row = Sequence[object]
#: Delta size (cases) that triggers merging into the base, as a floor and as a share of the base.
COMPACT_MIN = 5_000
COMPACT_SHARE = 0.05


class IndexBuilder:
    """Streams CASE_COLUMNS / CONTACT_COLUMNS chunks into a new UpdatableIndex."""

    def __init__(self) -> None:
        self._cols = ColumnBuilder()

    def add_cases(self, rows: Sequence[Row]) -> None:
        self._cols.add_cases(rows)

    def add_contacts(self, rows: Sequence[Row]) -> None:
        self._cols.add_contacts(rows)

    def add_case_batch(self, batch: CaseBatch) -> None:
        self._cols.add_case_batch(batch)

    def add_contact_batch(self, batch: ContactBatch) -> None:
        self._cols.add_contact_batch(batch)

    def columns(self) -> Columns:
        return self._cols.build()

    def build(self) -> UpdatableIndex:
        return UpdatableIndex(IndexSegment(self._cols.build()))


class UpdatableIndex:
    """Every searchable case. Not thread-safe by itself: the service serialises apply() and search()."""

    def __init__(self, base: IndexSegment) -> None:
        self._reset(base)

    def _reset(self, base: IndexSegment) -> None:
        self.base = base
        self._alive = np.ones(len(base), dtype=bool)
        order = np.argsort(base.cols.case_id, kind="stable")
        self._base_ids = base.cols.case_id[order]
        self._base_order = order
        self._delta: IndexSegment | None = None
        self._delta_cases: dict[int, Row] = {}
        self._delta_contacts: dict[int, list[Row]] = {}

    @classmethod
    def from_rows(cls, cases: Iterable[Row], contacts: Iterable[Row]) -> UpdatableIndex:
        builder = IndexBuilder()
        builder.add_cases(list(cases))
        builder.add_contacts(list(contacts))
        return builder.build()

    def __len__(self) -> int:
        return int(self._alive.sum()) + len(self._delta_cases)

    @property
    def delta_size(self) -> int:
        return len(self._delta_cases)

    def case_ids(self) -> np.ndarray:
        """Ids of every searchable case."""
        delta = np.fromiter(self._delta_cases, dtype=np.int64, count=len(self._delta_cases))
        return np.concatenate([self.base.cols.case_id[self._alive], delta])

    def has(self, ids: np.ndarray) -> np.ndarray:
        """For each id, whether that case is searchable now (binary search, no pass over the index)."""
        ids = np.asarray(ids, dtype=np.int64)
        found = np.zeros(len(ids), dtype=bool)
        if len(self._base_ids) and len(ids):
            pos = np.minimum(np.searchsorted(self._base_ids, ids), len(self._base_ids) - 1)
            hit = self._base_ids[pos] == ids
            found[hit] = self._alive[self._base_order[pos[hit]]]
        if self._delta_cases:
            found |= np.fromiter((int(i) in self._delta_cases for i in ids), bool, len(ids))
        return found

    # ------------------------------------------------------------------------------------------ changes
    def _kill_base(self, ids: Iterable[int]) -> None:
        wanted = np.fromiter(ids, dtype=np.int64)
        if not len(wanted) or not len(self._base_ids):
            return
        pos = np.minimum(np.searchsorted(self._base_ids, wanted), len(self._base_ids) - 1)
        hit = self._base_ids[pos] == wanted
        self._alive[self._base_order[pos[hit]]] = False

    def apply(self, cases: Iterable[Row], contacts: Iterable[Row], deleted_ids: Iterable[int] = ()) -> None:
        """Insert or replace `cases` (with *all* their current `contacts`) and drop `deleted_ids`."""
        cases = list(cases)
        changed = [int(r[0]) for r in cases]  # type: ignore[call-overload]  # column 0 is the case id, an int
        gone = [int(i) for i in deleted_ids]
        if not changed and not gone:
            return
        self._kill_base(changed + gone)
        for cid in gone:
            self._delta_cases.pop(cid, None)
            self._delta_contacts.pop(cid, None)
        for row in cases:
            cid = int(row[0])  # type: ignore[call-overload]  # column 0 is the case id
            self._delta_cases[cid] = row
            self._delta_contacts[cid] = []
        for c in contacts:
            cid = int(c[0])  # type: ignore[call-overload]  # column 0 is the case id
            if cid in self._delta_contacts:
                self._delta_contacts[cid].append(c)
        if len(self._delta_cases) > max(COMPACT_MIN, COMPACT_SHARE * len(self.base)):
            self.compact()
        else:
            self._rebuild_delta()

    def _delta_columns(self) -> Columns:
        b = ColumnBuilder()
        b.add_cases(list(self._delta_cases.values()))
        b.add_contacts([c for cs in self._delta_contacts.values() for c in cs])
        return b.build()

    def _rebuild_delta(self) -> None:
        self._delta = IndexSegment(self._delta_columns(), counts_from=self.base) if self._delta_cases else None
        if self._delta is not None:  # the same name knowledge as the base (`set_lexicon` may have changed it)
            base = self.base.vocab
            if self._delta.vocab.lexicon is not base.lexicon or not base.learning:
                self._delta.vocab.set_lexicon(base.lexicon, learning=base.learning)

    def compacted(self) -> UpdatableIndex:
        """A new index holding the same cases with no delta and no dead rows; `self` is not changed.

        String tables are pruned, so nothing of a deleted case survives (names, postcode, vocabulary).
        A full numpy re-index: about a second at 1M cases.
        """
        cols = self.base.cols.take(self._alive)
        if self._delta_cases:
            cols = concat(cols, self._delta_columns())
        return UpdatableIndex(IndexSegment(prune(cols)))

    def compact(self) -> None:
        """Merge the delta into a new base, in place (see `compacted`)."""
        self._reset(self.compacted().base)

    def warm(self) -> None:
        """Build the lazily built tables now (heard name forms and spellings, letters inside names,
        nicknames learned from the records, where each name's first word ends, the postcodes in order, the
        contacts by case), so no search has to (see `Vocab.heard`, `Vocab.heard_spellings`,
        `Vocab.trigrams`, `Vocab.learned`, `IndexSegment.first_word_tokens`,
        `IndexSegment.postcodes_in_order`, `IndexSegment.contacts_of`)."""
        for segment in (self.base, self._delta):
            if segment is not None:
                segment.vocab.heard("")
                segment.vocab.heard_spellings()
                segment.vocab.trigrams()
                segment.vocab.learned()
                segment.first_word_tokens()
                segment.postcodes_in_order()
                segment.contacts_of(0)

    def set_lexicon(self, lexicon: Lexicon, *, learning: bool = True) -> None:
        """Search with other name knowledge from now on (the benchmark's held-out runs); `learning=False`
        leaves out the nicknames learned from the records."""
        self.base.vocab.set_lexicon(lexicon, learning=learning)
        if self._delta is not None:
            self._delta.vocab.set_lexicon(lexicon, learning=learning)

    @property
    def is_compact(self) -> bool:
        """True when the base holds every case and nothing else (what a snapshot stores)."""
        return not self._delta_cases and bool(self._alive.all())

    # ------------------------------------------------------------------------------------------ search
    def search(
        self, query: str, *, limit: int = RESULTS_DEFAULT, today: dt.date | None = None, complete: bool = False
    ) -> list[SearchHit]:
        """Ranked cases for one free-text query (empty or unreadable queries give []).

        While a person is typing (`complete` False) the last word may be unfinished, so it also matches
        names it begins ('moh' -> Mohammed) unless the query ends with a space. Scripts pass complete=True.
        """
        return list(self.search_results(query, limit=limit, today=today, complete=complete).hits)

    def search_results(
        self, query: str, *, limit: int = RESULTS_DEFAULT, today: dt.date | None = None, complete: bool = False
    ) -> SearchResults:
        """`search`, with how many matched in all and how sure the best is (band and splitting question)."""
        today = today or dt.date.today()
        limit = max(1, min(int(limit), RESULTS_MAX))
        prefixes = self.base.ref_prefixes | (self._delta.ref_prefixes if self._delta else frozenset())
        indexes = [self.base] + ([self._delta] if self._delta is not None else [])
        parsed = parse_query(
            query,
            today=today,
            ref_prefixes=prefixes,
            is_outward=lambda o: any(ix.outward_codes(o) for ix in indexes),
        )
        if parsed.empty:
            return SearchResults()
        prefix_last = not complete and not (query or "").endswith((" ", "\t"))
        found: list[tuple[float, int, IndexSegment, int, list[Match], bool]] = []
        plausible: list[np.ndarray] = []
        parts = [(self.base, self._alive)] + ([(self._delta, None)] if self._delta is not None else [])
        for index, alive in parts:
            if not len(index):
                continue
            r = rank(index, parsed, limit=max(limit, ASK_FROM), prefix_last=prefix_last, alive=alive)
            plausible.append(r.plausible)
            for row, score in zip(r.rows.tolist(), r.scores.tolist(), strict=True):
                case_id = int(index.cols.case_id[row])
                found.append((score, case_id, index, row, r.matches.get(row, []), row in r.unmet))
        found.sort(key=lambda f: (-f[0], f[1]))
        ranked = [
            _hit(index, row, score, matches, today)
            for score, _, index, row, matches, _ in found[: max(limit, ASK_FROM)]
        ]
        hits = ranked[:limit]
        scores = -np.sort(-np.concatenate(plausible)) if plausible else np.zeros(0, np.float32)
        if len(scores):
            scores = scores[scores >= float(scores[0]) * PLAUSIBLE]
        band, ask, alike = band_for(scores, ranked, parsed, named=bool(found) and not found[0][5])
        given: tuple[tuple[Ask, bool], ...] = (
            ("date_of_birth", bool(parsed.dates)),
            ("postcode", bool(parsed.postcodes)),
        )
        narrow = tuple(key for key, typed in given if not typed)
        # Plausible rows only: the shown list goes on past them (the handler chooses from it), and counting
        # those too said "30 cases found" of nine likely ones.
        return SearchResults(
            hits=tuple(hits), total=len(scores), area=parsed.area, band=band, ask=ask, alike=alike, narrow=narrow
        )


#: Rows ranked however few are asked for: the question that splits children alike is chosen from the
#: fields that differ among them, so `--limit 1` must still see the others tied with the first.
ASK_FROM = 10


def _hit(index: IndexSegment, row: int, score: float, matches: list[Match], today: dt.date) -> SearchHit:
    cols = index.cols
    days = int(cols.dob[row])
    dob = EPOCH + dt.timedelta(days=days) if days != NO_DATE else None
    grouped: dict[tuple[str, int | None], tuple[list[str], str]] = {}
    for m in matches:
        terms, _kind = grouped.setdefault((m.field, m.contact), ([], m.kind))
        terms.append(m.term)
    # Built without validation (`model_construct`): every value comes typed from the index itself (field and
    # kind from the FieldName / MatchKind constants the scorer uses), and validating ten hits with their
    # matches was a tenth of a search's time.
    matched = tuple(
        MatchedField.model_construct(field=f, query_terms=tuple(terms), kind=kind, contact=contact)  # type: ignore[arg-type]
        for (f, contact), (terms, kind) in grouped.items()
    )
    return SearchHit.model_construct(
        case_id=int(cols.case_id[row]),
        case_ref=cols.ref[row].decode(),
        score=round(float(score), 4),
        first_name=cols.names[cols.first[row]],
        last_name=cols.names[cols.last[row]],
        known_as=cols.names[cols.known[row]],
        date_of_birth=dob,
        age=age_on(dob, today) if dob else None,
        postcode=cols.postcodes[cols.postcode[row]],
        school=cols.schools[cols.school[row]],
        stage=cols.stages[cols.stage[row]],
        named_officer=cols.officers[cols.officer[row]],
        matched=matched,
    )
