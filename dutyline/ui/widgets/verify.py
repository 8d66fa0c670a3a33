"""Check who is calling: pick the caller, confirm date of birth and postcode. Until both are confirmed the
screen shows only what is needed to check them (the child's name, date of birth, postcode and contacts).

Every change is written straight into the call state (so it is autosaved) and announced with `Changed`.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Static

from dutyline.domain.call_draft import CallDraft
from dutyline.domain.model import CallerKind, CaseInfo
from dutyline.ui.safe import day, join, plain


def _contact_label(name: str, relationship: str, pr: bool) -> Text:
    rel = join(" (", plain(relationship), ")") if relationship else Text("")
    return join(plain(name), rel, " · parental responsibility" if pr else " · no parental responsibility")


class VerifyPanel(Vertical):
    """The verification step for one case."""

    DEFAULT_CSS = """
    VerifyPanel { height: auto; }
    VerifyPanel RadioSet { width: 1fr; height: auto; max-height: 8; }
    VerifyPanel #verify-who { height: auto; }
    VerifyPanel #verify-who Input { width: 1fr; }
    VerifyPanel #verify-checks { height: auto; }
    VerifyPanel Checkbox { width: 1fr; }
    """

    class Changed(Message):
        """The caller or the checks changed."""

    def __init__(self, case: CaseInfo, state: CallDraft, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.case = case
        self.state = state
        self._options: list[tuple[str, int | None, bool]] = [
            (CallerKind.CONTACT.value, c.id, c.parental_responsibility) for c in case.contacts
        ] + [
            (CallerKind.YOUNG_PERSON.value, None, False),
            (CallerKind.PROFESSIONAL.value, None, False),
            (CallerKind.OTHER.value, None, False),
        ]

    def compose(self) -> ComposeResult:
        case = self.case
        yield Static(
            join("Check who is calling about ", plain(case.display_name, style="bold"), f" ({case.case_ref})"),
            classes="section",
            markup=False,
        )
        yield Static(
            join(
                "Ask the caller to confirm:  date of birth ",
                Text(day(case.date_of_birth), style="bold"),
                "   postcode ",
                plain(case.postcode, style="bold"),
            ),
            markup=False,
        )
        buttons = []
        for i, (kind, contact_id, pr) in enumerate(self._options):
            if kind == CallerKind.CONTACT.value:
                c = next(x for x in case.contacts if x.id == contact_id)
                text = _contact_label(c.name, c.relationship, pr)
            else:
                text = Text(
                    {
                        "young_person": "The young person",
                        "professional": "A professional (school, health…)",
                        "other": "Someone else",
                    }[kind]
                )
            chosen = self.state.caller_kind == kind and (
                kind != CallerKind.CONTACT.value or self.state.caller_contact_id == contact_id
            )
            buttons.append(RadioButton(text, value=chosen, id=f"caller-{i}"))
        yield RadioSet(*buttons, id="verify-caller")
        with Horizontal(id="verify-who"):
            yield Input(self.state.caller_name, placeholder="Caller's name (if not a listed contact)", id="caller-name")
            yield Input(self.state.caller_phone, placeholder="Caller's number (optional)", id="caller-phone")
        with Horizontal(id="verify-checks"):
            yield Checkbox(Text("Date of birth confirmed"), self.state.verified_dob, id="check-dob")
            yield Checkbox(Text("Postcode confirmed"), self.state.verified_postcode, id="check-postcode")
        yield Static(
            Text(
                "The case opens when the caller is chosen and both are confirmed. "
                "F6: go on without verifying (details stay hidden).",
                style="italic",
            ),
            markup=False,
        )

    def on_mount(self) -> None:
        self._sync_name_box()

    def _sync_name_box(self) -> None:
        needs_name = self.state.caller_kind in (CallerKind.PROFESSIONAL.value, CallerKind.OTHER.value)
        self.query_one("#verify-who").display = needs_name

    @on(RadioSet.Changed, "#verify-caller")
    def _caller(self, event: RadioSet.Changed) -> None:
        kind, contact_id, pr = self._options[event.index]
        self.state.caller_kind = CallerKind(kind)
        self.state.caller_contact_id = contact_id
        self.state.caller_has_pr = pr
        if kind == CallerKind.CONTACT.value:
            c = next(x for x in self.case.contacts if x.id == contact_id)
            self.state.caller_name, self.state.caller_phone = c.name, c.phone
        else:
            self.state.caller_name = self.query_one("#caller-name", Input).value
            self.state.caller_phone = self.query_one("#caller-phone", Input).value
        self._sync_name_box()
        self.post_message(self.Changed())

    @on(Input.Changed, "#caller-name")
    def _caller_name_typed(self, event: Input.Changed) -> None:  # not `_name`: that is Textual's node name
        self.state.caller_name = event.value
        self.post_message(self.Changed())

    @on(Input.Changed, "#caller-phone")
    def _caller_phone_typed(self, event: Input.Changed) -> None:
        self.state.caller_phone = event.value
        self.post_message(self.Changed())

    @on(Checkbox.Changed)
    def _check(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "check-dob":
            self.state.verified_dob = event.value
        elif event.checkbox.id == "check-postcode":
            self.state.verified_postcode = event.value
        self.post_message(self.Changed())
