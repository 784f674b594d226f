"""A synthetic country-sized OpenStreetMap extract, written with pyosmium's SimpleWriter.

The network is a lattice of junctions over the borders of Türkiye, Georgia, Armenia and
Azerbaijan (lon 41.9–46.4, lat 39.6–41.7, with a little of Iran), so the importer takes the
countries from tripp's bundled outlines and meets real borders:

* every lattice edge is a line between two junctions: rail on every fifth row and column
  (``railway=rail`` with ``gauge`` 1435 west of 43.0° E and 1520 east of it, ``maxspeed``,
  ``electrified``, ``usage``), a road elsewhere (``highway=motorway|trunk|primary|secondary``,
  some with ``maxspeed``); a rail edge is drawn as three ways in a row (a degree-2 chain the
  importer merges), a road edge as one;
* about a third of the ways are what an importer must drop: residential, service,
  unclassified and track roads and rail sidings (``service=siding``), each a dead end that
  shares its first node with a line (a junction of the raw data);
* one rail edge in fifty is a tourist line (``usage=tourism``, dropped too);
* ferries (``route=ferry`` with a ``duration``) join junctions a few edges apart, their ends
  tagged ``amenity=ferry_terminal``; every tenth rail junction is a ``railway=station``.

Ids are dense and ascending (nodes, then ways), so the file is written in one pass without
holding the ways in memory. Use :func:`write_synthetic_pbf`; :func:`plan` gives the sizes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

WEST, EAST, SOUTH, NORTH = 41.9, 46.4, 39.6, 41.7
RAIL_EVERY = 5  # every fifth lattice row and column is a railway
RAIL_WAYS_PER_EDGE = 3  # a rail edge is a degree-2 chain of three ways
GAUGE_BORDER_LON = 43.0  # 1435 mm west of it (Türkiye), 1520 mm east
ROAD_CLASSES = ("motorway", "trunk", "primary", "secondary", "secondary", "primary")
DROPPED_ROADS = ("residential", "service", "unclassified", "track", "residential")
DROPPED_SHARE = 0.3  # share of all ways that the importer must drop


@dataclass(frozen=True)
class Plan:
    """Sizes of the synthetic extract: a ``side`` × ``side`` lattice of junctions."""

    side: int
    nodes_per_way: int
    n_spurs: int
    n_ferries: int

    @property
    def n_edges(self) -> int:
        return 2 * self.side * (self.side - 1)

    def is_rail_edge(self, edge: int) -> bool:
        _, row, col, _ = self.edge_ends(edge)
        horizontal = edge < self.side * (self.side - 1)
        return (row if horizontal else col) % RAIL_EVERY == 0

    def ways_of_edge(self, edge: int) -> int:
        return RAIL_WAYS_PER_EDGE if self.is_rail_edge(edge) else 1

    def edge_ends(self, edge: int) -> tuple[int, int, int, int]:
        """(from junction, row, col, to junction) of lattice edge ``edge`` (horizontal
        edges first, then vertical)."""
        half = self.side * (self.side - 1)
        if edge < half:
            row, col = divmod(edge, self.side - 1)
            return self.junction(row, col), row, col, self.junction(row, col + 1)
        col, row = divmod(edge - half, self.side - 1)
        return self.junction(row, col), row, col, self.junction(row + 1, col)

    def junction(self, row: int, col: int) -> int:
        return 1 + row * self.side + col

    def junction_location(self, junction: int) -> tuple[float, float]:
        row, col = divmod(junction - 1, self.side)
        return (
            WEST + (EAST - WEST) * col / (self.side - 1),
            SOUTH + (NORTH - SOUTH) * row / (self.side - 1),
        )


def plan(ways: int, nodes_per_way: int) -> Plan:
    """The lattice whose lines, dropped spurs and ferries make about ``ways`` ways."""
    rail_share = 1 / RAIL_EVERY  # of the rows (and columns) of edges
    ways_per_edge = rail_share * RAIL_WAYS_PER_EDGE + (1 - rail_share)
    line_ways = ways * (1 - DROPPED_SHARE)
    side = max(3, round(math.sqrt(line_ways / ways_per_edge / 2)))
    n_ferries = max(2, side // 4)
    probe = Plan(side, nodes_per_way, 0, n_ferries)
    n_line_ways = sum(probe.ways_of_edge(e) for e in range(probe.n_edges))
    return Plan(side, nodes_per_way, max(0, ways - n_line_ways - n_ferries), n_ferries)


def write_synthetic_pbf(path: Path, ways: int, nodes_per_way: int) -> dict[str, int]:
    """Write the extract to ``path`` (replaced); returns its counts of nodes and ways."""
    import osmium

    layout = plan(ways, nodes_per_way)
    interior = _interior_counts(layout)
    starts = _interior_starts(layout, interior)
    ferries = _ferries(layout)
    terminals = {end for pair in ferries for end in pair}
    path.parent.mkdir(parents=True, exist_ok=True)
    counts = {"nodes": 0, "ways": 0, "line_ways": 0, "dropped_ways": 0, "ferry_ways": 0}
    node_cls, way_cls = osmium.osm.mutable.Node, osmium.osm.mutable.Way
    with osmium.SimpleWriter(str(path), overwrite=True) as writer:
        for junction in range(1, layout.side * layout.side + 1):
            tags = _junction_tags(layout, junction, terminals)
            writer.add_node(
                node_cls(id=junction, location=layout.junction_location(junction), tags=tags)
            )
        next_id = layout.side * layout.side + 1
        for edge in range(layout.n_edges):
            start, _, _, stop = layout.edge_ends(edge)
            (x0, y0), (x1, y1) = layout.junction_location(start), layout.junction_location(stop)
            n = interior[edge]
            for i in range(1, n + 1):
                location = _along(x0, y0, x1, y1, i / (n + 1))
                writer.add_node(node_cls(id=next_id, location=location))
                next_id += 1
        spur_base = next_id
        for spur in range(layout.n_spurs):
            _, (x, y) = _spur_anchor(layout, interior, starts, spur)
            for j in range(1, nodes_per_way):
                writer.add_node(
                    node_cls(id=next_id, location=(x + 0.0002 * j, y + 0.0003 * j * (spur % 3 - 1)))
                )
                next_id += 1
        counts["nodes"] = next_id - 1
        way_id = 1
        for edge in range(layout.n_edges):
            start, _, _, stop = layout.edge_ends(edge)
            refs = [start, *range(starts[edge], starts[edge] + interior[edge]), stop]
            step = nodes_per_way - 1
            for part in range(layout.ways_of_edge(edge)):
                tags = _line_tags(layout, edge)
                writer.add_way(
                    way_cls(
                        id=way_id, nodes=refs[part * step : part * step + nodes_per_way], tags=tags
                    )
                )
                way_id += 1
                counts["line_ways"] += 1
        for spur in range(layout.n_spurs):
            anchor, _ = _spur_anchor(layout, interior, starts, spur)
            first = spur_base + spur * (nodes_per_way - 1)
            refs = [anchor, *range(first, first + nodes_per_way - 1)]
            writer.add_way(way_cls(id=way_id, nodes=refs, tags=_dropped_tags(spur)))
            way_id += 1
            counts["dropped_ways"] += 1
        for k, (a, b) in enumerate(ferries):
            tags = {"route": "ferry", "duration": f"0{1 + k % 3}:{15 * (k % 4):02d}"}
            writer.add_way(way_cls(id=way_id, nodes=[a, b], tags=tags))
            way_id += 1
            counts["ferry_ways"] += 1
        counts["ways"] = way_id - 1
    return counts


def _interior_counts(layout: Plan) -> list[int]:
    """New nodes inside each lattice edge: ``nodes_per_way`` per way, ends shared."""
    step = layout.nodes_per_way - 1
    return [layout.ways_of_edge(e) * step - 1 for e in range(layout.n_edges)]


def _interior_starts(layout: Plan, interior: list[int]) -> list[int]:
    """The id of the first interior node of each edge (they follow the junctions)."""
    starts, next_id = [], layout.side * layout.side + 1
    for count in interior:
        starts.append(next_id)
        next_id += count
    return starts


def _spur_anchor(
    layout: Plan, interior: list[int], starts: list[int], spur: int
) -> tuple[int, tuple[float, float]]:
    """The node of a line a dropped spur starts from (a node inside an edge) and where."""
    edge = (spur * 7919) % layout.n_edges
    start, _, _, stop = layout.edge_ends(edge)
    (x0, y0), (x1, y1) = layout.junction_location(start), layout.junction_location(stop)
    i = 1 + spur % interior[edge]
    return starts[edge] + i - 1, _along(x0, y0, x1, y1, i / (interior[edge] + 1))


def _along(x0: float, y0: float, x1: float, y1: float, t: float) -> tuple[float, float]:
    """The point at fraction ``t`` of an edge, bowed a little sideways (lines are not
    straight)."""
    bow = 0.015 * (x1 - x0 + y1 - y0) * math.sin(math.pi * t)
    return x0 + (x1 - x0) * t + bow * (y1 - y0 != 0), y0 + (y1 - y0) * t + bow * (x1 - x0 != 0)


def _ferries(layout: Plan) -> list[tuple[int, int]]:
    """Pairs of junctions three columns apart, spread over the lattice."""
    pairs = []
    for k in range(layout.n_ferries):
        row = (k * 37) % layout.side
        col = (k * 53) % max(1, layout.side - 3)
        pairs.append((layout.junction(row, col), layout.junction(row, col + 3)))
    return pairs


def _junction_tags(layout: Plan, junction: int, terminals: set[int]) -> dict[str, str]:
    row, col = divmod(junction - 1, layout.side)
    if junction in terminals:
        return {"amenity": "ferry_terminal", "name": f"Port {junction}"}
    on_rail = row % RAIL_EVERY == 0 or col % RAIL_EVERY == 0
    if on_rail and (row + col) % 10 == 0:
        return {"railway": "station", "name": f"Station {junction}"}
    return {}


def _line_tags(layout: Plan, edge: int) -> dict[str, str]:
    start, row, col, _ = layout.edge_ends(edge)
    if layout.is_rail_edge(edge):
        lon = layout.junction_location(start)[0]
        tags = {
            "railway": "rail",
            "gauge": "1435" if lon < GAUGE_BORDER_LON else "1520",
            "maxspeed": ("80", "100", "120")[edge % 3],
            "electrified": "contact_line" if edge % 2 else "no",
            "usage": "main" if edge % 4 else "branch",
        }
        if edge % 50 == 7:
            tags["usage"] = "tourism"
        return tags
    tags = {"highway": ROAD_CLASSES[(row * 3 + col) % len(ROAD_CLASSES)]}
    if edge % 3 == 0:
        tags["maxspeed"] = ("90", "110", "70")[edge % 9 // 3]
    return tags


def _dropped_tags(spur: int) -> dict[str, str]:
    if spur % 10 == 0:
        return {"railway": "rail", "service": "siding", "gauge": "1520"}
    return {"highway": DROPPED_ROADS[spur % len(DROPPED_ROADS)]}
