"""Routes on a compiled graph: best path, ranked distinct alternatives, constraints.

``route(graph, origin, destination, *, ...)`` returns a :class:`~tripp.routing.result.RouteResult`.
Constraints (year, modes, countries and nodes to avoid) mask arcs; via points are handled
exactly by chaining copies of the graph. Alternatives come from Yen's k-shortest-paths
algorithm run over physical links (:mod:`tripp.routing.alternatives`), filtered so that each
accepted route runs in another corridor than every better one or differs from it in at least
``min_difference`` of its length; each says how it differs from the best (``differs_by``).
A route far longer than the crow flies, or one the modes forced into a detour, comes with
warnings (:mod:`tripp.routing.detours`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import Any

import numpy as np

from tripp.atlas.model import DEFAULT_CARGO_TYPE
from tripp.errors import InputError, NoRouteError
from tripp.graph.astar import ASTAR_ABOVE_STATES, LowerBound, landmark_costs, lower_bound
from tripp.graph.cargo import cargo_cost_usd, cargo_mask
from tripp.graph.clusters import cluster
from tripp.graph.compile import ARC_LINK, NEVER, Graph
from tripp.graph.paths import Kernel, choose_kernel
from tripp.routing.alternatives import DistinctRoutes, SearchGraph, k_shortest, prepare_places
from tripp.routing.corridors import corridor, differs_by
from tripp.routing.detours import detour_warnings
from tripp.routing.legs import build_route, prepare_steps
from tripp.routing.request import (
    DEFAULT_OBJECTIVE,
    MIN_DIFFERENCE,
    Listed,
    Objective,
    RouteRequest,
    RouteSettings,
    atlas_vot,
)
from tripp.routing.result import RouteResult
from tripp.units import FREIGHT_MODES

__all__ = [
    "Objective",
    "RouteRequest",
    "RouteSettings",
    "prepare",
    "route",
    "route_request",
    "usable_arcs",
]


def route(
    graph: Graph,
    origin: str,
    destination: str,
    *,
    via: Listed = (),
    avoid_countries: Listed = (),
    avoid_nodes: Listed = (),
    modes: Listed = None,
    year: int | None = None,
    objective: Objective | str = DEFAULT_OBJECTIVE,
    alternatives: int = 1,
    min_difference: float = MIN_DIFFERENCE,
    settings: RouteSettings | None = None,
    kernel: Kernel | str = Kernel.AUTO,
    cargo_type: str = DEFAULT_CARGO_TYPE,
) -> RouteResult:
    """Best route (and up to ``alternatives`` distinct ones) from ``origin`` to ``destination``.

    Places are given by id, name or alternative name; lists may also be comma-separated
    texts. ``year`` defaults to the atlas year. ``cargo_type`` (cargo_types.csv; default
    container) decides the modes, transfers, services and tariffs a route may use; costs
    are per unit of it (``Route.cost_unit``). Checks the options as a
    :class:`~tripp.routing.request.RouteRequest` (an :class:`~tripp.errors.InputError`
    lists every problem) and runs it with :func:`route_request`. ``kernel`` picks the
    shortest-path implementation (:class:`~tripp.graph.paths.Kernel`; ``auto``: by graph
    size); the answer is the same.

    >>> from tripp import compile, load_atlas
    >>> result = route(compile(load_atlas()), "Baku", "Kars", modes=["rail"], year=2026)
    >>> result.routes[0].countries
    ('AZ', 'GE', 'TR')
    """
    request = RouteRequest.check(
        graph,
        origin,
        destination,
        via=via,
        avoid_countries=avoid_countries,
        avoid_nodes=avoid_nodes,
        modes=modes,
        year=year,
        objective=objective,
        alternatives=alternatives,
        min_difference=min_difference,
        vot_usd_per_teu_h=(settings or RouteSettings()).vot_usd_per_teu_h,
        cargo_type=cargo_type,
    )
    return route_request(graph, request, kernel=kernel)


def route_request(
    graph: Graph, request: RouteRequest, *, kernel: Kernel | str = Kernel.AUTO
) -> RouteResult:
    """The routes that answer ``request``, checked on ``graph`` (or on a graph compiled from
    the same atlas) by :meth:`RouteRequest.check`.

    Raises :class:`NoRouteError` (naming the settings that cut every route) when nothing
    satisfies the request.

    >>> from tripp import compile, load_atlas
    >>> graph = compile(load_atlas())
    >>> request = RouteRequest.check(graph, "Baku", "Kars", modes="rail", year=2026)
    >>> route_request(graph, request).routes[0].countries
    ('AZ', 'GE', 'TR')
    """
    weight = _search_weight(graph, request)
    # by the size of the chained copies, not of the blocks that number the via joins
    kernel = choose_kernel(kernel, graph.n_states * (len(request.via) + 1))
    search = _search_graph(graph, request, weight)
    found = _ranked(graph, search, request, kernel)
    if not found and request.via:  # a via place no route passes through: detours allowed
        search = _search_graph(graph, request, weight, strict=False)
        found = _ranked(graph, search, request, kernel, loop_free=False)
    if not found:
        raise _explain_no_route(graph, request)
    vot = _vot(graph, request)
    routes = [
        build_route(graph, rank, _graph_arcs(search, arcs), vot, request.cargo_type)
        for rank, arcs in enumerate(found, start=1)
    ]
    routes = [
        replace(r, differs_by=differs_by(r, routes[: r.rank - 1], graph.atlas)) for r in routes
    ]
    return RouteResult(
        origin=request.origin,
        destination=request.destination,
        objective=request.objective.value,
        year=request.year,
        routes=tuple(routes),
        via=request.via,
        avoid_countries=request.avoid_countries,
        avoid_nodes=request.avoid_nodes,
        modes=request.modes,
        warnings=detour_warnings(graph, request, routes, unrestricted=_unrestricted_km),
        atlas=graph.atlas,
        cargo_type=request.cargo_type,
    )


def _graph_arcs(search: SearchGraph, arcs: list[int]) -> list[int]:
    """The compiled graph's arcs along the search graph's path ``arcs`` (joins dropped)."""
    return [int(search.arc_ref[a]) for a in arcs if search.arc_ref[a] >= 0]


def _ranked(
    graph: Graph,
    search: SearchGraph,
    request: RouteRequest,
    kernel: Kernel,
    *,
    loop_free: bool = True,
) -> list[list[int]]:
    """Up to ``request.alternatives`` paths, best first, each in another corridor than
    every better one or differing from it in ``min_difference`` of its length
    (:func:`tripp.routing.alternatives.k_shortest`); loop-free unless ``loop_free`` is
    False (a via place that can only be visited, in and out)."""

    def corridor_of(arcs: list[int]) -> Hashable:
        return corridor(
            build_route(graph, 0, _graph_arcs(search, arcs), None, request.cargo_type),
            graph.atlas,
        )

    found = k_shortest(
        graph,
        search,
        request.alternatives,
        request.min_difference,
        kernel=kernel,
        corridor=corridor_of,
    )
    if loop_free and found and _loops(graph, search, found[0]):
        found = _loop_free(graph, search, request, kernel, corridor_of)
    return found


def _vot(graph: Graph, request: RouteRequest) -> float | None:
    """Value of time per unit of the request's cargo type and hour (USD): the request's
    ``vot_usd_per_teu_h`` for containers, else the cargo type's figure in the atlas
    (:func:`~tripp.routing.request.atlas_vot`); None where neither gives one (the
    generalized objective is then refused by :meth:`RouteRequest.check`)."""
    if request.vot_usd_per_teu_h is not None and request.cargo_type == DEFAULT_CARGO_TYPE:
        return request.vot_usd_per_teu_h
    try:
        return atlas_vot(graph.atlas, request.cargo_type)
    except InputError:
        if request.objective is Objective.GENERALIZED:
            raise
        return None


def _unrestricted_km(graph: Graph, request: RouteRequest) -> float | None:
    """Length (km) of the best route for ``request`` with every mode its cargo type may
    use allowed, or None."""
    relaxed = replace(request, modes=FREIGHT_MODES, alternatives=1)
    search = _search_graph(graph, relaxed, _search_weight(graph, relaxed))
    found = search.shortest(search.weight, search.source)
    if found is None:
        return None
    refs = search.arc_ref[found[1]]
    return float(graph.distance_km[refs[refs >= 0]].sum())


def prepare(graph: Graph, year: int | None = None, *, kernel: Kernel | str = Kernel.AUTO) -> None:
    """Make now what the first searches on ``graph`` would make and keep: each arc's legs,
    the places that alternatives deviate at, each objective's weights in ``year``
    (default: the atlas year) without constraints, and, where ``kernel`` comes to the
    compiled one on this graph, the loaded Numba kernels. A server calls it before its
    first request, so that no answer waits for it."""
    year = graph.atlas.as_of_year if year is None else year
    if choose_kernel(kernel, graph.n_states) is Kernel.COMPILED:
        from tripp.graph.yen import warm_up

        warm_up()
    prepare_steps(graph)
    node = graph.node_ids[0]  # the places in the request do not enter what is kept
    for objective in Objective:
        request = RouteRequest(node, node, year, objective=objective)
        if objective is Objective.GENERALIZED and _vot(graph, request) is None:
            continue
        prepare_places(graph, _search_graph(graph, request, _search_weight(graph, request)))


def usable_arcs(graph: Graph, request: RouteRequest) -> np.ndarray:
    """Arcs usable under the request's year, modes, cargo type and avoided countries and
    nodes."""
    mask = graph.available_from_year <= request.year
    mode_allowed = np.array([m in request.modes for m in FREIGHT_MODES])
    mask &= (graph.kind != ARC_LINK) | mode_allowed[np.maximum(graph.mode, 0)]
    mask &= cargo_mask(graph, request.cargo_type)
    blocked_nodes = np.zeros(len(graph.node_ids), dtype=bool)
    if request.avoid_nodes:
        blocked_nodes[[graph.node_index(n) for n in request.avoid_nodes]] = True
    if request.avoid_countries:
        node_country = np.array([graph.atlas.node_by_id[n].country for n in graph.node_ids])
        blocked_nodes |= np.isin(node_country, request.avoid_countries)
        state_country = np.array([layer[2] if layer else "" for layer in graph.state_layer])
        blocked_state = np.isin(state_country, request.avoid_countries)
        mask &= ~blocked_state[graph.tail] & ~blocked_state[graph.head]
    blocked_state_node = blocked_nodes[graph.state_node]
    mask &= ~blocked_state_node[graph.tail] & ~blocked_state_node[graph.head]
    return mask


def _search_weight(graph: Graph, request: RouteRequest) -> np.ndarray:
    """Per arc: the objective's weight where the request allows the arc, else infinity.

    Kept on the graph for the next request with the same constraints: never modify it
    (searches copy it before closing arcs).
    """
    vot = _vot(graph, request) if request.objective is Objective.GENERALIZED else None

    def compute() -> np.ndarray:
        weight = _objective_weight(graph, request.objective, vot, request.cargo_type)
        masked: np.ndarray = np.where(usable_arcs(graph, request), weight, np.inf)
        return masked

    return graph.memo("search weight", _weight_key(request, vot), compute)


def _weight_key(request: RouteRequest, vot: float | None) -> Hashable:
    """What a request's search weights depend on."""
    return (
        request.year,
        request.modes,
        request.avoid_countries,
        request.avoid_nodes,
        request.objective,
        vot,
        request.cargo_type,
    )


