"""Choice sets for route choice: up to K distinct paths per origin–destination pair, by link
penalisation.

From each origin a shortest-path tree is grown on the arcs' weights; the path to every one
of the origin's destinations is read back from it, and every arc those paths use is made
``penalty`` times dearer for the next tree (link penalisation, as in Park and Rilett 1997
and de la Barra et al. 1993). A path is kept for its pair when no earlier round found the
same arc sequence; rounds stop once every pair has ``k`` paths or after ``2 k`` rounds.
Weights are the class's free-flow generalised cost per unit; arcs of infinite weight are
closed. Paths come back flattened: the arcs of path ``p`` are
``arcs[ptr[p]:ptr[p + 1]]``, and the paths of a pair are contiguous, pairs in input order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

from tripp.graph.kernels import dijkstra

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

__all__ = ["PathSet", "penalised_paths"]


@dataclass(frozen=True, eq=False)
class PathSet:
    """Paths of many origin–destination pairs, flattened.

    Attributes:
        od: the pair (index into the caller's pairs) of each path, ascending.
        ptr: the arcs of path ``p`` are ``arcs[ptr[p]:ptr[p + 1]]``.
        arcs: arc indices of every path, in order along each path.
    """

    od: IntArray
    ptr: IntArray
    arcs: IntArray

    @property
    def n_paths(self) -> int:
        """Number of paths."""
        return int(self.od.shape[0])

    @property
    def entry_path(self) -> IntArray:
        """The path of each entry of :attr:`arcs`."""
        return np.repeat(np.arange(self.n_paths), np.diff(self.ptr))

    def path(self, p: int) -> IntArray:
        """Arcs of path ``p`` in order."""
        return self.arcs[self.ptr[p] : self.ptr[p + 1]]


@njit(cache=True)
def _trace(pred: np.ndarray, tail: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, ...]:
    """Arcs of the tree path to each of ``targets`` (flattened; an unreached target, or
    the origin itself, gets an empty path and ``found`` False)."""
    lengths = np.zeros(len(targets), dtype=np.int64)
    found = np.zeros(len(targets), dtype=np.bool_)
    for i in range(len(targets)):
        node = targets[i]
        count = 0
        while pred[node] >= 0:
            count += 1
            node = tail[pred[node]]
        lengths[i] = count
        found[i] = count > 0
    ptr = np.zeros(len(targets) + 1, dtype=np.int64)
    for i in range(len(targets)):
        ptr[i + 1] = ptr[i] + lengths[i]
    arcs = np.empty(ptr[-1], dtype=np.int64)
    for i in range(len(targets)):
        node = targets[i]
        position = ptr[i + 1]
        while pred[node] >= 0:
            position -= 1
            arcs[position] = pred[node]
            node = tail[pred[node]]
    return ptr, arcs, found


def penalised_paths(
    offsets: IntArray,
    head: IntArray,
    weight: FloatArray,
    sources: IntArray,
    targets: IntArray,
    *,
    k: int,
    penalty: float,
    no_through: npt.NDArray[np.bool_] | None = None,
) -> PathSet:
    """Up to ``k`` distinct paths for each pair ``(sources[i], targets[i])`` on the CSR
    network ``offsets``/``head`` with non-negative arc ``weight`` (inf: closed), by link
    penalisation with factor ``penalty`` (> 1). A pair without any path gets none."""
    n_nodes = len(offsets) - 1
    tail = np.repeat(np.arange(n_nodes, dtype=np.int64), np.diff(offsets))
    blocked = np.zeros(n_nodes, dtype=np.bool_) if no_through is None else no_through
    work = (
        np.empty(n_nodes),
        np.empty(n_nodes, dtype=np.int64),
        np.empty(n_nodes, dtype=np.int64),
        np.empty(n_nodes, dtype=np.bool_),
        np.empty(len(head) + 1),
        np.empty(len(head) + 1, dtype=np.int64),
    )
    found: list[list[bytes]] = [[] for _ in range(len(sources))]
    paths: list[list[IntArray]] = [[] for _ in range(len(sources))]
    for origin in np.unique(sources):
        pairs = np.flatnonzero(sources == origin)
        w = np.array(weight, dtype=np.float64)
        for _ in range(2 * k):
            dijkstra(int(origin), offsets, head, w, blocked, *work)
            ptr, arcs, reached = _trace(work[1], tail, targets[pairs])
            for j, pair in enumerate(pairs.tolist()):
                if not reached[j] or len(found[pair]) >= k:
                    continue
                path = arcs[ptr[j] : ptr[j + 1]]
                key = path.tobytes()
                if key not in found[pair]:
                    found[pair].append(key)
                    paths[pair].append(path.copy())
            if all(len(found[p]) >= k for p in pairs.tolist()):
                break
            w[np.unique(arcs)] *= penalty
    od = np.repeat(np.arange(len(sources), dtype=np.int64), [len(p) for p in paths])
    flat = [path for pair in paths for path in pair]
    lengths = np.array([len(path) for path in flat], dtype=np.int64)
    ptr_all = np.zeros(len(flat) + 1, dtype=np.int64)
    np.cumsum(lengths, out=ptr_all[1:])
    arcs_all = np.concatenate(flat) if flat else np.zeros(0, dtype=np.int64)
    return PathSet(od, ptr_all, arcs_all.astype(np.int64))
