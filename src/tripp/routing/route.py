"""Routes on a compiled graph: best path, ranked distinct alternatives, constraints.

``route(graph, origin, destination, *, ...)`` returns a :class:`~tripp.routing.result.RouteResult`.
Constraints (year, modes, countries and nodes to avoid) mask arcs; via points are handled
exactly by chaining copies of the graph. Alternatives come from Yen's k-shortest-paths
algorithm run over physical links (:mod:`tripp.routing.alternatives`), filtered so that each
accepted route differs from every better one in at least ``min_difference`` of its length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from tripp.atlas.countries import country_hint, is_country
from tripp.atlas.lookup import find_node
from tripp.atlas.names import hint
from tripp.errors import InputError, NoRouteError, Problem
from tripp.graph.compile import ARC_LINK, NEVER, Graph
from tripp.graph.paths import Kernel, choose_kernel
from tripp.routing.alternatives import SearchGraph, k_shortest, prepare_places
from tripp.routing.legs import build_route, prepare_steps
from tripp.routing.result import RouteResult
from tripp.units import FREIGHT_MODES


class Objective(StrEnum):
    """What a route minimises."""

    TIME = "time"
    COST = "cost"
    DISTANCE = "distance"
    GENERALIZED = "generalized"


@dataclass(frozen=True, slots=True)
class RouteSettings:
    """Parameters of the generalised cost, per TEU.

    ``vot_usd_per_teu_h``: value of time of a loaded container. Default 1.0 USD per TEU-hour:
    a cargo value of about USD 50,000 per TEU at 15 %/year inventory and obsolescence cost,
    divided by 8,760 h (≈ 0.86), rounded. An assumption; set your own for your cargo.
    """

    vot_usd_per_teu_h: float = 1.0


def route(
    graph: Graph,
    origin: str,
    destination: str,
    *,
    via: tuple[str, ...] | list[str] = (),
    avoid_countries: tuple[str, ...] | list[str] = (),
    avoid_nodes: tuple[str, ...] | list[str] = (),
    modes: tuple[str, ...] | list[str] | None = None,
    year: int | None = None,
    objective: Objective | str = Objective.TIME,
    alternatives: int = 1,
    min_difference: float = 0.1,
    settings: RouteSettings | None = None,
    kernel: Kernel | str = Kernel.AUTO,
) -> RouteResult:
    """Best route (and up to ``alternatives`` distinct ones) from ``origin`` to ``destination``.

    Places are given by id, name or alternative name. ``year`` defaults to the atlas year.
    ``kernel`` picks the shortest-path implementation (:class:`~tripp.graph.paths.Kernel`;
    ``auto``: by graph size); the answer is the same.
    Raises :class:`InputError` for bad options and :class:`NoRouteError` (naming the
    constraint that cut the route) when nothing satisfies the request.

    >>> from tripp import compile, load_atlas
    >>> result = route(compile(load_atlas()), "Baku", "Kars", modes=["rail"], year=2026)
    >>> result.routes[0].countries
    ('AZ', 'GE', 'TR')
    """
    settings = settings or RouteSettings()
    atlas = graph.atlas
    request = _Request.check(
        graph,
        origin,
        destination,
        via,
        avoid_countries,
        avoid_nodes,
        modes,
        year if year is not None else atlas.as_of_year,
        objective,
        alternatives,
        min_difference,
    )
    search = _search_graph(graph, request, _search_weight(graph, request, settings))
    found = k_shortest(graph, search, request.alternatives, request.min_difference, kernel=kernel)
    if not found:
        raise NoRouteError(_explain_no_route(graph, request))
    routes = tuple(
        build_route(
            graph,
            rank,
            [int(search.arc_ref[a]) for a in arcs if search.arc_ref[a] >= 0],
            settings.vot_usd_per_teu_h,
        )
        for rank, arcs in enumerate(found, start=1)
    )
    return RouteResult(
        origin=request.origin,
        destination=request.destination,
        objective=request.objective.value,
        year=request.year,
        routes=routes,
        via=request.via,
        avoid_countries=request.avoid_countries,
        avoid_nodes=request.avoid_nodes,
        modes=request.modes,
        atlas=atlas,
    )


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
    settings = RouteSettings()
    node = graph.node_ids[0]  # the places in the request do not enter what is kept
    for objective in Objective:
        request = _Request(node, node, (), (), (), tuple(FREIGHT_MODES), year, objective, 1, 0.1)
        weight = _search_weight(graph, request, settings)
        prepare_places(graph, _search_graph(graph, request, weight))


@dataclass(frozen=True)
class _Request:
    origin: str
    destination: str
    via: tuple[str, ...]
    avoid_countries: tuple[str, ...]
    avoid_nodes: tuple[str, ...]
    modes: tuple[str, ...]
    year: int
    objective: Objective
    alternatives: int
    min_difference: float

    @classmethod
    def check(
        cls,
        graph: Graph,
        origin: str,
        destination: str,
        via: Sequence[str],
        avoid_countries: Sequence[str],
        avoid_nodes: Sequence[str],
        modes: Sequence[str] | None,
        year: int,
        objective: object,
        alternatives: int,
        min_difference: float,
    ) -> _Request:
        atlas = graph.atlas
        problems: list[Problem] = []

        def node(text: str, option: str) -> str:
            try:
                return find_node(atlas, text, option=option).node_id
            except InputError as error:
                problems.extend(error.problems)
                return text

        o, d = node(origin, "origin"), node(destination, "destination")
        vias = tuple(node(v, "--via") for v in via)
        avoid_n = tuple(node(v, "--avoid-node") for v in avoid_nodes)
        given = [c.strip() for c in avoid_countries if c.strip()]
        avoid_c = tuple(c.upper() for c in given)
        for raw, code in zip(given, avoid_c, strict=True):
            if not is_country(code):
                problems.append(
                    Problem("--avoid-country", f"unknown country code '{raw}'", country_hint(raw))
                )
        chosen = tuple(FREIGHT_MODES) if modes is None else tuple(modes)
        for mode in chosen:
            if mode not in FREIGHT_MODES:
                problems.append(
                    Problem(
                        "--modes",
                        f"unknown mode '{mode}'",
                        hint(mode, FREIGHT_MODES).replace(
                            "use an id or name listed by `tripp nodes`",
                            "use rail, road, ferry or sea",
                        ),
                    )
                )
        try:
            goal = Objective(str(objective))
        except ValueError:
            problems.append(
                Problem(
                    "--objective",
                    f"unknown objective '{objective}'",
                    "use time, cost, distance or generalized",
                )
            )
            goal = Objective.TIME
        if alternatives < 1 or alternatives > 20:
            problems.append(
                Problem(
                    "--alternatives", f"{alternatives} is out of range", "ask for 1 to 20 routes"
                )
            )
        if not 0 <= min_difference < 1:
            problems.append(
                Problem(
                    "min_difference", f"{min_difference} is out of range", "give a share in [0, 1)"
                )
            )
        if not 1850 <= year <= 2100:
            problems.append(Problem("--year", f"{year} is out of range", "give 1850 to 2100"))
        if not problems:
            _check_contradictions(graph, o, d, vias, avoid_n, avoid_c, problems)
        if problems:
            raise InputError(problems)
        return cls(o, d, vias, avoid_c, avoid_n, chosen, year, goal, alternatives, min_difference)


def _check_contradictions(
    graph: Graph,
    origin: str,
    destination: str,
    via: tuple[str, ...],
    avoid_nodes: tuple[str, ...],
    avoid_countries: tuple[str, ...],
    problems: list[Problem],
) -> None:
    nodes = graph.atlas.node_by_id
    for option, place in [("origin", origin), ("destination", destination)] + [
        ("--via", v) for v in via
    ]:
        if place in avoid_nodes:
            problems.append(
                Problem(option, f"{place} is also in --avoid-node", "remove it from --avoid-node")
            )
        if nodes[place].country in avoid_countries:
            problems.append(
                Problem(
                    option,
                    f"{place} is in {nodes[place].country}, which --avoid-country excludes",
                    f"remove {nodes[place].country} from --avoid-country",
                )
            )
    if origin == destination and not via:
        problems.append(
            Problem(
                "destination",
                "origin and destination are the same place",
                "give two different places",
            )
        )


def _mask(graph: Graph, request: _Request) -> np.ndarray:
    """Arcs usable under the request's year, modes and avoided countries and nodes."""
    mask = graph.available_from_year <= request.year
    mode_allowed = np.array([m in request.modes for m in FREIGHT_MODES])
    mask &= (graph.kind != ARC_LINK) | mode_allowed[np.maximum(graph.mode, 0)]
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


