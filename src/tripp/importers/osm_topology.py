"""Topology of the kept ways on flat arrays: topology nodes, the segments between them and
their geodesic lengths.

A node is a *topology node* when it ends a way piece, is used by two or more ways, or is a
place (station, ferry terminal, border control). Pieces are split at topology nodes into
*segments*; each segment's length is the sum of the WGS 84 geodesic distances
(``pyproj.Geod(ellps="WGS84")``, computed for all consecutive point pairs at once) between
its points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from tripp.importers.osm_read import OsmPlaces, OsmWays, pair_lengths_km

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: How far (km) a station, ferry terminal or border control drawn beside the line may lie
#: from the way node it is attached to.
PLACE_SNAP_KM: Final = 0.5
KM_PER_DEGREE_LAT: Final = 110.574


@dataclass(frozen=True, slots=True)
class Segments:
    """Segments between topology nodes. Nodes are indices into :attr:`node_osm_id`;
    ``first``/``last`` are positions of the segment's end points in the ways' flat arrays."""

    node_osm_id: IntArray  # OSM id of each topology node
    node_lon: FloatArray
    node_lat: FloatArray
    u: IntArray
    v: IntArray
    piece: IntArray
    first: IntArray
    last: IntArray
    length_km: FloatArray
    cumulative_km: FloatArray  # per point: geodesic km from its piece's start


def build_segments(ways: OsmWays, places: OsmPlaces) -> Segments:
    """Split ``ways`` at their topology nodes (see the module docstring)."""
    n_points = len(ways.node_id)
    lengths = np.diff(ways.offsets)
    piece_of = np.repeat(np.arange(ways.n_pieces), lengths)
    osm_ids, inverse = np.unique(ways.node_id, return_inverse=True)
    # count each way once per node: the second copy of a dual-gauge way does not count
    counted = ~ways.repeats_way[piece_of]
    uses = np.bincount(inverse[counted], minlength=len(osm_ids))
    is_topology = uses >= 2
    starts, ends = ways.offsets[:-1], ways.offsets[1:] - 1
    is_topology[inverse[starts]] = True
    is_topology[inverse[ends]] = True
    is_topology |= np.isin(osm_ids, places.node_id)

    pair_km = pair_lengths_km(ways.lon, ways.lat)
    cumulative = np.concatenate(([0.0], np.cumsum(pair_km)))
    cumulative -= np.repeat(cumulative[starts], lengths)  # km from the piece's start

    at = np.flatnonzero(is_topology[inverse])
    same_piece = piece_of[at[:-1]] == piece_of[at[1:]]
    first, last = at[:-1][same_piece], at[1:][same_piece]
    topology = np.flatnonzero(is_topology)
    index_of = np.full(len(osm_ids), -1, dtype=np.int64)
    index_of[topology] = np.arange(len(topology))
    first_point = np.zeros(len(osm_ids), dtype=np.int64)
    first_point[inverse[::-1]] = np.arange(n_points)[::-1]
    return Segments(
        node_osm_id=osm_ids[topology],
        node_lon=ways.lon[first_point[topology]],
        node_lat=ways.lat[first_point[topology]],
        u=index_of[inverse[first]],
        v=index_of[inverse[last]],
        piece=piece_of[first],
        first=first,
        last=last,
        length_km=cumulative[last] - cumulative[first],
        cumulative_km=cumulative,
    )


def local_km(lon: FloatArray, lat: FloatArray) -> FloatArray:
    """Points as (x, y) km on a plane tangent at each point's own latitude: good enough to
    find neighbours a few km apart."""
    return np.column_stack(
        [lon * np.cos(np.radians(lat)) * KM_PER_DEGREE_LAT, lat * KM_PER_DEGREE_LAT]
    )


def attach_places(ways: OsmWays, places: OsmPlaces) -> tuple[OsmPlaces, int]:
    """``places`` keyed to way nodes: a place that is a node of a kept way stays; one drawn
    beside the line moves to the nearest node of a kept way within :data:`PLACE_SNAP_KM`
    (a rail way for a station; any for a ferry terminal or border control) unless that node
    is a place already; the others are left out. Returns the places and how many moved."""
    from scipy.spatial import cKDTree

    on_way = np.isin(places.node_id, ways.node_id)
    off = np.flatnonzero(~on_way)
    kept = [int(i) for i in np.flatnonzero(on_way)]
    targets: dict[int, int] = {int(places.node_id[i]): int(i) for i in kept}
    moved = 0
    if len(off) and len(ways.node_id):
        rail_class = np.array([c.mode == "rail" for c in ways.classes] or [False])
        piece_is_rail = rail_class[ways.class_index]
        point_is_rail = np.repeat(piece_is_rail, np.diff(ways.offsets))
        for rail_only in (True, False):
            wanted = [i for i in off if (places.kind[i] == "rail_station") == rail_only]
            points = np.flatnonzero(point_is_rail) if rail_only else np.arange(len(ways.lon))
            if not wanted or not len(points):
                continue
            tree = cKDTree(local_km(ways.lon[points], ways.lat[points]))
            _, nearest = tree.query(
                local_km(places.lon[wanted], places.lat[wanted]),
                distance_upper_bound=PLACE_SNAP_KM,
            )
            for place, hit in zip(wanted, nearest, strict=True):
                if hit < len(points):
                    node = int(ways.node_id[points[hit]])
                    if node not in targets:
                        targets[node] = int(place)
                        moved += 1
    order = sorted(targets)
    chosen = [targets[node] for node in order]
    return (
        OsmPlaces(
            node_id=np.array(order, dtype=np.int64),
            lon=places.lon[chosen] if chosen else np.zeros(0),
            lat=places.lat[chosen] if chosen else np.zeros(0),
            kind=tuple(places.kind[i] for i in chosen),
            name=tuple(places.name[i] for i in chosen),
        ),
        moved,
    )
