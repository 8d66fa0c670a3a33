"""The case at a glance: who the child is, who acts for them today, where the case is, the statutory clock,
what is still promised, the last calls, and what the handler can safely say now.

State that matters is never shown by colour alone: an overdue deadline says "OVERDUE", a due-soon one
"DUE SOON", an overdue promise "OVERDUE", and the repeat-caller and consent banners start with "!".
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from dutyline.domain.call_draft import CallDraft
from dutyline.domain.call_record import CallRecord, CaseActivity
from dutyline.domain.clock import DeadlineStatus
from dutyline.domain.model import CallerKind
from dutyline.domain.summary import CaseSummary
from dutyline.ui.actions import BY_ID
from dutyline.ui.safe import day, join, plain, when

_STATUS_MARK = {DeadlineStatus.OVERDUE: "OVERDUE", DeadlineStatus.DUE_SOON: "DUE SOON"}


def consent_needed(summary: CaseSummary, state: CallDraft) -> str:
    """Why the handler must check consent before discussing the case, or '' when no check is needed."""
    reasons = []
    if summary.decision_rights_young_person:
        reasons.append(f"the young person ({summary.age}) makes their own decisions")
    if state.caller_kind in (CallerKind.PROFESSIONAL.value, CallerKind.OTHER.value) or (
        state.caller_kind == CallerKind.CONTACT.value and not state.caller_has_pr
    ):
        reasons.append("the caller does not hold parental responsibility")
    if not reasons:
        return ""
    return "! Check consent before sharing details: " + " and ".join(reasons) + "."


def officer_line(summary: CaseSummary) -> Text:
    named, acting = summary.named_officer, summary.acting_officer
    if named is None:
        return Text("Officer: none named yet — the case's team owns it.", end="")
    team = summary.acting_officer_team if summary.acting_is_cover else summary.named_officer_team
    contact = join(" · ", plain(team.name), " · ", plain(team.inbox)) if team else Text("", end="")
    if summary.acting_is_cover and acting is not None:
        until = f" until {day(named.absent_until)}" if named.absent_until else ""
        return join("Officer: ", plain(named.name), f" is away{until}; covering today: ", plain(acting.name), contact)
    return join("Officer: ", plain(named.name), contact)


def final_plan_line(summary: CaseSummary) -> Text | None:
    """'Final plan due Tue 3 Mar 2026' when the case has a final-plan deadline (the date parents ask for)."""
    for deadline in summary.clock.deadlines:
        if deadline.key == "final_plan":
            mark = _STATUS_MARK.get(deadline.status)
            return Text(f"Final plan due {day(deadline.due)}" + (f" [{mark}]" if mark else ""), end="")
    return None


def contacts_text(summary: CaseSummary) -> Text:
    """Every listed contact's numbers, so the handler can check or read one back without the edit form."""
    lines = [Text("Contacts:", end="")]
    for c in summary.case.contacts:
        rel = join(" (", plain(c.relationship), ")") if c.relationship else Text("")
        phones = " · ".join(p for p in (c.phone, c.alt_phone) if p) or "no number"
        lines.append(join("  ", plain(c.name), rel, ": ", plain(phones)))
    if not summary.case.contacts:
        lines.append(Text("  none listed", end=""))
    return Text("\n").join(lines)


def caller_line(state: CallDraft, summary: CaseSummary) -> Text:
    who = state.caller_name or "not chosen"
    if state.caller_kind == CallerKind.CONTACT.value:
        for c in summary.case.contacts:
            if c.id == state.caller_contact_id:
                who = f"{c.name} ({c.relationship})" if c.relationship else c.name
    elif state.caller_kind == CallerKind.YOUNG_PERSON.value:
        who = "the young person"
    checks = [("DOB", state.verified_dob), ("postcode", state.verified_postcode)]
    marks = " ".join(f"[{'x' if ok else ' '}] {name}" for name, ok in checks)
    return join("Caller: ", plain(who), f"   {marks}")


ShowArgs = tuple[CaseSummary, CaseActivity, CallDraft, dict[str, str]]


