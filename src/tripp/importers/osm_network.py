"""From segments to the atlas's network: countries, borders, ferry ends and merged chains.

1. Every topology node gets its country from the outlines (:mod:`.osm_countries`); a rail or
   road node in none is an error naming its OSM id, a node of ferries only in none lies in
   international waters (``XZ``).
2. A rail or road segment whose ends lie in different countries crosses a border: at its
   end that is a ``barrier=border_control`` node if it has one, else at each point where its
   line leaves one outline for another, where a ``border_crossing`` node is inserted. The
   border node lies in the country left (in the segment's direction); the link beyond it in
   the country entered.
3. A ferry end that is not already a rail or road node snaps to the nearest rail or road
   node within :data:`FERRY_SNAP_KM`; ferries lie in international waters (``XZ``).
4. Degree-2 chains merge across ways: a node that only joins two rail or road segments of
   the same class and country (and is no place, border or ferry end) disappears, and the
   chain becomes one link whose length is the sum of its segments'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from tripp.errors import InputError, Problem
from tripp.importers.osm_countries import countries_of, country_outlines
from tripp.importers.osm_read import OsmPlaces, OsmWays, pair_lengths_km
from tripp.importers.osm_topology import Segments, local_km
from tripp.units import INTERNATIONAL_WATERS

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: How far (km) a ferry end may lie from the rail or road node it is joined to.
FERRY_SNAP_KM: Final = 2.0
#: Problems listed at most when land nodes lie outside every country.
MAX_LISTED: Final = 20


@dataclass
class Network:
    """Nodes and links ready to become atlas rows. Nodes are indices into the node arrays;
    ``node_osm_id`` is -1 for an inserted border node."""

    node_osm_id: list[int]
    node_lon: list[float]
    node_lat: list[float]
    node_country: list[str]
    node_kind: list[str]  # place kind, "" for a plain topology node
    node_name: list[str]
    node_way: list[int]  # way of an inserted border node, 0 otherwise
    link_u: IntArray
    link_v: IntArray
    link_piece: IntArray
    link_length_km: FloatArray
    link_country: list[str]
    crossings: set[tuple[int, str, str, str]] = field(default_factory=set)
    gauge_changes: set[tuple[int, int, int]] = field(default_factory=set)
    ferry_transfers: set[tuple[int, str]] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)


def build_network(segments: Segments, ways: OsmWays, places: OsmPlaces) -> Network:
    """Assemble the network of ``segments`` (see the module docstring)."""
    class_mode = np.array([c.mode for c in ways.classes] or [""])
    mode = class_mode[ways.class_index[segments.piece]]
    is_ferry = mode == "ferry"
    network = _nodes(segments, places, is_ferry)
    u, v = segments.u.copy(), segments.v.copy()
    piece, length_km = segments.piece.copy(), segments.length_km.copy()
    country = np.array(network.node_country, dtype=object)[u]
    country[is_ferry] = INTERNATIONAL_WATERS
    u, v, piece, length_km, country_list = _split_at_borders(
        network, segments, ways, mode, (u, v, piece, length_km, country.tolist())
    )
    mode = class_mode[ways.class_index[piece]]
    _snap_ferries(network, u, v, mode == "ferry")
    _merge_chains(network, ways, mode, (u, v, piece, length_km, country_list))
    _transfers_and_ports(network, ways)
    return network


def _nodes(segments: Segments, places: OsmPlaces, is_ferry: npt.NDArray[np.bool_]) -> Network:
    """The topology nodes with their countries, place kinds and names."""
    countries = countries_of(segments.node_lon, segments.node_lat)
    on_land = np.zeros(len(countries), dtype=bool)
    on_land[segments.u[~is_ferry]] = True
    on_land[segments.v[~is_ferry]] = True
    lost = [i for i, code in enumerate(countries) if not code and on_land[i]]
    if lost:
        problems = [
            Problem(
                f"OSM node {segments.node_osm_id[i]}",
                f"at {segments.node_lon[i]:.5f}, {segments.node_lat[i]:.5f} lies in no country "
                "of the bundled outlines (lon -12…125, lat 0…62)",
                "give --bbox to leave it out, or import an extract inside the outlines",
            )
            for i in lost[:MAX_LISTED]
        ]
        raise InputError(problems)
    countries = [code or INTERNATIONAL_WATERS for code in countries]  # ferry nodes at sea
    kind = [""] * len(countries)
    name = [""] * len(countries)
    position = np.searchsorted(places.node_id, segments.node_osm_id)
    position = np.minimum(position, max(len(places.node_id) - 1, 0))
    if len(places.node_id):
        for i in np.flatnonzero(places.node_id[position] == segments.node_osm_id):
            kind[i], name[i] = places.kind[position[i]], places.name[position[i]]
    return Network(
        node_osm_id=segments.node_osm_id.tolist(),
        node_lon=segments.node_lon.tolist(),
        node_lat=segments.node_lat.tolist(),
        node_country=countries,
        node_kind=kind,
        node_name=name,
        node_way=[0] * len(countries),
        link_u=np.zeros(0, np.int64),
        link_v=np.zeros(0, np.int64),
        link_piece=np.zeros(0, np.int64),
        link_length_km=np.zeros(0),
        link_country=[],
    )


SegmentColumns = tuple[IntArray, IntArray, IntArray, FloatArray, list[str]]


def _split_at_borders(
    network: Network,
    segments: Segments,
    ways: OsmWays,
    mode: npt.NDArray[np.str_],
    columns: SegmentColumns,
) -> SegmentColumns:
    """Crossings at border controls, and border nodes where a segment leaves an outline."""
    u, v, piece, length_km, country = columns
    node_country, kind = network.node_country, network.node_kind
    countries = np.array(node_country, dtype=object)
    to_split = []
    for s in np.flatnonzero((mode != "ferry") & (countries[u] != countries[v])):
        a, b = int(u[s]), int(v[s])
        if kind[a] == "border_crossing" or kind[b] == "border_crossing":
            at, other = (a, b) if kind[a] == "border_crossing" else (b, a)
            country[s] = node_country[other]
            _add_crossing(network, at, node_country[at], node_country[other], str(mode[s]))
        else:
            to_split.append(s)
    network.counts["borders at border controls"] = len(
        {c[0] for c in network.crossings if network.node_kind[c[0]] == "border_crossing"}
    )
    if not to_split:
        return columns
    points = np.concatenate([np.arange(segments.first[s], segments.last[s] + 1) for s in to_split])
    point_country = dict(
        zip(points.tolist(), countries_of(ways.lon[points], ways.lat[points]), strict=True)
    )
    new: list[tuple[int, int, int, float, str]] = []
    for s in to_split:
        new.extend(_split_one(network, segments, ways, int(s), point_country, str(mode[s])))
    network.counts["border nodes inserted"] = sum(1 for w in network.node_way if w)
    keep = np.ones(len(u), dtype=bool)
    keep[to_split] = False
    return (
        np.concatenate([u[keep], np.array([n[0] for n in new], dtype=np.int64)]),
        np.concatenate([v[keep], np.array([n[1] for n in new], dtype=np.int64)]),
        np.concatenate([piece[keep], np.array([n[2] for n in new], dtype=np.int64)]),
        np.concatenate([length_km[keep], np.array([n[3] for n in new])]),
        [c for c, k in zip(country, keep, strict=True) if k] + [n[4] for n in new],
    )


def _split_one(
    network: Network,
    segments: Segments,
    ways: OsmWays,
    s: int,
    point_country: dict[int, str],
    mode: str,
) -> list[tuple[int, int, int, float, str]]:
    """Segment ``s`` cut at each change of country along its points (an interior point in
    no country keeps the country before it)."""
    import shapely

    first, last = int(segments.first[s]), int(segments.last[s])
    start, end = int(segments.u[s]), int(segments.v[s])
    codes = [network.node_country[start]]
    for p in range(first + 1, last):
        codes.append(point_country[p] or codes[-1])
    codes.append(network.node_country[end])
    cumulative = segments.cumulative_km
    outlines = country_outlines()
    pieces, tail, tail_km = [], start, 0.0
    for k in range(1, len(codes)):
        if codes[k] == codes[k - 1]:
            continue
        p = first + k
        line = shapely.LineString([(ways.lon[p - 1], ways.lat[p - 1]), (ways.lon[p], ways.lat[p])])
        left = outlines.geometries[outlines.codes.index(codes[k - 1])]
        cut = shapely.intersection(line, shapely.boundary(left))
        points = shapely.get_coordinates(cut)  # where the outline's boundary cuts the line
        if len(points):
            offsets = points - [ways.lon[p - 1], ways.lat[p - 1]]
            lon, lat = points[np.argmin(np.hypot(offsets[:, 0], offsets[:, 1]))]
        else:  # the outlines disagree with themselves here: the middle of the pair
            lon, lat = shapely.get_coordinates(line).mean(axis=0)
        to_cut_km = float(
            pair_lengths_km(np.array([ways.lon[p - 1], lon]), np.array([ways.lat[p - 1], lat]))[0]
        )
        along_km = cumulative[p - 1] - cumulative[first] + to_cut_km
        border = len(network.node_osm_id)
        network.node_osm_id.append(-1)
        network.node_lon.append(float(lon))
        network.node_lat.append(float(lat))
        network.node_country.append(codes[k - 1])
        network.node_kind.append("border_crossing")
        network.node_name.append(
            f"{codes[k - 1]}–{codes[k]} border (way {ways.way_id[segments.piece[s]]})"
        )
        network.node_way.append(int(ways.way_id[segments.piece[s]]))
        pieces.append((tail, border, int(segments.piece[s]), along_km - tail_km, codes[k - 1]))
        _add_crossing(network, border, codes[k - 1], codes[k], mode)
        tail, tail_km = border, along_km
    total = float(segments.length_km[s])
    pieces.append((tail, end, int(segments.piece[s]), total - tail_km, codes[-1]))
    return pieces


def _add_crossing(network: Network, node: int, left: str, entered: str, mode: str) -> None:
    """Crossing rows both ways at ``node`` for ``mode``."""
    network.crossings.add((node, left, entered, mode))
    network.crossings.add((node, entered, left, mode))


def _snap_ferries(
    network: Network, u: IntArray, v: IntArray, is_ferry: npt.NDArray[np.bool_]
) -> None:
    """Move ferry ends that no rail or road segment meets onto the nearest such node within
    :data:`FERRY_SNAP_KM` (in place); mark every ferry end as a port."""
    from scipy.spatial import cKDTree

    network.counts["ferry ends snapped"] = 0
    if not is_ferry.any():
        return
    land = np.unique(np.concatenate([u[~is_ferry], v[~is_ferry]]))
    lon, lat = np.array(network.node_lon), np.array(network.node_lat)
    snapped = 0
    if len(land):
        tree = cKDTree(local_km(lon[land], lat[land]))
    for ends in (u, v):
        for s in np.flatnonzero(is_ferry):
            node = int(ends[s])
            if len(land) and not np.isin(node, land):
                distance, nearest = tree.query(
                    local_km(lon[node : node + 1], lat[node : node + 1])[0],
                    distance_upper_bound=FERRY_SNAP_KM,
                )
                if np.isfinite(distance):
                    target = int(land[nearest])
                    if not network.node_name[target]:
                        network.node_name[target] = network.node_name[node]
                    ends[s] = target
                    snapped += 1
            end = int(ends[s])
            if network.node_kind[end] in ("", "rail_station"):
                network.node_kind[end] = "port"
    network.counts["ferry ends snapped"] = snapped


def _merge_chains(
    network: Network, ways: OsmWays, mode: npt.NDArray[np.str_], columns: SegmentColumns
) -> None:
    """Merge degree-2 chains into links (see the module docstring) and store the links."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    u, v, piece, length_km, country = columns
    n_nodes, n_segments = len(network.node_osm_id), len(u)
    class_key = ways.class_index[piece]
    ends = np.concatenate([u, v])
    end_segment = np.concatenate([np.arange(n_segments), np.arange(n_segments)])
    degree = np.bincount(ends, minlength=n_nodes)
    plain = np.array([not k for k in network.node_kind], dtype=bool)
    candidate = plain & (degree == 2)
    at = np.flatnonzero(candidate[ends])
    order = at[np.argsort(ends[at], kind="stable")]
    pairs = end_segment[order].reshape(-1, 2)
    country_arr = np.array(country, dtype=object)
    joinable = (
        (pairs[:, 0] != pairs[:, 1])
        & (class_key[pairs[:, 0]] == class_key[pairs[:, 1]])
        & (country_arr[pairs[:, 0]] == country_arr[pairs[:, 1]])
        & (mode[pairs[:, 0]] != "ferry")
    )
    merged_nodes = np.zeros(n_nodes, dtype=bool)
    merged_nodes[ends[order].reshape(-1, 2)[joinable, 0]] = True
    pairs = pairs[joinable]
    graph = coo_matrix(
        (np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n_segments, n_segments)
    )
    n_chains, chain = connected_components(graph, directed=False)
    terminal = np.flatnonzero(~merged_nodes[ends])
    terminal = terminal[np.argsort(chain[end_segment[terminal]], kind="stable")]
    chain_of_terminal = chain[end_segment[terminal]]
    counts = np.bincount(chain_of_terminal, minlength=n_chains)
    first_terminal = np.searchsorted(chain_of_terminal, np.arange(n_chains))
    has_ends = counts == 2
    from_node = ends[terminal[first_terminal[has_ends]]]
    to_node = ends[terminal[first_terminal[has_ends] + 1]]
    representative = np.full(n_chains, n_segments, dtype=np.int64)
    np.minimum.at(representative, chain, np.arange(n_segments))
    total_km = np.bincount(chain, weights=length_km, minlength=n_chains)
    rep = representative[has_ends]
    keep = from_node != to_node
    network.link_u, network.link_v = from_node[keep], to_node[keep]
    network.link_piece = piece[rep[keep]]
    network.link_length_km = total_km[has_ends][keep]
    network.link_country = [country[i] for i in rep[keep]]
    network.counts["segments"] = n_segments
    network.counts["chains merged"] = int(np.count_nonzero(np.bincount(chain) > 1))
    network.counts["loops dropped"] = int(n_chains - len(network.link_u))