def _lower_bound(graph: Graph, request: RouteRequest, weight: np.ndarray) -> LowerBound | None:
    """The A* lower bound for single-pair searches under ``weight`` on a graph above
    :data:`~tripp.graph.astar.ASTAR_ABOVE_STATES` states (kept with the weights), else None."""
    if graph.n_states <= ASTAR_ABOVE_STATES:
        return None
    vot = _vot(graph, request) if request.objective is Objective.GENERALIZED else None
    landmarks = graph.memo(
        "landmarks",
        (request.objective, vot, request.cargo_type),
        lambda: landmark_costs(
            graph, _objective_weight(graph, request.objective, vot, request.cargo_type)
        ),
    )
    return graph.memo(
        "lower bound", _weight_key(request, vot), lambda: lower_bound(graph, weight, landmarks)
    )


def _objective_weight(
    graph: Graph,
    objective: Objective,
    vot_usd_per_unit_h: float | None,
    cargo_type: str = DEFAULT_CARGO_TYPE,
) -> np.ndarray:
    """Per arc: the objective's weight; costs per unit of ``cargo_type``."""
    if objective is Objective.TIME:
        return graph.time_h
    if objective is Objective.DISTANCE:
        return graph.distance_km
    cost = cargo_cost_usd(graph, cargo_type)
    if objective is Objective.COST:
        return cost
    assert vot_usd_per_unit_h is not None  # _vot raised otherwise
    return cost + vot_usd_per_unit_h * graph.time_h


