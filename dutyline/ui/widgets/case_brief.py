"""The case in brief, beside the call form: who the call is about, the officer, stage, clock, what to tell
the family, who is calling, and how long the call has run.

Why: writing notes must not hide what the handler is reading out to the parent. At 120 columns this sits
beside the form; at 80 it is one key (F2) away. Values are shown through `plain` (never markup).
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from dutyline.domain.call_draft import CallDraft
from dutyline.domain.call_form import OUTCOME_LABELS
from dutyline.domain.call_record import EarlierCaller
from dutyline.domain.model import REASON_LABELS
from dutyline.domain.summary import CaseSummary
from dutyline.ui.safe import day, duration, join, plain, when
from dutyline.ui.widgets.case_card import caller_line, final_plan_line, officer_line


def rang_before_text(earlier: EarlierCaller) -> Text:
    """A no-case caller's earlier calls, newest first: when, who took it, why, how it ended, the notes."""
    n = len(earlier.calls)
    parts: list[Text | str] = [
        Text(f"Rang before: {n} call{'s' if n != 1 else ''}, no case", style="bold"),
    ]
    for c in earlier.calls:
        about = join(" about ", plain(c.child_name)) if c.child_name else ""
        parts += [
            "\n\n",
            Text(when(c.started_at), style="bold"),
            join(" · ", plain(c.staff_login), "\n"),
            plain(REASON_LABELS.get(c.reason, c.reason)),
            about,
            " · ",
            plain(OUTCOME_LABELS.get(c.outcome, c.outcome)),
        ]
        if c.safeguarding:
            parts.append(Text("\n! SAFEGUARDING concern on this call", style="bold"))
        if c.notes:
            parts += ["\n", plain(c.notes, multiline=True)]
    return join(*parts)


class CaseBrief(VerticalScroll):
    """Read-only; `show()` fills it, `tick()` moves the call timer."""

    DEFAULT_CSS = """
    CaseBrief { padding: 0 1; }
    CaseBrief > Static { width: 1fr; margin-bottom: 1; }
    CaseBrief #brief-timer { margin-bottom: 0; text-style: bold; }
    """

    can_focus = True

    def __init__(self, summary: CaseSummary | None, call: CallDraft, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.summary = summary
        self.call = call

    def compose(self) -> ComposeResult:
        yield Static(id="brief-timer", markup=False)
        yield Static(id="brief-body", markup=False)

    def on_mount(self) -> None:
        self.show()

    def tick(self, now: dt.datetime) -> None:
        secs = (now - self.call.started_at).total_seconds()
        self.query_one("#brief-timer", Static).update(Text(f"On the call {duration(secs)}", end=""))

    def show(self) -> None:
        s, call = self.summary, self.call
        if s is None:
            body = (
                rang_before_text(call.rang_before)
                if call.rang_before is not None
                else Text("No case: the call is not about a known child.", end="")
            )
        elif not call.may_see_case:
            body = join(
                plain(s.case.display_name, style="bold"),
                f"  {s.case.case_ref}\n",
                Text("The caller was not verified, so the case details stay hidden.", style="italic"),
            )
        else:
            case = s.case
            parts: list[Text | str] = [
                plain(case.display_name, style="bold"),
                f"  {case.case_ref}\nBorn {day(case.date_of_birth)} (age {s.age})\n\n",
                officer_line(s),
                "\n\nStage: ",
                plain(case.stage.label),
                "\nClock: ",
                plain(s.headline),
            ]
            final = final_plan_line(s)
            if final:
                parts += ["\n", final]
            parts += ["\n\n", Text(f"Tell the family: {s.tell_family}", style="bold"), "\n\n", caller_line(call, s)]
            body = join(*parts)
        self.query_one("#brief-body", Static).update(body)
