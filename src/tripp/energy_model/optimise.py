"""Build the PyPSA network of an :class:`EnergyInstance` and solve it with HiGHS.

One PyPSA Bus per instance bus (a seller's flow bus or a node's load bus); one Link per arc,
delivery, swap, gas-fired plant and storage injection or withdrawal; a Generator per supply
and, beside every demand, one at its shortfall value (the unmet slack); a Store per storage,
cyclic over the year. Twelve monthly snapshots weighted by their hours. Four kinds of
constraint are added to the linopy model PyPSA builds: the sellers of an arc share its
capacity; deliveries under contracts stay within their annual quantity; deliveries below a
take-or-pay quantity cost what the buyer pays for them anyway; a swap that runs below its
agreed volume loses the export value of the power not sent (so it runs when it can).
Costs go to the solver in millions of USD, so that the value of lost load and a wheeling
fee of a fraction of a dollar both sit within the solver's tolerances. PyPSA is imported
here only, when a run starts. A solve that is not optimal raises; nothing is read from it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tripp.energy_model.instance import EnergyInstance
from tripp.energy_model.settings import EnergySettings
from tripp.errors import ConvergenceError

logger = logging.getLogger(__name__)

#: USD per unit of the solver's objective.
USD_PER_OBJECTIVE_UNIT = 1e6


@dataclass(frozen=True)
class Solution:
    """Optimal rates per snapshot (rows) in model units: mcm/h for gas, MW for power."""

    objective_usd: float
    arc_flow: np.ndarray  # sent into each arc (before losses)
    supply: np.ndarray
    unmet: np.ndarray
    swap_power_mw: np.ndarray  # power delivered under each swap
    delivery: np.ndarray
    plant_gas: np.ndarray  # gas burnt by each plant
    storage_in: np.ndarray
    storage_out: np.ndarray
    storage_level: np.ndarray  # mcm or MWh at the end of each month
    take_or_pay_shortfall: np.ndarray  # per contract cap, mcm or MWh a year
    swap_shortfall_mwh: np.ndarray  # per swap, power not sent of what was agreed, MWh a year


def _names(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(count)]


def _shape(rates: list[tuple[float, ...]], snapshots: pd.Index, names: list[str]) -> Any:
    """Nominal rates (the monthly maxima) and per-unit monthly availability."""
    matrix = np.asarray(rates, dtype=float).reshape(len(names), len(snapshots)).T
    nominal = matrix.max(axis=0) if len(names) else np.zeros(0)
    per_unit = np.divide(matrix, nominal, out=np.zeros_like(matrix), where=nominal > 0)
    return nominal, pd.DataFrame(per_unit, index=snapshots, columns=names)


def build_network(instance: EnergyInstance) -> Any:
    """The PyPSA network of ``instance`` (names are positions: ``bus3``, ``arc7``, …).

    Each ``Network.add`` costs tens of milliseconds whatever its size, so there is one per
    component type. Rates are in model units (mcm/h for gas, MW for power), costs in
    millions of USD per unit, weightings in hours.
    """
    import pypsa

    scale = USD_PER_OBJECTIVE_UNIT
    n = pypsa.Network(ignore_standard_types=True)  # no lines or transformers here
    snapshots = pd.date_range(f"{instance.year}-01-01", periods=12, freq="MS")  # month starts
    n.set_snapshots(list(snapshots))
    n.snapshot_weightings.loc[:, :] = np.asarray(instance.hours)[:, None]
    buses = _names("bus", len(instance.buses))
    n.add("Bus", buses, carrier=[b.carrier for b in instance.buses])
    arcs, swaps, deliveries = instance.arcs, instance.swaps, instance.deliveries
    plants, storages = instance.plants, instance.storages
    store_buses = _names("storebus", len(storages))
    if storages:
        n.add("Bus", store_buses, carrier=[s.carrier for s in storages])
        n.add(
            "Store",
            _names("store", len(storages)),
            bus=store_buses,
            e_nom=[s.volume for s in storages],
            e_cyclic=True,
        )
    swap_names = _names("swap", len(swaps))
    swap_nominal, swap_pu = _shape([w.rates_mw for w in swaps], n.snapshots, swap_names)
    link_names = (
        _names("arc", len(arcs))
        + _names("delivery", len(deliveries))
        + _names("plant", len(plants))
        + _names("inject", len(storages))
        + _names("withdraw", len(storages))
    )
    if link_names:
        n.add(
            "Link",
            link_names,
            bus0=[buses[a.from_bus] for a in arcs]
            + [buses[d.from_bus] for d in deliveries]
            + [buses[p.gas_bus] for p in plants]
            + [buses[s.bus] for s in storages]
            + store_buses,
            bus1=[buses[a.to_bus] for a in arcs]
            + [buses[d.to_bus] for d in deliveries]
            + [buses[p.power_bus] for p in plants]
            + store_buses
            + [buses[s.bus] for s in storages],
            p_nom=[a.capacity for a in arcs]
            + [np.inf] * len(deliveries)
            + [p.capacity_mw / p.efficiency_mwh_per_mcm for p in plants]
            + [s.injection for s in storages]
            + [s.withdrawal for s in storages],
            efficiency=[a.efficiency for a in arcs]
            + [1.0] * len(deliveries)
            + [p.efficiency_mwh_per_mcm for p in plants]
            + [1.0] * (2 * len(storages)),
            marginal_cost=[a.cost_usd_per_unit / scale for a in arcs]
            + [0.0] * (len(link_names) - len(arcs)),
        )
    if swaps:
        n.add(
            "Link",
            swap_names,
            bus0=[buses[w.power_bus] for w in swaps],
            bus1=[buses[w.gas_bus] for w in swaps],
            p_nom=swap_nominal,
            p_max_pu=swap_pu,
            efficiency=[w.efficiency_mcm_per_mwh for w in swaps],
        )
    supplies, demands = instance.supplies, instance.demands
    supply_names, unmet_names = _names("supply", len(supplies)), _names("unmet", len(demands))
    supply_nominal, supply_pu = _shape([s.rates for s in supplies], n.snapshots, supply_names)
    demand_nominal, demand_pu = _shape([d.rates for d in demands], n.snapshots, unmet_names)
    if supplies:
        n.add(
            "Generator",
            supply_names,
            bus=[buses[x.bus] for x in supplies],
            p_nom=supply_nominal,
            p_max_pu=supply_pu,
            marginal_cost=[x.cost_usd_per_unit / scale for x in supplies],
        )
    if demands:
        n.add(
            "Generator",
            unmet_names,
            bus=[buses[d.bus] for d in demands],
            p_nom=demand_nominal,
            p_max_pu=demand_pu,
            marginal_cost=[d.value_usd_per_unit / scale for d in demands],
        )
        loads = pd.DataFrame(
            np.asarray([d.rates for d in demands], dtype=float).T,
            index=n.snapshots,
            columns=_names("load", len(demands)),
        )
        n.add("Load", list(loads.columns), bus=[buses[d.bus] for d in demands], p_set=loads)
    return n


def _add_constraints(model: Any, instance: EnergyInstance, settings: EnergySettings) -> None:
    """Shared arc capacities, contract quantities and take-or-pay, in the linopy model."""
    import xarray as xr

    if "Link-p" not in model.variables:
        return
    flow = model.variables["Link-p"]
    weights = xr.DataArray(np.asarray(instance.hours), coords={"snapshot": flow.coords["snapshot"]})
    members: dict[int, list[str]] = {}
    for i, arc in enumerate(instance.arcs):
        members.setdefault(arc.group, []).append(f"arc{i}")
    for group, names in members.items():
        capacity = instance.groups[group].capacity
        if len(names) > 1 and np.isfinite(capacity):
            model.add_constraints(
                flow.sel(name=names).sum("name") <= capacity, name=f"shared_capacity_{group}"
            )
    floors: list[tuple[str, Any, float, float]] = []  # (name, annual sent, floor, USD/unit)
    for k, cap in enumerate(instance.contracts):
        names = [
            f"delivery{i}"
            for i, d in enumerate(instance.deliveries)
            if (d.carrier, d.seller, d.buyer) == (cap.carrier, cap.seller, cap.buyer)
        ]
        if not names:
            continue
        delivered = (flow.sel(name=names).sum("name") * weights).sum("snapshot")
        model.add_constraints(delivered <= cap.annual, name=f"contract_{k}")
        if cap.take_or_pay > 0:
            value = settings.take_or_pay_value(cap.carrier)
            floors.append((f"take_or_pay_short_{k}", delivered, cap.take_or_pay, value))
    for i, swap in enumerate(instance.swaps):
        sent = (flow.sel(name=[f"swap{i}"]).sum("name") * weights).sum("snapshot")
        agreed = float(np.asarray(swap.rates_mw) @ np.asarray(instance.hours))
        floors.append((f"swap_short_{i}", sent, agreed, settings.power_export_netback_usd_per_mwh))
    if not floors:
        return
    penalty = None
    for name, sent, floor, value in floors:
        short = model.add_variables(lower=0, name=name)
        model.add_constraints(short + sent >= floor, name=f"{name}_floor")
        term = (value / USD_PER_OBJECTIVE_UNIT) * short
        penalty = term if penalty is None else penalty + term
    model.objective = model.objective.expression + penalty


def _scalar(model: Any, name: str) -> float:
    """The solved value of a scalar variable added by :func:`_add_constraints` (0 if none)."""
    return float(model.variables[name].solution) if name in model.variables else 0.0


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Keep the solver's banner, written to file descriptor 1, off stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _solution(model: Any, name: str) -> pd.DataFrame:
    """A variable's solution as snapshots × names (empty when the model has none)."""
    if name not in model.variables:
        return pd.DataFrame()
    frame: pd.DataFrame = model.variables[name].solution.to_pandas()
    return frame


