"""How one queue item looks as a table row: rich Text cells only (a plain `str` cell is parsed as markup,
docs/PRIVACY.md, C1), user text sanitised, and state never shown by colour alone (OVERDUE / DUE SOON /
URGENT are words as well as red / amber / bold)."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from dutyline.domain.policy import Policy
from dutyline.domain.queue import QueueItem, time_left_text
from dutyline.ui.safe import local_time, plain

#: (key, header) in order of importance: at 80 columns flag, time left, what and case fit; the child,
#: status, due time and team follow (and are all in the detail pane for the highlighted item).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("flag", "Flag"),
    ("left", "Time left"),
    ("kind", "What"),
    ("case", "Case"),
    ("child", "Child"),
    ("status", "Status"),
    ("due", "Due"),
    ("team", "Team"),
)
CHILD_WIDTH = 18
#: Team names are long ("Provision, Outcomes and Placement"); the column shows the start, the pane the rest.
TEAM_WIDTH = 22
OVERDUE_STYLE = "bold red"
SAFEGUARDING_STYLE = "bold reverse red"
DUE_SOON_STYLE = "bold dark_orange"


def team_name(policy: object | None, code: str) -> str:
    """The policy's name for a team, else the code (an old item's team may have left the policy file)."""
    return policy.team_name(code) if isinstance(policy, Policy) else code


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def flag_text(item: QueueItem) -> str:
    """The words that carry the state (a screen reader or a colour-blind officer gets them too)."""
    parts = []
    if item.safeguarding and item.is_open_state:
        parts.append("SAFEGUARDING")
    if item.overdue:
        parts.append("OVERDUE")
    elif item.due_soon:
        parts.append("DUE SOON")
    if item.urgent:
        parts.append("URGENT")
    return " ".join(parts)


def tries(n: int) -> str:
    """'1 try', '3 tries'."""
    return f"{n} {'try' if n == 1 else 'tries'}"


def row_style(item: QueueItem) -> str:
    if item.safeguarding and item.is_open_state:
        return SAFEGUARDING_STYLE
    if item.overdue:
        return OVERDUE_STYLE
    if item.due_soon:
        return DUE_SOON_STYLE
    return ""


def due_text(moment: dt.datetime, now: dt.datetime) -> str:
    """'14:30' today, 'Tue 14:30' this week, else '3 Mar 14:30' (UK time)."""
    local, today = local_time(moment), local_time(now).date()
    if local.date() == today:
        return f"{local:%H:%M}"
    if abs((local.date() - today).days) < 7:
        return f"{local:%a %H:%M}"
    return f"{local.day} {local:%b %H:%M}"


def status_text(item: QueueItem, login: str) -> str:
    now = item.as_of or dt.datetime.now(dt.UTC)
    if item.lease_live(now):
        return "yours" if item.claimed_by == login else f"with {item.claimed_by}"
    if item.is_open_state:
        return "open" + (f" ({tries(item.attempts)})" if item.attempts else "")
    by = f" by {item.completed_by}" if item.completed_by else ""
    return f"{item.status.value}{by}"


def row_cells(item: QueueItem, login: str, policy: object | None = None) -> tuple[Text, ...]:
    """One row: every cell a Text; names and codes from the database go through `plain` (sanitised).

    `policy` (the Context's) names the teams; without one the team's code is shown.
    """
    style = row_style(item)
    now = item.as_of or dt.datetime.now(dt.UTC)
    kind = item.kind.label
    child = item.child_name or "—"
    if len(child) > CHILD_WIDTH:
        child = child[: CHILD_WIDTH - 1] + "…"
    return (
        Text(flag_text(item), style=style, end=""),
        Text(time_left_text(item), style=style, end=""),
        Text(kind, style="bold" if item.urgent else "", end=""),
        plain(item.case_ref or "no case"),
        plain(child),
        plain(status_text(item, login), style="italic" if item.claimed_by == login else ""),
        Text(due_text(item.due_at, now), end=""),
        plain(clip(team_name(policy, item.team_code), TEAM_WIDTH)),
    )


def counts_line(items: list[QueueItem]) -> Text:
    """'12 items · 3 OVERDUE · 2 DUE SOON · 1 URGENT' above the table."""
    overdue = sum(i.overdue for i in items)
    soon = sum(i.due_soon for i in items)
    urgent = sum(i.urgent and i.is_open_state for i in items)
    concerns = sum(i.safeguarding and i.is_open_state for i in items)
    out = Text(f"{len(items)} item{'s' if len(items) != 1 else ''}", end="")
    if concerns:
        out.append(f" · {concerns} SAFEGUARDING", style=SAFEGUARDING_STYLE)
    if overdue:
        out.append(f" · {overdue} OVERDUE", style=OVERDUE_STYLE)
    if soon:
        out.append(f" · {soon} DUE SOON", style=DUE_SOON_STYLE)
    if urgent:
        out.append(f" · {urgent} URGENT", style="bold")
    out.append(" · time left counts working hours (wh), Mon-Fri 9-5 excluding bank holidays")
    return out
