"""The workspace's figures as table rows: every cell a rich Text, every rate with its N.

Kept apart from the screen so the same rows are tested without an app, and so each table's header and
cells come from one place (the old manager view put a case reference under "Due" because its header and
its cells were two lists).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from dutyline.domain.model import REASON_LABELS
from dutyline.domain.quality.report import QualityReport
from dutyline.domain.quality.stats import Interval
from dutyline.domain.queue import working_amount
from dutyline.domain.reports.call_figures import WEEKDAYS, CallsReport
from dutyline.domain.reports.promises import PromiseCounts, PromiseItem, PromisesReport
from dutyline.ui.safe import local_time, plain

OVERDUE = "bold red"
Table = tuple[Sequence[str], Sequence[Sequence[Text]]]


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def ci(i: Interval) -> str:
    """'82% (74-88%) N 120': a rate is never shown without its interval and N."""
    if i.rate is None or i.low is None or i.high is None:
        return "— N 0"
    return f"{i.rate:.0%} ({i.low:.0%}-{i.high:.0%}) N {i.n}"


def _t(value: object, style: str = "") -> Text:
    return Text(str(value), style=style, end="")


def counts_table(rows: dict[str, PromiseCounts], first: str, names: dict[str, str] | None = None) -> Table:
    header = (first, "Due", "On time", "Late", "Broken", "Cancelled", "Not yet", "On-time rate (N)")
    out = []
    for key, c in rows.items():
        name = (names or {}).get(key, key)
        out.append(
            (
                plain(name[:34]),
                _t(c.total_due),
                _t(c.kept_on_time),
                _t(c.kept_late),
                _t(c.broken, OVERDUE if c.broken else ""),
                _t(c.cancelled),
                _t(c.open_not_yet_due),
                _t(f"{pct(c.on_time_rate)} ({c.decided})"),
            )
        )
    return header, out


#: The overdue and due-soon lists: header and cells built together, in this order.
ITEM_COLUMNS = ("Flag", "Time", "Due", "What", "Case", "Team", "Held by")


def item_rows(items: Sequence[PromiseItem], names: dict[str, str] | None = None, year: int | None = None) -> Table:
    out = []
    for i in items:
        overdue = i.hours < 0
        flag = "OVERDUE" if overdue else "DUE SOON"
        style = OVERDUE if overdue else "bold dark_orange"
        amount = working_amount(i.hours)
        due = local_time(i.due_at)
        out.append(
            (
                _t(flag + (" URGENT" if i.priority == "urgent" else ""), style),
                _t(f"{amount} {'late' if overdue else 'left'}", style),
                _t(f"{due.day} {due:%b %H:%M}" if year in (None, due.year) else f"{due.day} {due:%b %Y}"),
                _t("Callback" if i.kind == "callback" else "Hand-off"),
                plain(i.case_ref or "no case"),
                plain((names or {}).get(i.team, i.team)[:22]),
                plain(i.claimed_by or "—"),
            )
        )
    return ITEM_COLUMNS, out


def promise_summary(r: PromisesReport) -> Text:
    out = Text(end="")
    out.append(f"Due in the period: {r.total_due}   ", style="bold")
    out.append(f"kept on time {r.kept_on_time} · kept late {r.kept_late} · ")
    out.append(f"BROKEN {r.broken}", style=OVERDUE if r.broken else "")
    out.append(f" · cancelled {r.cancelled} · not yet due {r.open_not_yet_due}\n")
    decided = r.kept_on_time + r.kept_late + r.broken
    out.append(f"On-time rate {pct(r.on_time_rate)} (N {decided}) · ")
    rt = r.return_time
    p50 = "—" if rt.p50_hours is None else f"{rt.p50_hours:.1f}"
    p90 = "—" if rt.p90_hours is None else f"{rt.p90_hours:.1f}"
    out.append(f"callback return time p50 {p50} wh, p90 {p90} wh (N {rt.n})\n")
    out.append(f"Overdue now: {r.overdue_total} · due within the next working hour: {r.due_soon_total}")
    return out


def calls_summary(r: CallsReport) -> Text:
    fcr, rep, ov, sg = r.first_contact_resolution, r.repeat_callers, r.overrides, r.safeguarding
    last = r.complaint_rate[-1] if r.complaint_rate else None
    lines = [
        f"Inbound calls: {r.total_calls}",
        f"First-contact resolution {pct(fcr.rate)} (N {fcr.of}) · repeat callers "
        + ("—" if rep.rate is None else f"{rep.rate:.1f}")
        + f" per 100 calls ({rep.n} cases)",
        f"Overrides of the proposed team {pct(ov.share)} ({ov.overridden} of {ov.handoffs} hand-offs) · "
        f"safeguarding calls {sg.calls}, referred {sg.referred}, p50 "
        + ("—" if sg.p50_hours is None else f"{sg.p50_hours:.1f} h"),
        "Rolling-year complaint rate "
        + ("—" if last is None or last.rate is None else f"{last.rate:.1f}")
        + f" per 100 open cases (N {last.complaints_12m if last else 0} complaints) · appeals: "
        + ", ".join(f"{y.year_ending:%b %Y} {y.n}" for y in r.appeals),
    ]
    return Text("\n".join(lines), end="")


#: Reason codes in the words the handler chose them by (a retired code shows as itself).
REASON_NAMES: dict[str, str] = {r.value: label for r, label in REASON_LABELS.items()}


def share_table(first: str, shares: Sequence[object], names: dict[str, str] | None = None) -> Table:
    rows = []
    for s in shares:
        key, n, share = getattr(s, "key"), getattr(s, "n"), getattr(s, "share")  # noqa: B009
        rows.append((plain((names or {}).get(str(key), str(key))[:40]), _t(n), _t(pct(share))))
    return (first, "Calls", "Share"), rows


def heatmap_table(r: CallsReport, hours: range = range(8, 19)) -> Table:
    """Weekday x hour (UK time), Monday to Friday, office hours and either side."""
    header = ("Day", *(f"{h:02d}" for h in hours))
    busiest = max((r.heatmap.cells[d][h] for d in range(5) for h in hours), default=0)
    rows = []
    for d in range(5):
        cells = []
        for h in hours:
            n = r.heatmap.cells[d][h]
            cells.append(_t(n, "bold" if busiest and n >= 0.8 * busiest else ""))
        rows.append((_t(WEEKDAYS[d]), *cells))
    return header, rows


def quality_summary(r: QualityReport) -> Text:
    a = r.agreement
    out = Text(end="")
    out.append(f"Random sample pass rate {ci(r.rates.random)}\n", style="bold")
    out.append(" · ".join(f"{k.title()} {ci(v)}" for k, v in r.rates.sections.items()) + "\n")
    out.append(f"Targeted items (apart): {ci(r.rates.targeted)}\n")
    nominal = "—" if a.nominal is None else f"{a.nominal:.2f}"
    ordinal = "—" if a.ordinal is None else f"{a.ordinal:.2f}"
    out.append(f"Agreement (Krippendorff's alpha, {a.pairs} double-scored): yes/no/na {nominal}, scales {ordinal}")
    if a.flagged:
        out.append(f"  BELOW {a.threshold}: take the items below to calibration", style=OVERDUE)
    return out


def people_table(r: QualityReport) -> Table:
    rows = [(plain(p.person[:24]), _t(ci(p.rate)), _t(p.warning)) for p in r.rates.by_person]
    return ("Person", "Pass rate (95% CI) N", "Note"), rows


def items_table(r: QualityReport, texts: dict[str, str]) -> Table:
    alpha = {i.code: i for i in r.agreement.items}
    rows = []
    for code, rate in r.items.items():
        agreement = alpha.get(code)
        a = "from data" if agreement is None else ("—" if agreement.alpha is None else f"{agreement.alpha:.2f}")
        flag = " LOW" if agreement is not None and agreement.flagged else ""
        rows.append((plain(texts.get(code, code)[:48]), _t(ci(rate)), _t(a + flag, OVERDUE if flag else "")))
    return ("Item", "Pass rate (95% CI) N", "Alpha"), rows


def rates_table(first: str, rates: dict[str, Interval], names: dict[str, str] | None = None) -> Table:
    """Any {key: Interval} as rows: the rate is never shown without its interval and N."""
    rows = [(plain((names or {}).get(k, k)[:40]), _t(ci(v))) for k, v in rates.items()]
    return (first, "Pass rate (95% CI) N"), rows
