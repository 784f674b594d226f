"""Trace solved flows from supplies to demands by proportional sharing.

At every bus the outgoing flow carries the same mix as the incoming flow (supply injected
there plus flow arriving by its arcs) — Bialek's proportional flow decomposition. Solving
``(diag(T) − A) X = S`` per snapshot gives ``X[b, k]``, the share of bus ``b``'s throughput
``T`` that came from source ``k``. A second system per country ``C`` gives the share that
has passed through ``C`` (a bus or an arc lying in ``C``) on its way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tripp.energy_model.instance import EnergyInstance
from tripp.energy_model.optimise import Solution

#: Source labels of the unmet slack and of storage withdrawals in dependency tables.
UNMET = "unmet"
STORAGE = "storage"


@dataclass(frozen=True)
class Trace:
    """Per demand: volume by supplier country and by transit country, over the year.

    Volumes are in model units × hours: mcm (gas) or MWh (power).
    """

    by_supplier: tuple[dict[str, float], ...]
    by_transit: tuple[dict[str, float], ...]


def _graph(instance: EnergyInstance) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """From bus, to bus, efficiency and country of every flow: arcs, then deliveries."""
    buses = instance.buses
    arcs, deliveries = instance.arcs, instance.deliveries
    start = np.array([a.from_bus for a in arcs] + [d.from_bus for d in deliveries], dtype=int)
    end = np.array([a.to_bus for a in arcs] + [d.to_bus for d in deliveries], dtype=int)
    efficiency = np.array([a.efficiency for a in arcs] + [1.0] * len(deliveries))
    country = [a.country for a in arcs] + [buses[d.to_bus].country for d in deliveries]
    return start, end, efficiency, country


def _sources(instance: EnergyInstance) -> tuple[list[int], list[str]]:
    """Bus and label of every source: supplies, swaps' gas, plants' power, storage
    withdrawals, then each demand's unmet slack."""
    buses = [s.bus for s in instance.supplies] + [w.gas_bus for w in instance.swaps]
    labels = [s.supplier_country for s in instance.supplies]
    labels += [w.supplier_country for w in instance.swaps]
    buses += [p.power_bus for p in instance.plants] + [s.bus for s in instance.storages]
    labels += [p.country for p in instance.plants] + [STORAGE] * len(instance.storages)
    buses += [d.bus for d in instance.demands]
    labels += [UNMET] * len(instance.demands)
    return buses, labels


def _injected(instance: EnergyInstance, solution: Solution, t: int) -> np.ndarray:
    """What each source of :func:`_sources` put in during snapshot ``t``."""
    efficiency = np.array([w.efficiency_mcm_per_mwh for w in instance.swaps])
    plant_efficiency = np.array([p.efficiency_mwh_per_mcm for p in instance.plants])
    return np.concatenate(
        [
            solution.supply[t],
            solution.swap_power_mw[t] * efficiency,
            solution.plant_gas[t] * plant_efficiency,
            solution.storage_out[t],
            solution.unmet[t],
        ]
    )


def _solve(matrix: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(matrix, rhs)
    except np.linalg.LinAlgError:  # a lossless circulation without injection
        return np.linalg.lstsq(matrix, rhs, rcond=None)[0]


def trace(instance: EnergyInstance, solution: Solution) -> Trace:
    """Supplier-country and transit-country volumes behind every demand."""
    n_bus = len(instance.buses)
    source_bus, source_country = _sources(instance)
    arc_from, arc_to, arc_eff, arc_country = _graph(instance)
    bus_country = [b.country for b in instance.buses]
    countries = sorted(set(bus_country) | set(arc_country))
    by_supplier: list[dict[str, float]] = [{} for _ in instance.demands]
    by_transit: list[dict[str, float]] = [{} for _ in instance.demands]
    for t, hours in enumerate(instance.hours):
        injected = _injected(instance, solution, t)
        inject = np.zeros((n_bus, len(injected)))
        inject[source_bus, np.arange(len(injected))] = injected
        arrive = np.concatenate([solution.arc_flow[t], solution.delivery[t]]) * arc_eff
        arrivals = np.zeros((n_bus, n_bus))
        np.add.at(arrivals, (arc_to, arc_from), arrive)
        throughput = inject.sum(axis=1) + arrivals.sum(axis=1)
        idle = throughput <= 1e-12
        matrix = np.diag(np.where(idle, 1.0, throughput)) - np.where(idle[:, None], 0, arrivals)
        mix = _solve(matrix, np.where(idle[:, None], 0.0, inject))
        for d, demand in enumerate(instance.demands):
            volume = demand.rates[t] * hours
            for k, country in enumerate(source_country):
                share = mix[demand.bus, k]
                if share > 1e-12:
                    by_supplier[d][country] = by_supplier[d].get(country, 0.0) + share * volume
        for country in countries:
            inside = np.array([c == country for c in bus_country])
            arc_in = np.array([c == country for c in arc_country], dtype=bool)
            through = np.zeros((n_bus, n_bus))
            np.add.at(through, (arc_to, arc_from), np.where(arc_in, 0.0, arrive))
            entering = np.zeros((n_bus, n_bus))
            np.add.at(entering, (arc_to, arc_from), np.where(arc_in, arrive, 0.0))
            rows_plain = ~(inside | idle)
            m = np.where(rows_plain[:, None], np.diag(throughput) - through, np.eye(n_bus))
            rhs = np.where(rows_plain[:, None], entering @ mix, np.where(inside[:, None], mix, 0.0))
            visited = _solve(m, rhs)
            foreign = [k for k, c in enumerate(source_country) if c != country]
            for d, demand in enumerate(instance.demands):
                if country == instance.buses[demand.bus].country:
                    continue
                share = float(visited[demand.bus, foreign].sum())
                if share > 1e-12:
                    by_transit[d][country] = (
                        by_transit[d].get(country, 0.0) + share * demand.rates[t] * hours
                    )
    return Trace(tuple(by_supplier), tuple(by_transit))
