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
            e_sum_max=[x.annual for x in supplies],
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


def _grouped_sum(flow: Any, names: list[str], labels: list[int], dim: str) -> Any:
    """The sum of the Link flows ``names`` per label (one linopy expression over ``dim``)."""
    import xarray as xr

    grouper = xr.DataArray(labels, coords={"name": names}, dims="name", name=dim)
    return flow.sel(name=names).groupby(grouper).sum()


def _add_constraints(model: Any, instance: EnergyInstance, settings: EnergySettings) -> None:
    """Shared arc capacities, contract quantities, take-or-pay and swap floors, each as one
    vectorised constraint in the linopy model."""
    import xarray as xr

    if "Link-p" not in model.variables:
        return
    flow = model.variables["Link-p"]
    weights = xr.DataArray(np.asarray(instance.hours), coords={"snapshot": flow.coords["snapshot"]})
    count: dict[int, int] = {}
    for arc in instance.arcs:
        count[arc.group] = count.get(arc.group, 0) + 1
    shared = [
        (f"arc{i}", arc.group)
        for i, arc in enumerate(instance.arcs)
        if count[arc.group] > 1 and np.isfinite(instance.groups[arc.group].capacity)
    ]
    if shared:
        names, groups = [n for n, _ in shared], [g for _, g in shared]
        total = _grouped_sum(flow, names, groups, "group")
        used = sorted(set(groups))
        capacity = xr.DataArray(
            [instance.groups[g].capacity for g in used], coords={"group": used}, dims="group"
        )
        model.add_constraints(total <= capacity, name="shared_capacity")
    index = {(c.carrier, c.seller, c.buyer): k for k, c in enumerate(instance.contracts)}
    under = [
        (f"delivery{i}", index[(d.carrier, d.seller, d.buyer)])
        for i, d in enumerate(instance.deliveries)
        if (d.carrier, d.seller, d.buyer) in index
    ]
    if under:
        names, keys = [n for n, _ in under], [k for _, k in under]
        delivered = (_grouped_sum(flow, names, keys, "contract") * weights).sum("snapshot")
        used = sorted(set(keys))
        quantity = xr.DataArray(
            [instance.contracts[k].annual for k in used], coords={"contract": used}, dims="contract"
        )
        model.add_constraints(delivered <= quantity, name="contract_quantity")
        paid = [k for k in used if instance.contracts[k].take_or_pay > 0]
        if paid:
            floor = [instance.contracts[k].take_or_pay for k in paid]
            value = [settings.take_or_pay_value(instance.contracts[k].carrier) for k in paid]
            _add_floor(model, flow, weights, "take_or_pay", names, keys, paid, (floor, value))
    if instance.swaps:
        hours = np.asarray(instance.hours)
        agreed = [float(np.asarray(w.rates_mw) @ hours) for w in instance.swaps]
        value = [settings.power_export_netback_usd_per_mwh] * len(instance.swaps)
        names = [f"swap{i}" for i in range(len(instance.swaps))]
        keys = list(range(len(instance.swaps)))
        _add_floor(model, flow, weights, "swap", names, keys, keys, (agreed, value))


def _add_floor(
    model: Any,
    flow: Any,
    weights: Any,
    label: str,
    names: list[str],
    keys: list[int],
    floored: list[int],
    floor_and_value: tuple[list[float], list[float]],
) -> None:
    """A soft annual floor per key in ``floored``: a shortfall variable ``{label}_short``
    priced at its value (USD per unit) makes up what the flows ``names`` send below it."""
    import xarray as xr

    floor, value = floor_and_value
    sent = (_grouped_sum(flow, names, keys, label) * weights).sum("snapshot").sel({label: floored})
    coords = {label: floored}
    index = xr.DataArray(floored, dims=label).to_index()
    short = model.add_variables(lower=0, coords=[index], name=f"{label}_short")
    model.add_constraints(
        short + sent >= xr.DataArray(floor, coords=coords, dims=label), name=f"{label}_floor"
    )
    price = xr.DataArray(np.asarray(value) / USD_PER_OBJECTIVE_UNIT, coords=coords, dims=label)
    model.objective = model.objective.expression + (price * short).sum()