def _search_weight(graph: Graph, request: _Request, settings: RouteSettings) -> np.ndarray:
    """Per arc: the objective's weight where the request allows the arc, else infinity.

    Kept on the graph for the next request with the same constraints: never modify it
    (searches copy it before closing arcs).
    """
    vot = settings.vot_usd_per_teu_h if request.objective is Objective.GENERALIZED else None
    key = (
        request.year,
        request.modes,
        request.avoid_countries,
        request.avoid_nodes,
        request.objective,
        vot,
    )

    def compute() -> np.ndarray:
        weight = _objective_weight(graph, request.objective, settings)
        masked: np.ndarray = np.where(_mask(graph, request), weight, np.inf)
        return masked

    return graph.memo("search weight", key, compute)


def _objective_weight(graph: Graph, objective: Objective, settings: RouteSettings) -> np.ndarray:
    if objective is Objective.TIME:
        return graph.time_h
    if objective is Objective.COST:
        return graph.cost_usd_per_teu
    if objective is Objective.DISTANCE:
        return graph.distance_km
    return graph.cost_usd_per_teu + settings.vot_usd_per_teu_h * graph.time_h


def _search_graph(graph: Graph, request: _Request, weight: np.ndarray) -> SearchGraph:
    """The graph to search: the compiled one, or chained copies joined at the via points."""
    n = graph.n_states
    source = int(graph.start_state[graph.node_index(request.origin)])
    target_base = int(graph.end_state[graph.node_index(request.destination)])
    if not request.via:
        return SearchGraph(
            graph.indptr, graph.head, np.arange(graph.n_arcs), weight, source, target_base, n
        )
    copies = len(request.via) + 1
    tails = [graph.tail + k * n for k in range(copies)]
    heads = [graph.head + k * n for k in range(copies)]
    refs = [np.arange(graph.n_arcs)] * copies
    weights = [weight] * copies
    for k, place in enumerate(request.via):
        layers = np.flatnonzero(
            (graph.state_node == graph.node_index(place))
            & np.array([layer is not None for layer in graph.state_layer])
        )
        tails.append(layers + k * n)
        heads.append(layers + (k + 1) * n)
        refs.append(np.full(len(layers), -1))
        weights.append(np.zeros(len(layers)))
    tail, head = np.concatenate(tails), np.concatenate(heads)
    order = np.argsort(tail, kind="stable")
    indptr = np.zeros(copies * n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=copies * n), out=indptr[1:])
    return SearchGraph(
        indptr,
        head[order],
        np.concatenate(refs)[order],
        np.concatenate(weights)[order],
        source,
        target_base + (copies - 1) * n,
        n,
    )


