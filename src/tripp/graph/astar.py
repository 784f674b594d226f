"""A* for single-pair searches on large graphs: a straight-line lower bound on what is left.

From a state s the rest of any path to the target weighs at least ``rate × d(s, target)``,
where ``d`` is the straight distance (km, the chord through the Earth, never longer than the
great circle) between the states' positions and the rate (weight per km) is the least
``weight / d`` over the arcs that move (:func:`lower_bound_rate`, shaded by one part in 10⁹
against rounding). The chord is a distance in space, so the triangle inequality makes the
bound consistent, and A* (:func:`tripp.graph.kernels.astar_path`) returns the cost Dijkstra
returns while settling fewer states. Landmarks sharpen the bound where the straight line is
weak (slow links, detours, borders; Goldberg and Harrelson's ALT): the costs from and to a few
far-apart places, computed once per objective (:func:`landmark_costs`), bound what is left
by the triangle inequality. Among paths of exactly equal cost it may pick another
one than Dijkstra, which is why searches use it only on graphs above
:data:`ASTAR_ABOVE_STATES` states.

A state's position is its place's (WGS 84 lon/lat of the node on a sphere of
:data:`~tripp.units.EARTH_RADIUS_KM`), except a midpoint state (the split of a parallel link,
:mod:`tripp.graph.compile`), which takes the place its one arc leads to, so that the link's
weight sits on the arc that moves.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike

from tripp.graph.compile import Graph
from tripp.units import EARTH_RADIUS_KM

#: Single-pair searches on graphs with more states than this run A* (about 30,000 links);
#: on smaller ones plain Dijkstra, whose ties the tests compare across kernels.
ASTAR_ABOVE_STATES: Final = 100_000
#: The rate is shaded by this share so that rounding never makes the bound exceed the truth.
_SHADE: Final = 1e-9

FloatArray = np.ndarray


#: Landmarks per objective (ALT): each costs two shortest-path trees, once per objective.
LANDMARKS: Final = 8


@dataclass(frozen=True)
class LowerBound:
    """What A* needs besides the graph: each state's position (x, y, z in km, one row per
    state), the weight per straight km that no moving arc undercuts, and the costs from and
    to each landmark (landmarks × states; inf where there is no path)."""

    position_km: FloatArray
    rate_per_km: float
    from_landmark: FloatArray
    to_landmark: FloatArray
    entries: tuple[np.ndarray, np.ndarray]  # states that enter each state (CSR by head)

    def to_target(self, target: int) -> FloatArray:
        """Per landmark, the most that any state entering ``target`` costs to reach it (inf
        where one cannot): what the bound ``to[k, v] − to_target[k]`` subtracts."""
        offsets, tails = self.entries
        before = tails[offsets[target] : offsets[target + 1]]
        if len(before) == 0 or self.to_landmark.shape[0] == 0:
            return np.full(self.to_landmark.shape[0], np.inf)
        costs: FloatArray = self.to_landmark[:, before].max(axis=1)
        return costs


def sphere_positions_km(lon_deg: ArrayLike, lat_deg: ArrayLike) -> FloatArray:
    """Points given in degrees (WGS 84 lon/lat) as positions in space on the sphere of
    :data:`~tripp.units.EARTH_RADIUS_KM` (km; rows x, y, z): the straight distance between
    two rows is the chord, never longer than the great circle."""
    lat, lon = (
        np.radians(np.asarray(lat_deg, dtype=float)),
        np.radians(np.asarray(lon_deg, dtype=float)),
    )
    xyz = np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))
    return np.ascontiguousarray(EARTH_RADIUS_KM * xyz)


def state_positions_km(graph: Graph) -> FloatArray:
    """Each state's position in space (km; rows x, y, z), kept on the graph."""

    def compute() -> FloatArray:
        nodes = graph.atlas.node_by_id
        place = graph.state_node.copy()
        midpoint = _midpoint_states(graph)
        place[midpoint] = graph.state_node[graph.head[graph.indptr[midpoint]]]
        lon = np.array([nodes[n].lon for n in graph.node_ids])
        lat = np.array([nodes[n].lat for n in graph.node_ids])
        return sphere_positions_km(lon[place], lat[place])

    return graph.memo("state positions", None, compute)


def arc_straight_km(graph: Graph) -> FloatArray:
    """Straight distance (km) between each arc's tail and head positions (kept)."""

    def compute() -> FloatArray:
        position = state_positions_km(graph)
        km: FloatArray = np.linalg.norm(position[graph.head] - position[graph.tail], axis=1)
        return km

    return graph.memo("arc straight km", None, compute)


