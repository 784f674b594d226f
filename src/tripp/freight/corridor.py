"""Corridor freight assignment: the atlas's demand on its capacities, at user equilibrium.

The assignment runs on the compiled corridor graph itself (:mod:`tripp.graph.compile`): its
network (:class:`CorridorNetwork`, built by :func:`corridor_network`) is the graph's CSR
restricted to the arcs available in the year, whose nodes are graph states and whose links
are graph arcs. Each demand row (tonnes per year) travels from its origin's start state to
its destination's end state. Link arcs with a capacity use the BPR curve, ferries and port
transfers the queue curve; everything is in hours and tonnes per year (see
:mod:`tripp.freight.settings`). Demand whose origin and destination are not connected in the
year is reported as unserved, not dropped.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from tripp.assignment.network import AssignmentNetwork, Demand, network_from_csr
from tripp.assignment.spec import AssignmentSpec
from tripp.assignment.vdf_kind import VdfKind
from tripp.atlas.model import DEFAULT_CARGO_TYPE, Atlas, DemandRow
from tripp.freight.settings import FreightSettings
from tripp.graph.cargo import cargo_mask
from tripp.graph.compile import ARC_LINK, ARC_TRANSITION, Graph
from tripp.graph.paths import shortest_path
from tripp.routing.request import atlas_vot
from tripp.units import to_canonical_capacity

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, slots=True)
class ElementLoad:
    """Flow and delay on one atlas element (a link, a port transfer or a border crossing)."""

    kind: str  # "link", "transfer" or "crossing"
    element_id: str
    name: str
    mode: str
    country: str
    flow_t_per_year: float
    capacity_t_per_year: float | None
    v_c: float | None  # highest volume/capacity over the element's directions
    delay_h: float  # time at flow minus free-flow time, on the most loaded direction
    delay_t_h_per_year: float  # Σ flow × delay over directions

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (floats rounded to 4 decimals)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in values.items()}


@dataclass(frozen=True)
class CorridorAssignment:
    """Result of one corridor assignment."""

    scenario: str
    year: int
    demand_year: int | None
    algorithm: str
    iterations: int
    relative_gap: float
    converged: bool
    demand_t_per_year: float
    unserved: tuple[dict[str, Any], ...]
    elements: tuple[ElementLoad, ...]
    uncapacitated: dict[str, int] = field(default_factory=dict)
    arc_flow_t_per_year: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    #: capacity of every graph arc (t/year), NaN where it has none
    arc_capacity_t_per_year: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)

    def bottlenecks(self, top: int | None = None) -> list[ElementLoad]:
        """Elements with a capacity, most loaded first (v/c, then delay)."""
        loaded = [e for e in self.elements if e.v_c is not None and e.flow_t_per_year > 0]
        loaded.sort(key=lambda e: (-(e.v_c or 0.0), -e.delay_t_h_per_year))
        return loaded[:top] if top else loaded

    def summary(self) -> dict[str, Any]:
        """Run figures: convergence, demand served and unserved, uncapacitated elements."""
        unserved = sum(u["t_per_year"] for u in self.unserved)
        return {
            "scenario": self.scenario,
            "year": self.year,
            "demand_year": self.demand_year,
            "algorithm": self.algorithm,
            "iterations": self.iterations,
            "relative_gap": self.relative_gap,
            "converged": self.converged,
            "demand_t_per_year": round(self.demand_t_per_year, 1),
            "unserved_t_per_year": round(unserved, 1),
            "uncapacitated": dict(self.uncapacitated),
        }

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """JSON-ready mapping: summary, unserved flows and the ranked bottlenecks."""
        return {
            **self.summary(),
            "unserved": list(self.unserved),
            "bottlenecks": [e.to_dict() for e in self.bottlenecks(top)],
        }

    def to_json(self, top: int | None = None, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(top), indent=indent, ensure_ascii=False)

    def to_frame(self, top: int | None = None) -> pd.DataFrame:
        """The ranked bottlenecks, one row per element: ``kind``, ``element_id``, ``name``,
        ``mode``, ``country``, ``flow_t_per_year``, ``capacity_t_per_year``, ``v_c``,
        ``delay_h``, ``delay_t_h_per_year`` (rounded as in :meth:`to_dict`)."""
        import pandas as pd

        return pd.DataFrame(
            [e.to_dict() for e in self.bottlenecks(top)], columns=list(ElementLoad.__slots__)
        )


@dataclass(frozen=True, eq=False)
class CorridorNetwork:
    """The assignment network of one corridor run: a view of the compiled graph's CSR.

    Shared with the graph: the vertices (graph states; a node id is the state index, so
    zones are start and end states), the arcs and their order (the graph's CSR order, already
    sorted by tail, so nothing is sorted again), and, in a year where every arc exists, the
    ``indptr``, ``tail`` and ``head`` arrays themselves. Per run: which arcs take part (those
    available in the year; the others are left out, with ``indptr`` recounted) and each
    link's volume-delay function, from the atlas capacities converted by the settings and the
    fixed cost of the objective. The network's input order is its CSR order, so per-link
    results map to graph arcs through :attr:`graph_arc` alone.

    Attributes:
        network: the assignment network; its link ``k`` is graph arc ``graph_arc[k]``.
        graph_arc: the graph arc of each link (the crosswalk back, ascending).
        capacity_t_per_year: capacity of every graph arc (t/year), NaN where it has none.
        fixed_h: fixed generalised cost of every graph arc (h; zero for the time objective).
        uncapacitated: how many link and transfer arcs of the graph (open in any year) have
            no freight capacity.
    """

    network: AssignmentNetwork
    graph_arc: npt.NDArray[np.int64]
    capacity_t_per_year: npt.NDArray[np.float64]
    fixed_h: npt.NDArray[np.float64]
    uncapacitated: dict[str, int]

    def on_graph(
        self, values: npt.NDArray[np.float64], *, elsewhere: float | npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """Per-link ``values`` spread onto every graph arc; ``elsewhere`` (one value, or one
        per graph arc) on the arcs that are not in this run."""
        out = np.array(np.broadcast_to(elsewhere, self.capacity_t_per_year.shape), dtype=float)
        out[self.graph_arc] = values
        return out


def _vot_usd_per_teu_h(graph: Graph, settings: FreightSettings) -> float:
    """The settings' value of time, else the atlas's container figure (USD per TEU-hour);
    an :class:`~tripp.errors.InputError` where neither gives one."""
    if settings.vot_usd_per_teu_h is not None:
        return settings.vot_usd_per_teu_h
    return atlas_vot(graph.atlas)


def corridor_network(graph: Graph, *, year: int, settings: FreightSettings) -> CorridorNetwork:
    """The assignment network of ``graph`` in ``year``: its CSR restricted to the arcs
    available then, with the volume-delay functions ``settings`` give them."""
    usable = (graph.available_from_year <= year) & cargo_mask(graph, DEFAULT_CARGO_TYPE)
    csr, arcs = graph.csr.restrict(usable)
    capacity, kind, missing = _capacities(graph, settings)
    fixed_h = (
        graph.cost_usd_per_teu / _vot_usd_per_teu_h(graph, settings)
        if settings.objective == "generalized"
        else np.zeros(graph.n_arcs)
    )
    has_cap = ~np.isnan(capacity[arcs])
    kind = np.where(has_cap, kind[arcs], VdfKind.BPR)  # no capacity: constant free-flow time
    queue = kind == VdfKind.QUEUE
    network = network_from_csr(
        csr,
        free_flow_time=graph.time_h[arcs],
        capacity=np.where(has_cap, capacity[arcs], 1.0),
        alpha=np.where(has_cap, np.where(queue, settings.queue_j, settings.bpr_alpha), 0.0),
        beta=np.where(queue, settings.queue_rho_bar, settings.bpr_beta),
        vdf_kind=kind,
        fixed_cost=fixed_h[arcs],
    )
    return CorridorNetwork(network, arcs, capacity, fixed_h, missing)


def _capacities(
    graph: Graph, settings: FreightSettings
) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Capacity (t/year, NaN if none) and VDF kind of every arc; count of uncapacitated.

    A link arc takes its link's capacity (BPR; ferries the queue curve). A transition arc
    takes the capacity of its transfer (port, gauge change) and of its border crossing; where
    it has both, the smaller binds. Transfers and crossings queue. An element without a
    capacity in a freight unit counts as uncapacitated ("links", "transfers", "crossings"):
    its arcs keep their free-flow time, and unknown is never read as infinite.
    """
    atlas = graph.atlas
    capacity = np.full(graph.n_arcs, np.nan)
    kind = np.full(graph.n_arcs, VdfKind.BPR, dtype=np.int64)
    missing: dict[str, int] = defaultdict(int)
    for arc in range(graph.n_arcs):
        values: list[float] = []
        if graph.kind[arc] == ARC_LINK:
            link = atlas.links[int(graph.link[arc])]
            value = settings.t_per_year(link.capacity, link.capacity_unit)
            if link.mode == "ferry":
                kind[arc] = VdfKind.QUEUE
            if value is None:
                missing["links"] += 1
            else:
                values.append(value)
        elif graph.kind[arc] == ARC_TRANSITION:
            if graph.transfer[arc] >= 0:
                row = atlas.transfers[int(graph.transfer[arc])]
                value = settings.t_per_year(row.capacity, row.capacity_unit)
                kind[arc] = VdfKind.QUEUE
                if value is None:
                    missing["transfers"] += 1
                else:
                    values.append(value)
            if graph.crossing[arc] >= 0:
                border = atlas.crossings[int(graph.crossing[arc])]
                value = None
                if border.capacity is not None:
                    amount, unit = to_canonical_capacity(border.capacity, border.capacity_unit)
                    value = settings.t_per_year(amount, unit)
                kind[arc] = VdfKind.QUEUE
                if value is None:
                    missing["crossings"] += 1
                else:
                    values.append(value)
        positive = [v for v in values if v > 0]
        if positive:
            capacity[arc] = min(positive)
    return capacity, kind, dict(missing)