def _search_graph(
    graph: Graph, request: RouteRequest, weight: np.ndarray, *, strict: bool = True
) -> SearchGraph:
    """The graph to search: the compiled one, or chained copies joined at the via points.

    A via point is passed at any node of its cluster (:func:`tripp.graph.clusters.cluster`:
    via Baku is passed at Alat, the port of Baku). ``strict``: copy k joins copy k + 1
    only where a route enters the cluster by a link and leaves it by another link (or
    starts or ends there), so it passes the place, never detours into it and back by the
    same link; otherwise (the fallback for a place a route cannot pass through) at every
    layer state of the cluster.
    """
    n = graph.n_states
    source = int(graph.start_state[graph.node_index(request.origin)])
    target_base = int(graph.end_state[graph.node_index(request.destination)])
    if not request.via:
        return SearchGraph(
            graph.indptr,
            graph.head,
            _arc_numbers(graph),
            weight,
            source,
            target_base,
            n,
            _lower_bound(graph, request, weight),
        )
    copies = len(request.via) + 1
    tails = [graph.tail + k * n for k in range(copies)]
    heads = [graph.head + k * n for k in range(copies)]
    refs = [_arc_numbers(graph)] * copies
    weights = [weight] * copies
    blocks = [copies]  # the next free block of n states (each entering arc takes one)
    has_layer = np.array([layer is not None for layer in graph.state_layer])
    for k, place in enumerate(request.via):
        members = np.array([graph.node_index(m) for m in cluster(graph.atlas, place)])
        if strict:
            joins = _passing_joins(graph, members, k, blocks)
        else:
            layers = np.flatnonzero(np.isin(graph.state_node, members) & has_layer)
            joins = (layers + k * n, layers + (k + 1) * n, np.full(len(layers), -1))
        tails.append(joins[0])
        heads.append(joins[1])
        refs.append(joins[2])
        weights.append(np.where(joins[2] >= 0, weight[np.maximum(joins[2], 0)], 0.0))
    tail, head = np.concatenate(tails), np.concatenate(heads)
    n_all = blocks[0] * n
    order = np.argsort(tail, kind="stable")
    indptr = np.zeros(n_all + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n_all), out=indptr[1:])
    return SearchGraph(
        indptr,
        head[order],
        np.concatenate(refs)[order],
        np.concatenate(weights)[order],
        source,
        target_base + (copies - 1) * n,
        n,
    )


