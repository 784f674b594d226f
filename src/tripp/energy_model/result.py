"""The frozen result of an energy run and its JSON and table forms.

Quantities are per year: gas in ``mcm_per_year``, power in ``gwh_per_year`` (each row names
its ``unit``); money in USD; shares are 0–1 of a demand's volume. See docs/energy.md.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from tripp.atlas.jsonshape import JsonShape, Key, computed, rounded
from tripp.atlas.model import Atlas
from tripp.energy_model.settings import MWH_PER_GWH, EnergySettings

if TYPE_CHECKING:
    import pandas as pd

    from tripp.energy_model.instance import EnergyInstance
    from tripp.energy_model.optimise import Solution
    from tripp.energy_model.trace import Trace

#: Unit of annual quantities of each carrier in results.
ANNUAL_UNIT: dict[str, str] = {"gas": "mcm_per_year", "power": "gwh_per_year"}
_DIGITS = 4


def _annual(carrier: str, model_units_times_hours: float) -> float:
    """mcm (gas) stays mcm; MWh (power) becomes GWh."""
    value = model_units_times_hours
    return value / MWH_PER_GWH if carrier == "power" else value


def _r(value: float) -> float:
    return round(value, _DIGITS)


def _shares(volumes: dict[str, float], total: float) -> dict[str, float]:
    if total <= 0:
        return {}
    return {k: _r(v / total) for k, v in sorted(volumes.items(), key=lambda kv: -kv[1])}


@dataclass(frozen=True)
class EnergyResult:
    """Flows, utilisation, unmet demand, cost and supply dependency of one energy run."""

    year: int
    carrier: str
    scenario: str | None
    total_cost_usd: float
    cost_usd: dict[str, float]
    links: tuple[dict[str, Any], ...]
    supplies: tuple[dict[str, Any], ...]
    swaps: tuple[dict[str, Any], ...]
    demands: tuple[dict[str, Any], ...]
    assumptions: tuple[str, ...]
    skipped: tuple[str, ...]
    settings: EnergySettings

    def unmet_by_region(self) -> list[dict[str, Any]]:
        """Demand and unmet demand summed per region, country and carrier."""
        groups: dict[tuple[str, str, str], list[float]] = {}
        for d in self.demands:
            key = (d["region"], d["country"], d["carrier"])
            total = groups.setdefault(key, [0.0, 0.0])
            total[0] += d["demand"]
            total[1] += d["unmet"]
        return [
            {
                "region": region,
                "country": country,
                "carrier": carrier,
                "unit": ANNUAL_UNIT[carrier],
                "demand": _r(demand),
                "unmet": _r(unmet),
            }
            for (region, country, carrier), (demand, unmet) in sorted(groups.items())
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping; its shape is documented in docs/energy.md."""
        return ENERGY_RESULT_JSON.dump(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_frame(
        self, table: Literal["links", "supplies", "swaps", "demands"] = "links"
    ) -> pd.DataFrame:
        """One table of the result as a DataFrame (dependency columns as dicts)."""
        import pandas as pd

        return pd.DataFrame(list(getattr(self, table)))


#: The JSON of ``tripp energy --format json`` (docs/energy.md): money rounded to 4 decimals.
ENERGY_RESULT_JSON = JsonShape(
    EnergyResult,
    *("scenario", "year", "carrier"),
    rounded("total_cost_usd", _DIGITS),
    Key("cost_usd", lambda r: {k: _r(v) for k, v in r.cost_usd.items()}, field="cost_usd"),
    *("links", "supplies", "swaps", "demands"),
    computed("unmet_by_region", list[dict[str, Any]], EnergyResult.unmet_by_region),
    *("assumptions", "skipped"),
    Key("settings", lambda r: r.settings.to_dict(), dict[str, Any], field="settings"),
)


def _links(atlas: Atlas, instance: EnergyInstance, solution: Solution) -> list[dict[str, Any]]:
    hours = instance.hours_per_year
    rows: dict[str, dict[str, Any]] = {}
    weights = list(instance.hours)
    for i, arc in enumerate(instance.arcs):
        link = atlas.link_by_id[arc.link_id]
        row = rows.setdefault(
            arc.link_id,
            {
                "link_id": arc.link_id,
                "carrier": arc.carrier,
                "from_node": link.from_node,
                "to_node": link.to_node,
                "unit": ANNUAL_UNIT[arc.carrier],
                "capacity": None
                if math.isinf(arc.capacity)
                else _r(_annual(arc.carrier, arc.capacity * hours)),
                "flow_forward": 0.0,
                "flow_backward": 0.0,
                "net_flow": 0.0,
                "utilisation": None,
                "peak_utilisation": None,
            },
        )
        flows = solution.arc_flow[:, i]
        sent = _annual(arc.carrier, float(flows @ weights))
        row[f"flow_{arc.direction}"] = _r(sent)
        row["net_flow"] = _r(row["flow_forward"] - row["flow_backward"])
        if not math.isinf(arc.capacity) and arc.capacity > 0:
            mean = sent / _annual(arc.carrier, arc.capacity * hours)
            peak = float(flows.max()) / arc.capacity
            row["utilisation"] = _r(max(mean, row["utilisation"] or 0.0))
            row["peak_utilisation"] = _r(max(peak, row["peak_utilisation"] or 0.0))
    return list(rows.values())


def build_result(
    atlas: Atlas,
    instance: EnergyInstance,
    solution: Solution,
    traced: Trace,
    *,
    carrier: str,
    scenario: str | None,
    settings: EnergySettings,
) -> EnergyResult:
    """Assemble the result tables from the instance, the solution and the trace."""
    weights = list(instance.hours)
    hours = instance.hours_per_year
    supplies = []
    supply_usd = 0.0
    for i, s in enumerate(instance.supplies):
        used = float(solution.supply[:, i] @ weights)
        supply_usd += used * s.cost_usd_per_unit
        supplies.append(
            {
                "node_id": s.node_id,
                "carrier": s.carrier,
                "role": s.role,
                "supplier_country": s.supplier_country,
                "unit": ANNUAL_UNIT[s.carrier],
                "available": _r(_annual(s.carrier, s.rate * hours)),
                "used": _r(_annual(s.carrier, used)),
                "data_year": s.data_year,
            }
        )
    swaps = []
    for i, w in enumerate(instance.swaps):
        power_mwh = float(solution.swap_power_mw[:, i] @ weights)
        swaps.append(
            {
                "gas_node": w.gas_node,
                "power_node": w.power_node,
                "supplier_country": w.supplier_country,
                "gwh_per_mcm": _r(1 / (w.efficiency_mcm_per_mwh * MWH_PER_GWH))
                if w.efficiency_mcm_per_mwh > 0
                else None,
                "power_capacity_gwh_per_year": _r(w.rate_mw * hours / MWH_PER_GWH),
                "power_delivered_gwh_per_year": _r(power_mwh / MWH_PER_GWH),
                "gas_received_mcm_per_year": _r(power_mwh * w.efficiency_mcm_per_mwh),
                "data_year": w.data_year,
            }
        )
    demands = []
    unmet_usd = 0.0
    nodes = atlas.node_by_id
    for i, d in enumerate(instance.demands):
        bus = instance.buses[d.bus]
        unmet = float(solution.unmet[:, i] @ weights)
        unmet_usd += unmet * d.voll_usd_per_unit
        volume = d.rate * hours
        demands.append(
            {
                "node_id": d.node_id,
                "name": nodes[d.node_id].name,
                "region": bus.region,
                "country": bus.country,
                "carrier": d.carrier,
                "role": d.role,
                "unit": ANNUAL_UNIT[d.carrier],
                "demand": _r(_annual(d.carrier, volume)),
                "served": _r(_annual(d.carrier, volume - unmet)),
                "unmet": _r(_annual(d.carrier, unmet)),
                "unmet_share": _r(unmet / volume) if volume > 0 else 0.0,
                "by_supplier_country": _shares(traced.by_supplier[i], volume),
                "by_transit_country": _shares(traced.by_transit[i], volume),
                "data_year": d.data_year,
            }
        )
    transport_usd = sum(
        float(solution.arc_flow[:, i] @ weights) * a.cost_usd_per_unit
        for i, a in enumerate(instance.arcs)
    )
    cost = {"supply": supply_usd, "transport": transport_usd, "unmet": unmet_usd}
    return EnergyResult(
        year=instance.year,
        carrier=carrier,
        scenario=scenario,
        total_cost_usd=solution.objective_usd,
        cost_usd=cost,
        links=tuple(_links(atlas, instance, solution)),
        supplies=tuple(supplies),
        swaps=tuple(swaps),
        demands=tuple(demands),
        assumptions=instance.assumptions,
        skipped=instance.skipped,
        settings=settings,
    )
