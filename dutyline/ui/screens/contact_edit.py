"""Change a contact's details during a call ("I've got a new number"): name, relationship, phones, email.

Why a guarded save: two desks can have the same case open. The contact's version travels with the form,
and the service refuses the save if anyone saved the contact since it was read (`Conflict`). The dialog
then shows what the other person changed and what was not saved, and reloads the stored details into the
form; it never overwrites a change the handler has not seen.

Returns True when the case view should reload (a save happened, or the contact was found changed), else
None. Every name and number is shown through `dutyline.ui.safe.plain` (sanitised, never markup).
"""

from __future__ import annotations

import re

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Select, Static

from dutyline.domain.call_draft import CallDraft
from dutyline.domain.model import CallerKind, ContactInfo
from dutyline.domain.text import one_line, phone_digits, valid_uk_phone
from dutyline.services.context import Conflict
from dutyline.ui.actions import Where, bindings
from dutyline.ui.desk import Desk
from dutyline.ui.errors import describe
from dutyline.ui.safe import join, plain
from dutyline.ui.screens.base import DeskModal

#: (field, label, longest value the contact table holds). Field names are the service's.
FIELDS: tuple[tuple[str, str, int], ...] = (
    ("name", "Name", 200),
    ("relationship", "Relationship", 100),
    ("phone", "Phone", 40),
    ("alt_phone", "Other phone", 40),
    ("email", "Email", 254),
)
LABELS = {name: label for name, label, _ in FIELDS}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def stored_values(contact: ContactInfo) -> dict[str, str]:
    """The editable fields as the form shows them: sanitised, because an Input shows its value raw (an
    imported name could carry a terminal escape). Comparing typed values with these means an untouched
    field is never "changed" just because it was cleaned."""
    return {name: one_line(str(getattr(contact, name))) for name, _, _ in FIELDS}


def contact_problems(values: dict[str, str]) -> list[str]:
    """What to fix before saving, in plain words (values already trimmed to one line)."""
    problems = []
    if not values["name"]:
        problems.append("Give the contact's name.")
    for field in ("phone", "alt_phone"):
        number = values[field]
        if number and not valid_uk_phone(phone_digits(number)):
            problems.append(
                f"{LABELS[field]}: this is not a UK number we can ring. Type 10 or 11 digits "
                "starting 0 (or +44 / +country code), or leave it empty."
            )
    if values["email"] and not _EMAIL.match(values["email"]):
        problems.append("Email: this does not look like an email address (name@example.org), or leave it empty.")
    for field, label, longest in FIELDS:
        if len(values[field]) > longest:
            problems.append(f"{label}: too long ({longest} characters at most).")
    return problems


def contact_label(contact: ContactInfo) -> Text:
    rel = join(" (", plain(contact.relationship), ")") if contact.relationship else Text("", end="")
    return join(plain(contact.name), rel)


