"""Terminal charts for the workspace (plotext through textual-plotext). Each chart has its figures in a
table beside or below it, so nothing is shown by a drawing alone (a screen reader, a colour-blind reader
and an 80-column terminal get the table).

Every function takes the widget's `plt` and a report, clears the figure and draws; the caller refreshes.
"""

from __future__ import annotations

from typing import Any

from dutyline.domain.quality.report import QualityReport
from dutyline.domain.reports.call_figures import CallsReport
from dutyline.domain.reports.promises import PromisesReport


def _weeks(dates: list[Any]) -> list[str]:
    return [f"{d:%d %b}" for d in dates]


def _points(values: list[float | None]) -> tuple[list[int], list[float]]:
    """Weeks with a rate only: a week with nothing to measure (N 0) is left out, not drawn as 0 %."""
    pts = [(i + 1, round(v * 100, 1)) for i, v in enumerate(values) if v is not None]
    return [x for x, _ in pts], [y for _, y in pts]


def _line(plt: Any, values: list[float | None], label: str) -> None:
    """One line of weekly rates; nothing at all when no week has one (plotext cannot draw an empty line)."""
    xs, ys = _points(values)
    if xs:
        plt.plot(xs, ys, marker="braille", label=label)


def promises_chart(plt: Any, r: PromisesReport) -> None:
    """On-time rate per week for 13 weeks (weeks with nothing due are gaps at 0 with N 0 in the table)."""
    plt.clear_figure()
    xs = list(range(1, len(r.trend) + 1))
    _line(plt, [w.rate for w in r.trend], "kept on time %")
    plt.xticks(xs[::3], _weeks([w.week_of for w in r.trend])[::3])
    plt.ylim(0, 100)
    plt.title("On-time rate, 13 weeks")


def calls_chart(plt: Any, r: CallsReport) -> None:
    """Calls by reason (the eight largest)."""
    plt.clear_figure()
    top = list(reversed(r.by_reason[:8]))  # plotext draws horizontal bars bottom-up: largest on top
    labels = [s.key.replace("_", " ")[:20] for s in top]
    plt.bar(labels or ["none"], [s.n for s in top] or [0], orientation="horizontal", width=0.4)
    plt.title(f"Calls by reason (N {r.total_calls})")


def quality_chart(plt: Any, r: QualityReport) -> None:
    """Impact: the promises on-time rate and the random-sample pass rate, week by week."""
    plt.clear_figure()
    xs = list(range(1, len(r.impact) + 1))
    _line(plt, [w.on_time_rate for w in r.impact], "on time %")
    _line(plt, [w.pass_rate for w in r.impact], "quality pass %")
    plt.xticks(xs[::3], _weeks([w.week_of for w in r.impact])[::3])
    plt.ylim(0, 100)
    plt.title("Timely and quality, 13 weeks")
