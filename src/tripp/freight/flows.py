"""Modelled freight volumes per atlas element: the verb behind ``tripp flows SCENARIO``.

:func:`flows` runs the corridor assignment of a scenario (as ``tripp bottlenecks`` does) and
reads its graph-arc flows (t/year) back onto the atlas:

* **link** — both directions summed; ``capacity_t_per_year`` is the link's capacity (per
  direction, as the assignment applies it) and ``v_c`` the most loaded direction's ratio;
* **transfer** — a mode or gauge change at a node (a transfers.csv row), all its arcs;
* **crossing** — a border-crossing process (a crossings.csv row), per direction and mode;
* **port** — a node with a ``sea`` or ``ferry`` link that is not a sea ``waypoint``: its
  throughput is the flow on every such link that starts or ends there, both directions
  summed (loaded + unloaded); its capacity is the largest capacity of its transfers to or
  from ``sea`` or ``ferry`` (the atlas records a port's capacity on its transfers).

TEU count the containers of the container cargo type (TEU = its tonnes / 10 t); bulk,
liquid and ro-ro tonnes add no TEU. (An equilibrium run, which routes every row as
containers, counts all tonnes / ``t_per_teu``.) An element without a capacity in the atlas
has ``capacity_t_per_year`` and ``v_c`` None (unknown, never infinite).

A corridor's total (``corridors``: one per tag of the links.csv ``corridors`` column) is
the tonnes (and TEU) of the routes that use at least one of its links, from the route
choice's path flows. An equilibrium run keeps link flows only; there it is the largest
link flow among the corridor's links, a lower bound.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tripp.freight.corridor import CorridorAssignment, arcs_by_element
from tripp.freight.scenario import bottlenecks
from tripp.freight.settings import FreightSettings
from tripp.graph.compile import Graph

if TYPE_CHECKING:
    import pandas as pd

    from tripp.atlas.model import Atlas
    from tripp.scenarios.network import ScenarioNetwork

__all__ = ["WATER_MODES", "CorridorFlow", "ElementFlow", "Flows", "flows", "port_nodes"]

#: Modes whose links make a node a port (and count in its throughput).
WATER_MODES = ("sea", "ferry")
#: The order elements are listed in, within equal flows.
KINDS = ("link", "port", "transfer", "crossing")
#: Keys of an element in :meth:`Flows.to_dict` (and of a link feature's properties).
ELEMENT_KEYS = (
    "element_id",
    "kind",
    "mode",
    "from",
    "to",
    "name",
    "t_per_year",
    "teu_per_year",
    "capacity_t_per_year",
    "v_c",
)


@dataclass(frozen=True, slots=True)
class ElementFlow:
    """Modelled volume on one atlas element in one year.

    ``source`` and ``target`` are the JSON ``from`` and ``to``: node ids for a link, modes
    (with gauge in mm) for a transfer, countries for a crossing, None for a port. ``node_id``
    is where a transfer, crossing or port is (None for a link); ``corridors`` a link's tags.
    """

    element_id: str
    kind: str
    mode: str
    source: str | None
    target: str | None
    name: str
    t_per_year: float
    teu_per_year: float
    capacity_t_per_year: float | None
    v_c: float | None
    node_id: str | None = None
    corridors: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping with the keys of :data:`ELEMENT_KEYS` (floats to 4 decimals)."""
        values = {
            "element_id": self.element_id,
            "kind": self.kind,
            "mode": self.mode,
            "from": self.source,
            "to": self.target,
            "name": self.name,
            "t_per_year": self.t_per_year,
            "teu_per_year": self.teu_per_year,
            "capacity_t_per_year": self.capacity_t_per_year,
            "v_c": self.v_c,
        }
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in values.items()}