def _demand_rows(atlas: Atlas, demand_year: int | None) -> list[DemandRow]:
    return [r for r in atlas.demand_in(demand_year) if (r.t_per_year or 0) > 0]


def assign_corridor(
    graph: Graph,
    *,
    scenario: str,
    year: int,
    demand_year: int | None,
    settings: FreightSettings | None = None,
    algorithm: str = "bfw",
    gap: float = 1e-4,
    max_iter: int = 500,
) -> CorridorAssignment:
    """Assign the demand rows of ``demand_year`` on the network of ``year``."""
    from tripp.assignment.equilibrium import assign  # loads Numba: only when a run solves

    settings = settings or FreightSettings()
    view = corridor_network(graph, year=year, settings=settings)
    network = view.network
    free_h = graph.time_h[view.graph_arc]
    totals: dict[tuple[int, int], float] = defaultdict(float)
    unserved = []
    rows = _demand_rows(graph.atlas, demand_year)
    for row in rows:
        source = int(graph.start_state[graph.node_index(row.origin)])
        target = int(graph.end_state[graph.node_index(row.destination)])
        if shortest_path(network.csr.indptr, network.head, free_h, source, target) is None:
            unserved.append(
                {
                    "origin": row.origin,
                    "destination": row.destination,
                    "commodity": row.commodity,
                    "t_per_year": row.t_per_year,
                }
            )
        else:
            totals[(source, target)] += float(row.t_per_year or 0)
    zones = np.array(sorted({s for pair in totals for s in pair}), dtype=np.int64)
    position = {int(z): i for i, z in enumerate(zones)}
    trips = np.zeros((len(zones), len(zones)))
    for (source, target), tonnes in totals.items():
        trips[position[source], position[target]] += tonnes
    if totals:
        result = assign(
            network,
            Demand(zone_nodes=network.node_index(zones), trips=trips, source="demand.csv"),
            AssignmentSpec(algorithm, gap, max_iter),
        )
        arc_flow = view.on_graph(result.flow, elsewhere=0.0)
        arc_time = view.on_graph(result.cost - view.fixed_h[view.graph_arc], elsewhere=graph.time_h)
        run = (result.algorithm, result.iterations, result.relative_gap, result.converged)
    else:
        arc_flow, arc_time, run = (
            np.zeros(graph.n_arcs),
            np.array(graph.time_h),
            (algorithm, 0, 0.0, True),
        )
    elements = _elements(graph, arc_flow, arc_time, view.capacity_t_per_year)
    return CorridorAssignment(
        scenario,
        year,
        demand_year,
        run[0],
        run[1],
        run[2],
        run[3],
        sum(float(r.t_per_year or 0) for r in rows),
        tuple(unserved),
        elements,
        view.uncapacitated,
        arc_flow,
        view.capacity_t_per_year,
    )