def _transfers_and_ports(network: Network, ways: OsmWays) -> None:
    """Gauge changes where rail of two gauges meets; ferry ↔ rail/road transfers and the
    port crossings (country ↔ XZ) at every ferry end."""
    class_mode = np.array([c.mode for c in ways.classes] or [""])
    class_gauge = np.array([c.gauge_mm for c in ways.classes] or [0], dtype=np.int64)
    link_class = ways.class_index[network.link_piece]
    nodes = np.concatenate([network.link_u, network.link_v])
    mode = np.tile(class_mode[link_class], 2)
    gauge = np.tile(class_gauge[link_class], 2)
    rail = np.unique(np.column_stack([nodes[mode == "rail"], gauge[mode == "rail"]]), axis=0)
    mixed = np.flatnonzero(np.bincount(rail[:, 0], minlength=len(network.node_osm_id)) > 1)
    starts = np.searchsorted(rail[:, 0], mixed)  # rail is sorted by node, then gauge
    stops = np.searchsorted(rail[:, 0], mixed, side="right")
    for node, start, stop in zip(mixed.tolist(), starts, stops, strict=True):
        gauges = rail[start:stop, 1].tolist()
        for i, low in enumerate(gauges):
            for high in gauges[i + 1 :]:
                network.gauge_changes.add((node, low, high))
    at_ports = np.isin(nodes, nodes[mode == "ferry"])
    for node, mode_here in set(zip(nodes[at_ports].tolist(), mode[at_ports].tolist(), strict=True)):
        home = network.node_country[node]
        if home == INTERNATIONAL_WATERS:
            continue  # a ferry end at sea: no port to clear
        network.crossings.add((node, home, INTERNATIONAL_WATERS, "ferry"))
        network.crossings.add((node, INTERNATIONAL_WATERS, home, mode_here))
        if mode_here != "ferry":
            network.ferry_transfers.add((node, mode_here))
    network.counts["gauge changes"] = len(network.gauge_changes)
