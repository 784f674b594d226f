"""Tables beside the report: ``comparison`` and ``exposure``, as CSV and Parquet.

``comparison``: one row per compared scenario pair × O-D pair, with each measure before,
after and its delta (after − before): ``time_h`` (h), ``cost_usd`` (USD per TEU),
``distance_km`` (km); lists (countries, border-crossing and gauge-change places) joined
with ``;``; a missing route leaves its values empty. ``exposure``: one row per scenario ×
transit country with the shares (0–1) of routed tonnes and of tonne-kilometres.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tripp.reporting.build import ReportData
from tripp.scenarios.compare import Comparison

if TYPE_CHECKING:
    import pandas as pd

MEASURES = ("time_h", "cost_usd", "distance_km")
LISTS = ("countries", "border_crossings", "gauge_changes")
EXPOSURE_COLUMNS = ["scenario", "country", "transit_share_t", "transit_share_tkm"]


def comparison_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """The flat rows of one comparison (see the module docstring)."""
    rows = []
    for p in comparison.pairs:
        before, after, delta = p["before"], p["after"], p["delta"]
        row: dict[str, Any] = {
            "base": comparison.base.name,
            "other": comparison.other.name,
            "base_year": comparison.base.year,
            "other_year": comparison.other.year,
            "objective": comparison.objective,
            "origin": p["origin"],
            "destination": p["destination"],
            "status": _status(before, after),
        }
        for measure in MEASURES:
            row[f"{measure}_before"] = before[measure] if before else None
            row[f"{measure}_after"] = after[measure] if after else None
            row[f"{measure}_delta"] = delta[measure] if delta else None
        for name in LISTS:
            row[f"{name}_before"] = ";".join(before[name]) if before else None
            row[f"{name}_after"] = ";".join(after[name]) if after else None
        rows.append(row)
    return rows


def _status(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """``routed`` (both), ``new`` (after only), ``cut`` (before only) or ``none``."""
    if before and after:
        return "routed"
    if after:
        return "new"
    return "cut" if before else "none"


def exposure_rows(data: ReportData) -> list[dict[str, Any]]:
    """Per scenario (base first) and transit country: the shares of t and t-km (0–1)."""
    exposures = [data.comparisons[0].exposure_base] + [c.exposure_other for c in data.comparisons]
    return [
        {"scenario": e.scenario, **country}
        for e in exposures
        for country in e.to_dict()["countries"]
    ]


def write_tables(data: ReportData, folder: Path) -> list[Path]:
    """Write ``comparison`` and ``exposure`` as CSV and Parquet into ``folder``, and, where
    the report appraised, ``appraisal_cash_flows`` (every appraised scenario's economic cash
    flows by year, USD) and ``appraisal_by_stakeholder``."""
    import pandas as pd

    comparison = pd.DataFrame([row for c in data.comparisons for row in comparison_rows(c)])
    for measure in MEASURES:
        for when in ("before", "after", "delta"):
            comparison[f"{measure}_{when}"] = comparison[f"{measure}_{when}"].astype("float64")
    exposure = pd.DataFrame(exposure_rows(data), columns=EXPOSURE_COLUMNS)
    frames = [("comparison", comparison), ("exposure", exposure)]
    appraised = [a.result for a in data.appraisals if a is not None and a.result is not None]
    if appraised:
        flows = [
            {"scenario": r.scenario, "against": r.against, **row}
            for r in appraised
            for row in r.cash_flows()
        ]
        owners = [
            {"scenario": r.scenario, "against": r.against, **row}
            for r in appraised
            for row in r.to_dict()["by_stakeholder"]
        ]
        frames += [
            ("appraisal_cash_flows", pd.DataFrame(flows)),
            ("appraisal_by_stakeholder", pd.DataFrame(owners)),
        ]
    written = []
    for name, frame in frames:
        written.extend(_write(frame, folder, name))
    return written


def _write(frame: pd.DataFrame, folder: Path, name: str) -> list[Path]:
    csv, parquet = folder / f"{name}.csv", folder / f"{name}.parquet"
    frame.to_csv(csv, index=False)
    frame.to_parquet(parquet, index=False)
    return [csv, parquet]
