"""Render ``report.html``: one self-contained page (inline CSS, images as data URIs).

Nothing on the page is fetched: no scripts, fonts or stylesheets from elsewhere, and
source URLs are printed as text rather than links. jinja2 autoescapes every value.
"""

from __future__ import annotations

from typing import Any

from tripp.atlas.model import Atlas
from tripp.energy_model.security import security_of_supply
from tripp.energy_model.security_report import SecurityArea
from tripp.errors import InputError
from tripp.reporting.appraisal_section import AppraisalOutcome, appraisal_context
from tripp.reporting.build import (
    ReportData,
    ScenarioRoutes,
    provenance_context,
    route_label,
    scenario_context,
    sources_context,
)
from tripp.reporting.charts import distance_chart, exposure_chart
from tripp.reporting.maps import route_maps
from tripp.scenarios.compare import Comparison

LICENCE = (
    "Code Apache-2.0; data keep their own terms; country outlines Natural Earth (public domain)"
)
#: Time–distance charts are drawn for at most this many pairs per comparison.
MAX_CHART_PAIRS = 12


def render(data: ReportData) -> str:
    """The report page as HTML text."""
    import jinja2

    from tripp.version import __version__

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("tripp.reporting", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["num"] = _num
    environment.filters["signed"] = _signed
    environment.filters["pct"] = _pct
    environment.filters["trend"] = _trend
    others = ", ".join(o.name for o in data.others)
    return environment.get_template("report.html.j2").render(
        title=f"tripp scenario report: {data.base.name} vs {others}",
        version=__version__,
        objective=data.objective,
        scenarios=[scenario_context(s.network) for s in data.scenarios],
        sources=sources_context([s.network for s in data.scenarios]),
        comparisons=[
            _comparison_context(c, data.base, other, appraisal)
            for c, other, appraisal in zip(
                data.comparisons,
                data.others,
                data.appraisals or (None,) * len(data.others),
                strict=True,
            )
        ],
        provenance=provenance_context(data.base.network.atlas),
        max_chart_pairs=MAX_CHART_PAIRS,
        licence=LICENCE,
    )


def _comparison_context(
    comparison: Comparison,
    base: ScenarioRoutes,
    other: ScenarioRoutes,
    appraisal: AppraisalOutcome | None = None,
) -> dict[str, Any]:
    base_atlas, other_atlas = base.network.atlas, other.network.atlas
    labels = (f"before: {base.name}", f"after: {other.name}")
    pairs = []
    charts: list[dict[str, str]] = []
    for p in comparison.pairs:
        key = (p["origin"], p["destination"])
        label = route_label(base_atlas, key)
        pairs.append(
            {
                "label": label,
                "before": _side(p["before"], base_atlas),
                "after": _side(p["after"], other_atlas),
                "delta": p["delta"],
            }
        )
        before, after = base.routes[key], other.routes[key]
        if (before or after) and len(charts) < MAX_CHART_PAIRS:
            charts.append(
                {
                    "label": label,
                    "image": distance_chart(
                        before,
                        after,
                        base_atlas=base_atlas,
                        other_atlas=other_atlas,
                        labels=labels,
                        title=label,
                    ),
                }
            )
    exposure = _exposure_rows(comparison)
    return {
        "id": f"vs-{other.name}",
        "base": comparison.base.name,
        "other": comparison.other.name,
        "base_year": comparison.base.year,
        "other_year": comparison.other.year,
        "summary": comparison.summary(),
        "pairs": pairs,
        "maps": route_maps(
            base, other, [(p["origin"], p["destination"]) for p in comparison.pairs]
        ),
        "charts": charts,
        "charted_all": len(charts) == sum(bool(p["before"] or p["after"]) for p in pairs),
        "exposure": exposure,
        "energy": comparison.energy,
        "security": _security_context(base, other),
        "exposure_chart": exposure_chart(exposure, labels) if exposure else None,
        "demand_years": (
            comparison.exposure_base.demand_year,
            comparison.exposure_other.demand_year,
        ),
        "appraisal": appraisal_context(appraisal),
    }


def _security_context(base: ScenarioRoutes, other: ScenarioRoutes) -> dict[str, Any] | None:
    """The N-1 indicator (EU 2017/1938 Annex II) of each gas area under both scenarios,
    one row per area; None when neither atlas has a calculated area. An atlas that cannot
    be read for it (e.g. an entry pipeline without capacity) gives its error instead."""
    sides: list[dict[str, SecurityArea]] = []
    errors: list[str] = []
    for routes in (base, other):
        network = routes.network
        try:
            report = security_of_supply(network.atlas, year=network.year, scenario=routes.name)
        except InputError as error:
            errors.append(f"{routes.name}: {error}")
            sides.append({})
            continue
        sides.append({a.area: a for a in report.areas})
    names = sorted(set(sides[0]) | set(sides[1]))
    if not names and not errors:
        return None
    rows = []
    for name in names:
        before, after = sides[0].get(name), sides[1].get(name)
        either = before or after
        assert either is not None
        rows.append(
            {
                "area": name,
                "country": either.country,
                "before": _security_side(before),
                "after": _security_side(after),
            }
        )
    return {"rows": rows, "errors": errors, "standard": "EU 2017/1938 Annex II N-1"}


def _security_side(area: SecurityArea | None) -> dict[str, Any] | None:
    if area is None:
        return None
    largest = area.largest_infrastructure
    return {
        "n_minus_1_pct": area.n_minus_1_pct,
        "meets": area.meets_standard,
        "dmax": area.dmax_mcm_per_day,
        "dmax_estimated": area.dmax_method.startswith("estimated"),
        "largest": None if largest is None else f"{largest.id} ({largest.kind})",
        "lasts": area.lasts,
    }


def _side(summary: dict[str, Any] | None, atlas: Atlas) -> dict[str, Any] | None:
    """A route summary with place names for its border crossings and gauge changes."""
    if summary is None:
        return None
    nodes = atlas.node_by_id
    return {
        **summary,
        "time_days": summary["time_h"] / 24.0,
        "borders": [nodes[n].name for n in summary["border_crossings"]],
        "gauges": [nodes[n].name for n in summary["gauge_changes"]],
    }


def _exposure_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """Per transit country: shares (0–1) of t and t-km before and after, largest first."""
    before, after = comparison.exposure_base, comparison.exposure_other
    countries = set(before.share_t) | set(after.share_t)
    rows = [
        {
            "country": c,
            "t_before": before.share_t.get(c, 0.0),
            "t_after": after.share_t.get(c, 0.0),
            "tkm_before": before.share_tkm.get(c, 0.0),
            "tkm_after": after.share_tkm.get(c, 0.0),
        }
        for c in countries
    ]
    return sorted(rows, key=lambda r: (-max(r["t_before"], r["t_after"]), r["country"]))


def _num(value: float | None, decimals: int = 0) -> str:
    return "—" if value is None else f"{value:,.{decimals}f}"


def _signed(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "—"
    if abs(value) < 0.5 * 10.0**-decimals:
        return f"±{0:.{decimals}f}"
    return f"{value:+,.{decimals}f}"


def _pct(value: float | None, decimals: int = 1) -> str:
    return "—" if value is None else f"{100 * value:.{decimals}f} %"


def _trend(value: float | None) -> str:
    """CSS class of a change where more is worse (time, cost, distance, exposure)."""
    if value is None or abs(value) < 1e-9:
        return "same"
    return "worse" if value > 0 else "better"