def lower_bound_rate(graph: Graph, weight: FloatArray) -> float:
    """The least weight per straight km over the arcs of ``graph`` that move and may be used
    (finite ``weight``), shaded against rounding; 0 when there is no such arc (A* is then
    Dijkstra)."""
    km = arc_straight_km(graph)
    moving = (km > 0) & np.isfinite(weight)
    if not moving.any():
        return 0.0
    return float(np.min(weight[moving] / km[moving])) * (1.0 - _SHADE)


def lower_bound(
    graph: Graph, weight: FloatArray, landmarks: tuple[FloatArray, FloatArray]
) -> LowerBound:
    """The :class:`LowerBound` of searches on ``graph`` under ``weight``, with ``landmarks``
    (:func:`landmark_costs`) computed under weights no heavier than ``weight`` on any arc: a
    request's constraints only close arcs, so the landmarks of its objective serve it."""
    offsets, tails, _order = _entries(graph)
    return LowerBound(
        state_positions_km(graph), lower_bound_rate(graph, weight), *landmarks, (offsets, tails)
    )


def _entries(graph: Graph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arcs grouped by head, kept on the graph: offsets per state, the arcs' tails, and
    the arcs in that order (to take any per-arc value along)."""

    def compute() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        order = np.argsort(graph.head, kind="stable")
        offsets = np.zeros(graph.n_states + 1, dtype=np.int64)
        np.cumsum(np.bincount(graph.head, minlength=graph.n_states), out=offsets[1:])
        return offsets, graph.tail[order], order

    return graph.memo("arc tails by head", None, compute)


def landmark_costs(
    graph: Graph, weight: FloatArray, count: int = LANDMARKS
) -> tuple[FloatArray, FloatArray]:
    """Costs under ``weight`` from and to ``count`` landmark places (rows), chosen farthest
    first: the first is the first place, each next one the place farthest (in cost) from the
    nearest landmark so far among those reached. Costs from a landmark start at its start
    state, costs to it end at its end state; inf where there is no path."""
    from tripp.graph.kernels import shortest_path_trees

    reverse_indptr, reverse_head, order = _entries(graph)
    reverse_weight = weight[order]
    starts, ends = graph.start_state, graph.end_state
    from_rows, to_rows = [], []
    nearest = np.full(len(starts), np.inf)
    place = 0
    for _ in range(min(count, len(starts))):
        from_cost, _pred = shortest_path_trees(
            np.array([starts[place]]), graph.indptr, graph.head, weight
        )
        to_cost, _pred = shortest_path_trees(
            np.array([ends[place]]), reverse_indptr, reverse_head, reverse_weight
        )
        from_rows.append(from_cost[0])
        to_rows.append(to_cost[0])
        nearest = np.minimum(nearest, from_cost[0][ends])
        reached = np.isfinite(nearest)
        if not reached.any() or nearest[reached].max() <= 0:
            break
        place = int(np.argmax(np.where(reached, nearest, -1.0)))
    return np.array(from_rows), np.array(to_rows)


_WORK = threading.local()


def astar_search(
    indptr: np.ndarray,
    head: np.ndarray,
    weight: FloatArray,
    source: int,
    target: int,
    bound: LowerBound,
) -> tuple[float, list[int]] | None:
    """Cheapest path from ``source`` to ``target`` by A* under ``bound``: (cost, arcs) or
    None. The work arrays are kept per thread and reused while the graph's size stays."""
    from tripp.graph.kernels import astar_path

    n, m = len(indptr) - 1, len(head)
    size, work = getattr(_WORK, "arrays", (None, ()))
    if size != (n, m):
        size, work = (n, m), work_arrays(n, m)
        _WORK.arrays = size, work
    cost, arcs, _reached = astar_path(
        source,
        target,
        indptr,
        head,
        weight,
        bound.position_km,
        bound.rate_per_km,
        bound.from_landmark,
        bound.to_landmark,
        bound.to_target(target),
        *work,
    )
    if not np.isfinite(cost):
        return None
    return float(cost), arcs.tolist()


def work_arrays(n_states: int, n_arcs: int) -> tuple[np.ndarray, ...]:
    """Fresh work arrays of :func:`tripp.graph.kernels.astar_path` for a graph of
    ``n_states`` states and ``n_arcs`` arcs: distances (inf), arcs in (-1), bounds (-1), the
    heap's keys and states, and the states reached."""
    return (
        np.full(n_states, np.inf),
        np.full(n_states, -1, dtype=np.int64),
        np.full(n_states, -1.0),
        np.empty(n_arcs + 1),
        np.empty(n_arcs + 1, dtype=np.int64),
        np.empty(n_states, dtype=np.int64),
    )


def _midpoint_states(graph: Graph) -> np.ndarray:
    """States with no layer that are neither a place's start nor end state: the midpoints
    of parallel links, each with exactly one arc out."""
    no_layer = np.array([layer is None for layer in graph.state_layer])
    no_layer[graph.start_state] = False
    no_layer[graph.end_state] = False
    return np.flatnonzero(no_layer)
