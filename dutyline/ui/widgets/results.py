"""The search results table: one row per case with the details a caller can confirm, matched parts marked.

Cells are rich `Text` (never `str`, which DataTable parses as markup). The matched part of a cell is shown
bold and underlined, and a "Matched on" column says it in words, so the highlight does not rely on colour.
Callers with no case who rang before (found by number or name) follow the cases, in italics, matched
on "rang before: phone" (or caller, child). "No case" is always the last row: new requests and general
enquiries are normal calls, not failures.
"""

from __future__ import annotations

import unicodedata

from rich.text import Text
from textual.widgets import DataTable

from dutyline.domain.call_record import EarlierCaller
from dutyline.domain.model import Stage
from dutyline.domain.search import SearchHit
from dutyline.domain.search.names import fold_name
from dutyline.domain.text import one_line
from dutyline.ui.safe import local_time, plain

NO_CASE_KEY = "none"
NAME_WIDTH = 26
HIGHLIGHT = "bold underline"

_FIELD_WORDS = {
    "first_name": "name",
    "last_name": "name",
    "known_as": "known as",
    "contact_name": "contact",
    "date_of_birth": "date of birth",
    "birth_year": "birth year",
    "phone": "phone",
    "postcode": "postcode",
    "postcode_area": "postcode area",
    "case_ref": "case ref",
    "school": "school",
}
_KIND_WORDS = {"nickname": "nickname", "phonetic": "sounds like", "typo": "close spelling", "prefix": "start"}


def highlighted(value: str, terms: tuple[str, ...], *, whole: bool, limit: int = 0) -> Text:
    """`value` as literal text with each query term found in it marked; the whole cell if none is found
    but the field matched (a sound-alike or a typo has no exact substring)."""
    clean = one_line(value)
    if limit and len(clean) > limit:
        clean = clean[: limit - 1] + "…"
    text = Text(clean, end="")
    folded, origin = _folded(clean)
    found = False
    for term in terms:
        needle = fold_name(one_line(term))
        if len(needle) < 1:
            continue
        start = folded.find(needle)
        while start >= 0:
            first, end = origin[start], origin[start + len(needle) - 1] + 1
            while end < len(clean) and unicodedata.combining(clean[end]):
                end += 1  # an accent written as a separate mark stays with its letter
            text.stylize(HIGHLIGHT, first, end)
            found = True
            start = folded.find(needle, start + len(needle))
    if whole and not found and clean:
        text.stylize("underline")
    return text


def _folded(clean: str) -> tuple[str, list[int]]:
    """`clean` folded as search folds names ('Zoë' -> 'zoe', 'Yıldız' -> 'yildiz', 'ß' -> 'ss'), and for
    each folded character the position of the character it came from. The query terms are folded, so the
    highlight must find them in folded text and mark the letters they came from, whatever the lengths."""
    if clean.isascii():  # most names: folding is lower case, one letter for one
        return clean.lower(), list(range(len(clean)))
    parts: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(clean):
        f = fold_name(ch)
        parts.append(f)
        origin.extend([i] * len(f))
    return "".join(parts), origin


#: Short stage words for the results table, so name, date of birth, postcode, school, stage and what
#: matched all fit at 120 columns (the case view uses the full labels).
_STAGE_SHORT = {
    Stage.REQUEST_RECEIVED: "Request received",
    Stage.ASSESSMENT: "Assessing",
    Stage.DRAFT_PLAN: "Draft plan",
    Stage.PLAN_ISSUED: "Plan in place",
    Stage.ANNUAL_REVIEW: "Review held",
    Stage.AMENDMENT: "Amending plan",
    Stage.NOT_ASSESSING: "Not assessing",
    Stage.NOT_ISSUING: "Not issuing",
    Stage.MEDIATION: "Mediation",
    Stage.TRIBUNAL: "Tribunal",
    Stage.CEASED: "Plan ceased",
}


def _stage(code: str) -> str:
    try:
        return _STAGE_SHORT[Stage(code)]
    except (ValueError, KeyError):
        return code


def hit_row(hit: SearchHit) -> list[Text]:
    by_field: dict[str, tuple[str, ...]] = {}
    for m in hit.matched:
        by_field[m.field] = by_field.get(m.field, ()) + m.query_terms
    name_terms = sum((by_field.get(f, ()) for f in ("first_name", "last_name", "known_as")), ())
    name_hit = any(f in by_field for f in ("first_name", "last_name", "known_as"))
    born_hit = "date_of_birth" in by_field or "birth_year" in by_field
    dob = hit.date_of_birth
    short = f"{dob.day} {dob:%b %Y}" if dob else "not recorded"  # no weekday: the column must fit 80 wide
    born = f"{short} ({hit.age})" if hit.age is not None else short
    born_cell = Text(born, style="bold underline" if born_hit else "", end="")
    matched = ", ".join(
        dict.fromkeys(
            _FIELD_WORDS.get(m.field, m.field) + (f" ({_KIND_WORDS[m.kind]})" if m.kind in _KIND_WORDS else "")
            for m in hit.matched
        )
    )
    return [
        highlighted(hit.display_name, name_terms, whole=name_hit, limit=NAME_WIDTH),
        born_cell,
        highlighted(
            hit.postcode,
            by_field.get("postcode", ()) + by_field.get("postcode_area", ()),
            whole="postcode" in by_field,
        ),
        highlighted(hit.school, by_field.get("school", ()), whole="school" in by_field, limit=20),
        plain(_stage(hit.stage)),
        Text(matched if len(matched) <= 24 else matched[:23] + "…", style="italic", end=""),
        plain(hit.named_officer[:18]),
    ]


