"""Every user action, declared once: id, key, label, help line and where it applies.

Why one list: a key used to be declared in up to five places (a binding, a palette entry, a palette guard,
the help text, a hint string) and they drifted (the duty keys were in neither the palette nor help). Now
each screen's `BINDINGS`, the command palette, the help screen, the footer and the hint lines under the
search box are all derived from `ACTIONS`, and a test checks that the README's key tables are too.

An action's `action` is the Textual action string run on the screen (or app) where it applies; the
palette runs it on the current screen if that screen has it, and otherwise says where it works.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from textual.binding import Binding, BindingType


class Where(StrEnum):
    """Where an action applies, in the words the help and README use."""

    ANYWHERE = "anywhere"
    SEARCH = "search"
    VERIFY = "checking the caller"
    CASE = "case"
    FORM = "call form"
    HANDOFF = "hand-off"
    CALLBACK = "callback"
    SAFEGUARDING = "safeguarding"
    CONTACT = "contact details"
    CORRECT = "correcting a note"
    DRAFT = "unfinished call"
    CONFIRM = "ending a call"
    HELP = "help"
    IDLE = "idle warning"
    DUTY = "queue"
    DUTY_FORM = "duty forms"
    MANAGER = "manager view"
    WORKSPACE = "manager's workspace"
    REVIEW = "quality review"

    @property
    def duty(self) -> bool:
        """Belongs to the duty officer's and manager's screens (the README's second key table)."""
        return self in (Where.DUTY, Where.DUTY_FORM, Where.MANAGER, Where.WORKSPACE, Where.REVIEW)


@dataclass(frozen=True)
class DeskAction:
    id: str
    #: Textual key names; a comma separates alternatives ("f1,question_mark").
    keys: str
    #: Short label for the footer.
    label: str
    #: The command palette's title.
    title: str
    #: One line for the help screen, the README and the binding's tooltip.
    help: str
    where: tuple[Where, ...]
    #: The Textual action string (defaults to the id).
    action: str = ""
    show: bool = True
    #: Moving a cursor is not something to run by name: these are the only actions kept out of the palette.
    move: bool = False
    priority: bool = False

    @property
    def run(self) -> str:
        return self.action or self.id

    @property
    def method(self) -> str:
        """The `action_…` method name the action calls."""
        return "action_" + self.run.split("(", 1)[0]

    @property
    def key_text(self) -> str:
        """The keys as a person reads them: 'F1 or ?', 'Ctrl+S', 'Esc'."""
        return " or ".join(key_words(k) for k in self.keys.split(","))

    @property
    def where_text(self) -> str:
        return ", ".join(w.value for w in self.where)

    def binding(self) -> Binding:
        return Binding(
            self.keys, self.run, self.label, show=self.show, priority=self.priority, tooltip=self.help, id=self.id
        )


_KEY_WORDS = {
    "escape": "Esc",
    "enter": "Enter",
    "question_mark": "?",
    "down": "↓",
    "up": "↑",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
}


def key_words(key: str) -> str:
    key = key.strip()
    if key in _KEY_WORDS:
        return _KEY_WORDS[key]
    if len(key) == 1:
        return key.upper()
    return "+".join(part.capitalize() if len(part) > 1 else part.upper() for part in key.split("+"))


A = DeskAction
W = Where

ACTIONS: tuple[DeskAction, ...] = (
    # --- anywhere --------------------------------------------------------------------------------------
    A("help", "f1,question_mark", "Help", "Help", "keys and how the screens work", (W.ANYWHERE,)),
    A(
        "safeguarding",
        "f9",
        "Safeguarding",
        "Raise a safeguarding concern",
        "safeguarding: the 999 and Children's Services script at once, then time, summary, referral reference",
        (W.ANYWHERE,),
        priority=True,
    ),
    A("lock", "ctrl+l", "Lock", "Lock the screen", "lock the screen now", (W.ANYWHERE,)),
    A(
        "toggle_mode",
        "f10",
        "Duty/handler",
        "Switch between call handler and duty officer",
        "switch between call handler and duty officer",
        (W.ANYWHERE,),
    ),
    A(
        "workspace",
        "f11",
        "Workspace",
        "Open the manager's workspace",
        "manager's workspace: promises kept, calls, ACT quality, your reviews",
        (W.ANYWHERE,),
        show=False,  # in help and the palette; the footer keeps its room for the screen's own keys
    ),
    # --- search ----------------------------------------------------------------------------------------
    A("next_result", "down", "Next", "Next result", "move to the next result", (W.SEARCH,), "cursor(1)", False, True),
    A(
        "prev_result",
        "up",
        "Previous",
        "Previous result",
        "move to the previous result",
        (W.SEARCH,),
        "cursor(-1)",
        False,
        True,
    ),
    A("next_page", "pagedown", "Page down", "Page down", "ten results down", (W.SEARCH,), "cursor(10)", False, True),
    A("prev_page", "pageup", "Page up", "Page up", "ten results up", (W.SEARCH,), "cursor(-10)", False, True),
    A("open", "enter", "Open", "Open the highlighted case", "open the highlighted case", (W.SEARCH,)),
    A(
        "no_case",
        "ctrl+n",
        "No case",
        "Start a call with no case",
        "a call about no known case (new request, general enquiry, unknown caller)",
        (W.SEARCH,),
    ),
    A("clear", "escape", "Clear", "Search for a case", "clear the search", (W.SEARCH,)),
    # --- the call --------------------------------------------------------------------------------------
    A(
        "skip_verify",
        "f6",
        "Go on unverified",
        "Go on without verifying the caller",
        "go on without verifying (case details stay hidden)",
        (W.VERIFY,),
    ),
    A(
        "log_call",
        "f2",
        "Log call",
        "Log the call",
        "open the call form (reason, urgent reason, notes, outcome), with the case summary beside it",
        (W.CASE,),
    ),
    A("reload", "f5", "Refresh", "Reload the case", "reload the case", (W.CASE,), show=False),
    A(
        "correct_note",
        "ctrl+e",
        "Correct note",
        "Correct a past call's note",
        "in the case's calls: correct the highlighted call's note (the first note stays on record, superseded)",
        (W.CASE,),
        show=False,  # at 80 wide the footer would push F9 Safeguarding off; help, palette and README have it
    ),
    A(
        "edit_contact",
        "f8",
        "Contact",
        "Change a contact's details",
        "change a contact's name, relationship, phone, other phone or email (caller verified first)",
        (W.CASE,),
    ),
    A(
        "end_call",
        "escape",
        "End call",
        "End the call",
        "end the call (asks before discarding anything unsaved)",
        (W.CASE, W.VERIFY),
    ),
    A(
        "toggle_case",
        "f2",
        "Case",
        "Show or hide the case summary",
        "show or hide the case summary beside the form (always shown on a wide screen)",
        (W.FORM,),
    ),
    A(
        "save",
        "ctrl+s",
        "Save call",
        "Save the call",
        "check and save the call (asks for the hand-off or callback the outcome needs)",
        (W.FORM,),
    ),
    A(
        "handoff",
        "f3",
        "Hand off",
        "Hand off the call",
        "hand off: choose the team (the proposal is explained)",
        (W.FORM,),
    ),
    A(
        "callback",
        "f4",
        "Callback",
        "Book a callback",
        "book a callback: number, best time, owning team; due by the service standard",
        (W.FORM,),
    ),
    A("back", "escape", "Back", "Back to the case", "back to the case (nothing is lost)", (W.FORM,)),
    A("accept", "enter", "Accept team", "Accept the proposed team", "accept the proposed team", (W.HANDOFF,)),
    A("other", "f7", "Other team", "Choose another team", "choose another team, with a reason", (W.HANDOFF,)),
    A("book", "ctrl+s", "Book callback", "Book the callback", "book the callback", (W.CALLBACK,)),
    A(
        "record",
        "ctrl+s",
        "Record concern",
        "Record the safeguarding concern",
        "record the concern on the call (saving the call alerts the duty officer)",
        (W.SAFEGUARDING,),
    ),
    A("save_contact", "ctrl+s", "Save contact", "Save the contact", "save the contact's details", (W.CONTACT,), "save"),
    A("save_correction", "ctrl+s", "Save", "Save the correction", "save the corrected note", (W.CORRECT,), "save"),
    A(
        "cancel",
        "escape",
        "Back",
        "Close this dialog",
        "back out of the dialog (what was typed is kept with the call; a correction is not saved)",
        (W.HANDOFF, W.CALLBACK, W.SAFEGUARDING, W.CONTACT, W.CORRECT, W.HELP),
    ),
    A(
        "restore",
        "r,escape",
        "Restore call",
        "Restore the unfinished call",
        "restore the unfinished call exactly as it was",
        (W.DRAFT,),
    ),
    A("discard", "d", "Discard", "Discard the unfinished call", "discard the unfinished call", (W.DRAFT,)),
    A(
        "yes",
        "y",
        "End and discard",
        "End the call and discard it",
        "end the call and discard what was typed",
        (W.CONFIRM,),
    ),
    A("no", "n,escape", "Keep the call", "Keep the call", "keep the call", (W.CONFIRM,)),
    A("stay", "enter,escape", "Stay signed in", "Stay signed in", "stay signed in (any key does)", (W.IDLE,), "cancel"),
    # --- duty officer ----------------------------------------------------------------------------------
    A(
        "claim",
        "c",
        "Claim",
        "Claim the highlighted item",
        "claim the highlighted item (a lease, renewed while open)",
        (W.DUTY,),
    ),
    A(
        "claim_next",
        "n",
        "Next",
        "Claim the most pressing free item",
        "claim the most pressing free item across the teams shown (urgent first, then most overdue)",
        (W.DUTY,),
    ),
    A(
        "complete",
        "d",
        "Done",
        "Complete the item",
        "done: complete the item you hold, with outcome and notes (a returned callback is logged as a call)",
        (W.DUTY,),
    ),
    A(
        "attempt",
        "f",
        "Failed try",
        "Record a failed try",
        "failed try: no answer or voicemail left; counts the attempt, keeps it open",
        (W.DUTY,),
    ),
    A("release", "r", "Release", "Release the item", "release it back to the queue", (W.DUTY,)),
    A("reassign", "t", "Reassign", "Reassign to another team", "reassign to another team, with a reason", (W.DUTY,)),
    A(
        "accept_item",
        "a",
        "Accept",
        "Accept the hand-off",
        "accept a hand-off into your team's work",
        (W.DUTY,),
        "accept",
    ),
    A("manager", "m", "Manager", "Team report", "manager view: promises kept and broken, per team", (W.DUTY,)),
    A("queue_reload", "f5", "Refresh", "Reload the queue", "reload the queue", (W.DUTY,), "reload", show=False),
    A("form_save", "ctrl+s", "Save", "Save the form", "save the form", (W.DUTY_FORM,), "save"),
    A("form_cancel", "escape", "Cancel", "Cancel the form", "cancel the form", (W.DUTY_FORM,), "cancel"),
    A("report_close", "escape", "Close", "Close the team report", "close the team report", (W.MANAGER,), "close"),
    A("report_reload", "r", "Reload", "Reload the team report", "reload the team report", (W.MANAGER,), "reload"),
    A("ws_back", "escape", "Back", "Leave the workspace", "back to where you were", (W.WORKSPACE,), "close"),
    A("ws_reload", "r", "Reload", "Reload the workspace", "reload every figure", (W.WORKSPACE,), "reload"),
    A(
        "ws_open_review",
        "enter",
        "Review",
        "Open the item to review",
        "in To review: open the item beside the scorecard; in Disputes to resolve: open it to re-score or uphold",
        (W.WORKSPACE,),
        "open_review",
        show=False,
    ),
    A(
        "ws_acknowledge",
        "a",
        "Acknowledge",
        "Acknowledge the review",
        "in My reviews: acknowledge the highlighted review of your work",
        (W.WORKSPACE,),
        "acknowledge",
    ),
    A(
        "ws_dispute",
        "d",
        "Dispute",
        "Dispute the review",
        "in My reviews: dispute the highlighted review, with a reason (within 10 working days)",
        (W.WORKSPACE,),
        "dispute",
    ),
    A(
        "ws_uphold",
        "u",
        "Uphold",
        "Uphold the disputed review",
        "in Disputes to resolve: uphold the review, with a note (quality reviewers, not the original reviewer)",
        (W.WORKSPACE,),
        "uphold",
    ),
    A(
        "ws_assign",
        "g",
        "Give",
        "Give a review to another reviewer",
        "in Last month's sample: give the item's first or blind second review to another reviewer (managers)",
        (W.WORKSPACE,),
        "assign",
        show=False,
    ),
    A(
        "ws_sample",
        "s",
        "Sample",
        "Draw last month's quality sample",
        "draw last month's ACT quality sample (team managers; once a month, seed recorded)",
        (W.WORKSPACE,),
        "sample",
    ),
    A("review_save", "ctrl+s", "Save review", "Save the review", "save the review", (W.REVIEW,), "save"),
    A("review_cancel", "escape", "Back", "Leave without saving", "back without saving", (W.REVIEW,), "cancel"),
)

BY_ID: dict[str, DeskAction] = {a.id: a for a in ACTIONS}


def actions_for(*where: Where) -> tuple[DeskAction, ...]:
    return tuple(a for a in ACTIONS if any(w in a.where for w in where))


def bindings(*where: Where) -> list[BindingType]:
    """A screen's BINDINGS: every action that applies there."""
    return [a.binding() for a in actions_for(*where)]


def hint(*ids: str) -> str:
    """A hint line such as 'Enter open · Ctrl+N no case', from the actions' own keys and labels."""
    return " · ".join(f"{BY_ID[i].key_text} {BY_ID[i].label.lower()}" for i in ids)


def help_text() -> str:
    """The help screen: every action, grouped by where it applies."""
    lines = ["dutyline: the SEND duty line desk", ""]
    order: list[Where] = []
    for a in ACTIONS:
        for w in a.where:
            if w not in order:
                order.append(w)
    for w in order:
        lines.append(w.value.upper())
        for a in ACTIONS:
            if w in a.where:
                lines.append(f"  {a.key_text:<12} {a.help}")
        lines.append("")
    lines += [
        # One paragraph a line: the help screen wraps them to its width (80 columns or 120 alike).
        "In the search box, type any of: name (misspellings are fine), date of birth, postcode, phone, school, "
        "case ref. Above the results: Match (one child clearly ahead), Possible (weak, or a name you typed "
        "fits the best child barely or not at all: check it), or 'N children alike' with the question to ask. "
        "'30 shown, 9 likely': rows after the ninth are further off, listed to choose from.",
        "Checking the caller: Space picks who is calling, Tab moves, Space ticks each check.",
        "Ctrl+P opens the command palette (every action, and 'open case' by name). Ctrl+Q quits.",
        "Your typing is saved as a draft every few seconds; if the app stops, the next start offers the call back.",
        "The screen locks after a few minutes without typing; a warning comes 30 seconds before.",
    ]
    return "\n".join(lines)


def readme_rows(*, duty: bool) -> list[str]:
    """The README's key table rows (handler: key | where | does; duty: key | where | does)."""
    rows = []
    for a in ACTIONS:
        if any(w.duty for w in a.where) != duty:
            continue
        rows.append(f"| {a.key_text} | {a.where_text} | {a.help} |")
    return rows
