"""The Reviews tab: the reviewer's queue, "My reviews" (everyone), disputes to resolve and last month's
sample, with the actions on them (acknowledge, dispute, uphold, give to another reviewer, draw a sample).

The keys are bound on the screen (declared once in `dutyline.ui.actions`); the screen passes them here.
Forms and the item beside its scorecard open over the workspace through `Pane.Open`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable

from dutyline.domain.permissions import Action
from dutyline.domain.quality.record import QueueEntry, ReviewView
from dutyline.domain.quality.sampling import SampledItem
from dutyline.services import quality, quality_assign, quality_feedback
from dutyline.ui.safe import plain
from dutyline.ui.workspace import figure_tables as tables
from dutyline.ui.workspace.pane import Pane, caption, fill


class ReviewsPane(Pane):
    """Reviews of the person's work for everyone; the queue, disputes and sample for the roles that may."""

    queue: list[QueueEntry]
    mine: list[ReviewView]
    disputes: list[ReviewView]
    sampled: list[SampledItem]

    def compose(self) -> ComposeResult:
        self.queue, self.mine, self.disputes, self.sampled = [], [], [], []
        if self.may(Action.QA_REVIEW):
            yield caption("To review (Enter opens)")
            yield DataTable(id="rv-queue", cursor_type="row")
        yield caption("My reviews (A acknowledges, D disputes)")
        yield DataTable(id="rv-mine", cursor_type="row")
        if self.may(Action.QA_RESOLVE):
            yield caption("Disputes to resolve (Enter opens it to re-score or uphold, U upholds)")
            yield DataTable(id="rv-disputes", cursor_type="row")
        if self.may(Action.QA_SAMPLE):
            yield caption("Last month's sample (G gives a review to another reviewer)")
            yield DataTable(id="rv-sample", cursor_type="row")

    def last_month(self) -> str:
        first = self.ctx.today().replace(day=1) - dt.timedelta(days=1)
        return f"{first:%Y-%m}"

    # --- loading and showing --------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="ws-reviews", exit_on_error=False)
    def load(self) -> None:
        ctx = self.ctx
        queue = quality.review_queue(ctx) if self.may(Action.QA_REVIEW) else []
        mine = quality_feedback.my_reviews(ctx)
        disputes = quality_feedback.disputes(ctx) if self.may(Action.QA_RESOLVE) else []
        sampled = quality_assign.sample_items(ctx, self.last_month()) if self.may(Action.QA_SAMPLE) else []
        self.app.call_from_thread(self.show, queue, mine, disputes, sampled)

    def show(
        self, queue: list[QueueEntry], mine: list[ReviewView], disputes: list[ReviewView], sampled: list[SampledItem]
    ) -> None:
        self.queue, self.mine, self.disputes, self.sampled = queue, mine, disputes, sampled
        if self.may(Action.QA_RESOLVE):
            rows = [(plain(d.item), plain(d.person), plain(d.reviewer), plain(d.dispute_reason[:60])) for d in disputes]
            fill(
                self.query_one("#rv-disputes", DataTable),
                (("Item", "Person", "Reviewer", "Why disputed"), rows),
                empty="No open disputes",
            )
        if self.may(Action.QA_REVIEW):
            kind = ("first review", "blind second review")
            rows = [(plain(e.item), plain(e.period), plain(e.why), Text(kind[e.blind], end="")) for e in queue]
            fill(
                self.query_one("#rv-queue", DataTable),
                (("Item", "Month", "Why picked", "Review"), rows),
                empty="Nothing to review",
            )
        mine_rows = [
            (
                plain(r.item),
                plain(r.period),
                Text("pass" if r.passed else "FAIL", style="" if r.passed else tables.OVERDUE, end=""),
                Text("SUPERSEDED" if r.status == "superseded" else r.status, end=""),
                Text("yes" if r.acknowledged_at else "no", end=""),
            )
            for r in mine
        ]
        mine_header = ("Item", "Month", "Result", "Status", "Acknowledged")
        fill(self.query_one("#rv-mine", DataTable), (mine_header, mine_rows), empty="No reviews of your work yet")
        if self.may(Action.QA_SAMPLE):
            sample_rows = [
                (
                    Text(str(i.qa_item_id), end=""),
                    plain(f"{i.kind}:{i.ref_id}"),
                    plain(i.person),
                    plain(i.why),
                    plain(i.reviewer or "UNASSIGNED"),
                    plain(i.second_reviewer or ""),
                )
                for i in sampled
            ]
            sample_header = ("#", "Item", "Person", "Why picked", "Reviewer", "Blind second")
            fill(
                self.query_one("#rv-sample", DataTable),
                (sample_header, sample_rows),
                empty="No sample drawn for last month",
            )

    # --- choosing a row -------------------------------------------------------------------------------
    def _chosen(self, table_id: str, rows: list[Any], hint: str) -> Any | None:
        """The highlighted row of `table_id` when that table has focus, else a hint and None."""
        table = self.screen.focused
        if not isinstance(table, DataTable) or table.id != table_id or not rows:
            self.notify(hint, markup=False)
            return None
        row = table.cursor_row
        return rows[row] if 0 <= row < len(rows) else None

    @on(DataTable.RowSelected, "#rv-queue")
    def _queue_row_chosen(self, _event: DataTable.RowSelected) -> None:
        """Enter on a row: the table handles Enter itself (row selected), so the review opens from here."""
        self.open_review()

    @on(DataTable.RowSelected, "#rv-disputes")
    def _dispute_row_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on a dispute: the record beside the disputed scores, to re-score or uphold with a note."""
        if 0 <= event.cursor_row < len(self.disputes):
            self.post_message(self.Open("resolve", self.disputes[event.cursor_row].id))

    # --- what the screen's keys ask for ---------------------------------------------------------------
    def open_review(self) -> None:
        table = self.screen.focused
        if isinstance(table, DataTable) and table.id == "rv-queue" and 0 <= table.cursor_row < len(self.queue):
            self.post_message(self.Open("review", self.queue[table.cursor_row].qa_item_id))

    def acknowledge(self) -> None:
        review = self._chosen("rv-mine", self.mine, "Choose a review in My reviews first (Reviews tab).")
        if review is not None:
            self._acknowledge(review.id)

    def dispute(self) -> None:
        review = self._chosen("rv-mine", self.mine, "Choose a review in My reviews first (Reviews tab).")
        if review is not None:
            self.post_message(self.Open("dispute", review))

    def uphold(self) -> None:
        hint = "Choose a dispute in Disputes to resolve first (Reviews tab)."
        review = self._chosen("rv-disputes", self.disputes, hint)
        if review is not None:
            self.post_message(self.Open("uphold", review))

    def assign(self) -> None:
        hint = "Choose an item in Last month's sample first (Reviews tab)."
        item = self._chosen("rv-sample", self.sampled, hint)
        if item is not None:
            self._offer(item)

    def sample(self) -> None:
        if not self.may(Action.QA_SAMPLE):
            self.notify("Drawing a quality sample is for team managers.", markup=False)
            return
        self._sample(self.last_month())

    # --- saving, each in a worker, then the tab reloads -----------------------------------------------
    @work(thread=True, exclusive=True, group="ws-ack", exit_on_error=False)
    def _acknowledge(self, review_id: int) -> None:
        quality_feedback.acknowledge(self.ctx, review_id)
        self.say("Review acknowledged.")
        self.load()

    @work(thread=True, exclusive=True, group="ws-dispute", exit_on_error=False)
    def save_dispute(self, review_id: int, reason: str) -> None:
        quality_feedback.dispute(self.ctx, review_id, reason)
        self.say("Dispute recorded: a different reviewer will resolve it.")
        self.load()

    @work(thread=True, exclusive=True, group="ws-resolve", exit_on_error=False)
    def save_uphold(self, review_id: int, note: str) -> None:
        quality_feedback.resolve(self.ctx, review_id, note)
        self.say("Dispute resolved: the review stands.")
        self.load()

    @work(thread=True, exclusive=True, group="ws-assign", exit_on_error=False)
    def _offer(self, item: SampledItem) -> None:
        """Who may take the item's first and blind second review, then the form (through the screen)."""
        first = quality_assign.eligible(self.ctx, item)
        second = quality_assign.eligible(self.ctx, item, second=True)
        self.app.call_from_thread(self.post_message, self.Open("assign", (item, first, second)))

    @work(thread=True, exclusive=True, group="ws-assign-save", exit_on_error=False)
    def save_assign(self, qa_item_id: int, login: str, second: bool) -> None:
        quality_assign.assign(self.ctx, qa_item_id, login, second=second)
        self.say(f"Review of item {qa_item_id} given to {login}.")
        self.load()

    @work(thread=True, exclusive=True, group="ws-sample", exit_on_error=False)
    def _sample(self, month: str) -> None:
        result = quality.sample(self.ctx, month)
        targeted = sum(p.targeted for p in result.items)
        self.say(f"Sample for {month}: {len(result.items)} items ({targeted} targeted), seed {result.seed}.")
        self.load()
