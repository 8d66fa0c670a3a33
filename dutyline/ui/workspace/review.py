"""Reviewing one sampled item: the call record, read-only, beside the ACT scorecard.

The record is a Static built from a `CallRecord` value: there is nothing on this screen that could edit the
call. Timely items are filled in from the data and shown as such. Ctrl+S saves the review (the service
checks every item is answered and that this person is the assigned reviewer); Esc leaves without saving.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from dutyline.domain.call_form import CALLER_LABELS, OUTCOME_LABELS
from dutyline.domain.model import REASON_LABELS, STAGE_LABELS
from dutyline.domain.quality.record import CallRecord
from dutyline.domain.quality.scorecard import Scorecard
from dutyline.domain.queue import QueueItem
from dutyline.services import quality
from dutyline.services.context import Context
from dutyline.ui.actions import Where, bindings
from dutyline.ui.duty.detail import DutyDetail
from dutyline.ui.errors import describe
from dutyline.ui.safe import plain, when

ANSWER_WORDS = {"yes": "Yes", "no": "No", "na": "Not applicable"}


def _words(labels: Mapping[Any, str], code: str) -> str:
    """A stored code in the words the handler chose it by (the code itself if it has none, e.g. retired)."""
    for key, label in labels.items():
        if getattr(key, "value", key) == code:
            return label
    return code


def record_text(r: CallRecord) -> Text:
    """The call record as the reviewer reads it: codes in words, user text through `plain` (never
    markup), and a corrected note shown as it stands now with what was first saved marked SUPERSEDED."""
    out = Text(end="")

    def line(label: str, value: object) -> None:
        out.append(f"{label}: ", style="bold")
        out.append(plain(value))
        out.append("\n")

    line("Item", r.item)
    line("Handler", r.handler or "—")
    line("Call", when(r.started_at) + f" ({r.duration_s // 60} min)")
    line("Case", f"{r.case_ref or 'no case'}" + (f" · {_words(STAGE_LABELS, r.stage)}" if r.stage else ""))
    caller = _words(CALLER_LABELS, r.caller_kind) + (f" ({r.caller_name})" if r.caller_name else "")
    line("Caller", caller + (" · parental responsibility" if r.caller_has_pr else ""))
    checks = [w for ok, w in ((r.verified_dob, "date of birth"), (r.verified_postcode, "postcode")) if ok]
    line("Verified", ", ".join(checks) or "NOT verified")
    urgent = f" (urgent: {r.urgent_reason})" if r.urgent_reason else ""
    line("Reason", _words(REASON_LABELS, r.reason) + urgent)
    line("Outcome", _words(OUTCOME_LABELS, r.outcome) + (" · SAFEGUARDING" if r.safeguarding else ""))
    if r.referral_ref:
        line("Referral", r.referral_ref)
    if r.corrections:
        last = r.corrections[-1]
        out.append(f"Notes (corrected {when(last.created_at)} by ", style="bold")
        out.append(plain(last.staff_login))
        out.append("):\n", style="bold")
        out.append(plain(last.notes or "(none)", multiline=True))
        out.append("\nAs first saved (SUPERSEDED):\n", style="bold")
        original = plain(r.notes or "(none)", multiline=True)
        original.stylize("dim")
        out.append(original)
    else:
        out.append("Notes:\n", style="bold")
        out.append(plain(r.notes or "(none)", multiline=True))
    out.append("\n")
    for p in r.promises:
        kept = "open" if p.completed_at is None else ("on time" if p.completed_at <= p.due_at else "LATE")
        done = f", done {when(p.completed_at)} by {p.completed_by}" if p.completed_at else ""
        what = "Callback" if p.kind == "callback" else "Hand-off"
        line(what, f"{p.team}, due {when(p.due_at)}{done} ({kept})")
        if p.override_reason:
            line("  override", p.override_reason)
    if r.later_calls:
        out.append("What happened next:\n", style="bold")
        for c in r.later_calls:
            out.append(
                plain(
                    f"  {when(c.started_at)} {_words(REASON_LABELS, c.reason)} -> {_words(OUTCOME_LABELS, c.outcome)}"
                )
            )
            out.append("\n")
    return out


class ReviewScreen(Screen[bool]):
    BINDINGS = bindings(Where.REVIEW)
    DEFAULT_CSS = """
    ReviewScreen #rv-body { height: 1fr; }
    ReviewScreen #rv-record { width: 1fr; border-right: solid $accent; padding: 0 1; }
    ReviewScreen #rv-card { width: 1fr; padding: 0 1; }
    ReviewScreen .rv-item { width: 1fr; height: auto; margin-top: 1; }
    ReviewScreen Select { width: 1fr; }
    """

    def __init__(self, ctx: Context, qa_item_id: int) -> None:
        super().__init__()
        self.ctx = ctx
        self.qa_item_id = qa_item_id
        self.card: Scorecard | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="rv-body"):
            with VerticalScroll(id="rv-record"):
                yield Static(Text("Loading the call record…"), markup=False, id="rv-record-text")
            yield VerticalScroll(id="rv-card")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="review-open", exit_on_error=False)
    def load(self) -> None:
        form = quality.open_item(self.ctx, self.qa_item_id)
        self.app.call_from_thread(self.show, form)

    def show(self, form: quality.ReviewForm) -> None:
        self.card = form.scorecard
        self.query_one("#rv-record-text", Static).update(record_text(form.record))
        card = self.query_one("#rv-card", VerticalScroll)
        title = "Blind second review" if form.entry.blind else "Review"
        card.mount(Label(Text(f"{title} · {form.entry.why} · scorecard {form.scorecard.version}", style="bold")))
        for item in form.scorecard.items:
            crit = " (critical)" if item.critical else ""
            card.mount(Label(Text(f"{item.section.label}: {item.text}{crit}"), classes="rv-item", markup=False))
            if item.auto is not None:
                answer = ANSWER_WORDS.get(form.auto.get(item.code, "na"), "")
                card.mount(Label(Text(f"  from the data: {answer}", style="italic"), markup=False))
            else:
                options = [(ANSWER_WORDS.get(v, v), v) for v in item.allowed()]
                card.mount(Select(options, prompt="Choose…", id=f"ans-{item.code}"))
        card.mount(Input(placeholder="Comment for the person reviewed (optional)", id="rv-comment"))

    def answers(self) -> dict[str, str]:
        out = {}
        for select in self.query(Select):
            if select.id and select.id.startswith("ans-") and isinstance(select.value, str):
                out[select.id.removeprefix("ans-")] = select.value
        return out

    def action_save(self) -> None:
        comment = self.query_one("#rv-comment", Input).value if self.query("#rv-comment") else ""
        self.save(self.answers(), comment)

    @work(thread=True, exclusive=True, group="review-save", exit_on_error=False)
    def save(self, answers: dict[str, str], comment: str) -> None:
        quality.save_review(self.ctx, self.qa_item_id, answers, comment)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(describe(event.worker.error), severity="error", markup=False, timeout=10)
        elif event.state == WorkerState.SUCCESS and event.worker.group == "review-save":
            # Close only once the save's worker has finished: dismissing from inside it would cancel it.
            self.notify("Review saved.", markup=False)
            self.dismiss(True)


class DisputeForm(ModalScreen[str | None]):
    """Why the person disputes a review of their work, or the resolver's note (required); Enter sends,
    Esc cancels."""

    BINDINGS = bindings(Where.DUTY_FORM)
    DEFAULT_CSS = """
    DisputeForm { align: center middle; }
    DisputeForm > VerticalScroll { width: 72; height: auto; max-height: 12; background: $panel;
                                   border: thick $accent; padding: 0 1; }
    """

    def __init__(self, item: str, *, resolving: bool = False) -> None:
        super().__init__()
        self.item = item
        self.resolving = resolving

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            if self.resolving:
                yield Label(plain(f"Uphold the review of {self.item}: your note to the person"), markup=False)
                yield Input(placeholder="Resolution note (required)", id="why")
            else:
                yield Label(plain(f"Dispute the review of {self.item}"), markup=False)
                yield Input(placeholder="Why? (required) e.g. 'the caller was verified on the earlier call'", id="why")

    def on_mount(self) -> None:
        self.query_one("#why", Input).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        reason = self.query_one("#why", Input).value.strip()
        if not reason:
            self.notify("Say why: the reviewer who resolves it reads it.", markup=False)
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ItemModal(ModalScreen[None]):
    """An overdue or due-soon item from the workspace, in full (the duty pane's view); Esc closes.

    Viewing it is the queue's audited read (`get_item` checks the role); working it is the duty screen's job.
    """

    BINDINGS = bindings(Where.MANAGER)
    DEFAULT_CSS = """
    ItemModal { align: center middle; }
    ItemModal > DutyDetail { width: 80; height: 80%; background: $panel; border: thick $accent; }
    """

    def __init__(self, ctx: Context, key: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.key = key

    def compose(self) -> ComposeResult:
        yield DutyDetail()
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="ws-item", exit_on_error=False)
    def load(self) -> None:
        from dutyline.services import queue

        kind, _, number = self.key.partition(":")
        item = queue.get_item(self.ctx, kind, int(number))
        self.app.call_from_thread(self.show, item)

    def show(self, item: QueueItem | None) -> None:
        detail = self.query_one(DutyDetail)
        if item is None:
            self.notify("That item is gone, or not in your teams.", markup=False)
            return
        detail.show_item(item, self.ctx.actor.login)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.load()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(describe(event.worker.error), severity="error", markup=False, timeout=10)
