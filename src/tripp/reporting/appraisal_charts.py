"""The appraisal's charts: cash flows by year, NPV by stakeholder and the tornado.

Each takes an :class:`~tripp.appraisal.result.AppraisalResult` and returns a PNG data URI
drawn as :mod:`tripp.reporting.charts` draws (Agg canvas, no pyplot, reproducible bytes).
Money is USD in the result's price year, shown in USD, USD m or USD bn by its size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from tripp.appraisal.result import AppraisalResult
from tripp.reporting.charts import (
    AFTER_COLOUR,
    BEFORE_COLOUR,
    TEXT_COLOUR,
    _tidy,
    new_figure,
    png_data_uri,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Stakeholders shown in the NPV chart: the largest this many by |NPV|.
TOP_STAKEHOLDERS = 15
CAPEX_COLOUR = "#8e2c22"
OPEX_COLOUR = "#e08a3c"
BENEFITS_COLOUR = "#2e8b57"
RESIDUAL_COLOUR = "#9fd5b3"
NET_COLOUR = "#1d3557"
#: A colour per stakeholder the appraisal names; others take :data:`OTHER_COLOURS` in turn.
STAKEHOLDER_COLOURS = {
    "shippers": "#1f77b4",
    "operators": "#ff7f0e",
    "governments": "#9467bd",
    "project owners": "#8c564b",
    "energy system": "#2ca02c",
}
OTHER_COLOURS = ("#17becf", "#bcbd22", "#e377c2", "#7f7f7f")


def money_scale(values: Iterable[float]) -> tuple[float, str]:
    """The divisor and the unit that show ``values`` (USD) in readable numbers."""
    largest = max((abs(v) for v in values), default=0.0)
    if largest >= 1e9:
        return 1e9, "USD bn"
    if largest >= 1e6:
        return 1e6, "USD m"
    return 1.0, "USD"


def cash_flow_chart(result: AppraisalResult) -> str:
    """Bars by year: capex and opex below zero, benefits and residual value above; the net
    cash flow as a line (economic prices, undiscounted)."""
    rows = result.cash_flows()
    years = [r["year"] for r in rows]
    scale, unit = money_scale(
        [r[k] for r in rows for k in ("capex_usd", "opex_usd", "benefits_usd", "net_usd")]
    )
    capex = [-r["capex_usd"] / scale for r in rows]
    opex = [-r["opex_usd"] / scale for r in rows]
    benefits = [r["benefits_usd"] / scale for r in rows]
    residual = [r["residual_usd"] / scale for r in rows]
    figure = new_figure(10.0, 4.2)
    ax = figure.subplots()
    ax.bar(years, benefits, color=BENEFITS_COLOUR, label="benefits")
    if any(residual):
        ax.bar(years, residual, bottom=benefits, color=RESIDUAL_COLOUR, label="residual value")
    ax.bar(years, capex, color=CAPEX_COLOUR, label="capex")
    ax.bar(years, opex, bottom=capex, color=OPEX_COLOUR, label="opex")
    net = [r["net_usd"] / scale for r in rows]
    ax.plot(years, net, color=NET_COLOUR, linewidth=1.8, marker="o", markersize=3, label="net")
    ax.axhline(0.0, color="#555555", linewidth=0.8)
    ax.set_xlabel("year", fontsize=8.5)
    ax.set_ylabel(f"{unit} a year ({result.price_year} prices)", fontsize=8.5)
    _tidy(ax)
    figure.legend(fontsize=8, frameon=False, loc="outside right upper")
    ax.set_title(
        f"Economic cash flows, {result.scenario} against {result.against}",
        fontsize=10,
        color=TEXT_COLOUR,
    )
    return png_data_uri(figure)


def stakeholder_chart(result: AppraisalResult, *, top: int = TOP_STAKEHOLDERS) -> str:
    """Horizontal bars of the NPV of each stakeholder and country, the ``top`` largest by
    |NPV|, coloured by stakeholder."""
    rows = sorted(result.by_stakeholder, key=lambda r: -abs(float(r["npv_usd"])))[:top]
    scale, unit = money_scale(float(r["npv_usd"]) for r in rows)
    colours = stakeholder_colours(str(r["stakeholder"]) for r in rows)
    labels = [f"{r['stakeholder']} · {r['country']}" for r in rows]
    figure = new_figure(10.0, 1.2 + 0.3 * max(len(rows), 1))
    ax = figure.subplots()
    positions = list(range(len(rows)))
    ax.barh(
        positions,
        [float(r["npv_usd"]) / scale for r in rows],
        height=0.7,
        color=[colours[str(r["stakeholder"])] for r in rows],
    )
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.axvline(0.0, color="#555555", linewidth=0.8)
    ax.set_xlabel(f"NPV, {unit} ({result.price_year} prices)", fontsize=8.5)
    _tidy(ax)
    _legend(ax, colours)
    shown = f"the {len(rows)} largest of {len(result.by_stakeholder)}"
    ax.set_title(f"NPV by stakeholder and country ({shown})", fontsize=10, color=TEXT_COLOUR)
    return png_data_uri(figure)


def stakeholder_colours(names: Iterable[str]) -> dict[str, str]:
    """A colour for each stakeholder in ``names``, the known ones always the same."""
    colours: dict[str, str] = {}
    others = 0
    for name in names:
        if name in colours:
            continue
        if name in STAKEHOLDER_COLOURS:
            colours[name] = STAKEHOLDER_COLOURS[name]
        else:
            colours[name] = OTHER_COLOURS[others % len(OTHER_COLOURS)]
            others += 1
    return colours


def tornado_chart(result: AppraisalResult) -> str:
    """For each input, bars from the base NPV to the NPV with the input lowered and
    raised by its ``change_pct``, the widest swing on top."""
    rows = sorted(result.sensitivity, key=lambda r: -float(r["swing_usd"]))
    base = result.npv_usd
    scale, unit = money_scale(
        [base] + [float(r[k]) for r in rows for k in ("npv_usd_low", "npv_usd_high")]
    )
    figure = new_figure(10.0, 1.4 + 0.38 * max(len(rows), 1))
    ax = figure.subplots()
    positions = list(range(len(rows)))
    for key, colour, label in (
        ("npv_usd_low", BEFORE_COLOUR, "input lowered"),
        ("npv_usd_high", AFTER_COLOUR, "input raised"),
    ):
        widths = [(float(r[key]) - base) / scale for r in rows]
        ax.barh(positions, widths, left=base / scale, height=0.6, color=colour, label=label)
    ax.set_yticks(positions, [_tornado_label(r) for r in rows])
    ax.invert_yaxis()
    ax.axvline(base / scale, color=NET_COLOUR, linewidth=1.2)
    ax.annotate(
        f"NPV {base / scale:,.2f} {unit}",
        (base / scale, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(4, -2),
        textcoords="offset points",
        va="top",
        fontsize=7.5,
        color=NET_COLOUR,
    )
    ax.set_xlabel(f"NPV, {unit} ({result.price_year} prices)", fontsize=8.5)
    _tidy(ax)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_title("Sensitivity of the NPV (tornado)", fontsize=10, color=TEXT_COLOUR)
    return png_data_uri(figure)


def _tornado_label(row: dict[str, Any]) -> str:
    return f"{str(row['input']).replace('_', ' ')} ±{float(row['change_pct']):g} %"


def _legend(ax: Axes, colours: dict[str, str]) -> None:
    from matplotlib.patches import Patch

    handles: Sequence[Patch] = [Patch(color=c, label=name) for name, c in colours.items()]
    ax.legend(handles=handles, fontsize=8, frameon=False, loc="lower right")
