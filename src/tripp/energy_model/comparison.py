"""Compare two energy results: unmet demand, dependency, link flows and cost, before/after."""

from __future__ import annotations

from typing import Any

from tripp.energy_model.result import EnergyResult


def _delta(before: float | None, after: float | None) -> float | None:
    if before is None or after is None:
        return None
    return round(after - before, 4)


def _dependency_change(before: dict[str, float], after: dict[str, float]) -> dict[str, Any]:
    keys = sorted(set(before) | set(after))
    return {
        k: {
            "before": before.get(k, 0.0),
            "after": after.get(k, 0.0),
            "delta": round(after.get(k, 0.0) - before.get(k, 0.0), 4),
        }
        for k in keys
    }


def energy_comparison(base_result: EnergyResult, other_result: EnergyResult) -> dict[str, Any]:
    """JSON-ready change from ``base_result`` to ``other_result``.

    Per demand (node and carrier): demand, unmet and unmet share before and after, and the
    change of supplier-country and transit-country shares; per link: net flow and
    utilisation before and after. Money (USD a year) before and after: the system cost
    (supply, transport and domestic demand unmet at the value of lost load) apart from the
    export revenue lost on undelivered exports, and the total of both (the LP objective);
    export rows that only the other scenario has are listed in ``new_exports``, so a new
    offtake's shortfall is never read as a cost of the system. Elements present in only one
    result have ``None`` on the other side.
    """
    demands = []
    base = {(d["node_id"], d["carrier"]): d for d in base_result.demands}
    other = {(d["node_id"], d["carrier"]): d for d in other_result.demands}
    for key in sorted(set(base) | set(other)):
        b, o = base.get(key), other.get(key)
        any_row = o or b
        assert any_row is not None
        demands.append(
            {
                "node_id": key[0],
                "carrier": key[1],
                "region": any_row["region"],
                "country": any_row["country"],
                "unit": any_row["unit"],
                "unmet_before": b["unmet"] if b else None,
                "unmet_after": o["unmet"] if o else None,
                "delta_unmet": _delta(b["unmet"] if b else None, o["unmet"] if o else None),
                "unmet_share_before": b["unmet_share"] if b else None,
                "unmet_share_after": o["unmet_share"] if o else None,
                "by_supplier_country": _dependency_change(
                    b["by_supplier_country"] if b else {}, o["by_supplier_country"] if o else {}
                ),
                "by_transit_country": _dependency_change(
                    b["by_transit_country"] if b else {}, o["by_transit_country"] if o else {}
                ),
            }
        )
    links = []
    base_links = {row["link_id"]: row for row in base_result.links}
    other_links = {row["link_id"]: row for row in other_result.links}
    for link_id in sorted(set(base_links) | set(other_links)):
        b, o = base_links.get(link_id), other_links.get(link_id)
        row = o or b
        assert row is not None
        links.append(
            {
                "link_id": link_id,
                "carrier": row["carrier"],
                "unit": row["unit"],
                "net_flow_before": b["net_flow"] if b else None,
                "net_flow_after": o["net_flow"] if o else None,
                "utilisation_before": b["utilisation"] if b else None,
                "utilisation_after": o["utilisation"] if o else None,
            }
        )
    new_exports = [
        {k: d[k] for k in ("node_id", "carrier", "country", "unit", "demand", "unmet")}
        for key, d in other.items()
        if d["role"] in ("export", "swap") and key not in base
    ]
    return {
        "base": base_result.scenario,
        "other": other_result.scenario,
        "base_year": base_result.year,
        "other_year": other_result.year,
        "total_cost_usd_before": round(base_result.total_cost_usd, 2),
        "total_cost_usd_after": round(other_result.total_cost_usd, 2),
        "delta_total_cost_usd": round(other_result.total_cost_usd - base_result.total_cost_usd, 2),
        "system_cost_usd_before": round(base_result.system_cost_usd, 2),
        "system_cost_usd_after": round(other_result.system_cost_usd, 2),
        "delta_system_cost_usd": round(
            other_result.system_cost_usd - base_result.system_cost_usd, 2
        ),
        "unmet_domestic_before": base_result.shortfall("demand"),
        "unmet_domestic_after": other_result.shortfall("demand"),
        "unserved_export_before": base_result.shortfall("export"),
        "unserved_export_after": other_result.shortfall("export"),
        "unserved_export_usd_before": round(base_result.cost_usd["unserved_export"], 2),
        "unserved_export_usd_after": round(other_result.cost_usd["unserved_export"], 2),
        "new_exports": new_exports,
        "demands": demands,
        "links": links,
    }
