"""The sweep kernel: re-route every demand O-D of a scenario in one multi-source search.

A :class:`RoutingKernel` holds the compiled graph's CSR arrays, per-arc time and money cost
with the arcs that do not exist in the scenario year already at ``inf``, and the demand's
O-D pairs mapped to graph states. One :meth:`RoutingKernel.solve` call takes per-arc times
(border dwell draws) and a mask of closed arcs, grows the engine's shortest-path tree
(:func:`tripp.graph.kernels.shortest_path_trees`) once from every distinct origin's start
state and reads every destination's end state; the time and money cost along each chosen
path are summed over the trees by pointer doubling (no Python loop per O-D). A tree per
origin, not a search per O-D: one tree answers every destination of its origin.

Units: ``time_h`` in hours, ``cost_usd_per_teu`` in USD per TEU, generalised cost in USD
per TEU (money + value of time × time). Routes are those :func:`tripp.routing.route.route` picks
for the same objective, ties included: the tree is the compiled kernel's search, which picks
the same paths as either kernel of ``route`` (a test checks the undisturbed case).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tripp.atlas.model import DEFAULT_CARGO_TYPE, Atlas
from tripp.errors import FieldProblem, InputError
from tripp.graph.cargo import cargo_mask
from tripp.graph.compile import Graph, IntArray
from tripp.routing.request import DEFAULT_OBJECTIVE, Objective, RouteSettings, atlas_vot

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Objectives a sweep can minimise (distance is not a cost of disruption).
SWEEP_OBJECTIVES = (Objective.TIME, Objective.COST, Objective.GENERALIZED)


@dataclass(frozen=True, slots=True)
class ODPair:
    """One origin–destination pair of the demand, tonnes summed over commodities."""

    origin: str
    destination: str
    t_per_year: float
    commodities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Solution:
    """Per O-D result of one search; ``nan`` where no route exists."""

    objective: FloatArray  # the minimised quantity: h, USD/TEU or generalised USD/TEU
    time_h: FloatArray
    cost_usd_per_teu: FloatArray

    @property
    def routed(self) -> BoolArray:
        """Whether each O-D has a route."""
        return np.isfinite(self.objective)

    def generalized_usd_per_teu(self, vot_usd_per_teu_h: float) -> FloatArray:
        """Money cost + value of time × time along each chosen route (USD per TEU)."""
        return self.cost_usd_per_teu + vot_usd_per_teu_h * self.time_h


def od_pairs(atlas: Atlas, demand_year: int | None) -> tuple[ODPair, ...]:
    """The O-D pairs of the demand rows of ``demand_year`` with tonnes > 0 (file order)."""
    tonnes: dict[tuple[str, str], float] = {}
    commodities: dict[tuple[str, str], list[str]] = {}
    for row in atlas.demand_in(demand_year):
        if not row.t_per_year or row.origin == row.destination:
            continue
        key = (row.origin, row.destination)
        tonnes[key] = tonnes.get(key, 0.0) + float(row.t_per_year)
        commodities.setdefault(key, []).append(row.commodity)
    return tuple(ODPair(o, d, t, tuple(commodities[(o, d)])) for (o, d), t in tonnes.items())


def check_objective(objective: Objective | str) -> Objective:
    """``objective`` as an :class:`Objective` a sweep accepts, else :class:`InputError`."""
    try:
        goal = Objective(str(objective))
    except ValueError:
        goal = Objective.DISTANCE
    if goal not in SWEEP_OBJECTIVES:
        raise InputError(
            FieldProblem(
                "objective", f"unknown objective '{objective}'", "use time, cost or generalized"
            )
        )
    return goal


@dataclass(frozen=True, eq=False)
class RoutingKernel:
    """Graph arrays and demand O-Ds of one scenario, ready to re-route under disruptions."""

    indptr: IntArray
    head: IntArray
    time_h: FloatArray  # per arc; inf where the arc does not exist in the scenario year
    cost_usd_per_teu: FloatArray  # per arc; inf likewise
    arc_link: IntArray  # atlas link index per arc, -1 if none
    arc_crossing: IntArray  # atlas crossing index per arc, -1 if none
    crossing_dwell_h: FloatArray  # atlas dwell per crossing row (h)
    sources: IntArray  # distinct origin start states
    od_source: IntArray  # per O-D: row of ``sources``
    od_target: IntArray  # per O-D: destination end state
    tail: IntArray  # per arc: the state it leaves
    objective: Objective
    vot_usd_per_teu_h: float | None  # None: none given nor in the atlas (not generalized)

    @property
    def n_states(self) -> int:
        """Number of graph states."""
        return len(self.indptr) - 1

    @property
    def n_od(self) -> int:
        """Number of O-D pairs."""
        return len(self.od_target)

    def solve(
        self, *, time_h: FloatArray | None = None, closed: BoolArray | None = None
    ) -> Solution:
        """Best route of every O-D under per-arc ``time_h`` (default: the atlas times) with
        the ``closed`` arcs removed."""
        from tripp.graph.kernels import shortest_path_trees

        time = self.time_h if time_h is None else time_h
        if self.objective is Objective.TIME:
            weight = time
        elif self.objective is Objective.COST:
            weight = self.cost_usd_per_teu
        else:
            assert self.vot_usd_per_teu_h is not None  # build_kernel raised otherwise
            weight = self.cost_usd_per_teu + self.vot_usd_per_teu_h * time
        if closed is not None:
            weight = np.where(closed, np.inf, weight)
        dist, pred = shortest_path_trees(self.sources, self.indptr, self.head, weight)
        objective = dist[self.od_source, self.od_target]
        routed = np.isfinite(objective)
        objective = np.where(routed, objective, np.nan)
        # one quantity is summed along the paths; the other follows from the objective
        if self.objective is Objective.TIME:
            cost = self._path_sum(pred, self.cost_usd_per_teu)
            return Solution(objective, objective, np.where(routed, cost, np.nan))
        hours = np.where(routed, self._path_sum(pred, time), np.nan)
        if self.objective is Objective.COST:
            return Solution(objective, hours, objective)
        assert self.vot_usd_per_teu_h is not None
        return Solution(objective, hours, objective - self.vot_usd_per_teu_h * hours)

    def _path_sum(self, pred: IntArray, value: FloatArray) -> FloatArray:
        """Sum the per-arc ``value`` along the shortest-path trees (``pred``: the arc into
        each state, -1 at roots) to the O-D targets.

        Pointer doubling: after step k every state holds the sum over its 2^k nearest tree
        arcs and a pointer to its 2^k-th ancestor; roots point to themselves with sum 0.
        """
        rows, n = pred.shape
        has = pred >= 0
        flat = np.arange(rows * n).reshape(rows, n)
        arc = np.maximum(pred, 0)
        ancestor = np.where(has, self.tail[arc] + flat - flat % n, flat).ravel()
        total = np.where(has, value[arc], 0.0).ravel()
        while True:
            total = total + total[ancestor]
            following = ancestor[ancestor]
            if np.array_equal(following, ancestor):
                break
            ancestor = following
        return total[self.od_source * n + self.od_target]


def build_kernel(
    graph: Graph,
    ods: tuple[ODPair, ...],
    *,
    year: int,
    objective: Objective | str = DEFAULT_OBJECTIVE,
    settings: RouteSettings | None = None,
) -> RoutingKernel:
    """Prepare ``graph`` (network as in ``year``) and the ``ods`` for repeated solves.

    The value of time is the one in ``settings``, else the atlas's (:func:`kernel_vot`).
    Every O-D is routed as a container, on the arcs a container may use
    (:func:`~tripp.graph.cargo.cargo_mask`), as ``tripp route`` routes it by default."""
    goal = check_objective(objective)
    vot = kernel_vot(graph.atlas, goal, settings)
    exists = (graph.available_from_year <= year) & cargo_mask(graph, DEFAULT_CARGO_TYPE)
    origins = sorted({od.origin for od in ods})
    row_of = {origin: i for i, origin in enumerate(origins)}
    dwell = np.array([c.dwell_h for c in graph.atlas.crossings], dtype=np.float64)
    return RoutingKernel(
        indptr=graph.indptr,
        head=graph.head,
        time_h=np.where(exists, graph.time_h, np.inf),
        cost_usd_per_teu=np.where(exists, graph.cost_usd_per_teu, np.inf),
        arc_link=graph.link,
        arc_crossing=graph.crossing,
        crossing_dwell_h=dwell,
        sources=np.array([graph.start_state[graph.node_index(o)] for o in origins], dtype=np.int64),
        od_source=np.array([row_of[od.origin] for od in ods], dtype=np.int64),
        od_target=np.array(
            [graph.end_state[graph.node_index(od.destination)] for od in ods], dtype=np.int64
        ),
        tail=graph.tail,
        objective=goal,
        vot_usd_per_teu_h=vot,
    )


def kernel_vot(atlas: Atlas, objective: Objective, settings: RouteSettings | None) -> float | None:
    """The value of time (USD/TEU-h) a sweep prices with: the one in ``settings``, else the
    atlas's (:func:`~tripp.routing.request.atlas_vot`); None where neither gives one and the
    objective does not need it (the generalized one raises :class:`InputError`)."""
    given = (settings or RouteSettings()).vot_usd_per_teu_h
    if given is not None:
        return given
    try:
        return atlas_vot(atlas)
    except InputError:
        if objective is Objective.GENERALIZED:
            raise
        return None
