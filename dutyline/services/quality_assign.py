"""Assigning reviewers by hand: a manager moves an item's first or blind second review to another reviewer
(someone is away, or a reviewer knows the family). The draw assigns automatically; this corrects it.

The same rules as the draw: the new reviewer holds a reviewer role and is active, is never the person whose
work it is, and the first and blind second reviewers stay different people. A review already saved is not
moved (it would orphan the score). Every assignment is audited with the item and the slot.
"""

from __future__ import annotations

from dutyline.domain.permissions import Action
from dutyline.domain.quality.sampling import SampledItem
from dutyline.services.context import Context, ServiceError
from dutyline.services.quality import parse_month, settings
from dutyline.store.uow import Work


def sample_items(ctx: Context, period: str) -> list[SampledItem]:
    """Every item of a month's sample with its reviewers (managers: whoever may draw a sample)."""
    ctx.require(Action.QA_SAMPLE)
    first, _ = parse_month(period)
    with ctx.uow.read() as work:
        return work.quality.sample_items(f"{first:%Y-%m}")


def eligible(ctx: Context, item: SampledItem, *, second: bool = False) -> list[str]:
    """Who may take this review: active reviewers, not the person, not the item's other reviewer."""
    q = settings(ctx)
    other = item.reviewer if second else item.second_reviewer
    with ctx.uow.read() as work:
        people = work.quality.reviewers(q.reviewer_roles)
    return [p for p in people if p not in (item.person, other)]


def assign(ctx: Context, qa_item_id: int, login: str, *, second: bool = False) -> SampledItem:
    """Give an item's first (or blind second) review to `login`. Returns the item as it now stands."""
    ctx.require(Action.QA_SAMPLE)
    login = login.strip()
    with ctx.uow.read() as work:
        item = work.quality.item_row(qa_item_id)
    if item is None:
        raise ServiceError(f"There is no quality item {qa_item_id}.")
    if login == item.person:
        raise ServiceError("Nobody reviews their own work.")
    current = item.second_reviewer if second else item.reviewer
    if second and item.reviewer is None:
        raise ServiceError("Assign the first review before a blind second one.")
    if login not in eligible(ctx, item, second=second):
        raise ServiceError(
            f"'{login[:64]}' cannot take this review: reviewers are active staff with a reviewer role, "
            "and the first and blind second reviewers are different people."
        )
    if login == current:
        return item
    slot = "second" if second else "first"

    def tx(work: Work) -> None:
        if current is not None and work.quality.reviewed_by(qa_item_id, current):
            raise ServiceError(f"The {slot} review is already saved; it cannot be moved.")
        if not work.quality.set_reviewer(qa_item_id, second=second, expect=current, login=login):
            raise ServiceError("That item was reassigned by someone else meanwhile; reload and try again.")
        ctx.audit(work, Action.QA_SAMPLE, detail=f"assign qa_item:{qa_item_id} slot:{slot}")

    ctx.uow.run(tx)
    return item.model_copy(update={"second_reviewer" if second else "reviewer": login})