_CALLER_MATCH_WORDS = {"phone": "phone", "caller": "caller", "child": "child"}


def caller_row(earlier: EarlierCaller) -> list[Text]:
    """A no-case caller who rang before, in the case columns: who rang (about which child), the child's
    date of birth and postcode as given, "no case" with how many calls, "rang before" and what matched,
    and when they last rang. Italic, like the "No case" row: these are not cases."""
    caller = earlier.first("caller_name") or earlier.first("caller_phone") or "A caller"
    child = earlier.first("child_name")
    name = plain(f"{caller} · {child}" if child else caller, style="italic")
    name.truncate(NAME_WIDTH, overflow="ellipsis")
    dob = earlier.child_dob
    n = len(earlier.calls)
    matched = "rang before: " + ", ".join(_CALLER_MATCH_WORDS.get(m, m) for m in earlier.matched)
    return [
        name,
        plain(f"{dob.day} {dob:%b %Y}" if dob else ""),
        plain(earlier.first("child_postcode") or earlier.first("child_district")[:10]),
        plain(earlier.first("caller_phone")),
        Text(f"No case, {n} call{'s' if n != 1 else ''}", style="italic", end=""),
        Text(matched if len(matched) <= 24 else matched[:23] + "…", style="italic", end=""),
        plain(f"last {local_time(earlier.latest.started_at):%d %b}"),
    ]


#: Column titles, in the order `hit_row` and `caller_row` fill them.
COLUMNS = ("Name", "Born (age)", "Postcode", "School", "Stage", "Matched on", "Officer")
#: At 80 columns only what a caller confirms and why the row is there: name, born, postcode, matched on.
#: The rest (school, stage, officer) is shown for the highlighted row on the line under the table.
NARROW_COLUMNS = (0, 1, 2, 5)
NARROW_WIDTHS = {0: 24, 1: 17, 2: 8, 5: 20}
#: Below this screen width the table is narrow (the same break as the call form's case brief).
NARROW_BELOW = 110


class ResultsTable(DataTable[Text]):
    """Cases found, then callers who rang before, then "No case". Row keys are case ids as text,
    `EarlierCaller.key`, or NO_CASE_KEY."""

    DEFAULT_CSS = """
    ResultsTable { height: 1fr; }
    """

    #: The callers on show, by row key (`EarlierCaller.key`).
    callers: dict[str, EarlierCaller] = {}

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.narrow = False
        self._rows: list[tuple[str, list[Text]]] = []

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.show_hits([])

    def set_narrow(self, narrow: bool) -> None:
        """Switch between all columns and the four that fit 80 wide, keeping the highlighted row."""
        if narrow != self.narrow:
            self.narrow = narrow
            row = self.cursor_row
            self._fill()
            self.move_cursor(row=row)

    def _fill(self) -> None:
        self.clear(columns=True)
        shown = NARROW_COLUMNS if self.narrow else range(len(COLUMNS))
        for i in shown:
            width = NARROW_WIDTHS[i] if self.narrow else (NAME_WIDTH if i == 0 else None)
            self.add_column(COLUMNS[i], width=width)
        for key, cells in self._rows:
            self.add_row(*(cells[i] for i in shown), key=key)

    def show_hits(self, hits: list[SearchHit], callers: list[EarlierCaller] | None = None) -> None:
        """Replace the rows in one go (clear + add), keeping the cursor on the best match: cases, then
        callers with no case who rang before, then "No case"."""
        self.callers = {c.key: c for c in callers or []}
        rows = [(str(hit.case_id), hit_row(hit)) for hit in hits]
        rows += [(key, caller_row(earlier)) for key, earlier in self.callers.items()]
        # Short enough for the name column at 80 and 120 wide (it read "No case (new request, enqu").
        none = Text("No case (new request…)", style="italic", end="")
        rows.append((NO_CASE_KEY, [none, *[Text("", end="")] * 6]))
        self._rows = rows
        self._fill()
        self.move_cursor(row=0)

    def detail(self, key: str | None) -> Text:
        """What the narrow table leaves out for row `key`: school, stage and officer, in words."""
        cells = next((c for k, c in self._rows if k == key), None)
        if cells is None or key == NO_CASE_KEY:
            return Text("", end="")
        if key in self.callers:
            parts = [("Phone", cells[3]), ("", cells[4]), ("", cells[6])]
        else:
            parts = [("School", cells[3]), ("Stage", cells[4]), ("Officer", cells[6])]
        out = Text(end="")
        for label, cell in parts:
            if not cell.plain:
                continue
            if out.plain:
                out.append(" · ")
            if label:
                out.append(f"{label}: ", style="bold")
            out.append_text(cell)
        return out

    @property
    def chosen_key(self) -> str | None:
        if self.row_count == 0:
            return None
        key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return key.value
