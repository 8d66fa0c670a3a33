"""The manager's workspace through the keyboard: the whole review flow asserted on stored rows (sample,
review, blind second review, agreement shown, dispute, resolve), F11 from the app, and snapshots."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import select
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.image import SVGImageSnapshotExtension
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, TabbedContent

from dutyline.domain.model import Role
from dutyline.domain.policy import load_policy
from dutyline.services import quality, quality_feedback
from dutyline.services.context import Actor, Context
from dutyline.store.engine import Database
from dutyline.store.tables_quality import QaAnswer, QaItem, QaReview, QaSample
from dutyline.ui.workspace.resolve import ResolveScreen
from dutyline.ui.workspace.review import ReviewScreen
from dutyline.ui.workspace.reviews import ReviewsPane
from dutyline.ui.workspace.screen import WorkspaceScreen
from tests.contexts import make_context
from tests.reports_data import NOW as REPORT_NOW
from tests.reports_data import seed as seed_reports
from tests.test_quality import STAFF, build_world
from tests.ui.conftest import screen_text, settle

#: 2 Dec 2026: "last month" is November, where build_world's calls are.
NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)


def ctx(db: Database, login: str, clock: dt.datetime = NOW) -> Context:
    actor = Actor(login=login, roles=frozenset({STAFF.get(login, Role.TEAM_MANAGER)}), teams=("front_door",))
    return make_context(db, actor=actor, policy=load_policy(None), clock=lambda: clock)


class WorkspaceApp(App[None]):
    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.animation_level = "none"  # the tabs' underline slides; a screenshot must not catch it mid-way

    def on_mount(self) -> None:
        self.push_screen(WorkspaceScreen(self.context))


async def open_reviews(pilot: Pilot[Any], table_id: str) -> DataTable[Any]:
    app = pilot.app
    await settle(pilot, 5)
    app.screen.query_one("#ws-tabs", TabbedContent).active = "tab-reviews"
    await settle(pilot)
    table = app.screen.query_one(f"#{table_id}", DataTable)
    table.focus()
    await settle(pilot)
    return table


async def review_item(db: Database, login: str, qa_item_id: int, answers: dict[str, str]) -> None:
    app = WorkspaceApp(ctx(db, login))
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_reviews(pilot, "rv-queue")
        queue = app.screen.query_one(ReviewsPane).queue
        table.move_cursor(row=[e.qa_item_id for e in queue].index(qa_item_id))
        await pilot.press("enter")
        await settle(pilot, 5)
        assert isinstance(app.screen, ReviewScreen)
        text = screen_text(app)
        assert "Mum asked about the 20-week date." in text
        app.screen.query_one("#rv-card").scroll_end(animate=False)  # the Timely items are at the foot
        await settle(pilot)
        assert "from the data" in screen_text(app)
        for code, value in answers.items():
            app.screen.query_one(f"#ans-{code}", Select).value = value
        await pilot.press("ctrl+s")
        await settle(pilot, 5)
        assert isinstance(app.screen, WorkspaceScreen)


ANSWERS = {
    "verified": "yes",
    "right_team": "yes",
    "told_matches_clock": "yes",
    "promise_timed": "na",
    "situation_acknowledged": "3",
    "next_steps_plain": "4",
    "no_jargon": "yes",
}


async def test_review_flow_through_the_workspace(sqlite_db: Database) -> None:
    build_world(sqlite_db)
    # A team manager draws last month's sample (S).
    app = WorkspaceApp(ctx(sqlite_db, "mona"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, 5)
        await pilot.press("s")
        await settle(pilot, 5)
    with sqlite_db.read() as s:
        sample = s.scalars(select(QaSample)).one()
        items = list(s.scalars(select(QaItem)))
    assert sample.period == "2026-11" and items and all(i.reviewer != i.person for i in items)
    with sqlite_db.read() as s:
        target = s.scalars(
            select(QaItem).where(QaItem.person == "hana", QaItem.kind == "call", QaItem.second_reviewer.is_not(None))
        ).first()
    if target is None:  # the policy's 10 % gave this small month no second review: assign one, as a manager would
        with sqlite_db.write() as s:
            target = s.scalars(select(QaItem).where(QaItem.person == "hana", QaItem.kind == "call")).first()
            assert target is not None and target.reviewer
            target.second_reviewer = next(r for r in ("ravi", "rita", "rosa") if r != target.reviewer)
    assert target is not None and target.reviewer and target.second_reviewer
    first, second, item_id = target.reviewer, target.second_reviewer, target.id
    # First review, then the blind second review that disagrees on one item.
    await review_item(sqlite_db, first, item_id, ANSWERS)
    await review_item(sqlite_db, second, item_id, {**ANSWERS, "right_team": "no"})
    with sqlite_db.read() as s:
        rows = list(s.scalars(select(QaReview).where(QaReview.item_id == item_id).order_by(QaReview.id)))
    assert [(r.reviewer, r.blind, r.status) for r in rows] == [(first, False, "current"), (second, True, "current")]
    # The manager sees the agreement and the disagreeing item.
    app = WorkspaceApp(ctx(sqlite_db, "mona", NOW + dt.timedelta(days=1)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, 5)
        app.screen.query_one("#ws-tabs", TabbedContent).active = "tab-quality"
        await settle(pilot)
        text = screen_text(app)
        assert "Agreement (Krippendorff's alpha, 1 double-scored)" in text
    # The person reviewed disputes it from My reviews (D, a reason, Enter).
    app = WorkspaceApp(ctx(sqlite_db, "hana"))
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_reviews(pilot, "rv-mine")
        assert table.row_count == 1
        await pilot.press("d")
        await settle(pilot)
        app.screen.query_one("#why", Input).value = "The caller was verified on the earlier call."
        await pilot.press("enter")
        await settle(pilot, 5)
    with sqlite_db.read() as s:
        disputed = s.get(QaReview, rows[0].id)
        assert disputed is not None and disputed.status == "disputed"
        assert disputed.dispute_reason == "The caller was verified on the earlier call."
    # A different reviewer resolves it from Disputes to resolve (U, a note, Enter): the review stands.
    resolver = next(r for r in ("ravi", "rita", "rosa") if r != first)
    app = WorkspaceApp(ctx(sqlite_db, resolver))
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_reviews(pilot, "rv-disputes")
        assert table.row_count == 1
        await pilot.press("u")
        await settle(pilot)
        app.screen.query_one("#why", Input).value = "Verification was on the earlier call: upheld as scored."
        await pilot.press("enter")
        await settle(pilot, 5)
    with sqlite_db.read() as s:
        resolved = s.get(QaReview, rows[0].id)
        assert resolved is not None
        assert (resolved.status, resolved.resolved_by) == ("current", resolver)
        assert resolved.resolution == "Verification was on the earlier call: upheld as scored."
    # Disputed again; the resolver opens it (Enter), reads the record and the reason, changes one answer
    # and saves with a note (Ctrl+S): a new version by the resolver, the disputed one kept as superseded.
    quality_feedback.dispute(ctx(sqlite_db, "hana"), rows[0].id, "Still think the team was right.")
    app = WorkspaceApp(ctx(sqlite_db, resolver))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_reviews(pilot, "rv-disputes")
        await pilot.press("enter")
        await settle(pilot, 5)
        assert isinstance(app.screen, ResolveScreen)
        text = screen_text(app)
        assert "Mum asked about the 20-week date." in text and "Still think the team was right." in text
        assert app.screen.query_one("#ans-no_jargon", Select).value == "yes"  # the disputed answers, shown
        app.screen.query_one("#ans-no_jargon", Select).value = "no"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ResolveScreen)  # no note yet: nothing saved
        app.screen.query_one("#rs-note", Input).value = "Re-scored: jargon read back."
        await pilot.press("ctrl+s")
        await settle(pilot, 5)
        assert isinstance(app.screen, WorkspaceScreen)
    with sqlite_db.read() as s:
        versions = list(s.scalars(select(QaReview).where(QaReview.item_id == item_id, QaReview.blind.is_(False))))
        answers = {a.code: a.answer for a in s.scalars(select(QaAnswer).where(QaAnswer.review_id == versions[-1].id))}
    new_id = versions[-1].id
    assert [(r.reviewer, r.status) for r in versions] == [(first, "superseded"), (resolver, "current")]
    assert (versions[-1].supersedes_id, versions[-1].comment) == (rows[0].id, "Re-scored: jargon read back.")
    assert answers["no_jargon"] == "no" and answers["verified"] == "yes"
    app = WorkspaceApp(ctx(sqlite_db, "hana"))
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_reviews(pilot, "rv-mine")
        statuses = [table.get_row_at(i)[3].plain for i in range(table.row_count)]
        assert statuses == ["current", "SUPERSEDED"]
    with sqlite_db.read() as s:
        old = s.get(QaReview, rows[0].id)
        assert old is not None and (old.status, old.superseded_by_id) == ("superseded", new_id)


async def test_a_call_handler_sees_only_my_reviews(sqlite_db: Database) -> None:
    build_world(sqlite_db)
    app = WorkspaceApp(ctx(sqlite_db, "hana"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 5)
        tabs = app.screen.query_one("#ws-tabs", TabbedContent)
        assert [p.id for p in tabs.query("TabPane")] == ["tab-reviews"]


SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("tab", ["tab-promises", "tab-calls"])
async def test_workspace_snapshot(
    sqlite_db: Database, snapshot: SnapshotAssertion, size: tuple[int, int], tab: str
) -> None:
    seed_reports(sqlite_db)
    context = ctx(sqlite_db, "mona", REPORT_NOW)
    app = WorkspaceApp(context)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, 5)
        app.screen.query_one("#ws-tabs", TabbedContent).active = tab
        await settle(pilot, 3)
        svg = re.sub(r"terminal-\d+", "terminal", app.export_screenshot(title="dutyline"))
        assert svg == snapshot(extension_class=SVGImageSnapshotExtension)


async def test_f11_opens_the_workspace_from_the_handler_screen_and_esc_returns(make_app: Any) -> None:
    from dutyline.ui.screens.search import SearchScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot, 5)
        assert isinstance(app.screen, WorkspaceScreen) and app.current_mode == "manager"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)


async def test_enter_on_an_overdue_row_opens_the_item(sqlite_db: Database) -> None:
    from dutyline.ui.workspace.review import ItemModal

    seed_reports(sqlite_db)
    app = WorkspaceApp(ctx(sqlite_db, "mona", REPORT_NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, 5)
        table = app.screen.query_one("#pr-overdue", DataTable)
        table.focus()
        table.move_cursor(row=1)  # oldest first: the broken complaint callback is second
        await pilot.press("enter")
        await settle(pilot, 5)
        assert isinstance(app.screen, ItemModal) and app.screen.key.startswith("callback:")
        assert "OVERDUE" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WorkspaceScreen)


async def test_custom_period_reloads_every_tab(sqlite_db: Database) -> None:
    seed_reports(sqlite_db)
    app = WorkspaceApp(ctx(sqlite_db, "mona", REPORT_NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, 5)
        app.screen.query_one("#ws-period", Select).value = "custom"
        await settle(pilot)
        app.screen.query_one("#ws-from", Input).value = "2026-11-16"
        app.screen.query_one("#ws-to", Input).value = "2026-11-27"
        app.screen.query_one("#ws-to", Input).focus()
        await pilot.press("enter")
        await settle(pilot, 5)
        text = screen_text(app)
        assert "16 Nov 2026 to 27 Nov 2026" in text and "Due in the period: 9" in text
        app.screen.query_one("#ws-to", Input).value = "2026-11-01"
        await pilot.press("enter")
        await settle(pilot)
        assert "16 Nov 2026 to 27 Nov 2026" in screen_text(app)  # refused: the last day is before the first


async def test_f1_in_the_workspace_lists_every_figures_definition(make_app: Any) -> None:
    from dutyline.domain.quality.report import DEFINITIONS as QUALITY_DEFS
    from dutyline.domain.reports.call_figures import DEFINITIONS as CALL_DEFS
    from dutyline.domain.reports.promises import DEFINITIONS as PROMISE_DEFS
    from dutyline.ui.screens.dialogs import HelpScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot, 5)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        extra = str(app.screen.query_one("#help-extra").render())
        for defs in (PROMISE_DEFS, CALL_DEFS, QUALITY_DEFS):
            for key, text in defs.items():
                assert f"{key.replace('_', ' ')}: {text}" in extra, key
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f1")  # the handler's help has keys only
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen) and not app.screen.query("#help-extra")


async def test_g_gives_a_review_to_another_reviewer(sqlite_db: Database) -> None:
    """A manager picks an item in last month's sample, presses G, chooses a reviewer: stored on the item.
    The person whose work it is is never offered."""
    from dutyline.ui.workspace.resolve import AssignForm

    build_world(sqlite_db)
    quality.sample(ctx(sqlite_db, "mona"), "2026-11", per_person=1, seed=3)
    with sqlite_db.read() as s:
        target = s.scalars(select(QaItem).where(QaItem.person == "hana").order_by(QaItem.id)).first()
        assert target is not None
        row_index = [i.id for i in s.scalars(select(QaItem).order_by(QaItem.id))].index(target.id)
    new = next(r for r in ("ravi", "rita", "rosa") if r not in (target.reviewer, target.second_reviewer))
    app = WorkspaceApp(ctx(sqlite_db, "mona"))
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_reviews(pilot, "rv-sample")
        assert table.row_count == len(app.screen.query_one(ReviewsPane).sampled)
        table.move_cursor(row=row_index)
        await pilot.press("g")
        await settle(pilot, 5)
        form = app.screen
        assert isinstance(form, AssignForm)
        offered = [str(v) for _, v in form.query_one("#as-who", Select)._options if isinstance(v, str)]
        assert "hana" not in offered and new in offered
        form.query_one("#as-who", Select).value = new
        await pilot.press("ctrl+s")
        await settle(pilot, 5)
        assert isinstance(app.screen, WorkspaceScreen)
    with sqlite_db.read() as s:
        row = s.get(QaItem, target.id)
        assert row is not None and row.reviewer == new
