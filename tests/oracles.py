"""Independent implementations the engine's kernels are checked against (never used by tripp)."""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt

from tripp.graph.paths import Path


def dijkstra_scipy(
    indptr: npt.NDArray[np.int64],
    head: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64],
    source: int,
    target: int,
) -> Path | None:
    """Cheapest path from ``source`` to ``target`` by :func:`scipy.sparse.csgraph.dijkstra`
    (all targets): (cost, arc indices in order) or None. Among parallel arcs the cheapest is
    taken; among equally short paths, whichever SciPy's heap gives."""
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
