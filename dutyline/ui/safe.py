"""Showing people's words safely (docs/PRIVACY.md, C1 and C2).

Names, notes, schools and contact names are data, never markup: a name like `[@click=app.quit]` must show
those characters and do nothing, and an escape sequence in an imported row must never reach the
terminal. Everything user-supplied goes through `dutyline.domain.text.sanitize` and into a rich `Text`
(which Textual never parses as markup); widgets that take strings get `markup=False` as well.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.widgets import Label, Static

from dutyline.domain.calendar import LONDON, format_day
from dutyline.domain.text import one_line, sanitize


def plain(value: object, *, style: str = "", multiline: bool = False) -> Text:
    """User text as a literal Text: escape sequences and control/bidi characters removed."""
    text = "" if value is None else str(value)
    return Text(sanitize(text, multiline=True) if multiline else one_line(text), style=style, end="")


def join(*parts: Text | str) -> Text:
    """Join pieces; `str` pieces are OUR wording (still never parsed as markup)."""
    out = Text(end="")
    for part in parts:
        out.append(part if isinstance(part, Text) else Text(part))
    return out


def label(value: object, *, classes: str = "", id: str | None = None, style: str = "") -> Label:  # noqa: A002
    return Label(plain(value, style=style), markup=False, classes=classes, id=id)


def static(content: Text | str = "", *, classes: str = "", id: str | None = None) -> Static:  # noqa: A002
    return Static(content if isinstance(content, Text) else Text(content), markup=False, classes=classes, id=id)


def day(value: dt.date | None) -> str:
    return format_day(value) if value else "not recorded"


def local_time(moment: dt.datetime) -> dt.datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(LONDON)


def when(moment: dt.datetime | None) -> str:
    """'Fri 13 Feb 2026 17:00' in UK time."""
    if moment is None:
        return "not set"
    local = local_time(moment)
    return f"{format_day(local.date())} {local:%H:%M}"


def duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"
