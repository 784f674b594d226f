"""Build the PyPSA network of an :class:`EnergyInstance` and solve it with HiGHS.

Buses per node and carrier; one PyPSA Link per arc (a two-way atlas link gives two arcs,
so costs and losses hold both ways); a Generator per supply; a Load per demand with a
Generator at the value of lost load beside it (the unmet slack); a Link from the power bus
to the gas bus for each gas-for-electricity swap. Twelve monthly snapshots weighted by their
hours. PyPSA is imported here only, when a run starts.
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

from tripp.energy.instance import EnergyInstance
from tripp.errors import ConvergenceError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Solution:
    """Optimal rates per snapshot (rows) in model units: mcm/h for gas, MW for power."""

    objective_usd: float
    arc_flow: np.ndarray  # sent into each arc (before losses)
    supply: np.ndarray
    unmet: np.ndarray
    swap_power_mw: np.ndarray  # power delivered under each swap


def _names(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(count)]


def build_network(instance: EnergyInstance) -> Any:
    """The PyPSA network of ``instance`` (names are positions: ``bus3``, ``arc7``, …)."""
    import pypsa

    n = pypsa.Network(ignore_standard_types=True)  # no lines or transformers here
    snapshots = pd.date_range(f"{instance.year}-01-01", periods=12, freq="MS")
    n.set_snapshots(list(snapshots))
    n.snapshot_weightings.loc[:, :] = np.asarray(instance.hours)[:, None]
    n.add("Carrier", list(instance.carriers))
    buses = _names("bus", len(instance.buses))
    n.add("Bus", buses, carrier=[b.carrier for b in instance.buses])
    if instance.arcs:
        arcs = instance.arcs
        n.add(
            "Link",
            _names("arc", len(arcs)),
            bus0=[buses[a.from_bus] for a in arcs],
            bus1=[buses[a.to_bus] for a in arcs],
            p_nom=[a.capacity for a in arcs],
            efficiency=[a.efficiency for a in arcs],
            marginal_cost=[a.cost_usd_per_unit for a in arcs],
        )
    if instance.supplies:
        s = instance.supplies
        n.add(
            "Generator",
            _names("supply", len(s)),
            bus=[buses[x.bus] for x in s],
            p_nom=[x.rate for x in s],
            marginal_cost=[x.cost_usd_per_unit for x in s],
        )
    if instance.demands:
        d = instance.demands
        n.add(
            "Load", _names("load", len(d)), bus=[buses[x.bus] for x in d], p_set=[x.rate for x in d]
        )
        n.add(
            "Generator",
            _names("unmet", len(d)),
            bus=[buses[x.bus] for x in d],
            p_nom=[x.rate for x in d],
            marginal_cost=[x.voll_usd_per_unit for x in d],
        )
    if instance.swaps:
        w = instance.swaps
        n.add(
            "Link",
            _names("swap", len(w)),
            bus0=[buses[x.power_bus] for x in w],
            bus1=[buses[x.gas_bus] for x in w],
            p_nom=[x.rate_mw for x in w],
            efficiency=[x.efficiency_mcm_per_mwh for x in w],
        )
    return n


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


def solve(instance: EnergyInstance) -> Solution:
    """Solve the least-cost dispatch of ``instance``; raise ConvergenceError if not optimal.

    The linopy model is built by PyPSA and solved by HiGHS through its direct interface;
    flows are read from the model, skipping PyPSA's power-flow post-processing.
    """
    if not instance.demands:  # nothing to serve: the optimum is to send nothing
        zeros = np.zeros
        return Solution(
            0.0,
            zeros((12, len(instance.arcs))),
            zeros((12, len(instance.supplies))),
            zeros((12, 0)),
            zeros((12, len(instance.swaps))),
        )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module="pypsa")
        network = build_network(instance)
        model = network.optimize.create_model(include_objective_constant=False)
    with _quiet_stdout():
        status, condition = model.solve(solver_name="highs", io_api="direct", output_flag=False)
    if status != "ok":
        raise ConvergenceError(f"the energy LP was not solved: {status} ({condition})")
    links, gens = _solution(model, "Link-p"), _solution(model, "Generator-p")
    return Solution(
        objective_usd=float(model.objective.value),
        arc_flow=_columns(links, "arc", len(instance.arcs)),
        supply=_columns(gens, "supply", len(instance.supplies)),
        unmet=_columns(gens, "unmet", len(instance.demands)),
        swap_power_mw=_columns(links, "swap", len(instance.swaps)),
    )