def _columns(frame: pd.DataFrame, prefix: str, count: int) -> np.ndarray:
    if count == 0:
        return np.zeros((12, 0))
    return frame[_names(prefix, count)].to_numpy(dtype=float)


def solve(instance: EnergyInstance, settings: EnergySettings | None = None) -> Solution:
    """Solve the least-cost dispatch of ``instance``; raise ConvergenceError unless the
    solver proves the optimum (a solve whose status is unknown is not read).

    The linopy model is built by PyPSA and solved by HiGHS through its direct interface;
    flows are read from the model, skipping PyPSA's power-flow post-processing.
    """
    settings = settings or EnergySettings()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module="pypsa")
        network = build_network(instance)
        model = network.optimize.create_model(
            consistency_check=False, include_objective_constant=False
        )
        _add_constraints(model, instance, settings)
    with _quiet_stdout():
        status, condition = model.solve(
            solver_name="highs",
            io_api="direct",
            sanitize_zeros=False,
            sanitize_infinities=False,
            output_flag=False,
        )
    if status != "ok" or condition != "optimal":
        raise ConvergenceError(
            f"the energy LP was not solved to optimality: {status} ({condition})"
        )
    links, gens = _solution(model, "Link-p"), _solution(model, "Generator-p")
    stores = _solution(model, "Store-e")
    shortfall = np.array(
        [_scalar(model, f"take_or_pay_short_{k}") for k in range(len(instance.contracts))]
    )
    swap_short = np.array([_scalar(model, f"swap_short_{i}") for i in range(len(instance.swaps))])
    n_store = len(instance.storages)
    return Solution(
        objective_usd=float(model.objective.value) * USD_PER_OBJECTIVE_UNIT,
        arc_flow=_columns(links, "arc", len(instance.arcs)),
        supply=_columns(gens, "supply", len(instance.supplies)),
        unmet=_columns(gens, "unmet", len(instance.demands)),
        swap_power_mw=_columns(links, "swap", len(instance.swaps)),
        delivery=_columns(links, "delivery", len(instance.deliveries)),
        plant_gas=_columns(links, "plant", len(instance.plants)),
        storage_in=_columns(links, "inject", n_store),
        storage_out=_columns(links, "withdraw", n_store),
        storage_level=_columns(stores, "store", n_store),
        take_or_pay_shortfall=shortfall,
        swap_shortfall_mwh=swap_short,
    )
