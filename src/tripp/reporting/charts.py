"""ESCAP-style time–distance and cost–distance charts and the transit-exposure bar chart.

In a time–distance (or cost–distance) chart the x axis is the cumulative distance run
(km) and the y axis the cumulative time (h) or cost (USD). Line-haul legs slope; border
crossings, transfers and gauge changes add time or cost without distance, so they are
vertical steps, each annotated with its place. matplotlib is imported only when drawing.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tripp.atlas.model import Atlas
from tripp.routing.result import Route

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

BEFORE_COLOUR = "#6c7a89"
AFTER_COLOUR = "#c0392b"
TEXT_COLOUR = "#222222"
DPI = 130


@dataclass(frozen=True, slots=True)
class Step:
    """A vertical step of a chart: at ``distance_km`` the total rises by ``rise``."""

    distance_km: float
    start: float
    rise: float
    label: str


def new_figure(width_in: float, height_in: float) -> Figure:
    """A matplotlib figure on the Agg canvas (no pyplot, no global state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_in, height_in), facecolor="white", layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def png_data_uri(figure: Figure) -> str:
    """The figure as a ``data:image/png;base64,…`` URI (no timestamp: reproducible)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def profile(
    route: Route, atlas: Atlas, quantity: str
) -> tuple[list[float], list[float], list[Step]]:
    """Cumulative distance (km) and ``quantity`` (``time_h`` or ``cost_usd``) leg by leg.

    Returns the polyline's x and y values and the vertical steps (borders, transfers,
    gauge changes) with a label naming the place and what happens there.
    """
    names = atlas.node_by_id
    xs, ys = [0.0], [0.0]
    steps = []
    for leg in route.legs:
        amount = float(getattr(leg, quantity))
        if leg.kind != "link" and amount > 0:
            place = names[leg.from_node].name if leg.from_node in names else leg.from_node
            what = f"border {leg.detail}" if leg.kind == "border" else leg.detail or leg.kind
            steps.append(Step(xs[-1], ys[-1], amount, f"{place}: {what}"))
        xs.append(xs[-1] + leg.distance_km)
        ys.append(ys[-1] + amount)
    return xs, ys, steps


def distance_chart(
    before: Route | None,
    after: Route | None,
    *,
    base_atlas: Atlas,
    other_atlas: Atlas,
    labels: tuple[str, str],
    title: str,
) -> str:
    """Time–distance and cost–distance panels, before and after, as a PNG data URI."""
    figure = new_figure(10.0, 4.2)
    axes = figure.subplots(1, 2)
    for ax, quantity, unit in (
        (axes[0], "time_h", "cumulative time (h)"),
        (axes[1], "cost_usd", "cumulative cost (USD per TEU)"),
    ):
        same = before is not None and after is not None and before.legs == after.legs
        for chosen, atlas, label, colour, below in (
            (before, base_atlas, labels[0], BEFORE_COLOUR, True),
            (after, other_atlas, labels[1], AFTER_COLOUR, False),
        ):
            if chosen is not None:
                annotate = below or not same
                _draw_profile(ax, chosen, atlas, quantity, label, colour, below, annotate)
        ax.set_xlabel("cumulative distance (km)", fontsize=8.5)
        ax.set_ylabel(unit, fontsize=8.5)
        ax.margins(x=0.3, y=0.08)
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        _tidy(ax)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, frameon=False, loc="upper left")
    figure.suptitle(title, fontsize=11, fontweight="bold", color=TEXT_COLOUR)
    return png_data_uri(figure)


def _draw_profile(
    ax: Axes,
    chosen: Route,
    atlas: Atlas,
    quantity: str,
    label: str,
    colour: str,
    below: bool,
    annotate: bool,
) -> None:
    """One route's polyline; its step labels sit right of the step, above or below it.

    When the after route repeats the before route it is drawn dashed and unlabelled.
    """
    xs, ys, steps = profile(chosen, atlas, quantity)
    style = "-" if annotate else (0, (4.0, 3.0))
    ax.plot(xs, ys, color=colour, linewidth=2.0, linestyle=style, label=label)
    if not annotate:
        return
    for step in steps:
        ax.plot([step.distance_km], [step.start + step.rise], "o", color=colour, markersize=3)
        ax.annotate(
            step.label,
            (step.distance_km, step.start + step.rise / 2),
            xytext=(5, -2 if below else 2),
            textcoords="offset points",
            ha="left",
            va="top" if below else "bottom",
            fontsize=6.5,
            color=colour,
        )


def exposure_chart(rows: Sequence[dict[str, float | str]], labels: tuple[str, str]) -> str:
    """Grouped bars of each country's transit share of tonnes and of t-km, before/after.

    ``rows`` carry ``country`` and the shares (0–1) ``t_before``, ``t_after``,
    ``tkm_before``, ``tkm_after``. Returns a PNG data URI.
    """
    countries = [str(r["country"]) for r in rows]
    height_in = 1.2 + 0.42 * max(len(countries), 1)
    figure = new_figure(10.0, height_in)
    axes = figure.subplots(1, 2, sharey=True)
    positions = list(range(len(countries)))
    for ax, key, title in (
        (axes[0], "t", "share of routed tonnes (t)"),
        (axes[1], "tkm", "share of tonne-kilometres (t-km)"),
    ):
        for offset, when, colour, label in (
            (-0.2, "before", BEFORE_COLOUR, labels[0]),
            (0.2, "after", AFTER_COLOUR, labels[1]),
        ):
            values = [100 * float(r[f"{key}_{when}"]) for r in rows]
            ax.barh([p + offset for p in positions], values, height=0.38, color=colour, label=label)
        ax.set_title(title, fontsize=9, color=TEXT_COLOUR)
        ax.set_xlabel("%", fontsize=8.5)
        ax.set_xlim(0, 100)
        _tidy(ax)
    axes[0].set_yticks(positions, countries)
    axes[0].invert_yaxis()
    axes[1].legend(fontsize=8, frameon=False, loc="lower right")
    return png_data_uri(figure)


def _tidy(ax: Axes) -> None:
    ax.tick_params(labelsize=7.5, colors="#555555")
    ax.grid(True, color="#e3e3e3", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#999999")
