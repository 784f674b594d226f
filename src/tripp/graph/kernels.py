"""Numba shortest-path kernels on CSR arrays: the one Dijkstra that routing, alternatives,
assignment and resilience share.

:func:`dijkstra` grows a shortest-path tree from one origin into preallocated work arrays
(so a caller looping over origins allocates nothing) and can stop once a target is settled;
:func:`single_pair_path` reads one path back from it, and :func:`shortest_path_trees`
keeps the whole tree of each of many origins. :func:`astar_path` answers one pair on a large
graph by A* with a straight-line lower bound, touching only the nodes it reaches. Ties pop by
lower node index, so answers are reproducible. A node flagged ``no_through`` (a TNTP zone
below FIRST THRU NODE) can be reached but never passed through unless it is the origin.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["astar_path", "dijkstra", "shortest_path_trees", "single_pair_path"]


@njit(cache=True, inline="always")
def _before(key_a: float, node_a: int, key_b: float, node_b: int) -> bool:
    """True when heap entry a pops before b: lower distance, then lower node index."""
    return key_a < key_b or (key_a == key_b and node_a < node_b)


@njit(cache=True, inline="always")
def _pop(heap_key: np.ndarray, heap_node: np.ndarray, size: int) -> int:
    """Drop the root of the binary heap of ``size`` entries (the caller has read it): the
    last entry sifts down from the root. Returns the new size."""
    size -= 1
    last_key = heap_key[size]
    last_node = heap_node[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and _before(
            heap_key[child + 1], heap_node[child + 1], heap_key[child], heap_node[child]
        ):
            child += 1
        if not _before(heap_key[child], heap_node[child], last_key, last_node):
            break
        heap_key[i] = heap_key[child]
        heap_node[i] = heap_node[child]
        i = child
    heap_key[i] = last_key
    heap_node[i] = last_node
    return size


@njit(cache=True, inline="always")
def _push(heap_key: np.ndarray, heap_node: np.ndarray, size: int, key: float, node: int) -> int:
    """Add (``key``, ``node``) to the binary heap of ``size`` entries, sifting it up.
    Returns the new size."""
    j = size
    while j > 0:
        parent = (j - 1) // 2
        if not _before(key, node, heap_key[parent], heap_node[parent]):
            break
        heap_key[j] = heap_key[parent]
        heap_node[j] = heap_node[parent]
        j = parent
    heap_key[j] = key
    heap_node[j] = node
    return size + 1


@njit(cache=True)
def dijkstra(
    origin: int,
    offsets: np.ndarray,
    head: np.ndarray,
    cost: np.ndarray,
    no_through: np.ndarray,
    dist: np.ndarray,
    pred: np.ndarray,
    order: np.ndarray,
    done: np.ndarray,
    heap_key: np.ndarray,
    heap_node: np.ndarray,
    stop: int = -1,
) -> int:
    """Shortest-path tree from ``origin`` (binary heap with lazy deletion), stopping once
    node ``stop`` is settled (-1: never; the whole tree).

    The heap pops the least (distance, node) pair, so ties between equal distances go to
    the lower node index: the order of :func:`tripp.graph.paths.dijkstra_heap`, so that
    both pick the same path among equally short ones.

    Fills ``dist`` (inf when unreachable), ``pred`` (link into each node, -1 at the origin
    and unreached nodes) and ``order`` (nodes in settling order); returns how many nodes
    were settled. After an early stop, ``dist`` and ``pred`` are final for the settled
    nodes only, which include every node on the path to ``stop``. Costs must be
    non-negative.
    """
    dist[:] = np.inf
    pred[:] = -1
    done[:] = False
    dist[origin] = 0.0
    heap_key[0] = 0.0
    heap_node[0] = origin
    size = 1
    settled = 0
    while size > 0:
        key = heap_key[0]
        u = heap_node[0]
        size = _pop(heap_key, heap_node, size)
        if done[u] or key > dist[u]:
            continue
        done[u] = True
        order[settled] = u
        settled += 1
        if u == stop:
            break
        if no_through[u] and u != origin:
            continue
        for k in range(offsets[u], offsets[u + 1]):
            v = head[k]
            candidate = key + cost[k]
            if candidate < dist[v]:
                dist[v] = candidate
                pred[v] = k
                size = _push(heap_key, heap_node, size, candidate, v)
    return settled


@njit(cache=True)
def single_pair_path(
    origin: int, target: int, offsets: np.ndarray, head: np.ndarray, cost: np.ndarray
) -> tuple[float, np.ndarray]:
    """Cheapest path from ``origin`` to ``target``: its cost (inf when there is none) and
    its arcs in order (empty when there is none), read back from :func:`dijkstra`, which
    stops once ``target`` is settled."""
    n = len(offsets) - 1
    dist = np.empty(n)
    pred = np.empty(n, dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    done = np.empty(n, dtype=np.bool_)
    heap_key = np.empty(len(head) + 1)
    heap_node = np.empty(len(head) + 1, dtype=np.int64)
    no_through = np.zeros(n, dtype=np.bool_)
    dijkstra(
        origin,
        offsets,
        head,
        cost,
        no_through,
        dist,
        pred,
        order,
        done,
        heap_key,
        heap_node,
        target,
    )
    if not np.isfinite(dist[target]):
        return np.inf, np.empty(0, dtype=np.int64)
    count = 0
    node = target
    while node != origin:
        order[count] = pred[node]  # reuse: arcs from the target back
        count += 1
        node = np.searchsorted(offsets, pred[node], side="right") - 1  # the arc's tail
    return dist[target], order[:count][::-1].copy()


@njit(cache=True)
def shortest_path_trees(
    origins: np.ndarray, offsets: np.ndarray, head: np.ndarray, cost: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The whole shortest-path tree of each of ``origins``, by :func:`dijkstra`: per origin
    (row) and node, the distance (inf when unreachable) and the link into the node on the
    path (-1 at the origin and unreached nodes). The paths are those
    :func:`single_pair_path` finds, ties included."""
    n = len(offsets) - 1
    dist = np.empty((len(origins), n))
    pred = np.empty((len(origins), n), dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    done = np.empty(n, dtype=np.bool_)
    heap_key = np.empty(len(head) + 1)
    heap_node = np.empty(len(head) + 1, dtype=np.int64)
    no_through = np.zeros(n, dtype=np.bool_)
    for row in range(len(origins)):
        dijkstra(
            origins[row],
            offsets,
            head,
            cost,
            no_through,
            dist[row],
            pred[row],
            order,
            done,
            heap_key,
            heap_node,
        )
    return dist, pred


@njit(cache=True, inline="always")
def _bound(
    v: int,
    target: int,
    position_km: np.ndarray,
    rate_per_km: float,
    from_landmark: np.ndarray,
    to_landmark: np.ndarray,
    to_target: np.ndarray,
) -> float:
    """The A* lower bound of the cost from ``v`` to ``target`` (see :func:`astar_path`)."""
    best = rate_per_km * np.sqrt(
        (position_km[v, 0] - position_km[target, 0]) ** 2
        + (position_km[v, 1] - position_km[target, 1]) ** 2
        + (position_km[v, 2] - position_km[target, 2]) ** 2
    )
    for k in range(from_landmark.shape[0]):
        here, there = from_landmark[k, v], from_landmark[k, target]
        if here < np.inf and there < np.inf:
            best = max(best, there - here - 1e-9 * there)
        here, there = to_landmark[k, v], to_target[k]
        if here < np.inf and there < np.inf:
            best = max(best, here - there - 1e-9 * here)
    return best


@njit(cache=True)
def astar_path(
    origin: int,
    target: int,
    offsets: np.ndarray,
    head: np.ndarray,
    cost: np.ndarray,
    position_km: np.ndarray,
    rate_per_km: float,
    from_landmark: np.ndarray,
    to_landmark: np.ndarray,
    to_target: np.ndarray,
    dist: np.ndarray,
    pred: np.ndarray,
    bound: np.ndarray,
    heap_key: np.ndarray,
    heap_node: np.ndarray,
    touched: np.ndarray,
) -> tuple[float, np.ndarray, int]:
    """Cheapest path from ``origin`` to ``target`` by A*: its cost (inf when there is none),
    its arcs in order and how many states the search reached.

    The lower bound on the rest of a path from node v is ``rate_per_km`` times the straight
    distance (km, through the Earth) from v's position (row of ``position_km``: x, y, z) to
    the target's; it is consistent when no arc weighs less than the rate times the straight
    distance between its ends (the caller's duty, :func:`tripp.graph.astar.lower_bound_rate`),
    so the cost is the one Dijkstra finds. Landmarks sharpen it (ALT): with ``from_landmark[k,
    v]`` the cost from landmark k to v and ``to_landmark[k, v]`` from v to it (inf where there
    is no path), the rest weighs at least ``from[k, target] − from[k, v]`` and ``to[k, v] −
    to_target[k]`` by the triangle inequality (``to_target[k]``: the most any state the
    target is entered from costs to landmark k, inf when unknown); the bound is the largest
    of them all, less one part in 10⁹ of the landmark costs against rounding (no rows: the
    straight line only). Ties pop by lower node index. The work arrays are
    preallocated by the caller and left as they came: ``dist`` inf, ``pred`` -1, ``bound``
    -1 (not yet computed) on every node (``touched`` holds the nodes reached, for the reset).
    """
    n_touched = 1
    touched[0] = origin
    dist[origin] = 0.0
    bound[origin] = _bound(
        origin,
        target,
        position_km,
        rate_per_km,
        from_landmark,
        to_landmark,
        to_target,
    )
    heap_key[0] = bound[origin]
    heap_node[0] = origin
    size = 1
    found = False
    while size > 0:
        key = heap_key[0]
        u = heap_node[0]
        size = _pop(heap_key, heap_node, size)
        if key > dist[u] + bound[u]:  # a stale entry: u was reached more cheaply since
            continue
        if u == target:
            found = True
            break
        for k in range(offsets[u], offsets[u + 1]):
            v = head[k]
            candidate = dist[u] + cost[k]
            if candidate < dist[v]:
                if bound[v] < 0.0:
                    bound[v] = _bound(
                        v,
                        target,
                        position_km,
                        rate_per_km,
                        from_landmark,
                        to_landmark,
                        to_target,
                    )
                    touched[n_touched] = v
                    n_touched += 1
                dist[v] = candidate
                pred[v] = k
                size = _push(heap_key, heap_node, size, candidate + bound[v], v)
    total = dist[target] if found else np.inf
    count = 0
    if found:
        node = target
        while node != origin:
            count += 1
            node = np.searchsorted(offsets, pred[node], side="right") - 1
    arcs = np.empty(count, dtype=np.int64)
    if found:
        node = target
        for position in range(count - 1, -1, -1):
            arcs[position] = pred[node]
            node = np.searchsorted(offsets, pred[node], side="right") - 1
    for index in range(n_touched):
        node = touched[index]
        dist[node] = np.inf
        pred[node] = -1
        bound[node] = -1.0
    return total, arcs, n_touched
