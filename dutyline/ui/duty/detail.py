"""The pane beside the queue: the selected item in full and a summary of its case.

Only what a duty officer needs to return the call: who to ring and when they prefer, why, what has been
tried, the notes so far, and the case's stage, clock and officer. Every value from the database is shown
through `plain` (sanitised, never markup).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from dutyline.domain.model import Reason
from dutyline.domain.queue import ItemKind, QueueItem, time_left_text
from dutyline.domain.summary import CaseSummary
from dutyline.ui.duty.rows import flag_text, row_style, status_text
from dutyline.ui.safe import join, plain, when


def reason_label(code: str) -> str:
    try:
        return Reason(code).label
    except ValueError:
        return code.replace("_", " ") or "not recorded"


class DutyDetail(VerticalScroll, can_focus=True):
    """Item details plus the case summary; `show_item` and `show_case` are called by the screen.

    Focusable (Tab reaches it from the queue) so ↑ ↓ PgUp PgDn scroll the notes and attempt history when
    they run below the pane at 40 rows.
    """

    DEFAULT_CSS = """
    DutyDetail { padding: 0 1; border-left: solid $accent; }
    DutyDetail:focus { background: $boost; }
    DutyDetail #dd-safeguarding { background: $error 40%; color: $text; text-style: bold; padding: 0 1; }
    DutyDetail > Static { width: 1fr; }
    DutyDetail .section { margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(Text("Nothing selected", style="bold"), id="dd-title", markup=False)
        yield Static(id="dd-flag", markup=False)
        yield Static(id="dd-safeguarding", markup=False)
        yield Static(id="dd-contact", markup=False)
        yield Static(id="dd-why", markup=False)
        yield Static(id="dd-status", markup=False)
        yield Static(Text("Case"), classes="section", markup=False)
        yield Static(id="dd-case", markup=False)
        yield Static(Text("Notes"), classes="section", markup=False)
        yield Static(id="dd-notes", markup=False)

    def _set(self, wid: str, content: Text) -> None:
        self.query_one(f"#{wid}", Static).update(content)

    def clear(self) -> None:
        self._set("dd-title", Text("Nothing selected", style="bold"))
        for wid in ("dd-flag", "dd-safeguarding", "dd-contact", "dd-why", "dd-status", "dd-notes", "dd-case"):
            self._set(wid, Text(""))
        self.query_one("#dd-safeguarding").display = False

    def show_item(self, item: QueueItem, login: str, team: str = "") -> None:
        """`team` is the team's name (the screen looks it up in the policy); its code when empty."""
        self._set(
            "dd-title",
            join(
                Text(f"{item.kind.label} {item.id}", style="bold"),
                " · due ",
                when(item.due_at),
                " · ",
                plain(team or item.team_code),
            ),
        )
        flags = flag_text(item)
        escalated = " · escalated to the team manager" if item.escalated and item.is_open_state else ""
        self._set(
            "dd-flag",
            Text(
                f"{time_left_text(item)}" + (f" · {flags}" if flags else "") + escalated, style=row_style(item), end=""
            ),
        )
        if item.kind is ItemKind.CALLBACK:
            contact = join(
                "Ring: ", plain(item.contact_name or "(no name)"), " on ", plain(item.phone or "(no number)")
            )
            if item.preferred_time:
                contact.append_text(join(" · prefers ", plain(item.preferred_time)))
        else:
            contact = Text("Hand-off from a call: accept it into the team's work (A) or complete it (D).", end="")
        self._set("dd-contact", contact)
        self._show_concern(item)
        why = join("Why: ", plain(reason_label(item.reason)))
        if item.urgent and item.urgent_reason:
            why.append_text(join(" · urgent: ", plain(item.urgent_reason.replace("_", " "))))
        self._set("dd-why", why)
        tried = f" · {item.attempts} failed attempt{'s' if item.attempts != 1 else ''}" if item.attempts else ""
        lease = f" · lease until {when(item.lease_expires)}" if item.lease_live(item.as_of or item.due_at) else ""
        self._set("dd-status", join("Status: ", plain(status_text(item, login)), tried, lease))
        self._set("dd-notes", plain(item.notes or "(none)", multiline=True))
        if item.case_id is None:
            self._set("dd-case", Text("Not linked to a case.", end=""))
        else:
            self._set(
                "dd-case",
                join(
                    plain(item.child_name, style="bold"),
                    "  ",
                    plain(item.case_ref),
                    Text("\nLoading the case summary…", style="italic"),
                ),
            )

    def _show_concern(self, item: QueueItem) -> None:
        """The concern itself, so the officer can act without opening anything else."""
        box = self.query_one("#dd-safeguarding", Static)
        box.display = item.safeguarding
        if not item.safeguarding:
            box.update(Text(""))
            return
        caller = plain(item.caller_name or "the caller")
        number = plain(item.caller_phone or "no number given")
        box.update(
            join(
                "SAFEGUARDING concern\n",
                plain(item.safeguarding_summary or "(no summary recorded)", multiline=True),
                "\nCaller: ",
                caller,
                " on ",
                number,
                "\nReferral reference: ",
                plain(item.referral_ref or "none yet"),
            )
        )

    def show_case(self, summary: CaseSummary) -> None:
        from dutyline.ui.widgets.case_card import officer_line

        case = summary.case
        text = join(
            plain(case.display_name, style="bold"),
            "  ",
            plain(case.case_ref),
            f"\nAge {summary.age} ({summary.year_group_label}) · ",
            plain(case.district.value),
            "\nStage: ",
            plain(case.stage.label),
            "\nClock: ",
            plain(summary.headline),
            "\n",
            officer_line(summary),
        )
        self._set("dd-case", text)

    def case_unavailable(self, message: str) -> None:
        self._set("dd-case", plain(message))