class ContactEditScreen(DeskModal[bool | None]):
    """Edit one of the case's contacts; Ctrl+S saves (in a thread worker), Esc goes back."""

    # Ctrl+S is not a priority binding: those run as the key arrives, before the box has taken the keys
    # typed just ahead of it (a paste, a fast typist), and would save a half-typed number.
    BINDINGS = bindings(Where.CONTACT)
    DEFAULT_CSS = """
    ContactEditScreen { align: center middle; }
    ContactEditScreen .ce-row { height: auto; }
    ContactEditScreen .ce-row Input { width: 1fr; }
    ContactEditScreen #ce-contact { width: 1fr; }
    ContactEditScreen #ce-email { width: 1fr; }
    ContactEditScreen #ce-problem { margin-top: 1; }
    """

    def __init__(
        self,
        desk: Desk,
        call: CallDraft,
        case_id: int,
        contacts: tuple[ContactInfo, ...],
        chosen_id: int | None = None,
    ) -> None:
        super().__init__()
        self.desk = desk
        self.call = call
        self.case_id = case_id
        self.contacts = {c.id: c for c in contacts if c.id is not None}
        first = next(iter(self.contacts))
        self.current: ContactInfo = self.contacts[chosen_id if chosen_id in self.contacts else first]
        #: A save happened or someone else's change was found: the case view behind must reload.
        self.stale = False
        self.saving = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="ce-dialog", classes="dialog"):
            yield Static(Text("Change contact details", style="bold"), markup=False)
            yield Select(
                [(contact_label(c), cid) for cid, c in self.contacts.items()],
                value=self.current.id,
                allow_blank=False,
                id="ce-contact",
            )
            with Horizontal(classes="ce-row"):
                yield self._input("name")
                yield self._input("relationship")
            with Horizontal(classes="ce-row"):
                yield self._input("phone")
                yield self._input("alt_phone")
            yield self._input("email")
            yield Static(id="ce-problem", classes="problems", markup=False)
            yield Static(Text("Ctrl+S: save · Esc: back without saving", style="italic"), markup=False)
        yield Footer()

    def _input(self, field: str) -> Input:
        box = Input(stored_values(self.current)[field], id=f"ce-{field}", placeholder=LABELS[field])
        box.border_title = LABELS[field]
        return box

    def on_mount(self) -> None:
        # Inline, because the app stylesheet's `.dialog` padding outranks DEFAULT_CSS: two more rows at 80x24.
        self.query_one("#ce-dialog").styles.padding = (0, 1)
        self._problem(Text("", end=""))
        self.query_one("#ce-phone").focus()  # the usual reason to be here: a new number

    # --- filling and reading the form -----------------------------------------------------------------
    def _fill(self, contact: ContactInfo) -> None:
        self.current = contact
        if contact.id is not None:  # always, for a contact read back from the case; None is a new one
            self.contacts[contact.id] = contact
        for field, value in stored_values(contact).items():
            self.query_one(f"#ce-{field}", Input).value = value

    def _typed(self) -> dict[str, str]:
        return {field: one_line(self.query_one(f"#ce-{field}", Input).value) for field, _, _ in FIELDS}

    @on(Select.Changed, "#ce-contact")
    def _contact_chosen(self, event: Select.Changed) -> None:
        chosen = self.contacts.get(event.value) if isinstance(event.value, int) else None
        if chosen is not None and chosen.id != self.current.id:
            self._fill(chosen)
            self._problem(Text("", end=""))

    def _problem(self, text: Text) -> None:
        box = self.query_one("#ce-problem", Static)
        box.display = bool(text.plain)  # no empty lines at 80x24 when there is nothing to say
        box.update(text)
        if text.plain:  # at 80x24 the dialog scrolls: bring the message into view (Tab brings the fields back)
            self.call_after_refresh(box.scroll_visible, animate=False)

    # --- saving ---------------------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.saving:
            return
        typed = self._typed()
        problems = contact_problems(typed)
        if problems:
            self._problem(Text("\n".join(f"! {p}" for p in problems), end=""))
            return
        before = stored_values(self.current)
        changes = {field: value for field, value in typed.items() if value != before[field]}
        if not changes:
            self._problem(Text("! Nothing to save: no detail was changed.", end=""))
            return
        assert self.current.id is not None
        self.saving = True
        self._problem(Text("Saving…", end=""))
        self.save(self.current.id, self.current.version, changes, before)

    @work(thread=True, exclusive=True, group="contact-save", exit_on_error=False)
    def save(self, contact_id: int, version: int, changes: dict[str, str], before: dict[str, str]) -> None:
        desk = self.desk
        try:
            saved = desk.update_contact(contact_id, version, changes)
        except Conflict as exc:
            fresh = None
            try:
                summary = desk.case_summary(self.case_id)
                fresh = next((c for c in summary.case.contacts if c.id == contact_id), None)
            except Exception:  # noqa: BLE001 - the conflict is still shown; the reload is a courtesy
                pass
            self.app.call_from_thread(self._conflict, exc, changes, before, fresh)
            return
        except Exception as exc:  # noqa: BLE001 - shown in plain words inside the dialog, never a crash
            self.app.call_from_thread(self._failed, describe(exc))
            return
        self.app.call_from_thread(self._saved, saved, sorted(changes))

    def _saved(self, saved: ContactInfo, fields: list[str]) -> None:
        self.saving = False
        state = self.call
        if state.caller_kind == CallerKind.CONTACT and state.caller_contact_id == saved.id:
            state.caller_name, state.caller_phone = saved.name, saved.phone  # the call log names them as now
        what = ", ".join(LABELS[f].lower() for f in fields)
        self.notify(f"Contact details saved ({what}).", title="Saved", markup=False)
        self.dismiss(True)

    def _failed(self, message: str) -> None:
        self.saving = False
        self._problem(Text(f"! {message}", end=""))

    def _conflict(
        self, exc: Conflict, changes: dict[str, str], before: dict[str, str], fresh: ContactInfo | None
    ) -> None:
        """Show what the other person changed and what was not saved; load the stored details."""
        self.saving = False
        self.stale = True
        lines = [Text(f"! {exc}", end="")]
        if fresh is None:
            lines.append(Text("The contact could not be reloaded: press Esc and open the case again.", end=""))
            for field, (_mine, theirs) in exc.changes.items():
                lines.append(join(f"  {LABELS.get(field, field)} is now: ", plain(theirs)))
        else:
            now = stored_values(fresh)
            for field, _, _ in FIELDS:
                if now[field] != before[field]:
                    lines.append(
                        join(
                            f"  {LABELS[field]} changed by someone else: now ",
                            plain(now[field] or "(empty)"),
                            ", was ",
                            plain(before[field] or "(empty)"),
                        )
                    )
            self._fill(fresh)
        for field, value in changes.items():
            lines.append(join(f"  Not saved, your {LABELS[field].lower()}: ", plain(value or "(empty)")))
        lines.append(
            Text(
                "The form now shows the stored details: type your change again if it is still right, then Ctrl+S.",
                end="",
            )
        )
        self._problem(Text("\n", end="").join(lines))

    def action_cancel(self) -> None:
        if self.saving:  # the save's answer is on its way; closing now would lose it
            return
        self.dismiss(True if self.stale else None)
