"""Resolving a disputed review: the call record, read-only, beside the disputed scores and the person's reason.

The resolver (a reviewer other than the one who scored it, never the person reviewed) may change any answer
the reviewer gave. Ctrl+S saves with a note the person reads: unchanged answers uphold the review, changed
ones re-score it as a new version (the disputed one is kept and shown as superseded). The Timely answers
came from the data and stay as they were. Nothing on this screen edits the call.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from dutyline.services import quality_feedback
from dutyline.services.context import Context
from dutyline.ui.actions import Where, bindings
from dutyline.ui.errors import describe
from dutyline.ui.safe import plain
from dutyline.ui.workspace.review import ANSWER_WORDS, record_text


def changed(original: dict[str, str], chosen: dict[str, str]) -> dict[str, str] | None:
    """The answers to re-score with, or None when the resolver changed nothing (the review is upheld)."""
    if all(original.get(code) == value for code, value in chosen.items()):
        return None
    return {**original, **chosen}


class ResolveScreen(Screen[bool]):
    BINDINGS = bindings(Where.REVIEW)
    DEFAULT_CSS = """
    ResolveScreen #rs-body { height: 1fr; }
    ResolveScreen #rs-record { width: 1fr; border-right: solid $accent; padding: 0 1; }
    ResolveScreen #rs-card { width: 1fr; padding: 0 1; }
    ResolveScreen .rv-item { height: auto; margin-top: 1; }
    ResolveScreen Select { width: 1fr; }
    """

    def __init__(self, ctx: Context, review_id: int) -> None:
        super().__init__()
        self.ctx = ctx
        self.review_id = review_id
        self.original: dict[str, str] = {}
        self.manual: set[str] = set()

    def compose(self) -> ComposeResult:
        with Horizontal(id="rs-body"):
            with VerticalScroll(id="rs-record"):
                yield Static(Text("Loading the call record…"), markup=False, id="rs-record-text")
            yield VerticalScroll(id="rs-card")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="resolve-open", exit_on_error=False)
    def load(self) -> None:
        form = quality_feedback.open_dispute(self.ctx, self.review_id)
        self.app.call_from_thread(self.show, form)

    def show(self, form: quality_feedback.DisputeForm) -> None:
        review = form.review
        self.original = dict(review.answers)
        self.query_one("#rs-record-text", Static).update(record_text(form.record))
        card = self.query_one("#rs-card", VerticalScroll)
        verdict = "pass" if review.passed else "FAIL"
        card.mount(Label(Text(f"Disputed review of {review.item} by {review.reviewer} ({verdict})", style="bold")))
        card.mount(Label(plain(f"Why disputed: {review.dispute_reason}"), markup=False))
        card.mount(
            Label(
                Text("Change an answer to re-score (the old version is kept), or leave them to uphold.", style="italic")
            )
        )
        for item in form.scorecard.items:
            crit = " (critical)" if item.critical else ""
            card.mount(Label(Text(f"{item.section.label}: {item.text}{crit}"), classes="rv-item", markup=False))
            given = review.answers.get(item.code, "")
            if item.code in review.auto_codes or item.auto is not None:
                words = ANSWER_WORDS.get(given, given) or "—"
                card.mount(Label(Text(f"  from the data: {words}", style="italic"), markup=False))
                continue
            self.manual.add(item.code)
            options = [(ANSWER_WORDS.get(v, v), v) for v in item.allowed()]
            value = given if given in item.allowed() else Select.BLANK
            card.mount(Select(options, value=value, prompt="Choose…", id=f"ans-{item.code}"))
        card.mount(Input(placeholder="Resolution note for the person (required)", id="rs-note"))

    def answers(self) -> dict[str, str]:
        out = {}
        for select in self.query(Select):
            code = (select.id or "").removeprefix("ans-")
            if code in self.manual and isinstance(select.value, str):
                out[code] = select.value
        return out

    def action_save(self) -> None:
        note = self.query_one("#rs-note", Input).value.strip() if self.query("#rs-note") else ""
        if not note:
            self.notify("Write a resolution note: the person reviewed reads it.", markup=False)
            return
        self.save(changed(self.original, self.answers()), note)

    @work(thread=True, exclusive=True, group="resolve-save", exit_on_error=False)
    def save(self, answers: dict[str, str] | None, note: str) -> None:
        manual = None if answers is None else {c: v for c, v in answers.items() if c in self.manual}
        quality_feedback.resolve(self.ctx, self.review_id, note, manual)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(describe(event.worker.error), severity="error", markup=False, timeout=10)
        elif event.state == WorkerState.SUCCESS and event.worker.group == "resolve-save":
            self.notify("Dispute resolved.", markup=False)
            self.dismiss(True)


class AssignForm(ModalScreen[tuple[str, bool] | None]):
    """Who takes an item's first (or blind second) review: only the reviewers allowed for it are offered
    (never the person whose work it is, never the item's other reviewer). Ctrl+S assigns, Esc cancels."""

    BINDINGS = bindings(Where.DUTY_FORM)
    DEFAULT_CSS = """
    AssignForm { align: center middle; }
    AssignForm > VerticalScroll { width: 72; height: auto; max-height: 14; background: $panel;
                                  border: thick $accent; padding: 0 1; }
    AssignForm Select { width: 1fr; }
    """

    def __init__(self, item: str, first: list[str], second: list[str]) -> None:
        super().__init__()
        self.item = item
        self.choices = {False: first, True: second}

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label(plain(f"Assign the review of {self.item} (Ctrl+S assigns, Esc cancels)"), markup=False)
            yield Select(
                [("First review", "first"), ("Blind second review", "second")],
                value="first",
                allow_blank=False,
                id="as-slot",
            )
            yield Select([(plain(p), p) for p in self.choices[False]], prompt="Reviewer…", id="as-who")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "as-slot":
            people = self.choices[event.value == "second"]
            self.query_one("#as-who", Select).set_options([(plain(p), p) for p in people])

    def action_save(self) -> None:
        who = self.query_one("#as-who", Select).value
        if not isinstance(who, str):
            self.notify("Choose the reviewer who takes it.", markup=False)
            return
        self.dismiss((who, self.query_one("#as-slot", Select).value == "second"))

    def action_cancel(self) -> None:
        self.dismiss(None)
