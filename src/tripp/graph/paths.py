"""Single-pair shortest paths on CSR arrays, with three interchangeable implementations.

By default, graphs with more states than :data:`SCIPY_ABOVE_STATES` are searched with
SciPy's compiled Dijkstra; smaller ones with :func:`dijkstra_heap`, a binary-heap Dijkstra in
pure Python that stops at the target. On the corridor atlas the heap version answers in
about 0.4 ms and spares the SciPy or Numba import (0.4–0.7 s on the reference machine) that
would dominate a one-shot command's start-up.

A long-running process (the API server) calls :func:`use_compiled_kernel` once: from then
on every search runs :func:`dijkstra_compiled`, the Numba shortest-path-tree kernel of the
assignment engine, about forty times faster per search on the atlas. Tests run all three on
the same graphs as cross-checks of each other.
"""

from __future__ import annotations

import bisect
import heapq
import itertools

import numpy as np
import numpy.typing as npt

#: Above this many states, :func:`shortest_path` uses SciPy (unless compiled is on).
SCIPY_ABOVE_STATES = 50_000

Path = tuple[float, list[int]]

#: Set by :func:`use_compiled_kernel`: every search then runs :func:`dijkstra_compiled`.
_compiled = False


def compiled_kernel_enabled() -> bool:
    """True once :func:`use_compiled_kernel` switched this process to the Numba kernels."""
    return _compiled


def use_compiled_kernel(enabled: bool = True) -> bool:
    """Run every later search in this process with the Numba kernel (or not); returns the
    previous setting. Enabling compiles the kernel (or loads it from Numba's cache) now, so
    that no search pays for it."""
    global _compiled
    previous = _compiled
    if enabled:
        from tripp.graph.yen import warm_up

        warm_up()
    _compiled = enabled
    return previous


def shortest_path(
    indptr: npt.NDArray[np.int64],
    head: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64],
    source: int,
    target: int,
) -> Path | None:
    """Cheapest path from ``source`` to ``target``: (cost, arc indices in order) or None.

    ``indptr``/``head`` are the CSR structure (arcs sorted by tail); arcs of infinite
    weight are treated as absent.
    """
    if _compiled:
        return dijkstra_compiled(indptr, head, weight, source, target)
    if len(indptr) - 1 > SCIPY_ABOVE_STATES:
        return dijkstra_scipy(indptr, head, weight, source, target)
    return dijkstra_heap(indptr.tolist(), head.tolist(), weight.tolist(), source, target)


def dijkstra_heap(
    indptr: list[int], head: list[int], weight: list[float], source: int, target: int
) -> Path | None:
    """Binary-heap Dijkstra on CSR lists, stopping when ``target`` is settled."""
    inf = float("inf")
    dist = {source: 0.0}
    via_arc: dict[int, int] = {}
    done: set[int] = set()
    heap = [(0.0, source)]
    while heap:
        d, u = heapq.heappop(heap)
        if u in done:
            continue
        if u == target:
            arcs = []
            while u != source:
                arcs.append(via_arc[u])
                u = bisect.bisect_right(indptr, via_arc[u]) - 1  # the arc's tail
            arcs.reverse()
            return d, arcs
        done.add(u)
        for arc in range(indptr[u], indptr[u + 1]):
            w = weight[arc]
            if w == inf:
                continue
            v, nd = head[arc], d + w
            if nd < dist.get(v, inf):
                dist[v] = nd
                via_arc[v] = arc
                heapq.heappush(heap, (nd, v))
    return None


def dijkstra_scipy(
    indptr: npt.NDArray[np.int64],
    head: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64],
    source: int,
    target: int,
) -> Path | None:
    """The same answer from :func:`scipy.sparse.csgraph.dijkstra` (compiled, all targets)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    n = len(indptr) - 1
    matrix = csr_matrix((weight, head, indptr), shape=(n, n))
    dist, pred = dijkstra(matrix, indices=source, return_predecessors=True)
    if not np.isfinite(dist[target]):
        return None
    states = [target]
    while states[-1] != source:
        states.append(int(pred[states[-1]]))
    states.reverse()
    arcs = []
    for u, v in itertools.pairwise(states):
        lo, hi = indptr[u], indptr[u + 1]
        candidates = np.flatnonzero(head[lo:hi] == v) + lo
        arcs.append(int(candidates[np.argmin(weight[candidates])]))
    return float(dist[target]), arcs


def dijkstra_compiled(
    indptr: npt.NDArray[np.int64],
    head: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64],
    source: int,
    target: int,
) -> Path | None:
    """The same answer from the Numba kernel of the assignment engine
    (:func:`tripp.graph.kernels.single_pair_path`)."""
    from tripp.graph.kernels import single_pair_path

    cost, arcs = single_pair_path(source, target, indptr, head, weight)
    if not np.isfinite(cost):
        return None
    return float(cost), arcs.tolist()
