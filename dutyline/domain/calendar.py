"""Calendar helpers: the council's local day, working days (bank holidays), school years.

Times are stored in UTC; "today" and "end of the next working day" are decided in Europe/London.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day in England at `moment` (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(LONDON).date()