def _explain_no_route(graph: Graph, request: _Request) -> str:
    """Name the constraint that cut every route, by relaxing each in turn."""
    base = f"no route from {request.origin} to {request.destination}"
    relaxations: list[tuple[str, dict[str, object]]] = []
    if request.avoid_countries:
        relaxations.append(
            (f"--avoid-country {','.join(request.avoid_countries)}", {"avoid_countries": ()})
        )
    if request.avoid_nodes:
        relaxations.append((f"--avoid-node {','.join(request.avoid_nodes)}", {"avoid_nodes": ()}))
    if set(request.modes) != set(FREIGHT_MODES):
        relaxations.append((f"--modes {','.join(request.modes)}", {"modes": FREIGHT_MODES}))
    if request.via:
        relaxations.append((f"--via {','.join(request.via)}", {"via": ()}))
    reasons = [
        f"{label} cuts every route (one exists without it)"
        for label, change in relaxations
        if _reachable(graph, _Request(**{**request.__dict__, **change}))
    ]
    years = np.unique(graph.available_from_year)
    for later in years[(years > request.year) & (years < NEVER)].tolist():
        if _reachable(graph, _Request(**{**request.__dict__, "year": later})):
            reasons.append(f"the links it needs open in {later} (try --year {later})")
            break
    if reasons:
        return f"{base} in {request.year}: " + "; ".join(reasons)
    return (
        f"{base} in {request.year}: the network does not connect them by "
        f"{', '.join(request.modes)} under these constraints"
    )


def _reachable(graph: Graph, request: _Request) -> bool:
    mask = _mask(graph, request)
    search = _search_graph(graph, request, np.where(mask, graph.time_h, np.inf))
    return search.shortest(search.weight, search.source) is not None
