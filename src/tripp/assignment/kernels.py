"""Numba kernels of the assignment algorithms: all-or-nothing loading over the shortest-path
trees of :mod:`tripp.graph.kernels`, and the Frank–Wolfe line search.

All kernels work on the CSR arrays of :class:`~tripp.assignment.network.AssignmentNetwork`
and take preallocated work arrays where they run once per origin, so the hot loops allocate
nothing. A node flagged ``no_through`` (a TNTP zone below FIRST THRU NODE) is a dead end
unless it is the origin of the tree: it can be reached, never passed through.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tripp.assignment.vdf import cost1, derivative1
from tripp.graph.kernels import dijkstra

__all__ = [
    "DijkstraWork",
    "all_or_nothing",
    "line_search",
    "shortest_path_total",
]


class DijkstraWork:
    """Work arrays for one shortest-path tree (reused for every origin)."""

    def __init__(self, n_nodes: int, n_links: int) -> None:
        self.dist = np.empty(n_nodes)
        self.pred = np.empty(n_nodes, dtype=np.int64)
        self.order = np.empty(n_nodes, dtype=np.int64)
        self.done = np.empty(n_nodes, dtype=np.bool_)
        self.heap_key = np.empty(n_links + 1)
        self.heap_node = np.empty(n_links + 1, dtype=np.int64)
        self.node_load = np.empty(n_nodes)


@njit(cache=True)
def _all_or_nothing(
    offsets: np.ndarray,
    head: np.ndarray,
    tail: np.ndarray,
    cost: np.ndarray,
    no_through: np.ndarray,
    origin_nodes: np.ndarray,
    od_offsets: np.ndarray,
    od_dest: np.ndarray,
    od_demand: np.ndarray,
    load: bool,
    flows: np.ndarray,
    dist: np.ndarray,
    pred: np.ndarray,
    order: np.ndarray,
    done: np.ndarray,
    heap_key: np.ndarray,
    heap_node: np.ndarray,
    node_load: np.ndarray,
) -> float:
    flows[:] = 0.0
    sptt = 0.0
    for i in range(origin_nodes.shape[0]):
        origin = origin_nodes[i]
        settled = dijkstra(
            origin, offsets, head, cost, no_through, dist, pred, order, done, heap_key, heap_node
        )
        node_load[:] = 0.0
        for k in range(od_offsets[i], od_offsets[i + 1]):
            sptt += od_demand[k] * dist[od_dest[k]]
            node_load[od_dest[k]] += od_demand[k]
        if not load:
            continue
        # push the demand up the tree, farthest nodes first: O(nodes) per origin
        for j in range(settled - 1, 0, -1):
            v = order[j]
            amount = node_load[v]
            if amount > 0.0:
                link = pred[v]
                flows[link] += amount
                node_load[tail[link]] += amount
    return sptt


def all_or_nothing(
    network_arrays: tuple[np.ndarray, ...],
    od: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    cost: np.ndarray,
    work: DijkstraWork,
    flows: np.ndarray,
    *,
    load: bool = True,
) -> float:
    """All-or-nothing assignment at ``cost``: fills ``flows`` (when ``load``) and returns
    SPTT = Σ_od demand × shortest-path cost (inf when some OD with demand is unreachable).

    ``network_arrays`` is ``(offsets, head, tail, no_through)``; ``od`` is
    :meth:`Demand.od_table`.
    """
    offsets, head, tail, no_through = network_arrays
    origin_nodes, od_offsets, od_dest, od_demand = od
    return float(
        _all_or_nothing(
            offsets,
            head,
            tail,
            cost,
            no_through,
            origin_nodes,
            od_offsets,
            od_dest,
            od_demand,
            load,
            flows,
            work.dist,
            work.pred,
            work.order,
            work.done,
            work.heap_key,
            work.heap_node,
            work.node_load,
        )
    )


def shortest_path_total(
    network_arrays: tuple[np.ndarray, ...],
    od: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    cost: np.ndarray,
    work: DijkstraWork,
) -> float:
    """SPTT = Σ_od demand × shortest-path cost at ``cost``, without loading flows."""
    return all_or_nothing(network_arrays, od, cost, work, work.node_load, load=False)


@njit(cache=True)
def _slope(
    kind: np.ndarray, params: np.ndarray, x: np.ndarray, d: np.ndarray, step: float
) -> tuple[float, float]:
    """First and second derivative of the Beckmann objective along d at x + step * d."""
    first = 0.0
    second = 0.0
    for a in range(x.shape[0]):
        if d[a] != 0.0:
            v = x[a] + step * d[a]
            first += d[a] * cost1(kind[a], params, a, v)
            second += d[a] * d[a] * derivative1(kind[a], params, a, v)
    return first, second


@njit(cache=True)
def line_search(kind: np.ndarray, params: np.ndarray, x: np.ndarray, d: np.ndarray) -> float:
    """Step in [0, 1] minimising the Beckmann objective along x + step * d.

    Solves Σ_a d_a c_a(x_a + step d_a) = 0 by Newton's method safeguarded by bisection
    (the objective is convex along d, so the slope is non-decreasing in step).
    """
    low_slope, _ = _slope(kind, params, x, d, 0.0)
    if low_slope >= 0.0:
        return 0.0
    high_slope, _ = _slope(kind, params, x, d, 1.0)
    if high_slope <= 0.0:
        return 1.0
    low = 0.0
    high = 1.0
    step = low_slope / (low_slope - high_slope)
    for _ in range(100):
        first, second = _slope(kind, params, x, d, step)
        if first > 0.0:
            high = step
        else:
            low = step
        if first == 0.0 or high - low < 1e-15:
            break
        newton = step - first / second if second > 0.0 else -1.0
        if low < newton < high and abs(newton - step) < 0.5 * (high - low):
            step = newton
            if abs(first / second) < 1e-15:
                break
        else:
            step = 0.5 * (low + high)
    return step
