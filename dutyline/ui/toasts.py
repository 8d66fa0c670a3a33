"""What the handler is told when a call is saved: the promise to read back to the caller, in full.

Why: after a callback is booked the handler must tell the parent when and who will ring; the toast
repeats it ("callback by Wed 2 Dec, 17:00, from the Front Door team") so nobody has to remember it.
"""

from __future__ import annotations

import datetime as dt

from dutyline.domain.call_form import CallForm
from dutyline.domain.call_record import LoggedCall
from dutyline.ui.desk import Desk
from dutyline.ui.safe import local_time


def promise_time(moment: dt.datetime) -> str:
    """'Wed 2 Dec, 17:00' (UK time): the form a handler reads out."""
    local = local_time(moment)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def promise_toast(logged: LoggedCall, form: CallForm, desk: Desk) -> str:
    policy = desk.policy
    parts = [f"Call saved (reference {logged.call_id})."]
    if form.handoff is not None:
        parts.append(f"Handed to the {policy.team_name(form.handoff.team)} team.")
    if form.callback is not None:
        cb = form.callback
        parts.append(
            f"Tell the caller: callback by {promise_time(cb.due_at)}, from the {policy.team_name(cb.team)} team."
        )
    if logged.safeguarding_alert_id is not None:
        parts.append("The duty officer has been alerted to the safeguarding concern.")
    return " ".join(parts)
