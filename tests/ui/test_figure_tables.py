"""The workspace's rows without an app: each row has a cell per header, and a due time says its year
when it is not this year's (an item a year overdue read '19 Dec 17:00', as if it were this month)."""

from __future__ import annotations

import datetime as dt

from dutyline.domain.reports.promises import PromiseItem
from dutyline.ui.workspace import figure_tables as tables


def item(due: dt.datetime, hours: float) -> PromiseItem:
    return PromiseItem(
        kind="callback",
        id=7,
        team="front_door",
        priority="urgent",
        reason="x",
        due_at=due,
        case_ref="EHC-1",
        hours=hours,
    )


def test_overdue_rows_align_and_name_the_year_when_it_is_not_this_one() -> None:
    old = item(dt.datetime(2025, 12, 19, 17, 0, tzinfo=dt.UTC), -1936.0)
    new = item(dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC), -4.0)
    header, rows = tables.item_rows([old, new], {"front_door": "Assessment and SEND Front Door"}, 2026)
    assert all(len(r) == len(header) for r in rows)
    cells = [[c.plain for c in r] for r in rows]
    assert cells[0][:3] == ["OVERDUE URGENT", "242 wd late", "19 Dec 2025"]
    assert cells[1][:3] == ["OVERDUE URGENT", "4.0 wh late", "4 Dec 12:00"]
    assert cells[0][header.index("Case")] == "EHC-1"


def test_reasons_and_teams_read_in_words_not_codes() -> None:
    from dutyline.domain.quality.stats import wilson

    share = type("Share", (), {"key": "assessment_progress", "n": 3, "share": 0.5})()
    _, rows = tables.share_table("Reason", [share], tables.REASON_NAMES)
    assert rows[0][0].plain == "Asking how the assessment is going"
    _, rows = tables.rates_table(
        "Team", {"front_door": wilson(8, 10)}, {"front_door": "Assessment and SEND Front Door"}
    )
    assert rows[0][0].plain == "Assessment and SEND Front Door" and "N 10" in rows[0][1].plain