def arcs_by_element(graph: Graph, arcs: np.ndarray) -> dict[tuple[str, int], list[int]]:
    """Graph ``arcs`` grouped by the atlas element they belong to: ``("link", i)``,
    ``("transfer", i)`` or ``("crossing", i)`` (an arc that is both a transfer and a
    crossing is in both groups)."""
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for arc in arcs.tolist():
        if graph.kind[arc] == ARC_LINK:
            groups[("link", int(graph.link[arc]))].append(arc)
        elif graph.kind[arc] == ARC_TRANSITION:
            if graph.transfer[arc] >= 0:
                groups[("transfer", int(graph.transfer[arc]))].append(arc)
            if graph.crossing[arc] >= 0:
                groups[("crossing", int(graph.crossing[arc]))].append(arc)
    return groups


def _elements(
    graph: Graph, flow: np.ndarray, time_h: np.ndarray, capacity: np.ndarray
) -> tuple[ElementLoad, ...]:
    """Aggregate arc flows to atlas links, port transfers and border crossings."""
    atlas = graph.atlas
    groups = arcs_by_element(graph, np.flatnonzero(flow > 0))
    nodes = atlas.node_by_id
    out = []
    for (kind, index), arcs in groups.items():
        a = np.array(arcs)
        delay = np.maximum(time_h[a] - graph.time_h[a], 0.0)
        caps = capacity[a]
        ratios = flow[a] / caps
        worst = int(np.nanargmax(ratios)) if np.isfinite(ratios).any() else int(np.argmax(flow[a]))
        if kind == "link":
            link = atlas.links[index]
            ident, name, mode, country = (
                link.link_id,
                f"{nodes[link.from_node].name} – {nodes[link.to_node].name}",
                link.mode,
                link.country,
            )
        elif kind == "transfer":
            row = atlas.transfers[index]
            ident = f"{row.node_id}:{row.from_mode}:{row.to_mode}"
            name, mode, country = (
                nodes[row.node_id].name,
                f"{row.from_mode}→{row.to_mode}",
                nodes[row.node_id].country,
            )
        else:
            c = atlas.crossings[index]
            ident = f"{c.node_id}:{c.from_country}:{c.to_country}:{c.mode}"
            name, mode, country = nodes[c.node_id].name, c.mode, f"{c.from_country}→{c.to_country}"
        finite_cap = caps[np.isfinite(caps)]
        out.append(
            ElementLoad(
                kind,
                ident,
                name,
                mode,
                country,
                float(flow[a].sum()),
                float(finite_cap.max()) if finite_cap.size else None,
                float(ratios[worst]) if np.isfinite(ratios[worst]) else None,
                float(delay[worst]),
                float((flow[a] * delay).sum()),
            )
        )
    return tuple(sorted(out, key=lambda e: -e.flow_t_per_year))