@dataclass(frozen=True, slots=True)
class CorridorFlow:
    """A corridor tag's total: the largest link flow among its links (t/year), a lower
    bound of the tonnes that use the corridor."""

    corridor: str
    t_per_year: float
    teu_per_year: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping: ``corridor``, ``t_per_year``, ``teu_per_year``."""
        return {
            "corridor": self.corridor,
            "t_per_year": round(self.t_per_year, 4),
            "teu_per_year": round(self.teu_per_year, 4),
        }


@dataclass(frozen=True, eq=False)
class Flows:
    """Volumes per element and per corridor of one scenario's assignment (t/year, TEU/year).

    ``elements`` holds every link, transfer, crossing and port that exists in ``year``,
    those without flow included, most loaded first; ``assignment`` is the run they come
    from (convergence, unserved demand) on ``graph`` (its ``arc_flow_t_per_year`` indexes
    the graph's arcs); ``t_per_teu`` the factor TEU were derived with.
    """

    scenario: str
    year: int
    t_per_teu: float
    elements: tuple[ElementFlow, ...]
    corridors: tuple[CorridorFlow, ...]
    assignment: CorridorAssignment
    graph: Graph = field(repr=False)

    @property
    def atlas(self) -> Atlas:
        """The atlas the volumes are on (the scenario's)."""
        return self.graph.atlas

    def element(self, kind: str, element_id: str) -> ElementFlow | None:
        """The element of ``kind`` with ``element_id``; None if it does not exist in the year."""
        return self._index().get((kind, element_id))

    def link_t_per_year(self, link_ids: tuple[str, ...] | list[str], *, teu: bool = False) -> float:
        """Modelled tonnes (``teu``: TEU) on ``link_ids``, both directions summed (0 for a
        link absent in the year)."""
        index = self._index()
        found = [e for i in link_ids if (e := index.get(("link", i))) is not None]
        return _total(found, teu)

    def port_t_per_year(self, node_id: str, *, teu: bool = False) -> float:
        """Throughput of ``node_id``: flow on every ``sea`` or ``ferry`` link that starts or
        ends there, both directions summed (t/year; ``teu``: TEU/year)."""
        return _total(
            [
                e
                for e in self.elements
                if e.kind == "link" and e.mode in WATER_MODES and node_id in (e.source, e.target)
            ],
            teu,
        )

    def crossing_t_per_year(self, node_id: str, *, teu: bool = False) -> float:
        """Flow through every border-crossing process at ``node_id``, all directions and
        modes (t/year; ``teu``: TEU/year)."""
        return _total(
            [e for e in self.elements if e.kind == "crossing" and e.node_id == node_id], teu
        )

    def _index(self) -> dict[tuple[str, str], ElementFlow]:
        cached: dict[tuple[str, str], ElementFlow] | None = self.__dict__.get("_by_id")
        if cached is None:
            cached = {(e.kind, e.element_id): e for e in self.elements}
            self.__dict__["_by_id"] = cached
        return cached

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape: ``scenario``, ``year``, ``elements`` (all of them, with
        :data:`ELEMENT_KEYS`) and ``corridors``."""
        return {
            "scenario": self.scenario,
            "year": self.year,
            "elements": [e.to_dict() for e in self.elements],
            "corridors": [c.to_dict() for c in self.corridors],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_geojson(self) -> dict[str, Any]:
        """A FeatureCollection of the link elements (straight lines between their nodes,
        lon/lat WGS 84) with the element keys as properties."""
        nodes = self.atlas.node_by_id
        features = []
        for e in self.elements:
            if e.kind != "link" or e.source is None or e.target is None:
                continue
            a, b = nodes[e.source], nodes[e.target]
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [[a.lon, a.lat], [b.lon, b.lat]],
                    },
                    "properties": e.to_dict(),
                }
            )
        return {"type": "FeatureCollection", "features": features}

    def to_frame(self) -> pd.DataFrame:
        """One row per element with the columns of :data:`ELEMENT_KEYS`."""
        import pandas as pd

        return pd.DataFrame([e.to_dict() for e in self.elements], columns=list(ELEMENT_KEYS))


def _total(elements: list[ElementFlow], teu: bool) -> float:
    """Sum of the elements' TEU/year (``teu``) or t/year."""
    return sum(e.teu_per_year if teu else e.t_per_year for e in elements)


def flows(
    network: ScenarioNetwork,
    *,
    year: int | None = None,
    demand_year: int | None = None,
    settings: FreightSettings | None = None,
) -> Flows:
    """Modelled volumes (t/year and TEU/year) per link, transfer, crossing and port, with
    capacity and volume/capacity, and totals per corridor tag.

    Runs :func:`~tripp.freight.scenario.bottlenecks` (route choice at stochastic user
    equilibrium) with ``year`` and ``demand_year`` as there; a run that stops short says
    so in ``result.assignment.converged``. Elements without a capacity in the atlas have
    ``v_c`` None. A corridor's total is the tonnes of the routes that use at least one of
    its links (see :mod:`tripp.freight.flows`).

    >>> import tripp
    >>> result = tripp.flows(tripp.scenario(tripp.load_atlas(), "baseline-2025"))
    >>> sorted(result.to_dict())
    ['corridors', 'elements', 'scenario', 'year']
    >>> abs(result.element("port", "alat").t_per_year - result.port_t_per_year("alat")) < 1e-6
    True
    """
    settings = settings or FreightSettings()
    assignment = bottlenecks(network, year=year, demand_year=demand_year, settings=settings)
    return flows_of(network.graph, assignment, settings=settings)


def flows_of(graph: Graph, assignment: CorridorAssignment, *, settings: FreightSettings) -> Flows:
    """:class:`Flows` of an assignment already run on ``graph`` with ``settings``."""
    capacity = assignment.arc_capacity_t_per_year
    flow = assignment.arc_flow_t_per_year
    teu = assignment.arc_teu_per_year
    arcs = arcs_by_element(graph, np.flatnonzero(graph.available_from_year <= assignment.year))
    t_per_teu = settings.t_per_teu
    atlas = graph.atlas
    nodes = atlas.node_by_id
    elements: list[ElementFlow] = []
    for (kind, index), members in arcs.items():
        a = np.array(members, dtype=np.int64)
        tonnes = float(flow[a].sum())
        cap, v_c = _capacity_and_ratio(flow[a], capacity[a])
        if kind == "link":
            link = atlas.links[index]
            ident, mode, source, target = link.link_id, link.mode, link.from_node, link.to_node
            name = f"{nodes[source].name} – {nodes[target].name}"
            node, tags = None, link.corridors
        elif kind == "transfer":
            row = atlas.transfers[index]
            ident = f"{row.node_id}:{row.from_mode}:{row.to_mode}"
            mode = f"{row.from_mode}→{row.to_mode}"
            source = _layer(row.from_mode, row.from_gauge_mm)
            target = _layer(row.to_mode, row.to_gauge_mm)
            name, node, tags = nodes[row.node_id].name, row.node_id, ()
        else:
            c = atlas.crossings[index]
            ident = f"{c.node_id}:{c.from_country}:{c.to_country}:{c.mode}"
            mode, source, target = c.mode, c.from_country, c.to_country
            name, node, tags = nodes[c.node_id].name, c.node_id, ()
        elements.append(
            ElementFlow(
                ident,
                kind,
                mode,
                source,
                target,
                name,
                tonnes,
                float(teu[a].sum()),
                cap,
                v_c,
                node,
                tags,
            )
        )
    elements.extend(_ports(atlas, elements))
    elements.sort(key=lambda e: (-e.t_per_year, KINDS.index(e.kind), e.element_id))
    return Flows(
        assignment.scenario,
        assignment.year,
        t_per_teu,
        tuple(elements),
        _corridors(graph, elements, assignment),
        assignment,
        graph,
    )


def port_nodes(atlas: Atlas) -> list[str]:
    """Ids of the nodes that count as ports: an end of a ``sea`` or ``ferry`` link that is
    not a sea ``waypoint``."""
    kinds = {n.node_id: n.kind for n in atlas.nodes}
    ends = {
        end
        for link in atlas.links
        if link.mode in WATER_MODES
        for end in (link.from_node, link.to_node)
    }
    return sorted(node for node in ends if kinds[node] != "waypoint")


def _layer(mode: str, gauge_mm: int | None) -> str:
    return mode if gauge_mm is None else f"{mode} {gauge_mm} mm"


def _capacity_and_ratio(
    flow: np.ndarray, capacity: np.ndarray
) -> tuple[float | None, float | None]:
    """The element's capacity (t/year per direction, the largest of its arcs) and its most
    loaded arc's volume/capacity; None and None where no arc has a capacity."""
    known = np.isfinite(capacity) & (capacity > 0)
    if not known.any():
        return None, None
    return float(capacity[known].max()), float((flow[known] / capacity[known]).max())


def _ports(atlas: Atlas, elements: list[ElementFlow]) -> list[ElementFlow]:
    """Port elements: throughput over the water links that exist in the year."""
    water: dict[str, list[ElementFlow]] = defaultdict(list)
    for e in elements:
        if e.kind == "link" and e.mode in WATER_MODES:
            for end in (e.source, e.target):
                if end is not None:
                    water[end].append(e)
    capacity: dict[str, float] = {}
    for e in elements:
        water_side = any(m in WATER_MODES for m in e.mode.split("→"))
        cap = e.capacity_t_per_year
        if e.kind == "transfer" and water_side and e.node_id is not None and cap is not None:
            capacity[e.node_id] = max(capacity.get(e.node_id, 0.0), cap)
    nodes = atlas.node_by_id
    out = []
    for node in port_nodes(atlas):
        links = water.get(node)
        if not links:
            continue  # no water link exists in the year
        tonnes = sum(e.t_per_year for e in links)
        cap = capacity.get(node)
        modes = ";".join(sorted({e.mode for e in links}))
        out.append(
            ElementFlow(
                node,
                "port",
                modes,
                None,
                None,
                nodes[node].name,
                tonnes,
                sum(e.teu_per_year for e in links),
                cap,
                None if cap is None else tonnes / cap,
                node,
            )
        )
    return out


def _corridors(
    graph: Graph, elements: list[ElementFlow], assignment: CorridorAssignment
) -> tuple[CorridorFlow, ...]:
    """Per corridor tag: the tonnes and TEU of the routes that use one of its links (route
    choice), else the largest flow among its links (module docstring)."""
    run = assignment.choice
    if run is None:
        largest: dict[str, float] = {}
        for e in elements:
            for tag in e.corridors:
                largest[tag] = max(largest.get(tag, 0.0), e.t_per_year)
        teu = {tag: t / FreightSettings().t_per_teu for tag, t in largest.items()}
        return tuple(CorridorFlow(tag, t, teu[tag]) for tag, t in sorted(largest.items()))
    tags_of_link = [link.corridors for link in graph.atlas.links]
    tonnes: dict[str, float] = defaultdict(float)
    units: dict[str, float] = defaultdict(float)
    result = run.result
    for p in np.flatnonzero(result.path_flow > 0).tolist():
        arcs = result.paths.path(p)
        links = graph.link[arcs]
        tags = {tag for i in np.unique(links[links >= 0]).tolist() for tag in tags_of_link[i]}
        cls = int(result.path_class[p])
        for tag in tags:
            tonnes[tag] += float(result.path_flow[p])
            if run.classes[cls][0] == "container":
                units[tag] += float(result.path_flow[p]) / run.t_per_unit[cls]
    every = sorted({tag for e in elements for tag in e.corridors})
    return tuple(CorridorFlow(tag, tonnes.get(tag, 0.0), units.get(tag, 0.0)) for tag in every)
