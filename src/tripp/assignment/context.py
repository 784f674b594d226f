"""What every algorithm needs at hand: the network arrays, the search graph, the OD table
and work arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tripp.assignment.compress import (
    SearchGraph,
    compress,
    expand_flows,
    identity_search_graph,
    search_costs,
    worth_compressing,
)
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
    Shortest paths are searched on ``search``, the network with its chains merged and dead
    ends dropped (:mod:`tripp.assignment.compress`), when ``compress_graph`` is set and that
    pays (``compressed``); else on the network itself, through an identity search graph.
    ``arrays`` is ``(offsets, head, tail, no_through)`` of what is searched, and ``od`` the
    OD table (:meth:`Demand.od_table`) with its nodes numbered as the search graph's.
    """

    network: AssignmentNetwork
    demand: Demand
    threads: int | None = None
    compress_graph: bool = True
    od: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] = field(init=False)
    search: SearchGraph = field(init=False)
    compressed: bool = field(init=False)
    arrays: tuple[np.ndarray, ...] = field(init=False)
    aon: AonWork = field(init=False)
    work: DijkstraWork = field(init=False)
    search_cost: np.ndarray = field(init=False)
    search_flow: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        net = self.network
        keep = net.no_through.copy()
        keep[np.asarray(self.demand.zone_nodes, dtype=np.int64)] = True
        self.compressed = False
        if self.compress_graph:
            graph = compress(net.csr.indptr, net.tail, net.head, keep, net.no_through)
            self.compressed = worth_compressing(graph, net.n_links, net.n_nodes)
        if self.compressed:
            self.search = graph
        else:
            self.search = identity_search_graph(net.csr, net.no_through)
        origins, od_offsets, dests, trips = self.demand.od_table()
        node = self.search.search_node
        self.od = (node[origins], od_offsets, node[dests], trips)
        csr = self.search.csr
        self.arrays = (csr.indptr, csr.head, csr.tail, self.search.no_through)
        threads = default_threads() if self.threads is None else self.threads
        self.aon = AonWork(self.search.n_nodes, csr.n_arcs, len(self.od[0]), threads)
        self.work = self.aon.trees[0]
        self.search_cost = np.empty(csr.n_arcs)
        self.search_flow = np.empty(csr.n_arcs)

    def search_costs(self, cost: np.ndarray) -> np.ndarray:
        """Costs of the search links at network link costs ``cost`` (``cost`` itself when
        the network is searched as it is)."""
        if not self.compressed:
            return cost
        search_costs(self.search.members_ptr, self.search.members, cost, self.search_cost)
        return self.search_cost

    def costs(self, flows: np.ndarray) -> np.ndarray:
        """Generalised link costs at ``flows``."""
        return link_costs(self.network.vdf_kind, self.network.vdf_params, flows)

    def derivatives(self, flows: np.ndarray) -> np.ndarray:
        """Link cost derivatives at ``flows``."""
        return link_cost_derivatives(self.network.vdf_kind, self.network.vdf_params, flows)

    def all_or_nothing(self, cost: np.ndarray, flows: np.ndarray) -> float:
        """Load all demand on shortest paths at ``cost`` into ``flows``; return SPTT."""
        if not self.compressed:
            return all_or_nothing(self.arrays, self.od, cost, self.aon, flows)
        sptt = all_or_nothing(
            self.arrays, self.od, self.search_costs(cost), self.aon, self.search_flow
        )
        expand_flows(self.search.link_of, self.search_flow, flows)
        return sptt

    def sptt(self, cost: np.ndarray) -> float:
        """Σ_od demand × shortest-path cost at network link costs ``cost``."""
        return self.search_sptt(self.search_costs(cost))

    def search_sptt(self, search_cost: np.ndarray) -> float:
        """Σ_od demand × shortest-path cost at search link costs ``search_cost``."""
        return shortest_path_total(self.arrays, self.od, search_cost, self.aon)

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