def _arc_numbers(graph: Graph) -> np.ndarray:
    """0, 1, … for each arc of ``graph`` (kept on it: the arc refs of a search without via
    points; never modified)."""
    return graph.memo("arc numbers", None, lambda: np.arange(graph.n_arcs))


def _passing_joins(
    graph: Graph, members: np.ndarray, k: int, blocks: list[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arcs (tails, heads, graph arcs or -1) that take a route from copy k to copy k + 1
    as it passes the cluster ``members`` (node indices).

    Each arc e entering the cluster from outside gets its own copy of the states at its
    head node reachable without a link (layers, boarding and departure states); from
    them every link leaves into copy k + 1 except e's own link back. A route starting or
    ending in the cluster passes it at its start or end hub. The states copied for arc e
    are numbered as in a copy of their own (block ``blocks[0]``, then the next), so each
    is at the place its original is (Yen's algorithm tells places by state number).
    """
    n = graph.n_states
    in_cluster = np.zeros(len(graph.node_ids), dtype=bool)
    in_cluster[members] = True
    node_of = graph.state_node
    tails: list[int] = []
    heads: list[int] = []
    refs: list[int] = []

    def add(tail: int, head: int, ref: int) -> None:
        tails.append(tail)
        heads.append(head)
        refs.append(ref)

    for v in members.tolist():
        for hub in (int(graph.start_state[v]), int(graph.end_state[v])):
            add(hub + k * n, hub + (k + 1) * n, -1)
    entering = np.flatnonzero(in_cluster[node_of[graph.head]] & ~in_cluster[node_of[graph.tail]])
    for e in entering.tolist():
        back = int(graph.link[e]) if graph.kind[e] == ARC_LINK else -2
        offset = blocks[0] * n
        blocks[0] += 1
        copied = {int(graph.head[e])}
        queue = [int(graph.head[e])]
        add(int(graph.tail[e]) + k * n, int(graph.head[e]) + offset, e)
        while queue:
            state = queue.pop()
            for a in range(int(graph.indptr[state]), int(graph.indptr[state + 1])):
                head = int(graph.head[a])
                if graph.kind[a] == ARC_LINK:
                    if int(graph.link[a]) != back:
                        add(state + offset, head + (k + 1) * n, a)
                elif node_of[head] == node_of[state] and graph.state_layer[head] is not None:
                    add(state + offset, head + offset, a)
                    if head not in copied:
                        copied.add(head)
                        queue.append(head)
                else:  # the end hub, or a midpoint on the way out
                    add(state + offset, head + (k + 1) * n, a)
    return (
        np.asarray(tails, dtype=np.int64),
        np.asarray(heads, dtype=np.int64),
        np.asarray(refs, dtype=np.int64),
    )


#: How many more ranked paths a search takes to find loop-free ones when its best path
#: loops (a U-turn to ride a passing train instead of waiting to board it, a via point).
LOOP_FREE_EXTRA = 8


def _loops(graph: Graph, search: SearchGraph, arcs: list[int]) -> bool:
    """Whether the path ``arcs`` of ``search`` leaves a place and comes back to it."""
    refs = search.arc_ref[np.asarray(arcs, dtype=np.int64)]
    links = refs[refs >= 0]
    links = links[graph.kind[links] == ARC_LINK]
    if len(links) == 0:
        return False
    atlas_links = graph.atlas.links
    ends = [(atlas_links[i].from_node, atlas_links[i].to_node) for i in graph.link[links].tolist()]
    # the node each link arc reaches (a parallel link's arc ends in a midpoint state
    # numbered at its tail node, so the state's node would look like a loop)
    nodes = [ends[0][0] if graph.forward[links[0]] else ends[0][1]]
    nodes += [b if fwd else a for (a, b), fwd in zip(ends, graph.forward[links], strict=True)]
    return len(set(nodes)) < len(nodes)


def _loop_free(
    graph: Graph,
    search: SearchGraph,
    request: RouteRequest,
    kernel: Kernel,
    corridor_of: Callable[[list[int]], Hashable],
) -> list[list[int]]:
    """Up to ``request.alternatives`` loop-free paths, best first, from the ranked paths
    of Yen's algorithm (whose deviations never loop), each in another corridor than every
    better one or differing from it in ``request.min_difference`` of its length."""
    ranked = k_shortest(graph, search, request.alternatives + LOOP_FREE_EXTRA, 0.0, kernel=kernel)
    distinct = DistinctRoutes.on(graph, search, request.min_difference, corridor_of)
    for path in ranked:
        if not _loops(graph, search, path):
            distinct.offer(path)
        if len(distinct.accepted) == request.alternatives:
            break
    return distinct.accepted


def _explain_no_route(graph: Graph, request: RouteRequest) -> NoRouteError:
    """The error naming the settings that cut every route, found by relaxing each in turn."""
    relaxations: list[tuple[str, tuple[str, ...]]] = [
        ("avoid_countries", ()),
        ("avoid_nodes", ()),
        ("modes", FREIGHT_MODES),
        ("via", ()),
    ]
    cuts = tuple(
        (field, getattr(request, field))
        for field, relaxed in relaxations
        if set(getattr(request, field)) != set(relaxed)
        and _reachable(graph, _relaxed(request, field, relaxed))
    )
    years = np.unique(graph.available_from_year)
    later_year = next(
        (
            later
            for later in years[(years > request.year) & (years < NEVER)].tolist()
            if _reachable(graph, replace(request, year=later))
        ),
        None,
    )
    return NoRouteError(
        request.origin,
        request.destination,
        request.year,
        modes=request.modes,
        cuts=cuts,
        later_year=later_year,
    )


def _relaxed(request: RouteRequest, field: str, value: tuple[str, ...]) -> RouteRequest:
    changed: dict[str, Any] = {field: value}
    return replace(request, **changed)


def _reachable(graph: Graph, request: RouteRequest) -> bool:
    mask = usable_arcs(graph, request)
    search = _search_graph(graph, request, np.where(mask, graph.time_h, np.inf), strict=False)
    return search.shortest(search.weight, search.source) is not None
