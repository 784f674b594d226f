"""Numba kernels of the assignment algorithms: all-or-nothing loading over the shortest-path
trees of :mod:`tripp.graph.kernels`, and the Frank–Wolfe line search.

All kernels work on the CSR arrays of :class:`~tripp.assignment.network.AssignmentNetwork`
and take preallocated work arrays where they run once per origin, so the hot loops allocate
nothing. A node flagged ``no_through`` (a TNTP zone below FIRST THRU NODE) is a dead end
unless it is the origin of the tree: it can be reached, never passed through.

The all-or-nothing kernel releases the GIL, so :func:`all_or_nothing` can split the origins
into contiguous chunks, one per thread, each with its own work arrays and flow buffer, and
add the buffers in chunk order: for a given thread count the flows are the same from run to
run, and they differ from a serial pass only by the order of the additions.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
from numba import njit

from tripp.assignment.vdf import cost1, derivative1
from tripp.graph.kernels import dijkstra

__all__ = [
    "MIN_LINK_TREES_PER_THREAD",
    "AonWork",
    "DijkstraWork",
    "all_or_nothing",
    "default_threads",
    "dot",
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


#: Links × origins a thread must have before a pass is split: below it, starting threads
#: costs more than they save (Sioux Falls, Anaheim and Berlin run serial).
MIN_LINK_TREES_PER_THREAD = 250_000


def default_threads() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@cache
def _pool(threads: int, pid: int) -> ThreadPoolExecutor:
    """The threads of this process (a forked child starts its own: it has none of its
    parent's threads)."""
    del pid  # part of the cache key only
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tripp-aon")


class AonWork:
    """Work arrays of an all-or-nothing pass over ``n_origins`` origins on ``threads``
    threads at most: the contiguous origin chunks, and per chunk a :class:`DijkstraWork`
    and a flow buffer (one chunk, and no buffer, when the network is too small to split)."""

    def __init__(self, n_nodes: int, n_links: int, n_origins: int, threads: int) -> None:
        wanted = n_links * n_origins // MIN_LINK_TREES_PER_THREAD
        self.threads = max(1, min(threads, n_origins, wanted))
        bounds = np.linspace(0, n_origins, self.threads + 1).round().astype(np.int64)
        self.chunks = tuple(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
        self.trees = tuple(DijkstraWork(n_nodes, n_links) for _ in self.chunks)
        self.buffers = tuple(np.empty(n_links) for _ in self.chunks[1:])

    @property
    def node_load(self) -> np.ndarray:
        """A scratch array of node length (the first chunk's)."""
        return self.trees[0].node_load


@njit(cache=True, nogil=True)
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


def _chunk(
    network_arrays: tuple[np.ndarray, ...],
    od: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    cost: np.ndarray,
    span: tuple[int, int],
    tree: DijkstraWork,
    flows: np.ndarray,
    load: bool,
) -> float:
    offsets, head, tail, no_through = network_arrays
    origin_nodes, od_offsets, od_dest, od_demand = od
    start, stop = span
    return float(
        _all_or_nothing(
            offsets,
            head,
            tail,
            cost,
            no_through,
            origin_nodes[start:stop],
            od_offsets[start : stop + 1],
            od_dest,
            od_demand,
            load,
            flows,
            tree.dist,
            tree.pred,
            tree.order,
            tree.done,
            tree.heap_key,
            tree.heap_node,
            tree.node_load,
        )
    )


def all_or_nothing(
    network_arrays: tuple[np.ndarray, ...],
    od: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    cost: np.ndarray,
    work: AonWork,
    flows: np.ndarray,
    *,
    load: bool = True,
) -> float:
    """All-or-nothing assignment at ``cost``: fills ``flows`` (when ``load``) and returns
    SPTT = Σ_od demand × shortest-path cost (inf when some OD with demand is unreachable).

    ``network_arrays`` is ``(offsets, head, tail, no_through)``; ``od`` is
    :meth:`Demand.od_table`. The origins run in ``work``'s chunks, on as many threads.
    """
    chunks = work.chunks
    if len(chunks) == 1:
        return _chunk(network_arrays, od, cost, chunks[0], work.trees[0], flows, load)
    targets = (flows, *work.buffers)
    jobs = [
        _pool(len(chunks), os.getpid()).submit(
            _chunk, network_arrays, od, cost, span, tree, target, load
        )
        for span, tree, target in zip(chunks, work.trees, targets, strict=True)
    ]
    sptt = 0.0
    for job in jobs:  # in chunk order: the same sums from run to run
        sptt += job.result()
    if load:
        for buffer in work.buffers:
            flows += buffer
    return sptt


def shortest_path_total(
    network_arrays: tuple[np.ndarray, ...],
    od: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    cost: np.ndarray,
    work: AonWork,
) -> float:
    """SPTT = Σ_od demand × shortest-path cost at ``cost``, without loading flows."""
    return all_or_nothing(network_arrays, od, cost, work, work.node_load, load=False)


@njit(cache=True, nogil=True)
def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Σ a_i b_i in one thread. numpy's ``a @ b`` hands vectors to OpenBLAS, whose threads
    then spin on the cores the all-or-nothing threads need (a 2-core machine's second core
    did no work at all while they spun)."""
    total = 0.0
    for i in range(a.shape[0]):
        total += a[i] * b[i]
    return total


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
