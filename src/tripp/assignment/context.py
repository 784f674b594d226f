"""What every algorithm needs at hand: the network arrays, the OD table and work arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tripp.assignment.kernels import (
    AonWork,
    DijkstraWork,
    all_or_nothing,
    default_threads,
    dot,
    shortest_path_total,
)
from tripp.assignment.network import AssignmentNetwork, Demand
from tripp.assignment.vdf import link_cost_derivatives, link_costs

__all__ = ["SolveContext"]


@dataclass(eq=False)
class SolveContext:
    """Network + demand prepared for the kernels (all per-link arrays in CSR order).

    ``threads`` bounds the threads of an all-or-nothing pass (None: every core this process
    may use); ``aon`` holds its chunks, ``work`` the first chunk's tree for single searches.
    """

    network: AssignmentNetwork
    demand: Demand
    threads: int | None = None
    od: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] = field(init=False)
    arrays: tuple[np.ndarray, ...] = field(init=False)
    aon: AonWork = field(init=False)
    work: DijkstraWork = field(init=False)

    def __post_init__(self) -> None:
        net = self.network
        self.od = self.demand.od_table()
        self.arrays = (net.csr.indptr, net.head, net.tail, net.no_through)
        threads = default_threads() if self.threads is None else self.threads
        self.aon = AonWork(net.n_nodes, net.n_links, len(self.od[0]), threads)
        self.work = self.aon.trees[0]

    def costs(self, flows: np.ndarray) -> np.ndarray:
        """Generalised link costs at ``flows``."""
        return link_costs(self.network.vdf_kind, self.network.vdf_params, flows)

    def derivatives(self, flows: np.ndarray) -> np.ndarray:
        """Link cost derivatives at ``flows``."""
        return link_cost_derivatives(self.network.vdf_kind, self.network.vdf_params, flows)

    def all_or_nothing(self, cost: np.ndarray, flows: np.ndarray) -> float:
        """Load all demand on shortest paths at ``cost`` into ``flows``; return SPTT."""
        return all_or_nothing(self.arrays, self.od, cost, self.aon, flows)

    def sptt(self, cost: np.ndarray) -> float:
        """Σ_od demand × shortest-path cost at ``cost``."""
        return shortest_path_total(self.arrays, self.od, cost, self.aon)

    def gap(self, flows: np.ndarray) -> tuple[float, float, np.ndarray]:
        """``(relative_gap, tstt, cost)`` of ``flows``, from a fresh shortest-path pass."""
        cost = self.costs(flows)
        tstt = dot(flows, cost)
        sptt = self.sptt(cost)
        return relative_gap_of(tstt, sptt), tstt, cost


def relative_gap_of(tstt: float, sptt: float) -> float:
    """``(TSTT − SPTT) / TSTT``; 0 when there is no demand on the network."""
    if tstt <= 0.0:
        return 0.0 if sptt <= 0.0 else float("inf")
    return (tstt - sptt) / tstt
