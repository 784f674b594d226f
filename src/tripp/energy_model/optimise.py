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

from tripp.energy_model.instance import EnergyInstance
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
    """The PyPSA network of ``instance`` (names are positions: ``bus3``, ``arc7``, …).

    Each ``Network.add`` costs tens of milliseconds whatever its size, so there is one per
    component type: arcs and swaps go in as one batch of Links, supplies and unmet slacks as
    one batch of Generators, told apart afterwards by their name prefixes. Rates are in
    model units (mcm/h for gas, MW for power), costs in USD per unit, weightings in hours.
    """
    import pypsa

    n = pypsa.Network(ignore_standard_types=True)  # no lines or transformers here
    snapshots = pd.date_range(f"{instance.year}-01-01", periods=12, freq="MS")  # month starts
    n.set_snapshots(list(snapshots))
    n.snapshot_weightings.loc[:, :] = np.asarray(instance.hours)[:, None]
    buses = _names("bus", len(instance.buses))
    n.add("Bus", buses, carrier=[b.carrier for b in instance.buses])
    arcs, swaps = instance.arcs, instance.swaps
    if arcs or swaps:
        n.add(
            "Link",
            _names("arc", len(arcs)) + _names("swap", len(swaps)),
            bus0=[buses[a.from_bus] for a in arcs] + [buses[w.power_bus] for w in swaps],
            bus1=[buses[a.to_bus] for a in arcs] + [buses[w.gas_bus] for w in swaps],
            p_nom=[a.capacity for a in arcs] + [w.rate_mw for w in swaps],
            efficiency=[a.efficiency for a in arcs] + [w.efficiency_mcm_per_mwh for w in swaps],
            marginal_cost=[a.cost_usd_per_unit for a in arcs] + [0.0] * len(swaps),
        )
    supplies, demands = instance.supplies, instance.demands
    if supplies or demands:
        n.add(
            "Generator",
            _names("supply", len(supplies)) + _names("unmet", len(demands)),
            bus=[buses[x.bus] for x in supplies] + [buses[d.bus] for d in demands],
            p_nom=[x.rate for x in supplies] + [d.rate for d in demands],
            marginal_cost=[x.cost_usd_per_unit for x in supplies]
            + [d.voll_usd_per_unit for d in demands],
        )
    if demands:
        n.add(
            "Load",
            _names("load", len(demands)),
            bus=[buses[d.bus] for d in demands],
            p_set=[d.rate for d in demands],
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
    flows are read from the model, skipping PyPSA's power-flow post-processing. The network
    is built here from a validated instance, so PyPSA's consistency check is skipped, and
    linopy's clean-up of zero coefficients and always-true ``<= inf`` rows is left to HiGHS,
    which drops both itself (each saves tens of milliseconds of xarray work).
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
        model = network.optimize.create_model(
            consistency_check=False, include_objective_constant=False
        )
    with _quiet_stdout():
        status, condition = model.solve(
            solver_name="highs",
            io_api="direct",
            sanitize_zeros=False,
            sanitize_infinities=False,
            output_flag=False,
        )
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
