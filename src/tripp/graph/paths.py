"""Single-pair shortest paths on CSR arrays: one search, two kernels, chosen per call.

Every search takes a keyword-only ``kernel`` (:class:`Kernel`):

* ``python``: :func:`dijkstra_heap`, a binary-heap Dijkstra in pure Python that stops at
  the target. On the corridor atlas (663 states) it answers in about 0.4 ms and spares the
  Numba import and kernel load (0.3–0.7 s) that would dominate a one-shot command's start.
* ``compiled``: :func:`dijkstra_compiled`, the Numba kernel of :mod:`tripp.graph.kernels`,
  ten to fifteen times faster per search. A long-running process (the API server) asks
  for it explicitly and loads it once (:func:`tripp.graph.yen.warm_up`).
* ``auto`` (the default): ``compiled`` on graphs with more than
  :data:`COMPILED_ABOVE_STATES` states, else ``python`` (:func:`choose_kernel`).

Both pick the same path among equally short ones (ties pop by lower node index); tests
check them against each other and against SciPy's Dijkstra (``tests/oracles.py``).
"""

from __future__ import annotations

import bisect
import heapq
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from tripp.errors import InputError, Problem

Path = tuple[float, list[int]]


class Kernel(StrEnum):
    """Which implementation runs a shortest-path search."""

    AUTO = "auto"  # by graph size: see COMPILED_ABOVE_STATES
    PYTHON = "python"  # pure Python: no Numba import, fastest for one-shot commands
    COMPILED = "compiled"  # Numba: fastest per search, loads in 0.3–0.7 s


#: ``auto`` searches graphs with more states than this with the compiled kernel. On a grid
#: of 5,000 states a Python search takes about 3 ms and a compiled one 0.3 ms; a route with
#: a few alternatives runs a hundred searches or more, so above this size loading Numba
#: (0.3–0.7 s, once per process) costs less than it saves. The corridor atlas has 663.
COMPILED_ABOVE_STATES = 5_000


def choose_kernel(kernel: Kernel | str, n_states: int) -> Kernel:
    """``python`` or ``compiled``: ``kernel`` itself, or for ``auto`` by the graph's size.

    >>> choose_kernel("auto", 663), choose_kernel("auto", 50_000), choose_kernel("python", 10**6)
    (<Kernel.PYTHON: 'python'>, <Kernel.COMPILED: 'compiled'>, <Kernel.PYTHON: 'python'>)
    """
    try:
        chosen = Kernel(kernel)
    except ValueError:
        raise InputError(
            Problem("kernel", f"unknown kernel '{kernel}'", "use auto, python or compiled")
        ) from None
    if chosen is Kernel.AUTO:
        return Kernel.COMPILED if n_states > COMPILED_ABOVE_STATES else Kernel.PYTHON
    return chosen


def shortest_path(
    indptr: npt.NDArray[np.int64],
    head: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64],
    source: int,
    target: int,
    *,
    kernel: Kernel | str = Kernel.AUTO,
) -> Path | None:
    """Cheapest path from ``source`` to ``target``: (cost, arc indices in order) or None.

    ``indptr``/``head`` are the CSR structure (arcs sorted by tail); arcs of infinite
    weight are treated as absent. ``kernel`` picks the implementation (:class:`Kernel`);
    the answer is the same.
    """
    if choose_kernel(kernel, len(indptr) - 1) is Kernel.COMPILED:
        return dijkstra_compiled(indptr, head, weight, source, target)
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


def dijkstra_compiled(
    indptr: npt.NDArray[np.int64],
    head: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64],
    source: int,
    target: int,
) -> Path | None:
    """The same answer from the Numba kernel (:func:`tripp.graph.kernels.single_pair_path`),
    imported on first use."""
    from tripp.graph.kernels import single_pair_path

    cost, arcs = single_pair_path(source, target, indptr, head, weight)
    if not np.isfinite(cost):
        return None
    return float(cost), arcs.tolist()