class CaseCard(VerticalScroll):
    """Read-only view of one case; `show()` fills it from values loaded by the screen's worker.

    Values given to the constructor are shown once the card's children exist (on mount): showing them
    earlier would look for widgets that are not composed yet.
    """

    def __init__(self, initial: ShowArgs | None = None, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._initial = initial
        self._recent = {}

    _recent: dict[str, CallRecord]

    def on_mount(self) -> None:
        if self._initial is not None:
            self.show(*self._initial)
            self._initial = None

    DEFAULT_CSS = """
    CaseCard { height: 1fr; }
    CaseCard > Static { width: 1fr; }
    CaseCard DataTable { height: auto; max-height: 8; margin-bottom: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="case-title", markup=False)
        yield Static(id="case-consent", classes="banner -warning", markup=False)
        yield Static(id="case-repeat", classes="banner -warning", markup=False)
        yield Static(id="case-stage", markup=False)
        yield Static(id="case-clock", markup=False)
        yield Static(id="case-tell", classes="tell", markup=False)
        yield Static(id="case-officer", markup=False)
        yield Static(id="case-contacts", markup=False)
        yield Static(id="case-caller", markup=False)
        yield Static(Text("Open callbacks and hand-offs"), classes="section", markup=False)
        yield DataTable(id="case-items", cursor_type="row", show_cursor=False)
        yield Static(
            Text(
                f"Last calls (Tab to the list, ↑ ↓ to read each note, {BY_ID['correct_note'].key_text} to correct it)"
            ),
            classes="section",
            markup=False,
        )
        yield DataTable(id="case-calls", cursor_type="row")
        yield Static(id="case-call-note", classes="tell", markup=False)

    def _columns(self) -> None:
        """Columns are added on first use: `show` can run before this widget's own mount handler."""
        items = self.query_one("#case-items", DataTable)
        if not items.columns:
            items.add_columns("Due", "What", "Team", "Status")
        calls = self.query_one("#case-calls", DataTable)
        if not calls.columns:
            calls.add_columns("When", "Taken by", "Caller", "Why", "Outcome", "Notes")

    def show(self, summary: CaseSummary, activity: CaseActivity, state: CallDraft, team_name: dict[str, str]) -> None:
        if not self.query("#case-items"):  # not composed yet: on_mount shows the latest values
            self._initial = (summary, activity, state, team_name)
            return
        self._columns()
        case = summary.case
        self.query_one("#case-title", Static).update(
            join(
                plain(case.display_name, style="bold"),
                f"  {case.case_ref} · born {day(case.date_of_birth)} "
                f"(age {summary.age}, {summary.year_group_label}) · ",
                plain(case.postcode),
                *((" · ", plain(case.school)) if case.school.strip() else ()),
            )
        )
        consent = consent_needed(summary, state)
        self._banner("#case-consent", consent)
        repeat = (
            f"! Repeat caller: {activity.calls_in_window} calls about this child in the last 14 days."
            if activity.repeat_caller
            else ""
        )
        self._banner("#case-repeat", repeat)
        self.query_one("#case-stage", Static).update(
            Text(f"Stage: {case.stage.label}, since {day(case.stage_since)}", end="")
        )
        nxt = summary.clock.next
        clock = self.query_one("#case-clock", Static)
        mark = _STATUS_MARK.get(nxt.status) if nxt else None
        clock.set_class(mark == "OVERDUE", "-overdue")
        clock.set_class(mark == "DUE SOON", "-due-soon")
        headline = Text(f"Clock: {summary.headline}" + (f"   [{mark}]" if mark else ""), end="")
        final = final_plan_line(summary)
        if final is not None and "final plan" not in summary.headline.lower():
            headline = join(headline, " · ", final)  # parents ask for the final plan's date too
        clock.update(headline)
        self.query_one("#case-tell", Static).update(Text(f"Tell the family: {summary.tell_family}", end=""))
        self.query_one("#case-officer", Static).update(officer_line(summary))
        self.query_one("#case-contacts", Static).update(contacts_text(summary))
        self.query_one("#case-caller", Static).update(caller_line(state, summary))
        self._items(activity, team_name)
        self._calls(activity)

    def _banner(self, selector: str, text: str) -> None:
        banner = self.query_one(selector, Static)
        banner.display = bool(text)
        banner.update(Text(text, end=""))

    def _items(self, activity: CaseActivity, team_name: dict[str, str]) -> None:
        table = self.query_one("#case-items", DataTable)
        table.clear()
        for item in activity.open_items:
            status = "OVERDUE" if item.overdue else item.status
            if item.claimed_by:
                status += f" (with {item.claimed_by})"
            what = "Callback" if item.kind == "callback" else "Hand-off"
            if item.priority.value == "urgent":
                what += " (urgent)"
            table.add_row(
                Text(when(item.due_at), style="bold" if item.overdue else "", end=""),
                Text(what),
                plain(team_name.get(item.team_code, item.team_code)),
                Text(status, style="bold reverse" if item.overdue else "", end=""),
            )
        if not activity.open_items:
            table.add_row(Text("None"), Text(""), Text(""), Text(""))

    def _calls(self, activity: CaseActivity) -> None:
        table = self.query_one("#case-calls", DataTable)
        table.clear()
        self._recent = {str(call.id): call for call in activity.recent}
        for call in activity.recent:
            why = call.reason.label + (" · SAFEGUARDING" if call.safeguarding else "")
            table.add_row(
                Text(when(call.started_at)),
                plain(call.staff_login),
                plain(call.caller_name or call.caller_kind.value),
                Text(why[:34]),
                Text(call.outcome.value.replace("_", " ")),
                _notes_cell(call),
                key=str(call.id),
            )
        if not activity.recent:
            table.add_row(Text("No calls logged yet"), *(Text("") for _ in range(5)))
            self.query_one("#case-call-note", Static).display = False
        else:
            self._show_note(str(activity.recent[0].id))

    def highlighted_call(self) -> CallRecord | None:
        """The past call under the cursor in the case's calls (what Ctrl+E corrects)."""
        table = self.query_one("#case-calls", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._recent.get(key) if key is not None else None

    @on(DataTable.RowHighlighted, "#case-calls")
    def _call_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._show_note(event.row_key.value)

    def _show_note(self, key: str) -> None:
        """The highlighted call in full: when, who took it, who rang, why, and every word of the note."""
        call = self._recent.get(key)
        box = self.query_one("#case-call-note", Static)
        box.display = call is not None
        if call is None:
            return
        box.update(
            join(
                Text(f"{when(call.started_at)} · taken by ", style="bold"),
                plain(call.staff_login, style="bold"),
                " · caller: ",
                plain(call.caller_name or call.caller_kind.value),
                f" · {call.reason.label}\n",
                call_note(call),
            )
        )


def _notes_cell(call: CallRecord) -> Text:
    """The notes that stand, cut to the column; a corrected call says so."""
    notes = call.current_notes
    cell = plain(notes[:40] + ("…" if len(notes) > 40 else ""))
    return join(Text("(corrected) ", style="bold"), cell) if call.corrections else cell


def call_note(call: CallRecord) -> Text:
    """A call's note in full. Saved calls are append-only: when corrected, the correction that stands comes
    first (who, when), then every earlier version, each marked SUPERSEDED, so both are always shown."""
    if not call.corrections:
        return plain(call.notes or "(no notes)", multiline=True)
    newest = call.corrections[-1]
    parts: list[Text | str] = [
        Text("Corrected by ", style="bold"),
        plain(newest.staff_login, style="bold"),
        Text(f", {when(newest.created_at)}:\n", style="bold"),
        plain(newest.notes or "(no notes)", multiline=True),
    ]
    earlier = [(c.staff_login, c.created_at, c.notes) for c in call.corrections[:-1]]
    for who, at, text in reversed([(call.staff_login, call.started_at, call.notes), *earlier]):
        parts += [
            Text("\nSUPERSEDED", style="bold reverse"),
            Text(f" ({when(at)}, "),
            plain(who),
            "):\n",
            plain(text or "(no notes)", multiline=True, style="dim"),
        ]
    return join(*parts)
