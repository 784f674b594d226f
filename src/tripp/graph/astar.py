"""A* for single-pair searches on large graphs: a straight-line lower bound on what is left.

From a state s the rest of any path to the target weighs at least ``rate × d(s, target)``,
where ``d`` is the straight distance (km, the chord through the Earth, never longer than the
great circle) between the states' positions and the rate (weight per km) is the least
``weight / d`` over the arcs that move (:func:`lower_bound_rate`, shaded by one part in 10⁹
against rounding). The chord is a distance in space, so the triangle inequality makes the
bound consistent, and A* (:func:`tripp.graph.kernels.astar_path`) returns the cost Dijkstra
returns while settling fewer states. Among paths of exactly equal cost it may pick another
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

from tripp.graph.compile import Graph
from tripp.units import EARTH_RADIUS_KM

#: Single-pair searches on graphs with more states than this run A* (about 30,000 links);
#: on smaller ones plain Dijkstra, whose ties the tests compare across kernels.
ASTAR_ABOVE_STATES: Final = 100_000
#: The rate is shaded by this share so that rounding never makes the bound exceed the truth.
_SHADE: Final = 1e-9

FloatArray = np.ndarray


@dataclass(frozen=True)
class LowerBound:
    """What A* needs besides the graph: each state's position (x, y, z in km, one row per
    state) and the weight per straight km that no moving arc undercuts."""

    position_km: FloatArray
    rate_per_km: float


def state_positions_km(graph: Graph) -> FloatArray:
    """Each state's position in space (km; rows x, y, z), kept on the graph."""

    def compute() -> FloatArray:
        nodes = graph.atlas.node_by_id
        lat = np.radians([nodes[n].lat for n in graph.node_ids])
        lon = np.radians([nodes[n].lon for n in graph.node_ids])
        place = graph.state_node.copy()
        midpoint = _midpoint_states(graph)
        place[midpoint] = graph.state_node[graph.head[graph.indptr[midpoint]]]
        lat, lon = lat[place], lon[place]
        xyz = np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))
        return np.ascontiguousarray(EARTH_RADIUS_KM * xyz)

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


def lower_bound(graph: Graph, weight: FloatArray) -> LowerBound:
    """The :class:`LowerBound` of searches on ``graph`` under ``weight``."""
    return LowerBound(state_positions_km(graph), lower_bound_rate(graph, weight))


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
    cost, arcs = astar_path(
        source, target, indptr, head, weight, bound.position_km, bound.rate_per_km, *work
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