def _shortfalls(model: Any, label: str, count: int) -> np.ndarray:
    """The solved shortfall of each of ``count`` keys under ``label`` (0 where none)."""
    out = np.zeros(count)
    name = f"{label}_short"
    if name in model.variables:
        solution = model.variables[name].solution
        out[solution.coords[label].to_numpy().astype(int)] = solution.to_numpy()
    return out


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


def _model(instance: EnergyInstance, settings: EnergySettings) -> Any:
    """The linopy model of ``instance``: PyPSA's, plus :func:`_add_constraints`."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module="pypsa")
        network = build_network(instance)
        model = network.optimize.create_model(
            consistency_check=False, include_objective_constant=False
        )
        _add_constraints(model, instance, settings)
    return model


def _optimise(model: Any, instance: EnergyInstance, case: str) -> Solution:
    """Solve ``model`` with HiGHS and read the solution; raise ConvergenceError naming
    ``case`` unless the solver proves the optimum (a status "unknown" is never read)."""
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
            f"the energy LP of {case} was not solved to optimality: {status} ({condition}); "
            "no figure is read from it"
        )
    links, gens = _solution(model, "Link-p"), _solution(model, "Generator-p")
    stores = _solution(model, "Store-e")
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
        take_or_pay_shortfall=_shortfalls(model, "take_or_pay", len(instance.contracts)),
        swap_shortfall_mwh=_shortfalls(model, "swap", len(instance.swaps)),
    )


def solve(
    instance: EnergyInstance, settings: EnergySettings | None = None, *, case: str = "the run"
) -> Solution:
    """Solve the least-cost dispatch of ``instance``; raise ConvergenceError unless the
    solver proves the optimum.

    The linopy model is built by PyPSA and solved by HiGHS through its direct interface;
    flows are read from the model, skipping PyPSA's power-flow post-processing.
    """
    if not instance.demands and not instance.swaps:  # nothing to serve: nothing moves
        return _idle(instance)
    return _optimise(_model(instance, settings or EnergySettings()), instance, case)


def _idle(instance: EnergyInstance) -> Solution:
    """The solution of an instance with nothing to serve: every flow zero."""

    def zeros(count: int) -> np.ndarray:
        return np.zeros((len(instance.hours), count))

    n_store = len(instance.storages)
    return Solution(
        objective_usd=0.0,
        arc_flow=zeros(len(instance.arcs)),
        supply=zeros(len(instance.supplies)),
        unmet=zeros(0),
        swap_power_mw=zeros(0),
        delivery=zeros(len(instance.deliveries)),
        plant_gas=zeros(len(instance.plants)),
        storage_in=zeros(n_store),
        storage_out=zeros(n_store),
        storage_level=zeros(n_store),
        take_or_pay_shortfall=np.zeros(len(instance.contracts)),
        swap_shortfall_mwh=np.zeros(0),
    )


def solve_closures(
    instance: EnergyInstance, settings: EnergySettings, closures: list[str]
) -> Iterator[tuple[str, Solution]]:
    """Solve ``instance`` once per link id in ``closures`` with that link closed (its arcs
    held at zero), building the model once. Yields (link id, solution) in order; a closure
    whose solve is not optimal raises ConvergenceError naming the link."""
    if not instance.demands and not instance.swaps:
        for link_id in closures:
            yield link_id, _idle(instance)
        return
    model = _model(instance, settings)
    if "Link-p" not in model.variables:
        for link_id in closures:
            yield link_id, _optimise(model, instance, f"the closure of link {link_id}")
        return
    variable = model.variables["Link-p"]
    original = variable.upper.copy()
    for link_id in closures:
        names = [f"arc{i}" for i, a in enumerate(instance.arcs) if a.link_id == link_id]
        upper = original.copy()
        if names:
            upper.loc[{"name": names}] = 0.0
        variable.update(upper=upper)
        yield link_id, _optimise(model, instance, f"the closure of link {link_id}")
    variable.update(upper=original)
