"""The frozen result of an energy run and its JSON and table forms.

Quantities are per year: gas in ``mcm_per_year``, power in ``gwh_per_year`` (each row names
its ``unit``); money in USD; shares are 0–1 of a demand's volume. See docs/energy.md.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

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
    contracts: tuple[dict[str, Any], ...]
    storage: tuple[dict[str, Any], ...]
    plants: tuple[dict[str, Any], ...]
    assumptions: tuple[str, ...]
    skipped: tuple[str, ...]
    settings: EnergySettings

    @property
    def system_cost_usd(self) -> float:
        """Supply, transport and domestic demand left unmet (at the value of lost load), USD
        a year: the cost to the region's consumers, without exports' lost revenue."""
        return sum(self.cost_usd[k] for k in ("supply", "transport", "unmet_domestic"))

    def shortfall(self, role: str) -> dict[str, float]:
        """Unmet gas (mcm/year) and power (GWh/year) of the demands of ``role`` (``demand``
        for domestic load, ``export`` for export offtakes and swaps owed)."""
        roles = ("demand",) if role == "demand" else ("export", "swap")
        out = {"gas_mcm_per_year": 0.0, "power_gwh_per_year": 0.0}
        for d in self.demands:
            if d["role"] in roles:
                key = "gas_mcm_per_year" if d["carrier"] == "gas" else "power_gwh_per_year"
                out[key] = _r(out[key] + d["unmet"])
        return out

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
        self,
        table: Literal[
            "links", "supplies", "swaps", "demands", "contracts", "storage", "plants"
        ] = "links",
    ) -> pd.DataFrame:
        """One table of the result as a DataFrame (dependency columns as dicts)."""
        import pandas as pd

        return pd.DataFrame(list(getattr(self, table)))


#: The JSON of ``tripp energy --format json`` (docs/energy.md): money rounded to 4 decimals.
ENERGY_RESULT_JSON = JsonShape(
    EnergyResult,
    *("scenario", "year", "carrier"),
    rounded("total_cost_usd", _DIGITS),
    computed("system_cost_usd", float, lambda r: _r(r.system_cost_usd)),
    Key("cost_usd", lambda r: {k: _r(v) for k, v in r.cost_usd.items()}, field="cost_usd"),
    computed("unmet_domestic", dict[str, float], lambda r: r.shortfall("demand")),
    computed("unserved_export", dict[str, float], lambda r: r.shortfall("export")),
    *("links", "supplies", "swaps", "demands", "contracts", "storage", "plants"),
    computed("unmet_by_region", list[dict[str, Any]], EnergyResult.unmet_by_region),
    *("assumptions", "skipped"),
    Key("settings", lambda r: r.settings.to_dict(), dict[str, Any], field="settings"),
)


def _links(atlas: Atlas, instance: EnergyInstance, solution: Solution) -> list[dict[str, Any]]:
    """Per link: flow each way summed over sellers, mean and peak use of its capacity."""
    hours = instance.hours_per_year
    weights = np.asarray(instance.hours)
    flows = np.zeros((len(instance.hours), len(instance.groups)))
    for i, seller_arc in enumerate(instance.arcs):
        flows[:, seller_arc.group] += solution.arc_flow[:, i]
    rows: dict[str, dict[str, Any]] = {}
    for g, arc in enumerate(instance.groups):
        link = atlas.link_by_id[arc.link_id]
        capacity = arc.capacity
        row = rows.setdefault(
            arc.link_id,
            {
                "link_id": arc.link_id,
                "carrier": arc.carrier,
                "from_node": link.from_node,
                "to_node": link.to_node,
                "unit": ANNUAL_UNIT[arc.carrier],
                "capacity": None
                if math.isinf(capacity)
                else _r(_annual(arc.carrier, capacity * hours)),
                "flow_forward": 0.0,
                "flow_backward": 0.0,
                "net_flow": 0.0,
                "utilisation": None,
                "peak_utilisation": None,
            },
        )
        sent = _annual(arc.carrier, float(flows[:, g] @ weights))
        row[f"flow_{arc.direction}"] = _r(sent)
        row["net_flow"] = _r(row["flow_forward"] - row["flow_backward"])
        if not math.isinf(capacity) and capacity > 0:
            mean = sent / _annual(arc.carrier, capacity * hours)
            peak = float(flows[:, g].max()) / capacity
            row["utilisation"] = _r(max(mean, row["utilisation"] or 0.0))
            row["peak_utilisation"] = _r(max(peak, row["peak_utilisation"] or 0.0))
    return list(rows.values())


def _contracts(instance: EnergyInstance, solution: Solution) -> list[dict[str, Any]]:
    weights = np.asarray(instance.hours)
    out = []
    for k, cap in enumerate(instance.contracts):
        delivered = sum(
            float(solution.delivery[:, i] @ weights)
            for i, d in enumerate(instance.deliveries)
            if (d.carrier, d.seller, d.buyer) == (cap.carrier, cap.seller, cap.buyer)
        )
        out.append(
            {
                "carrier": cap.carrier,
                "seller": cap.seller,
                "buyer": cap.buyer,
                "contract_ids": list(cap.contract_ids),
                "unit": ANNUAL_UNIT[cap.carrier],
                "quantity": _r(_annual(cap.carrier, cap.annual)),
                "delivered": _r(_annual(cap.carrier, delivered)),
                "take_or_pay": _r(_annual(cap.carrier, cap.take_or_pay)),
                "below_take_or_pay": _r(
                    _annual(cap.carrier, float(solution.take_or_pay_shortfall[k]))
                ),
            }
        )
    return out


def _storage(instance: EnergyInstance, solution: Solution) -> list[dict[str, Any]]:
    weights = np.asarray(instance.hours)
    out = []
    for i, s in enumerate(instance.storages):
        unit = "mcm" if s.carrier == "gas" else "mwh"
        out.append(
            {
                "storage_id": s.storage_id,
                "node_id": instance.buses[s.bus].node_id,
                "carrier": s.carrier,
                "unit": unit,
                "working_volume": _r(s.volume),
                "injected": _r(float(solution.storage_in[:, i] @ weights)),
                "withdrawn": _r(float(solution.storage_out[:, i] @ weights)),
                "level_end_of_month": [_r(v) for v in solution.storage_level[:, i]],
            }
        )
    return out


def _plants(instance: EnergyInstance, solution: Solution) -> list[dict[str, Any]]:
    weights = np.asarray(instance.hours)
    out = []
    for i, p in enumerate(instance.plants):
        gas = float(solution.plant_gas[:, i] @ weights)
        out.append(
            {
                "plant_id": p.plant_id,
                "node_id": p.node_id,
                "capacity_mw": p.capacity_mw,
                "gas_burnt_mcm_per_year": _r(gas),
                "power_sent_out_gwh_per_year": _r(gas * p.efficiency_mwh_per_mcm / MWH_PER_GWH),
                "load_factor": _r(
                    gas * p.efficiency_mwh_per_mcm / (p.capacity_mw * instance.hours_per_year)
                )
                if p.capacity_mw > 0
                else None,
            }
        )
    return out


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
    weights = np.asarray(instance.hours)
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
                "available": _r(_annual(s.carrier, s.annual)),
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
                "payer_country": w.payer_country,
                "gwh_per_mcm": _r(1 / (w.efficiency_mcm_per_mwh * MWH_PER_GWH))
                if w.efficiency_mcm_per_mwh > 0
                else None,
                "power_capacity_gwh_per_year": _r(
                    float(np.asarray(w.rates_mw) @ weights) / MWH_PER_GWH
                ),
                "power_delivered_gwh_per_year": _r(power_mwh / MWH_PER_GWH),
                "gas_received_mcm_per_year": _r(power_mwh * w.efficiency_mcm_per_mwh),
                "power_not_sent_gwh_per_year": _r(
                    float(solution.swap_shortfall_mwh[i]) / MWH_PER_GWH
                ),
                "data_year": w.data_year,
            }
        )
    demands = []
    unmet_usd = {"demand": 0.0, "export": 0.0}
    nodes = atlas.node_by_id
    for i, d in enumerate(instance.demands):
        bus = instance.buses[d.bus]
        unmet = float(solution.unmet[:, i] @ weights)
        unmet_usd["demand" if d.role == "demand" else "export"] += unmet * d.value_usd_per_unit
        volume = float(np.asarray(d.rates) @ weights)
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
                "shortfall_value_usd_per_unit": d.value_usd_per_unit,
                "by_supplier_country": _shares(traced.by_supplier[i], volume),
                "by_transit_country": _shares(traced.by_transit[i], volume),
                "data_year": d.data_year,
            }
        )
    transport_usd = sum(
        float(solution.arc_flow[:, i] @ weights) * a.cost_usd_per_unit
        for i, a in enumerate(instance.arcs)
    )
    take_or_pay_usd = sum(
        float(solution.take_or_pay_shortfall[k]) * settings.take_or_pay_value(c.carrier)
        for k, c in enumerate(instance.contracts)
    )
    swap_usd = float(solution.swap_shortfall_mwh.sum()) * settings.power_export_netback_usd_per_mwh
    cost = {
        "supply": supply_usd,
        "transport": transport_usd,
        "unmet_domestic": unmet_usd["demand"],
        "unserved_export": unmet_usd["export"] + swap_usd,
        "take_or_pay": take_or_pay_usd,
    }
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
        contracts=tuple(_contracts(instance, solution)),
        storage=tuple(_storage(instance, solution)),
        plants=tuple(_plants(instance, solution)),
        assumptions=instance.assumptions,
        skipped=instance.skipped,
        settings=settings,
    )
